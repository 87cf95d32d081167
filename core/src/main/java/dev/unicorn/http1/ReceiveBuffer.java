package dev.unicorn.http1;

import java.nio.ByteBuffer;

/**
 * The input side every sans-I/O {@link RequestDecoder} shares: one growable byte array holding
 * the received bytes not consumed yet ({@code [start, end)}), filled by copy ({@link #receive})
 * or by reading straight into it ({@link #receiveBuffer}/{@link #received}), compacted when it
 * runs out of room, and released after a message when a burst made it large. A decoder extends
 * it and parses {@link #buf} in place; {@link Http1Parser} and the uWSGI codec do.
 *
 * <p>The fields are for the decoder's parsing loop, which reads them directly: {@link #buf} and
 * {@link #end} change only here; the decoder advances {@link #start} as it consumes bytes. Not
 * thread-safe.
 */
public abstract class ReceiveBuffer {
    /** The size of a fresh buffer, and of a read between messages. */
    protected static final int INITIAL_BUFFER = 1024;
    /** A buffer grown past this (a big head, a burst of pipelined requests) is released when empty. */
    private static final int RETAINED_BUFFER = 8 * 1024;
    private static final byte[] NO_BYTES = new byte[0];

    /** The received bytes; those not consumed yet are {@code [start, end)}. Replaced when it grows. */
    protected byte[] buf = NO_BYTES;
    /** The first byte not consumed yet; the decoder advances it. */
    protected int start;
    /** One past the last byte received. */
    protected int end;
    /** The peer closed its side: no more bytes will come. */
    protected boolean eof;
    private ByteBuffer view = ByteBuffer.wrap(NO_BYTES).asReadOnlyBuffer();
    private ByteBuffer writeView;

    /** For decoders. */
    protected ReceiveBuffer() {
    }

    /** Takes all remaining bytes of {@code data} (copied; {@code data} may be reused at once). */
    public final void receive(ByteBuffer data) {
        if (eof) {
            throw new IllegalStateException("bytes received after the end of the stream");
        }
        int n = data.remaining();
        if (n == 0) {
            return;
        }
        makeRoom(n);
        data.get(buf, end, n);
        end += n;
    }

    /**
     * The alternative to {@link #receive(ByteBuffer)} that saves a copy: a writable view of the
     * decoder's own buffer with room for at least {@code want} bytes. Read into it (from a
     * channel, say), then report the count with {@link #received(int)}; the view is valid until then.
     */
    public final ByteBuffer receiveBuffer(int want) {
        if (eof) {
            throw new IllegalStateException("bytes received after the end of the stream");
        }
        makeRoom(Math.max(1, want));
        ByteBuffer w = writeView;
        if (w == null || w.array() != buf) {
            w = ByteBuffer.wrap(buf);
            writeView = w;
        }
        w.limit(buf.length).position(end);
        return w;
    }

    /** {@code n} bytes were written into the view {@link #receiveBuffer(int)} returned. */
    public final void received(int n) {
        if (n < 0 || end + n > buf.length) {
            throw new IllegalArgumentException("received " + n + " bytes into " + (buf.length - end) + " bytes of room");
        }
        end += n;
    }

    /** The peer closed its side of the connection: no more bytes will come. */
    public final void receiveEof() {
        eof = true;
    }

    /** True if bytes were received that no event has consumed yet (a pipelined request, the next packet). */
    public final boolean hasBufferedData() {
        return end > start;
    }

    /**
     * The next {@code n} unconsumed bytes as a read-only view of the buffer (valid until the next
     * receive), consumed: body data handed out without a copy.
     */
    protected final ByteBuffer take(int n) {
        ByteBuffer data = view.slice(start, n);
        start += n;
        return data;
    }

    /**
     * Releases a buffer a burst grew past 8 KiB once everything in it was consumed, so that an
     * idle connection holds a small one (call at the end of a message); returns whether it did,
     * in which case {@code start} and {@code end} are 0.
     */
    protected final boolean releaseLargeBuffer() {
        if (start != end || buf.length <= RETAINED_BUFFER) {
            return false;
        }
        buf = NO_BYTES;
        view = ByteBuffer.wrap(NO_BYTES).asReadOnlyBuffer();
        start = 0;
        end = 0;
        return true;
    }

    /**
     * The unconsumed bytes moved {@code shift} places towards the front of the buffer (or into a
     * larger one): a decoder that keeps an index into {@link #buf} moves it too.
     */
    protected void compacted(int shift) {
    }

    private void makeRoom(int n) {
        int live = end - start;
        if (end + n <= buf.length) {
            return;
        }
        byte[] target = buf;
        if (live + n > buf.length) {
            target = new byte[Math.max(Math.max(INITIAL_BUFFER, buf.length * 2), live + n)];
        }
        System.arraycopy(buf, start, target, 0, live);
        int shift = start;
        start = 0;
        end = live;
        if (target != buf) {
            buf = target;
            view = ByteBuffer.wrap(buf).asReadOnlyBuffer();
        }
        compacted(shift);
    }
}
