package dev.unicorn.server;

import dev.unicorn.http.HttpRequest;

/**
 * Told about every exchange of a connection, on the thread that runs it: the worker counts
 * requests (for {@code maxRequests} and its stats) and runs the request hooks through it.
 * Implementations must not throw; the connection logs and ignores it if they do.
 */
public interface ExchangeListener {
    /** Listens to nothing. */
    ExchangeListener NONE = new ExchangeListener() {
        @Override
        public void requestStarted(ConnectionControl connection, HttpRequest request) {
        }

        @Override
        public void requestFinished(ConnectionControl connection, HttpRequest request, int status) {
        }
    };

    /**
     * The request head was parsed; the application is about to run. The listener may still
     * {@linkplain ConnectionControl#disallowKeepAlive() disallow keep-alive} for this response.
     */
    void requestStarted(ConnectionControl connection, HttpRequest request);

    /** The exchange ended with {@code status} (the status sent, or the one that was being sent when it failed). */
    void requestFinished(ConnectionControl connection, HttpRequest request, int status);
}
