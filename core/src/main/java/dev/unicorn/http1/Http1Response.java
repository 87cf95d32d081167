package dev.unicorn.http1;

import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpResponse;
import dev.unicorn.http.HttpStatus;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An HTTP/1.x response. Body bytes are staged in the connection's buffer; the head is
 * encoded when the response commits (staging full, {@code flush()}, or the end), so a small
 * response goes out in one write with a {@code Content-Length}. Framing follows RFC 9112 §6
 * and the no-body rules of RFC 9110 §6.4.1.
 */
final class Http1Response implements HttpResponse {
    private static final byte[] CRLF = {'\r', '\n'};
    /** Fields the server owns: the application's copies are dropped (hop-by-hop, RFC 9110 §7.6.1, plus Server and Date). */
    private static final String[] SERVER_OWNED = {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Transfer-Encoding", "Upgrade", "Server", "Date"};

    private enum Framing { NONE, LENGTH, CHUNKED, CLOSE }

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
    private Framing framing;
    private long contentLength = -1;
    private long written;
    private long dropped;
    private int staged;
    private boolean keepAlive;

    Http1Response(Http1Connection connection, Http1Event.RequestHead head, Http1Request request) {
        this.connection = connection;
        this.head = head;
        this.request = request;
        this.buffers = connection.buffers;
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
            checkField(trailers.name(i), trailers.value(i));
        }
        this.trailers = Headers.copyOf(trailers);
    }

    @Override
    public void earlyHints(Headers hints) throws IOException {
        if (committed || !head.version().atLeast11()) {
            return;
        }
        ResponseBuffers.HeadWriter w = buffers.head();
        w.statusLine(103);
        for (int i = 0; i < hints.size(); i++) {
            checkField(hints.name(i), hints.value(i));
            w.field(hints.name(i), hints.value(i));
        }
        w.end();
        connection.write(w.buffer(), null, null);
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    /** Whether the connection may serve another request after this response. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** Body bytes written to the wire, for the access log. */
    long bodyBytesWritten() {
        return written;
    }

    /**
     * Decides status, headers and framing and encodes the head (written with the next body
     * bytes). {@code complete} means the application is done, so staged bytes are the whole
     * body and a Content-Length can replace chunking.
     */
    private void commit(boolean complete) {
        if (status == 101) {
            throw new IllegalStateException("status 101 is reserved for protocol upgrades");
        }
        // One pass over the application's fields: validate them and spot the server-owned ones.
        boolean serverOwned = false;
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            checkField(name, headers.value(i));
            serverOwned |= isServerOwned(name);
        }
        boolean appClose = false;
        if (serverOwned) {
            appClose = headers.containsToken("Connection", "close");
            for (String name : SERVER_OWNED) {
                headers.remove(name);
            }
        }
        contentLength = declaredContentLength();
        if (contentLength >= 0 && HttpStatus.forbidsContentLength(status)) {
            headers.remove("Content-Length");
            contentLength = -1;
        }
        boolean addLength = false;
        if (HttpStatus.omitsBody(head.method(), status)) {
            framing = Framing.NONE;
        } else if (contentLength >= 0) {
            framing = Framing.LENGTH;
        } else if (complete && trailers == null) {
            framing = Framing.LENGTH;
            contentLength = staged;
            addLength = true;
        } else if (head.version().atLeast11()) {
            framing = Framing.CHUNKED;
        } else {
            framing = Framing.CLOSE;
        }
        long unread = request.unreadKnownLength();
        keepAlive = head.keepAlive()
                && connection.ctx.keepaliveNanos() > 0
                && connection.control.keepAliveAllowed()
                && !appClose
                && framing != Framing.CLOSE
                && status >= 200
                && !request.continuePending()
                && (unread < 0 || unread <= Http1Connection.DRAIN_MAX_BYTES);

        ResponseBuffers.HeadWriter w = buffers.head();
        w.statusLine(status);
        w.raw(connection.ctx.serverHeaderLine());
        w.field("Date", connection.ctx.dateCache().currentBytes());
        for (int i = 0; i < headers.size(); i++) {
            w.field(headers.name(i), headers.value(i));
        }
        if (addLength) {
            w.field("Content-Length", Long.toString(contentLength));
        } else if (framing == Framing.CHUNKED) {
            w.field("Transfer-Encoding", "chunked");
        }
        if (!keepAlive) {
            w.field("Connection", "close");
        } else if (!head.version().atLeast11()) {
            w.field("Connection", "keep-alive");
        }
        w.end();
        committed = true;
        headPending = true;
        // Staged bytes were written before the framing was known: apply it to them now.
        int pending = staged;
        staged = 0;
        staged = (int) admit(pending);
    }

    /** True for a field the server writes itself (see {@link #SERVER_OWNED}); a length switch keeps this cheap. */
    private static boolean isServerOwned(String name) {
        return switch (name.length()) {
            case 2 -> name.equalsIgnoreCase("TE");
            case 4 -> name.equalsIgnoreCase("Date");
            case 6 -> name.equalsIgnoreCase("Server");
            case 7 -> name.equalsIgnoreCase("Upgrade");
            case 10 -> name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive");
            case 16 -> name.equalsIgnoreCase("Proxy-Connection");
            case 17 -> name.equalsIgnoreCase("Transfer-Encoding");
            default -> false;
        };
    }

    /** The application's Content-Length, or -1; several fields must agree. */
    private long declaredContentLength() {
        long value = -1;
        for (int i = headers.indexOf("Content-Length", 0); i >= 0; i = headers.indexOf("Content-Length", i + 1)) {
            String s = headers.value(i).trim();
            long v = parseDigits(s);
            if (v < 0 || (value >= 0 && v != value)) {
                throw new IllegalStateException("invalid Content-Length from the application: " + s);
            }
            value = v;
        }
        return value;
    }

    private static long parseDigits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Rejects a field the application built that would break the message (RFC 9110 §5.1, §5.5). */
    static void checkField(String name, String value) {
        if (name.isEmpty()) {
            throw new IllegalStateException("empty response header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7f || !FieldSyntax.is((byte) c, FieldSyntax.TOKEN)) {
                throw new IllegalStateException("invalid response header name: " + printable(name));
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff || !FieldSyntax.is((byte) c, FieldSyntax.VALUE)) {
                throw new IllegalStateException("invalid character in value of response header " + name);
            }
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    /** How many of {@code n} new body bytes the framing lets through; counts the rest as dropped. */
    private long admit(long n) {
        long allowed = switch (framing) {
            case NONE -> 0;
            case LENGTH -> Math.max(0, Math.min(n, contentLength - written - staged));
            default -> n;
        };
        dropped += n - allowed;
        return allowed;
    }

    /** Writes the pending head and staged bytes; {@code last} adds the chunked terminator. */
    private void flushStaged(boolean last) throws IOException {
        ResponseBuffers.HeadWriter w = headPending ? buffers.currentHead() : buffers.head();
        ByteBuffer data = staged > 0 ? ByteBuffer.wrap(buffers.staging(), 0, staged) : null;
        ByteBuffer tail = null;
        if (framing == Framing.CHUNKED) {
            if (staged > 0) {
                w.chunkSize(staged);
            }
            tail = chunkTail(staged > 0, last);
        }
        if (w.size() > 0 || data != null || tail != null) {
            connection.write(w.buffer(), data, tail);
        }
        headPending = false;
        written += staged;
        staged = 0;
    }

    private ByteBuffer chunkTail(boolean afterData, boolean last) {
        if (!last) {
            return afterData ? ByteBuffer.wrap(CRLF) : null;
        }
        StringBuilder sb = new StringBuilder(afterData ? "\r\n0\r\n" : "0\r\n");
        if (trailers != null) {
            for (int i = 0; i < trailers.size(); i++) {
                checkField(trailers.name(i), trailers.value(i));
                sb.append(trailers.name(i)).append(": ").append(trailers.value(i)).append("\r\n");
            }
        }
        sb.append("\r\n");
        if (trailers == null && !afterData) {
            return ByteBuffer.wrap(LAST_CHUNK_CRLF);
        }
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static final byte[] LAST_CHUNK_CRLF = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

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
        if (dropped > 0) {
            if (framing == Framing.NONE) {
                ServerContext.ERROR_LOG.warn("Application wrote {} body bytes on a response that has no body ({} {} -> {}); dropped per RFC 9110",
                        dropped, head.method(), head.target(), status);
            } else {
                ServerContext.ERROR_LOG.warn("Application wrote {} bytes beyond its Content-Length {} ({} {}); dropped",
                        dropped, contentLength, head.method(), head.target());
            }
        }
        if (framing == Framing.LENGTH && written < contentLength) {
            ServerContext.ERROR_LOG.warn("Application wrote {} of its Content-Length {} ({} {}); closing the connection",
                    written, contentLength, head.method(), head.target());
            keepAlive = false;
        }
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
            if (framing == Framing.CHUNKED) {
                w.chunkSize(len);
            }
            connection.write(w.buffer(), ByteBuffer.wrap(b, off, len), framing == Framing.CHUNKED ? ByteBuffer.wrap(CRLF) : null);
            written += len;
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
