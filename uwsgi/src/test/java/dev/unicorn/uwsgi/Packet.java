package dev.unicorn.uwsgi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds uWSGI packets byte by byte, well-formed or not, and loads the ones nginx sent. */
final class Packet {
    private int modifier1;
    private int modifier2;
    private final List<byte[]> vars = new ArrayList<>();
    private byte[] body = new byte[0];
    private Integer datasize;

    /** A packet with the variables {@code keyValuePairs} (key, value, key, value...), read as ISO-8859-1. */
    static Packet of(String... keyValuePairs) {
        Packet p = new Packet();
        for (int i = 0; i < keyValuePairs.length; i += 2) {
            p.var(keyValuePairs[i], keyValuePairs[i + 1]);
        }
        return p;
    }

    /** The smallest request nginx could send: GET {@code uri}. */
    static Packet get(String uri) {
        return of("REQUEST_METHOD", "GET", "REQUEST_URI", uri);
    }

    Packet var(String key, String value) {
        return raw(latin1(key), latin1(value));
    }

    /** A variable with raw key and value bytes. */
    Packet raw(byte[] key, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        le16(out, key.length);
        out.writeBytes(key);
        le16(out, value.length);
        out.writeBytes(value);
        vars.add(out.toByteArray());
        return this;
    }

    /** Sets the body and a matching {@code CONTENT_LENGTH}. */
    Packet body(String text) {
        this.body = latin1(text);
        return var("CONTENT_LENGTH", Integer.toString(body.length));
    }

    Packet modifier1(int m) {
        this.modifier1 = m;
        return this;
    }

    Packet modifier2(int m) {
        this.modifier2 = m;
        return this;
    }

    /** Announces {@code size} as the vars block's size whatever the block holds. */
    Packet datasize(int size) {
        this.datasize = size;
        return this;
    }

    /** The vars block alone. */
    byte[] block() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        vars.forEach(out::writeBytes);
        return out.toByteArray();
    }

    byte[] bytes() {
        byte[] block = block();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(modifier1);
        le16(out, datasize != null ? datasize : block.length);
        out.write(modifier2);
        out.writeBytes(block);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A packet nginx sent, from {@code nginx/<name>.bin} (see the README there). */
    static byte[] nginx(String name) {
        try (InputStream in = Packet.class.getResourceAsStream("nginx/" + name + ".bin")) {
            if (in == null) {
                throw new IllegalArgumentException("no captured packet " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void le16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
    }
}
