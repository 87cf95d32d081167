package dev.unicorn.http;

import java.io.IOException;

/**
 * The client sent something the server rejects: a malformed request, or one over a limit.
 * Carries the status the server answers with (400, 413, 414, 417, 431, 501, 505...).
 * Thrown by codecs, and by {@link HttpRequest#body()} reads when the body itself is bad; the
 * server then answers with {@link #status()} if the response is not committed yet.
 */
public class BadRequestException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status  the HTTP status to answer with; 0 means close the connection without an answer
     * @param message one line naming the problem
     */
    public BadRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status to answer with, or 0 to close the connection silently. */
    public int status() {
        return status;
    }
}
