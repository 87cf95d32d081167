package dev.unicorn.servlet;

/**
 * The request itself is bad in a way the adapter notices late (a malformed query or form, a
 * form over its limits, an ambiguous path): the exchange answers {@link #status()} instead of
 * a 500, as Jetty does with its {@code BadMessageException}.
 */
final class RequestRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    RequestRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
