package dev.unicorn.http2.hpack;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Encodes header blocks (RFC 7541) for one connection's sending direction. Add the fields of a
 * block with {@link #header}, then take the block with {@link #finish()}; blocks must be sent
 * in the order they were finished, since they share the dynamic table.
 *
 * <p>The table's size is the smaller of this encoder's own limit and the peer's
 * SETTINGS_HEADER_TABLE_SIZE ({@link #setPeerMaxTableSize}); a change is announced by a size
 * update at the start of the next block, the smallest intermediate value first when it shrank
 * and grew again (RFC 7541 §4.2). Strings are Huffman-coded when that is no longer, unless
 * Huffman coding is off. Names are written as given: HTTP/2 wants them lowercase (RFC 9113
 * §8.2.1), which is the caller's job.
 *
 * <p>Not thread-safe; one instance per connection.
 */
public final class HpackEncoder {
    private final int ownMaxTableSize;
    private final boolean huffman;
    private final IndexingPolicy policy;
    private final DynamicTable table;
    /** The smallest size the table went through since the last block, or -1 if unchanged. */
    private int pendingMinSize = -1;
    private byte[] buf = new byte[512];
    private int len;
    private boolean blockStarted;

    /**
     * An encoder whose table never exceeds {@code maxTableSize} octets (it starts at the
     * smaller of that and the protocol's initial 4096, without announcing it: a decoder whose
     * table is larger holds every entry this one refers to).
     *
     * @param huffman whether to Huffman-code strings when that makes them shorter
     */
    public HpackEncoder(int maxTableSize, boolean huffman, IndexingPolicy policy) {
        if (maxTableSize < 0) {
            throw new IllegalArgumentException("negative table size");
        }
        this.ownMaxTableSize = maxTableSize;
        this.huffman = huffman;
        this.policy = policy;
        this.table = new DynamicTable(Math.min(maxTableSize, 4096));
    }

    /** An encoder with a 4096-octet table, Huffman coding and {@link IndexingPolicy#PROTECT_SENSITIVE}. */
    public HpackEncoder() {
        this(4096, true, IndexingPolicy.PROTECT_SENSITIVE);
    }

    /** Applies the peer's SETTINGS_HEADER_TABLE_SIZE; announced at the start of the next block. */
    public void setPeerMaxTableSize(int peerMaxTableSize) {
        int size = Math.min(ownMaxTableSize, Math.max(0, peerMaxTableSize));
        if (size == table.capacity() && pendingMinSize < 0) {
            return;
        }
        pendingMinSize = pendingMinSize < 0 ? Math.min(size, table.capacity()) : Math.min(pendingMinSize, size);
        table.setCapacity(size);
    }

    /** The dynamic table size in octets (RFC 7541 §4.1). */
    public int tableSize() {
        return table.size();
    }

    /** Adds a field to the current block, indexed per the policy. */
    public void header(String name, String value) {
        header(name, value, isSensitive(name, value));
    }

    /**
     * Adds a field to the current block; a {@code sensitive} one is sent never-indexed
     * (RFC 7541 §6.2.3), others per the policy.
     */
    public void header(String name, String value, boolean sensitive) {
        startBlock();
        int full = StaticTable.indexOf(name, value);
        if (full == 0) {
            int d = table.indexOf(name, value);
            if (d >= 0) {
                full = StaticTable.SIZE + 1 + d;
            }
        }
        if (full != 0 && !sensitive) {
            writeInt(0x80, 7, full);
            return;
        }
        int nameIndex = StaticTable.indexOfName(name);
        if (nameIndex == 0) {
            int d = table.indexOf(name, null);
            if (d >= 0) {
                nameIndex = StaticTable.SIZE + 1 + d;
            }
        }
        boolean index = !sensitive && (policy == IndexingPolicy.ALL
                ? DynamicTable.entrySize(name, value) <= table.capacity()
                : DynamicTable.entrySize(name, value) <= table.capacity() / 4);
        if (index) {
            writeInt(0x40, 6, nameIndex);
        } else {
            writeInt(sensitive ? 0x10 : 0x00, 4, nameIndex);
        }
        if (nameIndex == 0) {
            writeString(name);
        }
        writeString(value);
        if (index) {
            table.add(name, value);
        }
    }

    private boolean isSensitive(String name, String value) {
        if (policy == IndexingPolicy.ALL) {
            return false;
        }
        return switch (name) {
            case "authorization", "proxy-authorization", "set-cookie" -> true;
            case "cookie" -> value.length() < 20;
            default -> false;
        };
    }

    /**
     * Ends the current block and returns its bytes (possibly only a size update, or empty),
     * valid until the next call on this encoder.
     */
    public ByteBuffer finish() {
        startBlock();
        ByteBuffer block = ByteBuffer.wrap(buf, 0, len).asReadOnlyBuffer();
        len = 0;
        blockStarted = false;
        return block;
    }

    private void startBlock() {
        if (blockStarted) {
            return;
        }
        blockStarted = true;
        if (pendingMinSize >= 0) {
            if (pendingMinSize < table.capacity()) {
                writeInt(0x20, 5, pendingMinSize);
            }
            writeInt(0x20, 5, table.capacity());
            pendingMinSize = -1;
        }
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    /** Writes an integer with an N-bit prefix (RFC 7541 §5.1); {@code flags} fills the bits above it. */
    private void writeInt(int flags, int prefixBits, int value) {
        ensure(6);
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            buf[len++] = (byte) (flags | value);
            return;
        }
        buf[len++] = (byte) (flags | max);
        value -= max;
        while (value >= 0x80) {
            buf[len++] = (byte) ((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        buf[len++] = (byte) value;
    }

    private void writeString(String s) {
        int n = s.length();
        if (huffman && n > 0) {
            int h = Huffman.encodedLength(s);
            if (h <= n) { // as in RFC 7541 Appendix C: Huffman on a tie
                writeInt(0x80, 7, h);
                ensure(h);
                len = Huffman.encode(s, buf, len);
                return;
            }
        }
        writeInt(0x00, 7, n);
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }
}
