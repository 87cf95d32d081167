package dev.unicorn.http;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * The answer to one request of an {@link AsyncHttpApp}, written without blocking. Set the
 * status and headers, write the body, then {@link #end()}. The framing rules are those of
 * {@link HttpResponse}: the response commits when its buffered body outgrows the server's
 * buffer (16 KiB for HTTP/1.1) or at {@link #end()}, a small body gets a
 * {@code Content-Length}, otherwise chunked (HTTP/1.1) or close-delimited (HTTP/1.0); HEAD,
 * 1xx, 204 and 304 never carry a body; {@code Server}, {@code Date} and hop-by-hop headers
 * are the server's.
 *
 * <p>Back-pressure: {@link #write(ByteBuffer)} returns a stage that completes once the bytes
 * were written to the socket (or taken into the response's bounded buffer); an application
 * producing a large body waits for it before writing more. Stages complete on the event loop;
 * they fail with an {@link java.io.IOException} when the connection is gone or the exchange
 * was aborted. Methods may be called from any thread.
 */
public interface AsyncResponse {
    /** Sets the status code (100-599; 101 is reserved for protocol upgrades). */
    AsyncResponse status(int code);

    /** The status code set so far (200 by default). */
    int status();

    /** The response header fields, mutable until the response is committed. */
    Headers headers();

    /**
     * Sets trailer fields sent after the body when the framing allows it (chunked HTTP/1.1);
     * otherwise they are dropped.
     */
    void trailers(Headers trailers);

    /**
     * Sends a {@code 103 Early Hints} interim response with {@code hints}. Ignored once the
     * response is committed and on HTTP/1.0.
     */
    void earlyHints(Headers hints);

    /**
     * Writes the remaining bytes of {@code data}, which are taken before this returns (the
     * buffer may be reused at once).
     *
     * @return completes when the bytes were handed to the socket
     */
    CompletionStage<Void> write(ByteBuffer data);

    /**
     * Finishes the response (idempotent).
     *
     * @return completes when the whole response was handed to the socket
     */
    CompletionStage<Void> end();

    /** Sets {@code trailers} (see {@link #trailers(Headers)}) and finishes the response. */
    default CompletionStage<Void> end(Headers trailers) {
        trailers(trailers);
        return end();
    }

    /** True once the status and headers have been sent. */
    boolean isCommitted();

    /**
     * Convenience: answers {@code status} with {@code body} and {@code Content-Type:
     * contentType} (omitted when {@code null}), sets {@code Content-Length} and ends the response.
     */
    default CompletionStage<Void> send(int status, String contentType, byte[] body) {
        status(status);
        if (contentType != null) {
            headers().set("Content-Type", contentType);
        }
        headers().set("Content-Length", Integer.toString(body.length));
        write(ByteBuffer.wrap(body));
        return end();
    }
}
