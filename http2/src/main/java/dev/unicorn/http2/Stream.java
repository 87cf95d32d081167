package dev.unicorn.http2;

/** The state of one open stream of an {@link Http2Connection} (RFC 9113 §5.1, server side). */
final class Stream {
    final int id;
    /** The peer has sent END_STREAM: half-closed (remote). */
    boolean remoteClosed;
    /** We have sent END_STREAM: half-closed (local). */
    boolean localClosed;
    /** The final (non-1xx) response headers are sent. */
    boolean responseStarted;
    /** HEAD request, or a 204/304 response: no content goes out (RFC 9110 §6.4.1). */
    boolean headRequest;
    boolean noResponseBody;
    /** Request body octets the peer may still send before we reopen the window. */
    long receiveWindow;
    /** Octets we may still send (may go negative after a SETTINGS change, §6.9.2). */
    long sendWindow;
    /** Data octets delivered to the application and not yet reported consumed. */
    long unconsumed;
    /** Consumed octets not yet returned to the peer by a WINDOW_UPDATE. */
    long unacknowledged;
    /** content-length, or -1. */
    long contentLength = -1;
    long received;

    Stream(int id, long receiveWindow, long sendWindow) {
        this.id = id;
        this.receiveWindow = receiveWindow;
        this.sendWindow = sendWindow;
    }
}
