package dev.unicorn.http;

/**
 * A blocking HTTP application: called once per request, on a thread the worker model owns
 * (a platform thread for {@code sync} and {@code threads}, a virtual thread for
 * {@code virtual}). The same contract serves HTTP/1.1, HTTP/2 streams and uWSGI.
 *
 * <p>The application reads the request body from {@link HttpRequest#body()} and answers
 * through {@link HttpResponse}. Returning completes the response: a body not yet closed is
 * finished by the server. An exception thrown before the response is committed becomes a
 * {@code 500}; after commit the connection (or stream) is aborted.
 */
@FunctionalInterface
public interface HttpApp {
    /**
     * Handles one request.
     *
     * @param request  what the client sent
     * @param response where the answer goes
     * @throws Exception anything; the server turns it into a 500 or an aborted response
     */
    void handle(HttpRequest request, HttpResponse response) throws Exception;
}
