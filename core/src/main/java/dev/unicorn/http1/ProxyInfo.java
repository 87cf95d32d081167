package dev.unicorn.http1;

import java.net.InetSocketAddress;

/**
 * The addresses a PROXY protocol header (HAProxy v1 or v2) announced for a connection: the
 * original client and the address it connected to. Built from IP literals, never resolved.
 *
 * @param source      the original client address and port
 * @param destination the address and port the client connected to (the proxy's listener)
 */
public record ProxyInfo(InetSocketAddress source, InetSocketAddress destination) {
}
