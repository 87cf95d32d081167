package dev.unicorn.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The answer to one request. Set the status and headers, then write the body. The response
 * commits (status and headers go out) when the buffered body outgrows the server's buffer
 * (16 KiB for HTTP/1.1), on {@code body().flush()}, or when the response ends; until then
 * status and headers may still change, and a small body gets a {@code Content-Length}. The server
 * chooses the framing: {@code Content-Length} when the application set one, otherwise
 * chunked (HTTP/1.1) or close-delimited (HTTP/1.0); HEAD, 1xx, 204 and 304 never carry a
 * body. {@code Server}, {@code Date} and hop-by-hop headers are the server's.
 */
public interface HttpResponse {
    /** Sets the status code (100-599; 101 is reserved for protocol upgrades). */
    HttpResponse status(int code);

    /** The status code set so far (200 by default). */
    int status();

    /** The response header fields, mutable until the response is committed. */
    Headers headers();

    /** The body stream. Closing it finishes the response. */
    OutputStream body();

    /**
     * Sets trailer fields sent after the body when the framing allows it (chunked HTTP/1.1,
     * HTTP/2); otherwise they are dropped.
     */
    void trailers(Headers trailers);

    /**
     * Sends a {@code 103 Early Hints} interim response with {@code hints} (for example
     * {@code Link} headers). Ignored once the response is committed and on HTTP/1.0.
     */
    void earlyHints(Headers hints) throws IOException;

    /** True once the status and headers have been sent (or handed to the protocol). */
    boolean isCommitted();

    /**
     * Convenience: answers {@code status} with {@code body} and {@code Content-Type:
     * contentType} (omitted when {@code null}), sets {@code Content-Length} and finishes the
     * response.
     */
    default void send(int status, String contentType, byte[] body) throws IOException {
        status(status);
        if (contentType != null) {
            headers().set("Content-Type", contentType);
        }
        headers().set("Content-Length", Integer.toString(body.length));
        try (OutputStream out = body()) {
            out.write(body);
        }
    }
}
