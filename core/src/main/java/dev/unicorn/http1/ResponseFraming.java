package dev.unicorn.http1;

import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpStatus;
import dev.unicorn.server.ServerContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP/1.x response rules, shared by the blocking {@link Http1Response} and the
 * non-blocking {@link Http1AsyncConnection}: validating the application's fields, dropping
 * the server-owned ones, choosing the framing (RFC 9112 §6, the no-body rules of RFC 9110
 * §6.4.1), the keep-alive decision, encoding the head, admitting body bytes under the
 * framing, chunk tails with trailers, and the server's own error answers. One instance per
 * response; it keeps the decision and counts the body bytes.
 *
 * <p>The {@link ResponseDialect} is the connection's decoder's: in
 * {@link ResponseDialect#CLOSE_DELIMITED} a body of unknown length is delimited by closing the
 * connection instead of chunked, trailers are dropped and no interim response is sent, whatever
 * the request's version (which the application still sees as it was).
 */
final class ResponseFraming {
    static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK_CRLF = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Fields the server owns: the application's copies are dropped (hop-by-hop, RFC 9110 §7.6.1, plus Server and Date). */
    private static final String[] SERVER_OWNED = {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Transfer-Encoding", "Upgrade", "Server", "Date"};

    /** How the body is delimited. */
    enum Framing { NONE, LENGTH, CHUNKED, CLOSE }

    private final ServerContext ctx;
    private final ResponseDialect dialect;
    private Http1Event.RequestHead head;
    private Framing framing;
    private long contentLength = -1;
    private boolean keepAlive;
    /** Body bytes sent (or handed on to be sent). */
    private long written;
    /** Body bytes the framing did not let through. */
    private long dropped;

    /** Rules for one response to {@code head}, in {@code dialect}. */
    ResponseFraming(ServerContext ctx, ResponseDialect dialect, Http1Event.RequestHead head) {
        this(ctx, dialect);
        begin(head);
    }

    /**
     * Rules a blocking connection reuses for its responses one after another (it never has two
     * under way); call {@link #begin} per response.
     */
    ResponseFraming(ServerContext ctx, ResponseDialect dialect) {
        this.ctx = ctx;
        this.dialect = dialect;
    }

    /** What the peer understands of a response. */
    ResponseDialect dialect() {
        return dialect;
    }

    /** Starts over for the response to {@code head}. */
    ResponseFraming begin(Http1Event.RequestHead head) {
        this.head = head;
        framing = null;
        contentLength = -1;
        keepAlive = false;
        written = 0;
        dropped = 0;
        return this;
    }

    Framing framing() {
        return framing;
    }

    /** Whether the connection may serve another request after this response. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** Body bytes sent, for the access log. */
    long written() {
        return written;
    }

    /** Counts {@code n} body bytes as sent. */
    void wrote(long n) {
        written += n;
    }

    /**
     * Decides framing and keep-alive for {@code status} and the application's {@code headers}
     * (validated; server-owned fields removed from them) and encodes the head into {@code w}.
     *
     * @param completeLength the whole body's length when the application is done (a
     *                       Content-Length can replace chunking), else -1
     * @param hasTrailers    the application set trailers (they need chunking; dropped in a dialect without it)
     * @param persistAllowed the connection's own conditions for keep-alive hold (the worker
     *                       allows it, no 100-continue is pending, the unread body is small)
     * @throws IllegalStateException on status 101 or an invalid field: the application's fault
     */
    void commit(int status, Headers headers, long completeLength, boolean hasTrailers, boolean persistAllowed,
                ResponseBuffers.HeadWriter w) {
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
        contentLength = declaredContentLength(headers);
        if (contentLength >= 0 && HttpStatus.forbidsContentLength(status)) {
            headers.remove("Content-Length");
            contentLength = -1;
        }
        boolean chunking = dialect.chunking(head.version());
        boolean addLength = false;
        if (HttpStatus.omitsBody(head.method(), status)) {
            framing = Framing.NONE;
        } else if (contentLength >= 0) {
            framing = Framing.LENGTH;
        } else if (completeLength >= 0 && !(hasTrailers && dialect == ResponseDialect.HTTP_1_1)) {
            // Trailers ask for chunking where the dialect has it (an HTTP/1.0 client then gets the close);
            // a gateway never gets them, so a complete body keeps its Content-Length and the connection.
            framing = Framing.LENGTH;
            contentLength = completeLength;
            addLength = true;
        } else if (chunking) {
            framing = Framing.CHUNKED;
        } else {
            framing = Framing.CLOSE; // an HTTP/1.0 client, or a peer that decodes no chunking
        }
        keepAlive = head.keepAlive()
                && ctx.keepaliveNanos() > 0
                && persistAllowed
                && !appClose
                && framing != Framing.CLOSE
                && status >= 200;

        w.statusLine(status);
        w.raw(ctx.serverHeaderLine());
        w.field("Date", ctx.dateCache().currentBytes());
        for (int i = 0; i < headers.size(); i++) {
            w.field(headers.name(i), headers.value(i));
        }
        if (addLength) {
            w.field("Content-Length", contentLength);
        } else if (framing == Framing.CHUNKED) {
            w.field("Transfer-Encoding", "chunked");
        }
        if (!keepAlive) {
            w.field("Connection", "close");
        } else if (!head.version().atLeast11() && dialect == ResponseDialect.HTTP_1_1) {
            // An HTTP/1.0 client closes unless told otherwise; a gateway reads our HTTP/1.1 status line.
            w.field("Connection", "keep-alive");
        }
        w.end();
    }

    /**
     * How many of {@code n} new body bytes the framing lets through, {@code pending} bytes
     * being admitted but not yet counted as written; counts the rest as dropped.
     */
    long admit(long n, long pending) {
        long allowed = switch (framing) {
            case NONE -> 0;
            case LENGTH -> Math.max(0, Math.min(n, contentLength - written - pending));
            default -> n;
        };
        dropped += n - allowed;
        return allowed;
    }

    /**
     * What follows chunk data: CRLF after data, and for the {@code last} chunk the
     * terminator with {@code trailers}; null when nothing follows.
     */
    static ByteBuffer chunkTail(Headers trailers, boolean afterData, boolean last) {
        if (!last) {
            return afterData ? ByteBuffer.wrap(CRLF) : null;
        }
        if (trailers == null && !afterData) {
            return ByteBuffer.wrap(LAST_CHUNK_CRLF);
        }
        StringBuilder sb = new StringBuilder(afterData ? "\r\n0\r\n" : "0\r\n");
        if (trailers != null) {
            for (int i = 0; i < trailers.size(); i++) {
                checkField(trailers.name(i), trailers.value(i));
                sb.append(trailers.name(i)).append(": ").append(trailers.value(i)).append("\r\n");
            }
        }
        sb.append("\r\n");
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * The response ended: logs dropped bytes, and a body shorter than its Content-Length,
     * which ends keep-alive (the client would wait for the missing bytes).
     */
    void finished(int status) {
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
    private static long declaredContentLength(Headers headers) {
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
                throw new IllegalStateException("invalid response header name: " + printable(name, 64));
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff || !FieldSyntax.is((byte) c, FieldSyntax.VALUE)) {
                throw new IllegalStateException("invalid character in value of response header " + name);
            }
        }
    }

    /** Encodes {@code 103 Early Hints} with {@code hints} (validated) into {@code w}. */
    static void earlyHints(Headers hints, ResponseBuffers.HeadWriter w) {
        w.statusLine(103);
        for (int i = 0; i < hints.size(); i++) {
            checkField(hints.name(i), hints.value(i));
            w.field(hints.name(i), hints.value(i));
        }
        w.end();
    }

    /**
     * The server's own answer to a request it rejects or could not serve: encodes the head
     * into {@code head} and returns its one-line plain-text body; always {@code Connection: close}.
     */
    static ByteBuffer errorResponse(ServerContext ctx, ResponseBuffers.HeadWriter head, int status, String message) {
        String reason = HttpStatus.reasonPhrase(status);
        String body = status + " " + reason + ": " + printable(message, 200) + "\n";
        byte[] bodyBytes = body.getBytes(StandardCharsets.US_ASCII);
        head.statusLine(status);
        head.raw(ctx.serverHeaderLine());
        head.field("Date", ctx.dateCache().currentBytes());
        head.field("Content-Type", "text/plain; charset=utf-8");
        head.field("Content-Length", Integer.toString(bodyBytes.length));
        head.field("Connection", "close");
        head.end();
        return ByteBuffer.wrap(bodyBytes);
    }

    /** Keeps printable ASCII of {@code s}, at most {@code max} characters ({@code ?} for the rest). */
    static String printable(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
