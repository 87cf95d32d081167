package dev.unicorn.dirty;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Sans-I/O decoder of a stream of frames: {@link #receive(ByteBuffer)} takes whatever bytes
 * arrived, {@link #next()} returns the next complete frame or null when more bytes are needed.
 * After a {@link DirtyProtocolException} the stream is unusable (there is no resynchronising
 * a length-prefixed stream); the connection must be closed.
 *
 * <p>Memory is bounded by what actually arrived, never by what a header claims: the payload
 * buffer grows with the bytes received, up to the declared length, which is itself checked
 * against {@code maxPayload} as soon as the header is complete.
 */
final class FrameDecoder {
    private final int maxPayload;
    private final byte[] header = new byte[WireFormat.HEADER_SIZE];
    private int headerFill;
    private FrameType type;
    private long id;
    private int payloadLength = -1;
    private byte[] payload = new byte[0];
    private int payloadFill;
    private boolean failed;

    FrameDecoder(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    /** Buffers the bytes remaining in {@code bytes}, up to the end of the frame under way; the rest stays in {@code bytes}. */
    int receive(ByteBuffer bytes) {
        int taken = 0;
        if (failed) {
            throw new DirtyProtocolException("decoder failed earlier");
        }
        if (headerFill < WireFormat.HEADER_SIZE) {
            int n = Math.min(bytes.remaining(), WireFormat.HEADER_SIZE - headerFill);
            bytes.get(header, headerFill, n);
            headerFill += n;
            taken += n;
            if (headerFill == WireFormat.HEADER_SIZE) {
                parseHeader();
            }
        }
        if (payloadLength >= 0 && payloadFill < payloadLength) {
            int n = Math.min(bytes.remaining(), payloadLength - payloadFill);
            if (payloadFill + n > payload.length) {
                long grown = Math.max(payload.length * 2L, 256);
                payload = Arrays.copyOf(payload, (int) Math.min(payloadLength, Math.max(grown, payloadFill + n)));
            }
            bytes.get(payload, payloadFill, n);
            payloadFill += n;
            taken += n;
        }
        return taken;
    }

    /** The next complete frame, or null if the bytes received so far do not complete one. */
    Frame next() {
        if (payloadLength < 0 || payloadFill < payloadLength) {
            return null;
        }
        try {
            Frame frame = new Frame(type, id,
                    WireFormat.decodePayload(type, ByteBuffer.wrap(payload, 0, payloadLength)));
            reset();
            return frame;
        } catch (DirtyProtocolException e) {
            failed = true;
            throw e;
        }
    }

    /** Feeds {@code bytes} and returns the next frame, or null: receive and next in one call. */
    Frame decode(ByteBuffer bytes) {
        Frame f = next();
        if (f != null) {
            return f;
        }
        while (bytes.hasRemaining()) {
            receive(bytes);
            f = next();
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** True between frames: a clean end of stream is possible here. */
    boolean atFrameBoundary() {
        return headerFill == 0;
    }

    private void parseHeader() {
        ByteBuffer h = ByteBuffer.wrap(header);
        int magic = h.getShort() & 0xFFFF;
        int version = h.get() & 0xFF;
        int code = h.get() & 0xFF;
        long length = h.getInt() & 0xFFFFFFFFL;
        long requestId = h.getLong();
        failed = true;
        if (magic != WireFormat.MAGIC) {
            throw new DirtyProtocolException(String.format("bad magic 0x%04x", magic));
        }
        if (version != WireFormat.VERSION) {
            throw new DirtyProtocolException("unsupported protocol version " + version);
        }
        FrameType t = FrameType.of(code);
        if (t == null) {
            throw new DirtyProtocolException(String.format("unknown frame type 0x%02x", code));
        }
        if (length > maxPayload) {
            throw new DirtyProtocolException("frame payload of " + length + " bytes exceeds the limit of " + maxPayload);
        }
        if (t.arity == 0 && length != 0) {
            throw new DirtyProtocolException(t + " frame must have an empty payload, not " + length + " bytes");
        }
        failed = false;
        type = t;
        id = requestId;
        payloadLength = (int) length;
        payloadFill = 0;
    }

    private void reset() {
        headerFill = 0;
        payloadLength = -1;
        payloadFill = 0;
        if (payload.length > 64 * 1024) {
            payload = new byte[0]; // a large frame's buffer is not kept between frames
        }
    }
}
