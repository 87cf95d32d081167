package dev.unicorn.dirty;

/**
 * The worker running a call died (crashed, halted, was killed after a timeout or lost its
 * connection) before the call completed. Only the calls in flight on that worker fail; the
 * worker is replaced.
 */
public final class DirtyWorkerDiedException extends DirtyException {
    private static final long serialVersionUID = 1L;

    /** A worker death described by {@code message}. */
    public DirtyWorkerDiedException(String message) {
        super(message);
    }
}
