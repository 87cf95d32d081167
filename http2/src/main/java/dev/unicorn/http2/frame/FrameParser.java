package dev.unicorn.http2.frame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads HTTP/2 frames (RFC 9113 §4, §6) from a buffer, sans I/O, for the server side of a
 * connection. Each frame's header is checked as soon as its 9 octets are there, so an
 * oversized frame fails before its payload arrives; a frame is returned only once complete.
 * The fragments of a field block (HEADERS or CONTINUATION frames) are joined into one
 * {@link Frame.Headers}.
 *
 * <p>Bounded: frames may not exceed {@code maxFrameSize} (the SETTINGS_MAX_FRAME_SIZE we
 * advertise; FRAME_SIZE_ERROR); a field block may not exceed {@code maxHeaderBlockSize}
 * octets nor span more than {@code maxContinuationFrames} CONTINUATION frames
 * (ENHANCE_YOUR_CALM: a CONTINUATION flood, CVE-2024-27316 and kin).
 *
 * <p>Not thread-safe; one per connection.
 */
public final class FrameParser {
    /** The octets of a frame header (§4.1). */
    public static final int HEADER_LENGTH = 9;

    private final int maxFrameSize;
    private final int maxHeaderBlockSize;
    private final int maxContinuationFrames;

    /** The stream whose field block is being continued; 0 when none is. */
    private int continuedStream;
    private boolean continuedEndStream;
    private Frame.Priority continuedPriority;
    private int continuationFrames;
    private byte[] block = new byte[1024];
    private int blockLength;

    /**
     * A parser accepting frames of up to {@code maxFrameSize} payload octets and field blocks of
     * up to {@code maxHeaderBlockSize} octets in at most {@code maxContinuationFrames}
     * CONTINUATION frames.
     */
    public FrameParser(int maxFrameSize, int maxHeaderBlockSize, int maxContinuationFrames) {
        if (maxFrameSize < SettingId.MIN_MAX_FRAME_SIZE || maxFrameSize > SettingId.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be within 16384..16777215: " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
        this.maxHeaderBlockSize = maxHeaderBlockSize;
        this.maxContinuationFrames = maxContinuationFrames;
    }

    /** True while a field block awaits its CONTINUATION frames. */
    public boolean inHeaderBlock() {
        return continuedStream != 0;
    }

    /**
     * Returns the next frame from {@code in}, advancing its position past it, or null when
     * {@code in} does not hold a whole frame (position unchanged; add bytes and call again).
     * CONTINUATION frames that do not end a block are consumed without returning a frame.
     *
     * @throws Http2Exception the peer broke the protocol; on a stream error the frame was
     *     consumed and parsing may go on, on a connection error the parser is unusable
     */
    public Frame parse(ByteBuffer in) throws Http2Exception {
        while (true) {
            if (in.remaining() < HEADER_LENGTH) {
                return null;
            }
            int p = in.position();
            int length = ((in.get(p) & 0xff) << 16) | ((in.get(p + 1) & 0xff) << 8) | (in.get(p + 2) & 0xff);
            int type = in.get(p + 3) & 0xff;
            int flags = in.get(p + 4) & 0xff;
            int streamId = in.getInt(p + 5) & 0x7fffffff; // §4.1: the reserved bit is ignored
            if (length > maxFrameSize) {
                throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                        "frame of " + length + " octets exceeds SETTINGS_MAX_FRAME_SIZE " + maxFrameSize);
            }
            if (continuedStream != 0 && type != Frame.TYPE_CONTINUATION) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                        "frame type " + type + " inside the field block of stream " + continuedStream + " (§6.10)");
            }
            if (in.remaining() < HEADER_LENGTH + length) {
                return null;
            }
            ByteBuffer payload = in.slice(p + HEADER_LENGTH, length);
            in.position(p + HEADER_LENGTH + length);
            Frame f = switch (type) {
                case Frame.TYPE_DATA -> data(streamId, flags, payload);
                case Frame.TYPE_HEADERS -> headers(streamId, flags, payload);
                case Frame.TYPE_PRIORITY -> priority(streamId, payload);
                case Frame.TYPE_RST_STREAM -> rstStream(streamId, payload);
                case Frame.TYPE_SETTINGS -> settings(streamId, flags, payload);
                case Frame.TYPE_PUSH_PROMISE -> throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                        "a client may not send PUSH_PROMISE (§8.4)");
                case Frame.TYPE_PING -> ping(streamId, flags, payload);
                case Frame.TYPE_GOAWAY -> goAway(streamId, payload);
                case Frame.TYPE_WINDOW_UPDATE -> windowUpdate(streamId, payload);
                case Frame.TYPE_CONTINUATION -> continuation(streamId, flags, payload);
                default -> new Frame.Unknown(type, streamId, length); // §5.5: ignore unknown types
            };
            if (f != null) {
                return f;
            }
        }
    }

    private static void requireStream(int streamId, String type) throws Http2Exception {
        if (streamId == 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, type + " on stream 0");
        }
    }

    private static void requireConnection(int streamId, String type) throws Http2Exception {
        if (streamId != 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, type + " on stream " + streamId + ", not 0");
        }
    }

    /** Strips padding (§6.1, §6.2): returns the payload without the pad length octet and the padding. */
    private static ByteBuffer unpad(int flags, ByteBuffer payload, int extra, String type) throws Http2Exception {
        if ((flags & Frame.FLAG_PADDED) == 0) {
            return payload;
        }
        if (payload.remaining() < 1) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "padded " + type + " without a pad length");
        }
        int pad = payload.get(payload.position()) & 0xff;
        if (pad >= payload.remaining() - extra) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    type + " padding of " + pad + " octets fills the payload of " + payload.remaining());
        }
        return payload.slice(payload.position() + 1, payload.remaining() - 1 - pad);
    }

    private static Frame data(int streamId, int flags, ByteBuffer payload) throws Http2Exception {
        requireStream(streamId, "DATA");
        int flow = payload.remaining();
        return new Frame.Data(streamId, unpad(flags, payload, 0, "DATA"), (flags & Frame.FLAG_END_STREAM) != 0, flow);
    }

    private Frame headers(int streamId, int flags, ByteBuffer payload) throws Http2Exception {
        requireStream(streamId, "HEADERS");
        boolean hasPriority = (flags & Frame.FLAG_PRIORITY) != 0;
        ByteBuffer body = unpad(flags, payload, hasPriority ? 5 : 0, "HEADERS");
        Frame.Priority priority = null;
        if (hasPriority) {
            if (body.remaining() < 5) {
                throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "HEADERS too short for its priority");
            }
            priority = readPriority(body);
            body = body.slice(body.position() + 5, body.remaining() - 5);
        }
        boolean endStream = (flags & Frame.FLAG_END_STREAM) != 0;
        checkBlockSize(body.remaining());
        if ((flags & Frame.FLAG_END_HEADERS) != 0) {
            return new Frame.Headers(streamId, body, endStream, priority);
        }
        continuedStream = streamId;
        continuedEndStream = endStream;
        continuedPriority = priority;
        continuationFrames = 0;
        blockLength = 0;
        append(body);
        return null;
    }

    private Frame continuation(int streamId, int flags, ByteBuffer payload) throws Http2Exception {
        if (continuedStream == 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "CONTINUATION without a field block to continue (§6.10)");
        }
        if (streamId != continuedStream) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "CONTINUATION on stream " + streamId + " inside the block of stream " + continuedStream);
        }
        if (++continuationFrames > maxContinuationFrames) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM,
                    "field block spans more than " + maxContinuationFrames + " CONTINUATION frames");
        }
        checkBlockSize(blockLength + payload.remaining());
        append(payload);
        if ((flags & Frame.FLAG_END_HEADERS) == 0) {
            return null;
        }
        continuedStream = 0;
        return new Frame.Headers(streamId, ByteBuffer.wrap(block, 0, blockLength).slice(), continuedEndStream,
                continuedPriority);
    }

    private void checkBlockSize(int size) throws Http2Exception {
        if (size > maxHeaderBlockSize) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM,
                    "field block of " + size + "+ octets exceeds " + maxHeaderBlockSize);
        }
    }

    private void append(ByteBuffer fragment) {
        int n = fragment.remaining();
        if (blockLength + n > block.length) {
            block = Arrays.copyOf(block, Math.max(block.length * 2, blockLength + n));
        }
        fragment.get(fragment.position(), block, blockLength, n);
        blockLength += n;
    }

    private static Frame.Priority readPriority(ByteBuffer b) {
        int dep = b.getInt(b.position());
        int weight = (b.get(b.position() + 4) & 0xff) + 1;
        return new Frame.Priority(dep & 0x7fffffff, dep < 0, weight);
    }

    private static Frame priority(int streamId, ByteBuffer payload) throws Http2Exception {
        requireStream(streamId, "PRIORITY");
        if (payload.remaining() != 5) {
            throw Http2Exception.stream(streamId, ErrorCode.FRAME_SIZE_ERROR, "PRIORITY of " + payload.remaining() + " octets, not 5");
        }
        Frame.Priority p = readPriority(payload);
        if (p.dependency() == streamId) {
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, "stream depends on itself (§5.3.1)");
        }
        return new Frame.PriorityFrame(streamId, p);
    }

    private static Frame rstStream(int streamId, ByteBuffer payload) throws Http2Exception {
        requireStream(streamId, "RST_STREAM");
        if (payload.remaining() != 4) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "RST_STREAM of " + payload.remaining() + " octets, not 4");
        }
        return new Frame.RstStream(streamId, payload.getInt(payload.position()));
    }

    private static Frame settings(int streamId, int flags, ByteBuffer payload) throws Http2Exception {
        requireConnection(streamId, "SETTINGS");
        int n = payload.remaining();
        if ((flags & Frame.FLAG_ACK) != 0) {
            if (n != 0) {
                throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS ACK with a payload");
            }
            return new Frame.Settings(true, List.of());
        }
        if (n % 6 != 0) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS of " + n + " octets, not a multiple of 6");
        }
        List<Frame.Setting> values = new ArrayList<>(n / 6);
        for (int i = payload.position(), end = payload.position() + n; i < end; i += 6) {
            int id = payload.getShort(i) & 0xffff;
            long value = payload.getInt(i + 2) & 0xffffffffL;
            switch (id) {
                case SettingId.ENABLE_PUSH, SettingId.ENABLE_CONNECT_PROTOCOL -> {
                    if (value > 1) {
                        throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "setting " + id + " must be 0 or 1: " + value);
                    }
                }
                case SettingId.INITIAL_WINDOW_SIZE -> {
                    if (value > SettingId.MAX_WINDOW) {
                        throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR,
                                "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1: " + value);
                    }
                }
                case SettingId.MAX_FRAME_SIZE -> {
                    if (value < SettingId.MIN_MAX_FRAME_SIZE || value > SettingId.MAX_MAX_FRAME_SIZE) {
                        throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                                "SETTINGS_MAX_FRAME_SIZE outside 16384..16777215: " + value);
                    }
                }
                case SettingId.HEADER_TABLE_SIZE, SettingId.MAX_CONCURRENT_STREAMS, SettingId.MAX_HEADER_LIST_SIZE -> {
                }
                default -> {
                    continue; // §6.5.2: unknown settings are ignored
                }
            }
            values.add(new Frame.Setting(id, value));
        }
        return new Frame.Settings(false, values);
    }

    private static Frame ping(int streamId, int flags, ByteBuffer payload) throws Http2Exception {
        requireConnection(streamId, "PING");
        if (payload.remaining() != 8) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "PING of " + payload.remaining() + " octets, not 8");
        }
        return new Frame.Ping((flags & Frame.FLAG_ACK) != 0, payload.getLong(payload.position()));
    }

    private static Frame goAway(int streamId, ByteBuffer payload) throws Http2Exception {
        requireConnection(streamId, "GOAWAY");
        if (payload.remaining() < 8) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "GOAWAY of " + payload.remaining() + " octets, under 8");
        }
        int p = payload.position();
        return new Frame.GoAway(payload.getInt(p) & 0x7fffffff, payload.getInt(p + 4),
                payload.slice(p + 8, payload.remaining() - 8));
    }

    private static Frame windowUpdate(int streamId, ByteBuffer payload) throws Http2Exception {
        if (payload.remaining() != 4) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "WINDOW_UPDATE of " + payload.remaining() + " octets, not 4");
        }
        int increment = payload.getInt(payload.position()) & 0x7fffffff;
        if (increment == 0) {
            if (streamId == 0) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE with increment 0 (§6.9)");
            }
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE with increment 0 (§6.9)");
        }
        return new Frame.WindowUpdate(streamId, increment);
    }
}
