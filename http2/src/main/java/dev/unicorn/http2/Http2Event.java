package dev.unicorn.http2;

import dev.unicorn.http.Headers;
import dev.unicorn.http2.frame.ErrorCode;
import java.nio.ByteBuffer;

/** What {@link Http2Connection#receive} found in the peer's bytes, in order. */
public sealed interface Http2Event {
    /** A new request on stream {@code streamId}; {@code endStream} when it has no body. */
    record RequestHeaders(int streamId, Http2Request request, boolean endStream) implements Http2Event {
    }

    /**
     * Request body octets. {@code data} is a read-only view of the connection's input buffer,
     * valid until the next {@code receive}: copy it or consume it before then. Report the octets
     * the application has consumed with {@link Http2Connection#consumed}, which reopens the
     * flow-control windows.
     */
    record Data(int streamId, ByteBuffer data, boolean endStream) implements Http2Event {
    }

    /** Request trailers; the request body is complete. */
    record Trailers(int streamId, Headers trailers) implements Http2Event {
    }

    /**
     * A stream the application knows of ended abnormally: reset by the peer ({@code byPeer}),
     * or by this connection because the peer broke a rule on it. Stop working on it.
     */
    record StreamReset(int streamId, ErrorCode error, boolean byPeer) implements Http2Event {
    }

    /** The send window of a stream, or of the whole connection (stream 0), grew: blocked sends may go on. */
    record WindowUpdated(int streamId) implements Http2Event {
    }

    /** The peer acknowledged a {@link Http2Connection#ping}. */
    record PingAcknowledged(long payload) implements Http2Event {
    }

    /** The peer sent GOAWAY: it will open no new streams. */
    record GoAwayReceived(int lastStreamId, ErrorCode error, String debug) implements Http2Event {
    }

    /**
     * The peer broke a connection-wide rule; a GOAWAY with {@code error} is queued. Send the
     * pending output and close; the connection reads nothing more.
     */
    record ConnectionError(ErrorCode error, String message) implements Http2Event {
    }
}
