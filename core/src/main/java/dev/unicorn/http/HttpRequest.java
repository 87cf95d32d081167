package dev.unicorn.http;

import java.io.InputStream;
import java.net.SocketAddress;

/**
 * A request as the application sees it, whichever protocol carried it (HTTP/1.x, an
 * HTTP/2 stream, a uWSGI packet). Strings are the received bytes read as ISO-8859-1; nothing
 * is percent-decoded.
 */
public interface HttpRequest {
    /** The method token, e.g. {@code GET}. */
    String method();

    /** The raw request-target as received ({@code /a%20b?x=1}, {@code *}, {@code host:443}, or an absolute URI). */
    String target();

    /** The path part of the target, not percent-decoded; for authority-form and {@code *} the target itself. */
    String path();

    /** The query part of the target without {@code ?}, not decoded; empty when absent. */
    String query();

    /** The protocol version. */
    HttpVersion version();

    /** The header fields in wire order (read-only). */
    Headers headers();

    /** The first value of the header {@code name}, or {@code null}. */
    default String header(String name) {
        return headers().get(name);
    }

    /**
     * The request body, already de-chunked. Reading it the first time sends
     * {@code 100 Continue} when the client asked for it. A malformed or oversized body makes
     * the read throw {@link BadRequestException}.
     */
    InputStream body();

    /** The trailer fields (read-only); empty until the body has been read to its end. */
    Headers trailers();

    /** The client's address: the socket peer, or the client named by a trusted PROXY header. */
    SocketAddress remoteAddress();

    /** The local address the request arrived on. */
    SocketAddress localAddress();

    /** {@code http} or {@code https} (TLS, or a trusted proxy's scheme header). */
    String scheme();
}
