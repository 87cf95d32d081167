package dev.unicorn.http2.hpack;

import dev.unicorn.http1.Http1Syntax;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes HPACK header blocks (RFC 7541) of one connection's receiving direction. The caller
 * hands it each complete header block (the fragments of a HEADERS or PUSH_PROMISE frame and
 * its CONTINUATION frames, concatenated), in the order received: blocks share the dynamic
 * table, so every block must be decoded, even one whose stream is refused.
 *
 * <p>Bounded: the dynamic table never exceeds the SETTINGS_HEADER_TABLE_SIZE the connection
 * advertised ({@link #setMaxTableSize}); the decoded header list (RFC 9113 §6.5.2: 32 + name +
 * value per field) may not exceed {@code maxHeaderListSize}. Past that limit the decoder stops
 * calling the sink but decodes the block to its end, so the table stays in step with the
 * peer's, and then throws an {@link HpackException} with
 * {@link HpackException#headerListTooLarge()} true. Table references cost no allocation, so a
 * block repeating a large table entry (an "HPACK bomb") costs only its own length in work.
 *
 * <p>Not thread-safe; one instance per connection.
 */
public final class HpackDecoder {
    private final DynamicTable table;
    private final int maxHeaderListSize;
    /** The limit set by our SETTINGS_HEADER_TABLE_SIZE; size updates may not exceed it. */
    private int maxTableSize;
    /** Set when our SETTINGS lowered the limit below the table's capacity: the next block must start with a size update. */
    private boolean sizeUpdateRequired;
    private byte[] scratch = new byte[256];

    /**
     * A decoder for a connection that advertises {@code maxTableSize} as its
     * SETTINGS_HEADER_TABLE_SIZE (4096 unless it sends another) and accepts header lists of up
     * to {@code maxHeaderListSize} octets.
     */
    public HpackDecoder(int maxTableSize, int maxHeaderListSize) {
        if (maxTableSize < 0 || maxHeaderListSize < 0) {
            throw new IllegalArgumentException("negative size");
        }
        this.maxTableSize = maxTableSize;
        this.maxHeaderListSize = maxHeaderListSize;
        this.table = new DynamicTable(maxTableSize);
    }

    /**
     * Applies a new SETTINGS_HEADER_TABLE_SIZE once the peer has acknowledged it. When it is
     * lower than the table's current capacity, the peer's next block must begin with a size
     * update within it (RFC 7541 §4.2).
     */
    public void setMaxTableSize(int maxTableSize) {
        if (maxTableSize < table.capacity()) {
            sizeUpdateRequired = true;
        }
        this.maxTableSize = maxTableSize;
    }

    /** The current dynamic table size in octets (RFC 7541 §4.1). */
    public int tableSize() {
        return table.size();
    }

    /** The dynamic table's current maximum size, as last set by a size update. */
    public int tableCapacity() {
        return table.capacity();
    }

    /**
     * Decodes one complete header block, from the buffer's position to its limit, and passes
     * each field to {@code sink}. The buffer's position ends at its limit.
     *
     * @throws HpackException a compression error (the connection must end), or a header list
     *     over the limit (only the stream is affected; the table is up to date)
     */
    public void decode(ByteBuffer block, HeaderSink sink) throws HpackException {
        byte[] in;
        int pos;
        int end;
        if (block.hasArray()) {
            in = block.array();
            pos = block.arrayOffset() + block.position();
            end = block.arrayOffset() + block.limit();
        } else {
            in = new byte[block.remaining()];
            block.duplicate().get(in);
            pos = 0;
            end = in.length;
        }
        block.position(block.limit());
        decode(in, pos, end, sink);
    }

    private void decode(byte[] in, int pos, int end, HeaderSink sink) throws HpackException {
        long listSize = 0;
        boolean fieldSeen = false;
        while (pos < end) {
            int b = in[pos] & 0xff;
            if ((b & 0x20) != 0 && (b & 0xe0) == 0x20) { // 001xxxxx: dynamic table size update
                if (fieldSeen) {
                    throw HpackException.compression("dynamic table size update after a field (RFC 7541 §4.2)");
                }
                long v = readInt(in, pos, end, 5);
                pos = intEnd;
                if (v > maxTableSize) {
                    throw HpackException.compression("dynamic table size update to " + v + " exceeds the limit " + maxTableSize);
                }
                table.setCapacity((int) v);
                sizeUpdateRequired = false;
                continue;
            }
            if (sizeUpdateRequired) {
                throw HpackException.compression("expected a dynamic table size update at the start of the block (RFC 7541 §4.2)");
            }
            fieldSeen = true;
            String name;
            String value;
            boolean sensitive = false;
            if ((b & 0x80) != 0) { // 1xxxxxxx: indexed field
                long index = readInt(in, pos, end, 7);
                pos = intEnd;
                int i = checkIndex(index);
                name = nameAt(i);
                value = valueAt(i);
            } else {
                boolean index = (b & 0x40) != 0; // 01xxxxxx: with incremental indexing
                int prefix = index ? 6 : 4;       // 0000xxxx without, 0001xxxx never indexed
                sensitive = !index && (b & 0x10) != 0;
                long nameIndex = readInt(in, pos, end, prefix);
                pos = intEnd;
                if (nameIndex == 0) {
                    name = readString(in, pos, end, true);
                    pos = intEnd;
                } else {
                    name = nameAt(checkIndex(nameIndex));
                }
                value = readString(in, pos, end, false);
                pos = intEnd;
                if (index) {
                    table.add(name, value);
                }
            }
            listSize += DynamicTable.entrySize(name, value);
            if (listSize <= maxHeaderListSize) {
                sink.header(name, value, sensitive);
            }
        }
        if (sizeUpdateRequired) {
            // an empty block still carries the pending update obligation forward
            return;
        }
        if (listSize > maxHeaderListSize) {
            throw HpackException.headerListTooLarge(listSize, maxHeaderListSize);
        }
    }

    private int checkIndex(long index) throws HpackException {
        if (index == 0 || index > StaticTable.SIZE + table.length()) {
            throw HpackException.compression("index " + index + " is outside the tables (RFC 7541 §2.3.3)");
        }
        return (int) index;
    }

    private String nameAt(int index) {
        return index <= StaticTable.SIZE ? StaticTable.name(index) : table.name(index - StaticTable.SIZE - 1);
    }

    private String valueAt(int index) {
        return index <= StaticTable.SIZE ? StaticTable.value(index) : table.value(index - StaticTable.SIZE - 1);
    }

    /** Where the last {@link #readInt} or {@link #readString} ended. */
    private int intEnd;

    /** Reads an integer with an N-bit prefix (RFC 7541 §5.1) at {@code pos}; sets {@link #intEnd}. */
    private long readInt(byte[] in, int pos, int end, int prefixBits) throws HpackException {
        int max = (1 << prefixBits) - 1;
        long v = in[pos++] & max;
        if (v < max) {
            intEnd = pos;
            return v;
        }
        int shift = 0;
        while (true) {
            if (pos >= end) {
                throw HpackException.compression("truncated integer");
            }
            int b = in[pos++] & 0xff;
            v += (long) (b & 0x7f) << shift;
            if (v > Integer.MAX_VALUE) {
                throw HpackException.compression("integer exceeds 2^31-1");
            }
            if ((b & 0x80) == 0) {
                intEnd = pos;
                return v;
            }
            shift += 7;
        }
    }

    /**
     * Reads a string literal (RFC 7541 §5.2) at {@code pos}; sets {@link #intEnd}. A common
     * field name comes back as core's shared instance (the HTTP/1.1 parser's name cache).
     */
    private String readString(byte[] in, int pos, int end, boolean name) throws HpackException {
        if (pos >= end) {
            throw HpackException.compression("truncated field");
        }
        boolean huffman = (in[pos] & 0x80) != 0;
        long len = readInt(in, pos, end, 7);
        pos = intEnd;
        if (len > end - pos) {
            throw HpackException.compression("string length " + len + " exceeds the block");
        }
        int n = (int) len;
        intEnd = pos + n;
        if (!huffman) {
            return name ? Http1Syntax.fieldName(in, pos, pos + n) : new String(in, pos, n, StandardCharsets.ISO_8859_1);
        }
        int max = Huffman.maxDecodedLength(n);
        if (scratch.length < max) {
            scratch = new byte[Math.max(max, scratch.length * 2)];
        }
        int decoded = Huffman.decode(in, pos, n, scratch);
        if (decoded < 0) {
            throw HpackException.compression("invalid Huffman code: EOS, or padding not a prefix of EOS or over 7 bits (RFC 7541 §5.2)");
        }
        return name ? Http1Syntax.fieldName(scratch, 0, decoded) : new String(scratch, 0, decoded, StandardCharsets.ISO_8859_1);
    }
}
