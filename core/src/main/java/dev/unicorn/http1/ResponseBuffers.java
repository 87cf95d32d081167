package dev.unicorn.http1;

import dev.unicorn.http.HttpStatus;
import dev.unicorn.server.BufferPool;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Per-connection scratch space for writing responses: a growable buffer the response head
 * is encoded into (kept by the connection), and a staging buffer for body bytes, borrowed
 * from the server's {@link BufferPool} while a response runs so that an idle keep-alive
 * connection holds none.
 */
final class ResponseBuffers {

    private static final byte[][] STATUS_LINES = new byte[600][];
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int code = 100; code < 600; code++) {
            String reason = HttpStatus.reasonPhrase(code);
            STATUS_LINES[code] = ("HTTP/1.1 " + code + " " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final BufferPool pool;
    private final HeadWriter head = new HeadWriter();
    private byte[] staging;

    ResponseBuffers(BufferPool pool) {
        this.pool = pool;
    }

    /** The staging buffer, borrowed from the pool on first use. */
    byte[] staging() {
        byte[] s = staging;
        if (s == null) {
            s = pool.acquire();
            staging = s;
        }
        return s;
    }

    /** Returns the staging buffer to the pool (the response is done with it). */
    void releaseStaging() {
        if (staging != null) {
            pool.release(staging);
            staging = null;
        }
    }

    /** The head writer, emptied. */
    HeadWriter head() {
        head.pos = 0;
        return head;
    }

    /** The head writer with whatever it holds. */
    HeadWriter currentHead() {
        return head;
    }

    /** Encodes a response head (or chunk framing) as ISO-8859-1 bytes. */
    static final class HeadWriter {
        private byte[] buf = new byte[1024];
        private int pos;

        void statusLine(int status) {
            raw(STATUS_LINES[status]);
        }

        void raw(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, pos, bytes.length);
            pos += bytes.length;
        }

        void field(String name, String value) {
            ensure(name.length() + value.length() + 4);
            pos = ascii(name, buf, pos);
            buf[pos++] = ':';
            buf[pos++] = ' ';
            pos = ascii(value, buf, pos);
            buf[pos++] = '\r';
            buf[pos++] = '\n';
        }

        void field(String name, byte[] value) {
            ensure(name.length() + value.length + 4);
            pos = ascii(name, buf, pos);
            buf[pos++] = ':';
            buf[pos++] = ' ';
            System.arraycopy(value, 0, buf, pos, value.length);
            pos += value.length;
            buf[pos++] = '\r';
            buf[pos++] = '\n';
        }

        /** A field whose value is the decimal {@code value} (at least 0), written without a String. */
        void field(String name, long value) {
            int digits = 1;
            for (long v = value; v >= 10; v /= 10) {
                digits++;
            }
            ensure(name.length() + digits + 4);
            pos = ascii(name, buf, pos);
            buf[pos++] = ':';
            buf[pos++] = ' ';
            long v = value;
            for (int i = pos + digits - 1; i >= pos; i--) {
                buf[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            pos += digits;
            buf[pos++] = '\r';
            buf[pos++] = '\n';
        }

        void end() {
            ensure(2);
            buf[pos++] = '\r';
            buf[pos++] = '\n';
        }

        /** {@code hex(size) CRLF}: a chunk-size line. */
        void chunkSize(long size) {
            ensure(18);
            int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(size) + 3) / 4);
            for (int i = digits - 1; i >= 0; i--) {
                buf[pos++] = HEX[(int) (size >>> (i * 4)) & 0xf];
            }
            buf[pos++] = '\r';
            buf[pos++] = '\n';
        }

        int size() {
            return pos;
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(buf, 0, pos);
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        /** Copies {@code s} (already validated to hold only chars up to 0xFF) as ISO-8859-1. */
        private static int ascii(String s, byte[] dst, int at) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                dst[at++] = (byte) s.charAt(i);
            }
            return at;
        }
    }
}
