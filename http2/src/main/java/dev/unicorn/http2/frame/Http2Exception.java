package dev.unicorn.http2.frame;

/**
 * A violation of RFC 9113 found in the peer's input: a connection error (§5.4.1: answer with
 * GOAWAY and close) or a stream error (§5.4.2: answer with RST_STREAM and carry on).
 */
public final class Http2Exception extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode error;
    private final int streamId;

    private Http2Exception(ErrorCode error, int streamId, String message) {
        super(message, null, false, false);
        this.error = error;
        this.streamId = streamId;
    }

    /** A connection error. */
    public static Http2Exception connection(ErrorCode error, String message) {
        return new Http2Exception(error, 0, message);
    }

    /** A stream error on {@code streamId} (not 0). */
    public static Http2Exception stream(int streamId, ErrorCode error, String message) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("stream error needs a stream: " + streamId);
        }
        return new Http2Exception(error, streamId, message);
    }

    /** The code to send. */
    public ErrorCode error() {
        return error;
    }

    /** True for a connection error, false for a stream error. */
    public boolean isConnectionError() {
        return streamId == 0;
    }

    /** The stream of a stream error; 0 for a connection error. */
    public int streamId() {
        return streamId;
    }
}
