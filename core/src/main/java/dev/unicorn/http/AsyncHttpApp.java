package dev.unicorn.http;

/**
 * A non-blocking HTTP application (the analogue of Python's ASGI), run by the {@code async}
 * worker model: called once per request <em>on the worker's event-loop thread</em>, which
 * serves every connection of the worker. It must therefore never block: no sleeping, no
 * blocking I/O, no waiting on futures. Work that takes time runs elsewhere and answers later
 * through the {@link AsyncExchange}, from any thread.
 *
 * <p>The request body arrives by callback ({@link AsyncExchange#readBody(BodyReader)}); the
 * response is written through {@link AsyncExchange#response()}, whose stages complete when
 * the bytes were handed to the socket. The exchange is complete when the application called
 * {@link AsyncResponse#end()} and the response was written; only then does the connection go
 * on to its next (possibly pipelined) request.
 *
 * <p>Errors: an exception thrown by {@code handle} or by a {@link BodyReader} callback, a
 * failed stage returned by {@link BodyReader#onData}, or {@link AsyncExchange#fail(Throwable)}
 * ends the exchange as a failure: {@code 500} with {@code Connection: close} before the
 * response is committed, an aborted connection after, exactly as for a blocking
 * {@link HttpApp}. A request whose response has not ended after {@code timeout} is aborted
 * (503 if nothing was sent, else the connection is closed).
 *
 * <p>Only the {@code async} worker model runs an {@code AsyncHttpApp}; the blocking models
 * ({@code virtual}, {@code threads}, {@code sync}) run an {@link HttpApp}. Starting a server
 * with the wrong kind fails and names the models that can run it.
 */
@FunctionalInterface
public interface AsyncHttpApp {
    /**
     * Starts handling one request; returns as soon as the work is under way.
     *
     * @param exchange the request head, its body by callback, and the response
     * @throws Exception anything; the server turns it into a 500 or an aborted response
     */
    void handle(AsyncExchange exchange) throws Exception;
}
