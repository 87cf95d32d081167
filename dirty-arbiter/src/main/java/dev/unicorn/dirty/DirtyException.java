package dev.unicorn.dirty;

/**
 * Why a dirty call failed. The subclasses say which way; this class itself is used for
 * failures that fit none of them (the arbiter is stopped, a worker is overloaded).
 */
public class DirtyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public DirtyException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public DirtyException(String message, Throwable cause) {
        super(message, cause);
    }
}
