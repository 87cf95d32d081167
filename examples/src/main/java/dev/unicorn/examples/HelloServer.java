package dev.unicorn.examples;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.http.HttpApp;
import java.nio.charset.StandardCharsets;

/**
 * The README demo: answers every request with {@code Hello, World!}. Listens on
 * {@code 127.0.0.1:8000} unless {@code -Dunicorn.bind=...} or {@code UNICORN_BIND} says
 * otherwise; every other setting works the same way.
 */
public final class HelloServer {
    private static final byte[] HELLO = "Hello, World!\n".getBytes(StandardCharsets.US_ASCII);

    private HelloServer() {
    }

    /** The application. */
    public static HttpApp app() {
        return (request, response) -> response.send(200, "text/plain; charset=utf-8", HELLO);
    }

    /** Starts the server and serves until the JVM is stopped. */
    public static void main(String[] args) throws InterruptedException {
        // gunicorn's signals: TERM stops gracefully, INT (Ctrl-C) quickly, HUP reloads, TTIN/TTOU scale.
        RunningServer server = new Unicorn(app()).handleSignals(true).start();
        server.awaitTermination();
    }
}
