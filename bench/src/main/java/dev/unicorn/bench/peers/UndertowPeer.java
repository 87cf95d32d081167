package dev.unicorn.bench.peers;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;

/**
 * Undertow core with an {@link HttpHandler}: {@code /plaintext} answered on the I/O thread,
 * {@code /echo} and {@code /sleep} dispatched to the blocking worker pool.
 *
 * <p>Undertow's default worker pool is 8 threads per I/O thread (16 here), a tenth of the
 * 200 that Jetty and Tomcat start with; for a blocking 10 ms endpoint that default would
 * measure the pool size, not the server, so the pool is set to 200 like theirs.
 */
final class UndertowPeer implements Peer {
    static final int WORKER_THREADS = 200;

    @Override
    public String name() {
        return "undertow";
    }

    @Override
    public String version() {
        return "Undertow " + io.undertow.Version.getVersionString();
    }

    @Override
    public String configuration() {
        return "HttpHandler: /plaintext on the I/O thread, /echo and /sleep dispatched to the worker pool, set to 200 threads (default 16 here), I/O threads default, HTTP/2 enabled, idle timeout 60 s";
    }

    @Override
    public boolean h2c() {
        return true;
    }

    @Override
    public Running start(int port, PeerOptions options) {
        int idleMillis = IDLE_TIMEOUT_SECONDS * 1000;
        Undertow server = Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setWorkerThreads(options.intValue("workerThreads", WORKER_THREADS))
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, idleMillis)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, idleMillis)
                .setHandler(new EndpointHandler())
                .build();
        server.start();
        return server::stop;
    }

    private static final class EndpointHandler implements HttpHandler {
        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            Endpoint e = Endpoint.match(exchange.getRequestMethod().toString(), exchange.getRequestPath());
            if (e == null) {
                exchange.setStatusCode(StatusCodes.NOT_FOUND);
                return;
            }
            if (e.blocks() && exchange.isInIoThread()) {
                exchange.dispatch(this);
                return;
            }
            byte[] body;
            if (e.blocks()) {
                exchange.startBlocking();
                body = e.answer(exchange.getInputStream());
            } else {
                body = e.answer(null);
            }
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, e.contentType());
            exchange.setResponseContentLength(body.length);
            exchange.getResponseSender().send(ByteBuffer.wrap(body));
        }
    }
}
