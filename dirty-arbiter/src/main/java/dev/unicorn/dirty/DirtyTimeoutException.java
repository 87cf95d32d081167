package dev.unicorn.dirty;

/**
 * A call did not complete within its timeout (the per-call timeout, or {@code dirtyTimeout}).
 * The remote work was cancelled; past {@code dirtyTimeout} its worker was also replaced.
 */
public final class DirtyTimeoutException extends DirtyException {
    private static final long serialVersionUID = 1L;

    /** A timeout described by {@code message}. */
    public DirtyTimeoutException(String message) {
        super(message);
    }
}
