package dev.unicorn.dirty;

/**
 * No worker hosts the named app: it is not among {@code dirtyApps}, or none of its workers
 * became ready within the call's timeout.
 */
public final class DirtyNoWorkerException extends DirtyException {
    private static final long serialVersionUID = 1L;

    /** A routing failure described by {@code message}. */
    public DirtyNoWorkerException(String message) {
        super(message);
    }
}
