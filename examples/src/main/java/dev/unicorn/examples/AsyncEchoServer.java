package dev.unicorn.examples;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.AsyncExchange;
import dev.unicorn.http.AsyncHttpApp;
import dev.unicorn.http.BodyReader;
import dev.unicorn.http.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/**
 * {@link EchoServer}'s application written for the {@code async} worker model: it reads the
 * body by callback on the event loop and answers with the same JSON description of the request.
 */
public final class AsyncEchoServer {
    private AsyncEchoServer() {
    }

    /** The application. */
    public static AsyncHttpApp app() {
        return exchange -> exchange.readBody(new BodyReader() {
            private final ByteArrayOutputStream body = new ByteArrayOutputStream();

            @Override
            public CompletionStage<?> onData(ByteBuffer data) {
                byte[] chunk = new byte[data.remaining()];
                data.get(chunk);
                body.writeBytes(chunk);
                return null;
            }

            @Override
            public void onEnd(Headers trailers) {
                respond(exchange, body.toByteArray(), trailers);
            }

            @Override
            public void onError(Throwable error) {
                // the server answers a malformed body itself
            }
        });
    }

    private static void respond(AsyncExchange exchange, byte[] body, Headers trailers) {
        byte[] json = EchoServer.describe(exchange, body, trailers).getBytes(StandardCharsets.UTF_8);
        exchange.response().send(200, "application/json", json);
    }

    /** Starts the echo server on the async model and serves until the JVM is stopped. */
    public static void main(String[] args) throws InterruptedException {
        RunningServer server = new Unicorn(app()).workerModel(WorkerModelKind.ASYNC).handleSignals(true).start();
        server.awaitTermination();
    }
}
