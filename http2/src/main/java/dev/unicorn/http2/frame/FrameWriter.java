package dev.unicorn.http2.frame;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Writes HTTP/2 frames (RFC 9113 §6) into a growing output buffer, sans I/O. The owner
 * reads what is pending with {@link #pending()} and reports what it sent with
 * {@link #consume(int)}. Callers pass payloads that respect the peer's
 * SETTINGS_MAX_FRAME_SIZE; {@link #headers} splits a field block into HEADERS and
 * CONTINUATION frames by itself.
 *
 * <p>Not thread-safe; one per connection.
 */
public final class FrameWriter {
    private ByteBuffer buf;

    /** A writer whose buffer starts at {@code initialCapacity} octets. */
    public FrameWriter(int initialCapacity) {
        buf = ByteBuffer.allocate(initialCapacity);
    }

    /** The octets written and not yet consumed, as a read-only view valid until the next call. */
    public ByteBuffer pending() {
        return buf.asReadOnlyBuffer().flip();
    }

    /** The number of octets pending. */
    public int pendingBytes() {
        return buf.position();
    }

    /** Drops the first {@code n} pending octets, which the caller has sent. */
    public void consume(int n) {
        if (n < 0 || n > buf.position()) {
            throw new IllegalArgumentException("consume " + n + " of " + buf.position());
        }
        buf.flip().position(n);
        buf.compact();
    }

    private void ensure(int n) {
        if (buf.remaining() < n) {
            ByteBuffer b = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
            b.put(buf.flip());
            buf = b;
        }
    }

    private void header(int length, int type, int flags, int streamId) {
        ensure(FrameParser.HEADER_LENGTH + length);
        buf.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length)
                .put((byte) type).put((byte) flags).putInt(streamId);
    }

    /** SETTINGS with the given parameters. */
    public void settings(List<Frame.Setting> values) {
        header(values.size() * 6, Frame.TYPE_SETTINGS, 0, 0);
        for (Frame.Setting s : values) {
            buf.putShort((short) s.id()).putInt((int) s.value());
        }
    }

    /** A SETTINGS acknowledgement. */
    public void settingsAck() {
        header(0, Frame.TYPE_SETTINGS, Frame.FLAG_ACK, 0);
    }

    /** PING, or its acknowledgement. */
    public void ping(boolean ack, long payload) {
        header(8, Frame.TYPE_PING, ack ? Frame.FLAG_ACK : 0, 0);
        buf.putLong(payload);
    }

    /** GOAWAY with the last stream processed, the error and optional debug text (ASCII). */
    public void goAway(int lastStreamId, ErrorCode error, String debug) {
        int n = debug == null ? 0 : debug.length();
        header(8 + n, Frame.TYPE_GOAWAY, 0, 0);
        buf.putInt(lastStreamId).putInt(error.code());
        for (int i = 0; i < n; i++) {
            buf.put((byte) debug.charAt(i));
        }
    }

    /** RST_STREAM. */
    public void rstStream(int streamId, ErrorCode error) {
        header(4, Frame.TYPE_RST_STREAM, 0, streamId);
        buf.putInt(error.code());
    }

    /** WINDOW_UPDATE; {@code increment} is 1..2^31-1. */
    public void windowUpdate(int streamId, int increment) {
        header(4, Frame.TYPE_WINDOW_UPDATE, 0, streamId);
        buf.putInt(increment);
    }

    /**
     * A field block as HEADERS then CONTINUATION frames of at most {@code maxFrameSize} octets
     * each (§4.3: nothing may come between them, which one call guarantees).
     */
    public void headers(int streamId, ByteBuffer block, boolean endStream, int maxFrameSize) {
        int total = block.remaining();
        int first = Math.min(total, maxFrameSize);
        int flags = (endStream ? Frame.FLAG_END_STREAM : 0) | (first == total ? Frame.FLAG_END_HEADERS : 0);
        header(first, Frame.TYPE_HEADERS, flags, streamId);
        int p = block.position();
        buf.put(block.slice(p, first));
        int done = first;
        while (done < total) {
            int n = Math.min(total - done, maxFrameSize);
            header(n, Frame.TYPE_CONTINUATION, done + n == total ? Frame.FLAG_END_HEADERS : 0, streamId);
            buf.put(block.slice(p + done, n));
            done += n;
        }
        block.position(block.limit());
    }

    /** One DATA frame carrying all of {@code data} (at most the peer's max frame size). */
    public void data(int streamId, ByteBuffer data, boolean endStream) {
        header(data.remaining(), Frame.TYPE_DATA, endStream ? Frame.FLAG_END_STREAM : 0, streamId);
        buf.put(data);
    }
}
