package dev.unicorn.dirty;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * A failure as the ERROR frame carries it (kind, exception type, message, stack), and its
 * mapping to the client's exception types. One place for both directions.
 *
 * @param kind    {@link #APP}, {@link #NO_APP}, {@link #OVERLOADED}, {@link #STOPPING}, {@link #BOOT} or {@link #BAD_REQUEST}
 * @param type    the exception class name for {@link #APP}, else empty
 * @param message a human-readable message, may be empty
 * @param stack   the remote stack trace for {@link #APP} and {@link #BOOT}, else empty
 */
record Failure(String kind, String type, String message, String stack) {
    /** The app threw. */
    static final String APP = "App";
    /** The worker does not host the app named in the call. */
    static final String NO_APP = "NoApp";
    /** The worker's queue of calls is full. */
    static final String OVERLOADED = "Overloaded";
    /** The worker is shutting down and takes no new call. */
    static final String STOPPING = "Stopping";
    /** An app failed to initialise (id 0, before READY). */
    static final String BOOT = "Boot";
    /** A request the receiver cannot serve (bad stash operation, bad arguments). */
    static final String BAD_REQUEST = "BadRequest";

    static Failure of(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return new Failure(APP, t.getClass().getName(), t.getMessage() == null ? "" : t.getMessage(), w.toString());
    }

    static Failure from(Frame f) {
        return new Failure(f.string(0), f.string(1), f.string(2), f.string(3));
    }

    Frame toFrame(long id) {
        return Frame.of(FrameType.ERROR, id, kind, type, message, stack);
    }

    DirtyException toException() {
        return switch (kind) {
            case APP -> new DirtyAppException(type, message, stack);
            case NO_APP -> new DirtyNoWorkerException(message);
            case STOPPING -> new DirtyWorkerDiedException(message);
            default -> new DirtyException(kind + ": " + message);
        };
    }
}
