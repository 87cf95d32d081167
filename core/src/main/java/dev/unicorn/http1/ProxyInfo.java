package dev.unicorn.http1;

import java.net.InetSocketAddress;

/**
 * The addresses a trusted proxy announced for a request: the original client and the address it
 * connected to. A PROXY protocol header (HAProxy v1 or v2) gives both as IP literals; a uWSGI
 * packet gives them as {@code REMOTE_ADDR}/{@code REMOTE_PORT} and {@code SERVER_NAME}/{@code
 * SERVER_PORT}, the latter possibly a host name (then an unresolved address). Never resolved.
 * The connections report them as the request's {@code remoteAddress()} and {@code localAddress()}.
 *
 * @param source      the original client address and port
 * @param destination the address and port the client connected to (the proxy's listener), or null when not announced
 */
public record ProxyInfo(InetSocketAddress source, InetSocketAddress destination) {
}
