package dev.unicorn.http1;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** An HTTP/1.x request: the parsed head plus a body stream pulling events from the connection. */
final class Http1Request extends ParsedRequest {
    private static final Headers NO_TRAILERS = new Headers(0).readOnly();

    private final Http1Connection connection;
    private final Body body = new Body();
    /** The client waits for {@code 100 Continue} before its body, and the peer's dialect has interim responses. */
    private final boolean expectContinue;
    Http1Response response;

    private Headers trailers = NO_TRAILERS;
    private BadRequestException bodyError;
    private boolean continueChecked;
    private boolean continueSent;
    private boolean done;
    private long bodyRead;
    private ByteBuffer current;

    Http1Request(Http1Connection connection, Http1Event.RequestHead head, SocketAddress remote, SocketAddress local) {
        super(head, remote, local, connection.tls);
        this.connection = connection;
        this.expectContinue = head.expectContinue() && connection.framing.dialect().interimResponses(head.version());
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public Headers trailers() {
        return trailers;
    }

    /** The body failure the codec reported, if any. */
    BadRequestException bodyError() {
        return bodyError;
    }

    private boolean hasBody() {
        return head.chunked() || head.contentLength() > 0;
    }

    /** True if the client waits for {@code 100 Continue} that was never sent: its body may or may not follow. */
    boolean continuePending() {
        return expectContinue && hasBody() && !continueSent && !done;
    }

    /** Bytes of a Content-Length body not read yet; -1 when unknown (chunked). */
    long unreadKnownLength() {
        return head.chunked() ? (done ? 0 : -1) : head.contentLength() - bodyRead;
    }

    /**
     * Reads and discards what the application left of the body, within
     * {@link Http1Connection#DRAIN_MAX_BYTES}; returns whether the connection can go on.
     */
    boolean discardRemainder() throws IOException {
        if (done) {
            return true;
        }
        if (continuePending()) {
            return false;
        }
        long unread = unreadKnownLength();
        if (unread > Http1Connection.DRAIN_MAX_BYTES) {
            return false;
        }
        long drained = 0;
        try {
            while (!done && drained <= Http1Connection.DRAIN_MAX_BYTES) {
                if (current != null && current.hasRemaining()) {
                    drained += current.remaining();
                    current.position(current.limit());
                }
                fill();
            }
        } catch (BadRequestException e) {
            return false;
        }
        return done;
    }

    /** Pulls the next body event into {@code current}; sets {@code done} at the end. */
    private void fill() throws IOException {
        if (!continueChecked) {
            continueChecked = true;
            if (expectContinue && hasBody() && !response.isCommitted()) {
                connection.writeContinue();
                continueSent = true;
            }
        }
        Http1Event event;
        try {
            event = connection.nextBodyEvent();
        } catch (BadRequestException e) {
            bodyError = e;
            throw e;
        }
        if (event instanceof Http1Event.Body b) {
            current = b.data();
        } else if (event instanceof Http1Event.EndOfMessage end) {
            trailers = end.trailers();
            current = null;
            done = true;
        } else {
            throw new IllegalStateException("unexpected " + event + " inside a request body");
        }
    }

    /** The body stream handed to the application. */
    private final class Body extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (bodyError != null) {
                throw bodyError;
            }
            if (len == 0) {
                return 0;
            }
            while (!done && (current == null || !current.hasRemaining())) {
                fill();
            }
            if (done) {
                return -1;
            }
            int n = Math.min(len, current.remaining());
            current.get(b, off, n);
            bodyRead += n;
            return n;
        }

        @Override
        public int available() {
            return current == null ? 0 : current.remaining();
        }
    }
}
