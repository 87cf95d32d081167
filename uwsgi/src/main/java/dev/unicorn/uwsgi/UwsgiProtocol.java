package dev.unicorn.uwsgi;

import dev.unicorn.http.TlsSession;
import dev.unicorn.http1.Http1AsyncConnection;
import dev.unicorn.http1.Http1Connection;
import dev.unicorn.http1.RequestDecoder;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ServerContext;
import java.net.SocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The uWSGI protocol for a worker: how a connection from nginx's {@code uwsgi_pass} is served.
 * Each connection gets a {@link UwsgiParser} as its {@link RequestDecoder}, and core's HTTP/1.x
 * connections serve the requests it decodes exactly as they serve HTTP/1.1 ones (deadlines,
 * keep-alive, the access log, error answers, lingering close), answering in
 * {@link dev.unicorn.http1.ResponseDialect#CLOSE_DELIMITED}: HTTP/1.1-formatted responses that
 * are never chunked and never preceded by a 1xx, which is what nginx's uwsgi module relays
 * intact.
 *
 * <p>A worker either passes {@link #decoders()} to the connection constructors that take a
 * {@link RequestDecoder.Factory}, or calls {@link #connection} / {@link #asyncConnection}.
 * Immutable; one instance serves every connection of a listener.
 */
public final class UwsgiProtocol {
    private final UwsgiOptions options;
    private final RequestDecoder.Factory decoders;

    /**
     * @param options who may send packets, the uWSGI limits, and the HTTP limits applied to
     *                each request (use {@link #forServer} to take those from the server's settings)
     */
    public UwsgiProtocol(UwsgiOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.decoders = (ctx, peer, tls) -> new UwsgiParser(options, peer, tls ? "https" : "http");
    }

    /**
     * The protocol with the default uWSGI options ({@code uwsgiAllowIps} loopback,
     * {@code uwsgiMaxVars} 1000, {@code uwsgiMaxVarsSize} 65535) and the server's HTTP limits
     * ({@code limitRequestLine}, {@code limitRequestFields}, {@code limitRequestFieldSize},
     * {@code limitRequestBody}, the method leniencies).
     */
    public static UwsgiProtocol forServer(ServerContext ctx) {
        return new UwsgiProtocol(UwsgiOptions.defaults().withHttp(ctx.parserOptions()));
    }

    /** The options every connection's parser gets. */
    public UwsgiOptions options() {
        return options;
    }

    /** Makes a {@link UwsgiParser} per connection; {@code https} is the default scheme on a TLS connection. */
    public RequestDecoder.Factory decoders() {
        return decoders;
    }

    /**
     * A blocking connection that serves uWSGI packets; see {@link Http1Connection}'s constructor
     * for the parameters. Call {@link Http1Connection#serve()} or
     * {@link Http1Connection#serveUntilIdle()} on it.
     */
    public Http1Connection connection(ServerContext ctx, ByteChannel channel, ConnectionControl control,
                                      SocketAddress peer, SocketAddress local, TlsSession tls) {
        return new Http1Connection(ctx, channel, control, peer, local, tls, decoders);
    }

    /**
     * A non-blocking connection that serves uWSGI packets on an event loop; see
     * {@link Http1AsyncConnection}'s constructor for the parameters. Construct it on the loop thread.
     */
    public Http1AsyncConnection asyncConnection(ServerContext ctx, SocketChannel channel, ConnectionControl control,
                                                SocketAddress peer, SocketAddress local, Executor loop,
                                                Runnable onClosed, TlsSession tls) {
        return new Http1AsyncConnection(ctx, channel, control, peer, local, loop, onClosed, tls, decoders);
    }

    @Override
    public String toString() {
        return "uwsgi " + options;
    }
}
