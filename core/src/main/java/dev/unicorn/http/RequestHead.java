package dev.unicorn.http;

import java.net.SocketAddress;

/**
 * The head of a request: what the client sent before its body, and where it came from. Shared
 * by the blocking {@link HttpRequest} and the non-blocking {@link AsyncExchange}. Strings are
 * the received bytes read as ISO-8859-1; nothing is percent-decoded.
 */
public interface RequestHead {
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

    /** The client's address: the socket peer, or the client named by a trusted PROXY header. */
    SocketAddress remoteAddress();

    /** The local address the request arrived on. */
    SocketAddress localAddress();

    /** {@code http} or {@code https} (TLS, or a trusted proxy's scheme header). */
    String scheme();

    /**
     * The TLS session of the connection the request arrived on (protocol, cipher suite, the
     * client's certificates), or {@code null} when it was not TLS. A TLS-terminating proxy's
     * session is not seen here; {@link #scheme()} reflects its scheme header.
     */
    default TlsSession tlsSession() {
        return null;
    }
}
