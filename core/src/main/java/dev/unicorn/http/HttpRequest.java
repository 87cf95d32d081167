package dev.unicorn.http;

import java.io.InputStream;

/**
 * A request as the application sees it, whichever protocol carried it (HTTP/1.x, an
 * HTTP/2 stream, a uWSGI packet): the {@linkplain RequestHead head} plus a blocking body
 * stream. Strings are the received bytes read as ISO-8859-1; nothing is percent-decoded.
 */
public interface HttpRequest extends RequestHead {
    /**
     * The request body, already de-chunked. Reading it the first time sends
     * {@code 100 Continue} when the client asked for it. A malformed or oversized body makes
     * the read throw {@link BadRequestException}.
     */
    InputStream body();

    /** The trailer fields (read-only); empty until the body has been read to its end. */
    Headers trailers();
}
