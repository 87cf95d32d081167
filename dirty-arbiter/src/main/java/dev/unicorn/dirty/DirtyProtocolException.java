package dev.unicorn.dirty;

/**
 * Bytes that break the dirty wire protocol ({@code docs/dirty.md}), or a value that the
 * protocol cannot carry (thrown before anything is sent).
 */
public final class DirtyProtocolException extends DirtyException {
    private static final long serialVersionUID = 1L;

    /** A protocol violation described by {@code message}. */
    public DirtyProtocolException(String message) {
        super(message);
    }
}
