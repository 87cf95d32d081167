package dev.unicorn.http1;

import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An HTTP/1.x response. Body bytes are staged in the connection's buffer; the head is
 * encoded when the response commits (staging full, {@code flush()}, or the end), so a small
 * response goes out in one write with a {@code Content-Length}. Framing follows RFC 9112 §6
 * and the no-body rules of RFC 9110 §6.4.1.
 */
final class Http1Response implements HttpResponse {
    private final Http1Connection connection;
    private final Http1Event.RequestHead head;
    private final Http1Request request;
    private final ResponseBuffers buffers;
    private final Headers headers = new Headers();
    private final Body body = new Body();
    private int status = 200;
    private Headers trailers;
    private boolean committed;
    private boolean headPending;
    private boolean finished;
    private final ResponseFraming framing;
    private int staged;

    Http1Response(Http1Connection connection, Http1Event.RequestHead head, Http1Request request) {
        this.connection = connection;
        this.head = head;
        this.request = request;
        this.buffers = connection.buffers;
        this.framing = connection.framing.begin(head);
    }

    @Override
    public HttpResponse status(int code) {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("status must be 100-599: " + code);
        }
        if (committed) {
            throw new IllegalStateException("response already committed");
        }
        this.status = code;
        return this;
    }

    @Override
    public int status() {
        return status;
    }

    /** Records the status of an error answer the server sent itself (for the access log). */
    void errorStatus(int code) {
        this.status = code;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public OutputStream body() {
        return body;
    }

    @Override
    public void trailers(Headers trailers) {
        Objects.requireNonNull(trailers, "trailers");
        for (int i = 0; i < trailers.size(); i++) {
            ResponseFraming.checkField(trailers.name(i), trailers.value(i));
        }
        this.trailers = Headers.copyOf(trailers);
    }

    @Override
    public void earlyHints(Headers hints) throws IOException {
        if (committed || !framing.dialect().interimResponses(head.version())) {
            return; // an HTTP/1.0 client, or a gateway that would take the 103 as the response
        }
        ResponseBuffers.HeadWriter w = buffers.head();
        ResponseFraming.earlyHints(hints, w);
        connection.write(w.buffer(), null, null);
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    /** Whether the connection may serve another request after this response. */
    boolean keepAlive() {
        return framing.keepAlive();
    }

    /** Body bytes written to the wire, for the access log. */
    long bodyBytesWritten() {
        return framing.written();
    }

    /**
     * Decides status, headers and framing and encodes the head (written with the next body
     * bytes). {@code complete} means the application is done, so staged bytes are the whole
     * body and a Content-Length can replace chunking.
     */
    private void commit(boolean complete) {
        long unread = request.unreadKnownLength();
        boolean persistAllowed = connection.control.keepAliveAllowed()
                && !request.continuePending()
                && (unread < 0 || unread <= Http1Connection.DRAIN_MAX_BYTES);
        framing.commit(status, headers, complete ? staged : -1, trailers != null, persistAllowed, buffers.head());
        committed = true;
        headPending = true;
        // Staged bytes were written before the framing was known: apply it to them now.
        int pending = staged;
        staged = 0;
        staged = (int) admit(pending);
    }

    /** Rejects a field the application built that would break the message (see {@link ResponseFraming#checkField}). */
    static void checkField(String name, String value) {
        ResponseFraming.checkField(name, value);
    }

    /** How many of {@code n} new body bytes the framing lets through; counts the rest as dropped. */
    private long admit(long n) {
        return framing.admit(n, staged);
    }

    /** Writes the pending head and staged bytes; {@code last} adds the chunked terminator. */
    private void flushStaged(boolean last) throws IOException {
        ResponseBuffers.HeadWriter w = headPending ? buffers.currentHead() : buffers.head();
        ByteBuffer data = staged > 0 ? ByteBuffer.wrap(buffers.staging(), 0, staged) : null;
        ByteBuffer tail = null;
        if (framing.framing() == ResponseFraming.Framing.CHUNKED) {
            if (staged > 0) {
                w.chunkSize(staged);
            }
            tail = ResponseFraming.chunkTail(trailers, staged > 0, last);
        }
        if (w.size() > 0 || data != null || tail != null) {
            if (last) {
                connection.writeLast(w.buffer(), data, tail);
            } else {
                connection.write(w.buffer(), data, tail);
            }
        }
        headPending = false;
        framing.wrote(staged);
        staged = 0;
    }

    /** Completes the response (called by the application closing the body, or by the server after it returns). */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        if (!committed) {
            commit(true);
        }
        finished = true;
        flushStaged(true);
        framing.finished(status);
    }

    /** The body stream handed to the application. */
    private final class Body extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (finished) {
                throw new IOException("response already finished");
            }
            if (len == 0) {
                return;
            }
            byte[] staging = buffers.staging();
            if (!committed) {
                if (len <= staging.length - staged) {
                    System.arraycopy(b, off, staging, staged, len);
                    staged += len;
                    return;
                }
                commit(false);
            }
            len = (int) admit(len);
            if (len == 0) {
                return;
            }
            if (len <= staging.length - staged) {
                System.arraycopy(b, off, staging, staged, len);
                staged += len;
                return;
            }
            flushStaged(false);
            if (len < staging.length) {
                System.arraycopy(b, off, staging, 0, len);
                staged = len;
                return;
            }
            ResponseBuffers.HeadWriter w = buffers.head();
            boolean chunked = framing.framing() == ResponseFraming.Framing.CHUNKED;
            if (chunked) {
                w.chunkSize(len);
            }
            connection.write(w.buffer(), ByteBuffer.wrap(b, off, len), chunked ? ByteBuffer.wrap(ResponseFraming.CRLF) : null);
            framing.wrote(len);
        }

        @Override
        public void flush() throws IOException {
            if (finished) {
                return;
            }
            if (!committed) {
                commit(false);
            }
            flushStaged(false);
        }

        @Override
        public void close() throws IOException {
            finish();
        }
    }
}
