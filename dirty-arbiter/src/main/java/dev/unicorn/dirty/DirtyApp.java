package dev.unicorn.dirty;

import java.util.List;

/**
 * Heavy or stateful work run by dirty workers. An implementation is a public class with a
 * public no-argument constructor, named in the {@code dirtyApps} setting; each worker that
 * hosts it creates one instance, calls {@link #init} once, then {@link #handle} for every call
 * (from up to {@code dirtyThreads} threads at once, so the instance must be thread-safe when
 * that is above 1), and {@link #close} when the worker stops.
 *
 * <p>Lifecycle methods are not actions: a call can only reach {@link #handle}.
 *
 * <pre>{@code
 * public final class Resize implements DirtyApp {
 *     private Model model;
 *     public void init(DirtyContext context) { model = Model.load(); }    // once per worker
 *     public Object handle(String action, List<Object> args) {
 *         return switch (action) {
 *             case "resize" -> model.resize((byte[]) args.get(0), (Long) args.get(1));
 *             case "progress" -> Stream.iterate(0L, i -> i <= 100, i -> i + 10); // streamed
 *             default -> throw new IllegalArgumentException("unknown action " + action);
 *         };
 *     }
 * }
 * }</pre>
 */
public interface DirtyApp {
    /**
     * Prepares the app once per worker, before any call (load a model here). An exception fails
     * the worker's boot; the worker is then respawned with back-off.
     */
    default void init(DirtyContext context) throws Exception {
    }

    /**
     * Handles one call of {@code action} with the caller's arguments (decoded as described on
     * {@link DirtyClient}). Returns the result value, or an {@link java.util.Iterator} or
     * {@link java.util.stream.BaseStream} whose elements are streamed to the caller one by one
     * (a stream is closed when it ends or is cancelled). A cancelled or timed-out call interrupts
     * the thread running it. An exception reaches the caller as a {@link DirtyAppException}.
     */
    Object handle(String action, List<Object> args) throws Exception;

    /** Releases what {@link #init} took, when the worker stops. */
    default void close() throws Exception {
    }
}
