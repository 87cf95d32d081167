package dev.unicorn.dirty;

/**
 * The app threw while handling a call. Carries the remote exception's class name, message and
 * stack trace as text (the remote exception itself lives in another JVM).
 */
public final class DirtyAppException extends DirtyException {
    private static final long serialVersionUID = 1L;
    private final String remoteType;
    private final String remoteMessage;
    private final String remoteStack;

    /** An app failure: the remote exception's class name, message (may be empty) and stack trace. */
    public DirtyAppException(String remoteType, String remoteMessage, String remoteStack) {
        super(remoteType + (remoteMessage.isEmpty() ? "" : ": " + remoteMessage));
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
        this.remoteStack = remoteStack;
    }

    /** The class name of the exception the app threw ({@code java.lang.IllegalArgumentException}). */
    public String remoteType() {
        return remoteType;
    }

    /** Its message, empty when it had none. */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** Its stack trace as printed by {@link Throwable#printStackTrace()}. */
    public String remoteStack() {
        return remoteStack;
    }
}
