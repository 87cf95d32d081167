package dev.unicorn.http1;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.server.ServerContext;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A sans-I/O request decoder for one connection, as {@link Http1Connection} and {@link
 * Http1AsyncConnection} drive it: fed bytes, it hands out {@link Http1Event}s, so that every
 * protocol that carries HTTP semantics in a byte stream ({@link Http1Parser} for HTTP/1.1, the
 * uWSGI codec) is served by the same connection code — deadlines, the access log, error answers,
 * draining an unread body, lingering close.
 *
 * <p>A request is a {@link Http1Event.RequestHead}, its {@link Http1Event.Body} events and an
 * {@link Http1Event.EndOfMessage}; {@link Http1Event#NEED_DATA} asks for bytes and {@link
 * Http1Event.ConnectionClosed} reports a clean end between requests. A rejection is a {@link
 * BadRequestException} carrying the status to answer (0: close without an answer), after which
 * the decoder is dead. The connection answers with an HTTP/1.1-formatted response in the
 * decoder's {@link #responseDialect()}.
 *
 * <p>Callers feed bytes only after {@link #next()} returned {@link Http1Event#NEED_DATA}, so
 * that a decoder's buffer stays bounded. Not thread-safe: one decoder per connection.
 */
public interface RequestDecoder {
    /**
     * Makes the decoder of a new connection.
     */
    @FunctionalInterface
    interface Factory {
        /**
         * @param ctx  the server's shared state (settings, allow lists)
         * @param peer the connection's socket peer (a Unix-socket peer is not an {@code InetSocketAddress})
         * @param tls  whether the connection is TLS (the default scheme is then {@code https})
         * @return a decoder for that connection alone
         */
        RequestDecoder create(ServerContext ctx, SocketAddress peer, boolean tls);
    }

    /**
     * HTTP/1.1 ({@link Http1Parser}) with the server's parser options; the peer's trust for
     * forwarded and scheme headers and for a PROXY header from {@code forwardedAllowIps} and
     * {@code proxyAllowIps}. The connections' default.
     */
    Factory HTTP_1_1 = (ctx, peer, tls) -> new Http1Parser(ctx.parserOptions(),
            ctx.forwardedAllowIps().allowsPeer(peer),
            ctx.proxyAllowIps().allowsPeer(peer),
            tls ? "https" : "http");

    /** Takes all remaining bytes of {@code data} (copied; {@code data} may be reused at once). */
    void receive(ByteBuffer data);

    /**
     * The alternative to {@link #receive(ByteBuffer)} that saves a copy: a writable view of the
     * decoder's own buffer with room for at least {@code want} bytes. Read into it, then report
     * the count with {@link #received(int)}; the view is valid until then.
     */
    ByteBuffer receiveBuffer(int want);

    /** {@code n} bytes were written into the view {@link #receiveBuffer(int)} returned. */
    void received(int n);

    /** The peer closed its side of the connection: no more bytes will come. */
    void receiveEof();

    /** How many bytes it is worth reading next (small between requests, more while a body streams). */
    int suggestedReadSize();

    /** True if bytes were received that no event has consumed yet (a pipelined request, the next packet). */
    boolean hasBufferedData();

    /**
     * The next event, or {@link Http1Event#NEED_DATA}.
     *
     * @throws BadRequestException the input is not acceptable; the decoder is dead afterwards
     * @throws IllegalStateException the decoder already failed
     */
    Http1Event next() throws BadRequestException;

    /** What the peer understands of a response; {@link ResponseDialect#HTTP_1_1} unless the protocol says otherwise. */
    default ResponseDialect responseDialect() {
        return ResponseDialect.HTTP_1_1;
    }
}
