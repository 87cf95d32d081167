package dev.unicorn.bench.peers;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.AsyncExchange;
import dev.unicorn.http.AsyncHttpApp;
import dev.unicorn.http.BodyReader;
import dev.unicorn.http.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Unicorn with its {@code async} worker model and default worker count, serving the
 * {@link Endpoint}s with a non-blocking application on the event loop: {@code /echo} collects
 * the body by callback, and {@code /sleep} answers {@link Endpoint#SLEEP_MILLIS} later from a
 * scheduler thread instead of blocking one. Options as {@link UnicornBlockingPeer}'s.
 */
final class UnicornAsyncPeer implements Peer {
    private static final byte[] EMPTY = new byte[0];

    @Override
    public String name() {
        return "unicorn-async";
    }

    @Override
    public String version() {
        return "Unicorn " + PomVersion.of("dev.unicorn", "unicorn");
    }

    @Override
    public String configuration() {
        return "async worker model, non-blocking application (/sleep completes from a scheduler thread), "
                + "default worker count (1), workerConnections 20000, keepalive 60 s, access log off";
    }

    @Override
    public boolean h2c() {
        return false;
    }

    @Override
    public Running start(int port, PeerOptions options) {
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("unicorn-async-sleep").daemon(true).factory());
        RunningServer server;
        try {
            server = UnicornBlockingPeer.start(new Unicorn(app(later)).workerModel(WorkerModelKind.ASYNC), port, options);
        } catch (RuntimeException e) {
            later.shutdownNow();
            throw e;
        }
        return () -> {
            server.close(); // the quick stop: nothing is in flight when the runner stops a server
            later.shutdownNow();
        };
    }

    private static AsyncHttpApp app(ScheduledExecutorService later) {
        return exchange -> {
            Endpoint e = Endpoint.match(exchange.method(), exchange.path());
            if (e == null) {
                exchange.response().send(404, "text/plain", EMPTY);
                return;
            }
            switch (e) {
                case PLAINTEXT -> exchange.response().send(200, e.contentType(), Endpoint.HELLO);
                case SLEEP -> later.schedule(() -> exchange.response().send(200, e.contentType(), Endpoint.HELLO),
                        Endpoint.SLEEP_MILLIS, TimeUnit.MILLISECONDS);
                case ECHO -> exchange.readBody(new Echo(exchange, e.contentType()));
            }
        };
    }

    /** Collects the request body on the event loop and answers it back once it ended. */
    private static final class Echo implements BodyReader {
        private final AsyncExchange exchange;
        private final String contentType;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Echo(AsyncExchange exchange, String contentType) {
            this.exchange = exchange;
            this.contentType = contentType;
        }

        @Override
        public CompletionStage<?> onData(ByteBuffer data) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            body.writeBytes(chunk);
            return null;
        }

        @Override
        public void onEnd(Headers trailers) {
            exchange.response().send(200, contentType, body.toByteArray());
        }

        @Override
        public void onError(Throwable error) {
            // the server answers a malformed body itself
        }
    }
}
