package dev.unicorn.http;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * Receives a request body for an {@link AsyncHttpApp}, on the event-loop thread, with
 * back-pressure: the next chunk is delivered only after the stage returned by
 * {@link #onData(ByteBuffer)} completed. Until then the server reads nothing more from the
 * connection, so a slow consumer slows the client down through TCP flow control instead of
 * making the server buffer.
 */
public interface BodyReader {
    /**
     * Some body bytes, de-chunked and never empty. The buffer is valid only during this call:
     * copy what must outlive it ({@link AsyncResponse#write(ByteBuffer)} takes its bytes before it returns).
     *
     * @return when to deliver the next chunk: {@code null} (or a completed stage) for at once,
     *         otherwise when the stage completes; a stage that fails ends the exchange as a failure
     */
    CompletionStage<?> onData(ByteBuffer data);

    /**
     * The body ended.
     *
     * @param trailers the trailer fields of a chunked body (read-only, possibly empty)
     */
    void onEnd(Headers trailers);

    /**
     * The body cannot be read: it is malformed or too large (a {@link BadRequestException}
     * carrying the status), or the connection failed. The server answers the error itself if
     * the response was not committed (and closes the connection otherwise); the application's
     * later writes fail.
     */
    void onError(Throwable error);
}
