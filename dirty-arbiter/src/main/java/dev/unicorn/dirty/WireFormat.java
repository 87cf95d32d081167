package dev.unicorn.dirty;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encoding of frames and typed values ({@code docs/dirty.md}, "Protocol"). Pure functions over
 * bytes: nothing here touches a socket or a thread.
 *
 * <p>Values: null, Boolean, Long (Byte, Short and Integer are sent as int64), Double (Float is
 * sent as float64), String, byte[], List and Map with String keys. Decoded values are Long,
 * Double, String, byte[], unmodifiable List and unmodifiable insertion-ordered Map.
 */
final class WireFormat {
    static final int HEADER_SIZE = 16;
    static final int MAGIC = 0x5544; // "UD"
    static final int VERSION = 1;
    /** Default and largest accepted payload size of one frame. */
    static final int DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;
    /** Lists and maps nested deeper than this are refused both ways (a cycle is refused too). */
    static final int MAX_DEPTH = 32;

    static final int T_NULL = 0x00;
    static final int T_BOOL = 0x01;
    static final int T_INT64 = 0x05;
    static final int T_FLOAT64 = 0x06;
    static final int T_BYTES = 0x10;
    static final int T_STRING = 0x11;
    static final int T_LIST = 0x20;
    static final int T_MAP = 0x21;

    private WireFormat() {
    }

    // ---------------------------------------------------------------- encoding

    /**
     * The bytes of {@code frame}.
     *
     * @throws DirtyProtocolException if a value cannot be carried or the payload exceeds {@code maxPayload}
     */
    static byte[] encode(Frame frame, int maxPayload) {
        Out out = new Out();
        out.u16(MAGIC);
        out.u8(VERSION);
        out.u8(frame.type().code);
        out.u32(0); // patched below
        out.u64(frame.id());
        for (Object v : frame.values()) {
            value(out, v, 0);
        }
        int payload = out.size - HEADER_SIZE;
        if (payload > maxPayload) {
            throw new DirtyProtocolException("frame payload of " + payload + " bytes exceeds the limit of " + maxPayload);
        }
        byte[] bytes = out.toArray();
        ByteBuffer.wrap(bytes).putInt(4, payload);
        return bytes;
    }

    /**
     * {@code value} as the other side of a connection would see it (Integer becomes Long,
     * collections become unmodifiable copies): the in-process mode passes values through this
     * so that apps and callers see exactly what they would see across JVMs.
     */
    static Object copy(Object value) {
        byte[] bytes = encode(Frame.of(FrameType.RESULT, 0, value), Integer.MAX_VALUE - 64);
        return decodePayload(FrameType.RESULT, ByteBuffer.wrap(bytes, HEADER_SIZE, bytes.length - HEADER_SIZE)).get(0);
    }

    /** Checks that {@code value} can be carried, as {@link #encode} would, without keeping the bytes. */
    static void check(Object value) {
        value(new Out(), value, 0);
    }

    private static void value(Out out, Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new DirtyProtocolException("values nested deeper than " + MAX_DEPTH + " (or a cycle)");
        }
        switch (v) {
            case null -> out.u8(T_NULL);
            case Boolean b -> {
                out.u8(T_BOOL);
                out.u8(b ? 1 : 0);
            }
            case Long n -> int64(out, n);
            case Integer n -> int64(out, n);
            case Short n -> int64(out, n);
            case Byte n -> int64(out, n);
            case Double d -> float64(out, d);
            case Float f -> float64(out, f);
            case String s -> {
                byte[] utf8 = utf8(s);
                out.u8(T_STRING);
                out.u32(utf8.length);
                out.bytes(utf8);
            }
            case byte[] b -> {
                out.u8(T_BYTES);
                out.u32(b.length);
                out.bytes(b);
            }
            case List<?> list -> {
                out.u8(T_LIST);
                out.u32(list.size());
                for (Object e : list) {
                    value(out, e, depth + 1);
                }
            }
            case Map<?, ?> map -> {
                out.u8(T_MAP);
                out.u32(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String)) {
                        throw new DirtyProtocolException("map keys must be strings, not " + typeName(e.getKey()));
                    }
                    value(out, e.getKey(), depth + 1);
                    value(out, e.getValue(), depth + 1);
                }
            }
            default -> throw new DirtyProtocolException("cannot send a value of type " + v.getClass().getName()
                    + " (null, Boolean, Long, Integer, Short, Byte, Double, Float, String, byte[], List, Map with String keys)");
        }
    }

    private static void int64(Out out, long n) {
        out.u8(T_INT64);
        out.u64(n);
    }

    private static void float64(Out out, double d) {
        out.u8(T_FLOAT64);
        out.u64(Double.doubleToRawLongBits(d));
    }

    private static byte[] utf8(String s) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            return Arrays.copyOf(b.array(), b.limit());
        } catch (CharacterCodingException e) {
            throw new DirtyProtocolException("string is not valid Unicode (a lone surrogate)");
        }
    }

    private static String typeName(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }

    /** A growable big-endian byte array. */
    private static final class Out {
        byte[] buf = new byte[64];
        int size;

        void ensure(int n) {
            if (buf.length - size < n) {
                long want = Math.max((long) buf.length * 2, (long) size + n);
                if (want > Integer.MAX_VALUE - 8) {
                    throw new DirtyProtocolException("frame too large");
                }
                buf = Arrays.copyOf(buf, (int) want);
            }
        }

        void u8(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        void u16(int v) {
            u8(v >>> 8);
            u8(v);
        }

        void u32(int v) {
            ensure(4);
            for (int s = 24; s >= 0; s -= 8) {
                buf[size++] = (byte) (v >>> s);
            }
        }

        void u64(long v) {
            ensure(8);
            for (int s = 56; s >= 0; s -= 8) {
                buf[size++] = (byte) (v >>> s);
            }
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    // ---------------------------------------------------------------- decoding

    /**
     * The values of a complete payload of a frame of {@code type}: exactly {@code type.arity}
     * values and no byte left over.
     */
    static List<Object> decodePayload(FrameType type, ByteBuffer payload) {
        List<Object> values = new ArrayList<>(type.arity);
        for (int i = 0; i < type.arity; i++) {
            values.add(readValue(payload, 0));
        }
        if (payload.hasRemaining()) {
            throw new DirtyProtocolException(payload.remaining() + " bytes left after the " + type.arity
                    + " value(s) of a " + type + " frame");
        }
        return values;
    }

    private static Object readValue(ByteBuffer in, int depth) {
        if (depth > MAX_DEPTH) {
            throw new DirtyProtocolException("values nested deeper than " + MAX_DEPTH);
        }
        int tag = need(in, 1).get() & 0xFF;
        return switch (tag) {
            case T_NULL -> null;
            case T_BOOL -> {
                int b = need(in, 1).get();
                if (b != 0 && b != 1) {
                    throw new DirtyProtocolException("bool byte must be 0 or 1, not " + (b & 0xFF));
                }
                yield b == 1;
            }
            case T_INT64 -> need(in, 8).getLong();
            case T_FLOAT64 -> Double.longBitsToDouble(need(in, 8).getLong());
            case T_BYTES -> {
                byte[] b = new byte[length(in, 1)];
                in.get(b);
                yield b;
            }
            case T_STRING -> {
                int n = length(in, 1);
                ByteBuffer slice = in.slice(in.position(), n);
                in.position(in.position() + n);
                try {
                    yield StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(slice).toString();
                } catch (CharacterCodingException e) {
                    throw new DirtyProtocolException("string is not valid UTF-8");
                }
            }
            case T_LIST -> {
                // each element takes at least one byte: a count beyond the bytes left is a lie,
                // refused before anything is allocated for it
                int n = length(in, 1);
                List<Object> list = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    list.add(readValue(in, depth + 1));
                }
                yield Collections.unmodifiableList(list);
            }
            case T_MAP -> {
                int n = length(in, 2);
                Map<String, Object> map = new LinkedHashMap<>(Math.min(n, 1024) * 2);
                for (int i = 0; i < n; i++) {
                    if (!(readValue(in, depth + 1) instanceof String key)) {
                        throw new DirtyProtocolException("map keys must be strings");
                    }
                    if (map.containsKey(key)) {
                        throw new DirtyProtocolException("duplicate map key \"" + key + "\"");
                    }
                    map.put(key, readValue(in, depth + 1));
                }
                yield Collections.unmodifiableMap(map);
            }
            default -> throw new DirtyProtocolException(String.format("unknown value type 0x%02x", tag));
        };
    }

    /** Reads a uint32 count of items of at least {@code minItemSize} bytes each, checked against the bytes left. */
    private static int length(ByteBuffer in, int minItemSize) {
        long n = need(in, 4).getInt() & 0xFFFFFFFFL;
        if (n * minItemSize > in.remaining()) {
            throw new DirtyProtocolException("length " + n + " exceeds the " + in.remaining() + " bytes left in the payload");
        }
        return (int) n;
    }

    private static ByteBuffer need(ByteBuffer in, int n) {
        if (in.remaining() < n) {
            throw new DirtyProtocolException("payload ends inside a value");
        }
        return in;
    }
}
