package dev.unicorn.http2.frame;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Raw frame bytes for tests, built octet by octet rather than with the writer under test. */
public final class Frames {
    private Frames() {
    }

    /** A frame with the given header fields and payload (hex, spaces allowed). */
    public static byte[] frame(int type, int flags, int streamId, String payloadHex) {
        return frame(type, flags, streamId, HexFormat.of().parseHex(payloadHex.replace(" ", "")));
    }

    public static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        int n = payload.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.write(type);
        out.write(flags);
        out.write(streamId >>> 24);
        out.write(streamId >>> 16);
        out.write(streamId >>> 8);
        out.write(streamId);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static String hex(java.nio.ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return HexFormat.of().formatHex(a);
    }
}
