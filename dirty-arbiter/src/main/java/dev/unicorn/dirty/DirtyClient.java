package dev.unicorn.dirty;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Calls dirty apps from any thread: a request handler on any worker model, or other code.
 * Thread-safe; one client serves any number of concurrent calls.
 *
 * <p>An app is named by its class name as given in {@code dirtyApps} (without the {@code :N}
 * allocation suffix). Arguments and results are protocol values: null, Boolean, Long (Integer,
 * Short, Byte are sent as Long), Double (Float is sent as Double), String, byte[], List and Map
 * with String keys, nested up to 32 deep. The app receives Long, Double and unmodifiable lists
 * and maps. A call goes to the least-loaded ready worker that hosts the app.
 *
 * <p>Failures are {@link DirtyTimeoutException}, {@link DirtyAppException},
 * {@link DirtyWorkerDiedException}, {@link DirtyNoWorkerException},
 * {@link DirtyProtocolException} (an argument that cannot be sent), or {@link DirtyException}
 * (stopped arbiter, overloaded worker).
 */
public interface DirtyClient {
    /** Calls {@code action} of {@code app} and waits for its result. */
    default Object call(String app, String action, Object... args) {
        try {
            return callAsync(app, action, args).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof DirtyException d) {
                throw d;
            }
            throw e;
        }
    }

    /**
     * Starts a call; the future completes with the result or with one of the exceptions above
     * (unwrapped by {@code join()}'s {@code CompletionException}: use {@link #call} to get them
     * directly). Cancelling the future cancels the remote work.
     */
    CompletableFuture<Object> callAsync(String app, String action, Object... args);

    /** Starts a streamed call; see {@link DirtyStream}. */
    DirtyStream stream(String app, String action, Object... args);

    /**
     * A client whose calls time out after {@code timeout}, sharing everything else with this
     * one. The default, and the cap of any timeout (0 included), is {@code dirtyTimeout} unless
     * that is 0. For a stream the timeout bounds each wait for the next element. A call that
     * times out is cancelled in its worker; past {@code dirtyTimeout} its worker is replaced.
     */
    DirtyClient withTimeout(Duration timeout);

    /** The arbiter's stash. */
    DirtyStash stash();
}
