package dev.unicorn.http2.hpack;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Hex helpers for the byte-exact tests. */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static ByteBuffer buffer(String hex) {
        return ByteBuffer.wrap(bytes(hex));
    }

    static String of(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return HexFormat.of().formatHex(a);
    }
}
