package dev.unicorn.http2.frame;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A frame read by {@link FrameParser} (RFC 9113 §6). Byte payloads are views of the parser's
 * input, valid until the caller moves or overwrites that input.
 */
public sealed interface Frame {
    /** Frame type codes (RFC 9113 §6, §11.2). */
    int TYPE_DATA = 0x0;
    int TYPE_HEADERS = 0x1;
    int TYPE_PRIORITY = 0x2;
    int TYPE_RST_STREAM = 0x3;
    int TYPE_SETTINGS = 0x4;
    int TYPE_PUSH_PROMISE = 0x5;
    int TYPE_PING = 0x6;
    int TYPE_GOAWAY = 0x7;
    int TYPE_WINDOW_UPDATE = 0x8;
    int TYPE_CONTINUATION = 0x9;

    /** Flags. */
    int FLAG_END_STREAM = 0x1;
    int FLAG_ACK = 0x1;
    int FLAG_END_HEADERS = 0x4;
    int FLAG_PADDED = 0x8;
    int FLAG_PRIORITY = 0x20;

    /** The stream the frame belongs to; 0 for the connection. */
    int streamId();

    /**
     * DATA (§6.1). {@code flowControlled} is the whole payload length, padding included, which
     * counts against the flow-control windows (§6.9).
     */
    record Data(int streamId, ByteBuffer data, boolean endStream, int flowControlled) implements Frame {
    }

    /**
     * A complete field block: a HEADERS frame and its CONTINUATION frames (§6.2, §6.10), the
     * fragments joined, padding removed. {@code priority} is null without the PRIORITY flag.
     */
    record Headers(int streamId, ByteBuffer block, boolean endStream, Priority priority) implements Frame {
    }

    /** The deprecated priority signal of a HEADERS or PRIORITY frame (RFC 9113 §5.3.2, §6.3); advisory only. */
    record Priority(int dependency, boolean exclusive, int weight) {
    }

    /** PRIORITY (§6.3). */
    record PriorityFrame(int streamId, Priority priority) implements Frame {
    }

    /** RST_STREAM (§6.4); {@code errorCode} as sent, see {@link ErrorCode#of}. */
    record RstStream(int streamId, int errorCode) implements Frame {
    }

    /** One parameter of a SETTINGS frame. */
    record Setting(int id, long value) {
    }

    /** SETTINGS (§6.5), parameters validated per §6.5.2 (unknown ones are dropped). */
    record Settings(boolean ack, List<Setting> values) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** PING (§6.7); the 8 opaque octets as a long. */
    record Ping(boolean ack, long payload) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** GOAWAY (§6.8). */
    record GoAway(int lastStreamId, int errorCode, ByteBuffer debugData) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** WINDOW_UPDATE (§6.9); the increment is 1..2^31-1. */
    record WindowUpdate(int streamId, int increment) implements Frame {
    }

    /** A frame of a type this codec does not know; ignored, but visible for flood accounting (§5.5). */
    record Unknown(int type, int streamId, int length) implements Frame {
    }
}
