package dev.unicorn.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The three resources every peer serves, with the one piece of application logic they share.
 * Each peer only adapts its server's API to {@link #match} and {@link #answer}, so the servers
 * compete on the same work.
 */
public enum Endpoint {
    /** {@code GET /plaintext}: a constant 13-byte body. */
    PLAINTEXT("GET", "/plaintext", "text/plain"),
    /** {@code POST /echo}: the request body, returned as is. */
    ECHO("POST", "/echo", "application/octet-stream"),
    /** {@code GET /sleep}: blocks the request thread 10 ms, then the constant body. */
    SLEEP("GET", "/sleep", "text/plain");

    /** The body of {@code /plaintext} and {@code /sleep}. */
    public static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    /** How long {@code /sleep} blocks. */
    public static final long SLEEP_MILLIS = 10;

    private final String method;
    private final String path;
    private final String contentType;

    Endpoint(String method, String path, String contentType) {
        this.method = method;
        this.path = path;
        this.contentType = contentType;
    }

    /** The endpoint for this method and path, or {@code null} (the peer answers 404). */
    public static Endpoint match(String method, String path) {
        for (Endpoint e : values()) {
            if (e.path.equals(path) && e.method.equals(method)) {
                return e;
            }
        }
        return null;
    }

    /** The request path. */
    public String path() {
        return path;
    }

    /** The response Content-Type. */
    public String contentType() {
        return contentType;
    }

    /** True when the endpoint blocks (reads a body or sleeps), so event-loop servers must dispatch it. */
    public boolean blocks() {
        return this != PLAINTEXT;
    }

    /** Computes the response body, reading {@code body} when the endpoint echoes it. */
    public byte[] answer(InputStream body) throws IOException {
        switch (this) {
            case ECHO:
                return body.readAllBytes();
            case SLEEP:
                try {
                    Thread.sleep(SLEEP_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while sleeping", e);
                }
                return HELLO;
            default:
                return HELLO;
        }
    }
}
