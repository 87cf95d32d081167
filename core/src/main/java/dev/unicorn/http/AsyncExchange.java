package dev.unicorn.http;

/**
 * One request and its response for an {@link AsyncHttpApp}. The head accessors (of
 * {@link RequestHead}) are the same as {@link HttpRequest}'s; the body is read by callback
 * with {@link #readBody(BodyReader)} and the answer goes through {@link #response()}.
 *
 * <p>Every method may be called from any thread; the server runs the work on the event loop
 * of the connection. Callbacks ({@link BodyReader}, completion of the response's stages) run
 * on the event loop.
 */
public interface AsyncExchange extends RequestHead {
    /**
     * Starts reading the request body into {@code reader} (at most once per exchange). The
     * first call sends {@code 100 Continue} when the client asked for it and the response is
     * not committed. A request without a body gets {@link BodyReader#onEnd(Headers)} at once.
     *
     * @throws IllegalStateException if the body was already requested
     */
    void readBody(BodyReader reader);

    /** The request's trailer fields (read-only); empty until the body was read to its end. */
    Headers trailers();

    /** The response of this exchange. */
    AsyncResponse response();

    /**
     * Ends the exchange as a failure, as if {@link AsyncHttpApp#handle} had thrown
     * {@code cause}: {@code 500} if the response is not committed, else the connection is
     * aborted. Ignored once the exchange ended.
     */
    void fail(Throwable cause);
}
