package dev.unicorn.workers;

import dev.unicorn.http.HttpRequest;
import java.net.SocketAddress;
import java.util.List;

/**
 * Callbacks at every lifecycle edge, in gunicorn's order and with its names adapted
 * ({@code on_starting} becomes {@link #onStarting()}, ...). Every method has an empty default;
 * implement the ones you need. A hook that throws is logged on {@code unicorn.error} and
 * never stops a worker or the server.
 *
 * <p>Order: {@code onStarting}, {@code whenReady}, then per worker {@code beforeWorkerStart},
 * {@code postWorkerInit}; per request {@code preRequest}, {@code postRequest}; when a worker
 * ends {@code workerExit} (after {@code workerInt} on a quick stop, or {@code workerAbort}
 * when a request ran past the timeout); {@code workersChanged} when the worker count changes;
 * {@code onReload} before a new generation starts; {@code onExit} last. With dirty apps,
 * {@code onDirtyStarting} runs before the first worker starts, and {@code dirtyWorkerInit} /
 * {@code dirtyWorkerExit} as dirty worker JVMs come and go ({@code docs/dirty.md}).
 */
public interface ServerHooks {
    /** No hooks. */
    ServerHooks NONE = new ServerHooks() {
    };

    /** The server is starting: settings are valid, nothing is bound yet. */
    default void onStarting() {
    }

    /** The listeners are bound; workers start next. */
    default void whenReady(List<SocketAddress> addresses) {
    }

    /** Worker {@code workerId} is about to start (gunicorn's {@code pre_fork}). */
    default void beforeWorkerStart(int workerId) {
    }

    /** Worker {@code workerId} is initialised and about to accept (gunicorn's {@code post_worker_init}). */
    default void postWorkerInit(int workerId) {
    }

    /** Worker {@code workerId} is being stopped quickly (gunicorn's {@code worker_int}). */
    default void workerInt(int workerId) {
    }

    /**
     * A request of worker {@code workerId} ran past {@code timeout} and is being aborted
     * (gunicorn's {@code worker_abort}); {@code thread} is the thread running it.
     */
    default void workerAbort(int workerId, String requestLine, Thread thread) {
    }

    /** Before the application handles {@code request}, on the request's thread. */
    default void preRequest(int workerId, HttpRequest request) {
    }

    /** After the exchange of {@code request} ended with {@code status}, on the request's thread. */
    default void postRequest(int workerId, HttpRequest request, int status) {
    }

    /** Worker {@code workerId} has stopped. */
    default void workerExit(int workerId) {
    }

    /** The target number of workers changed (gunicorn's {@code nworkers_changed}; {@code oldCount} is 0 the first time). */
    default void workersChanged(int newCount, int oldCount) {
    }

    /** A reload starts: a new generation of workers follows. */
    default void onReload() {
    }

    /** The server has stopped. */
    default void onExit() {
    }

    /** The dirty arbiter is starting (gunicorn's {@code on_dirty_starting}); runs only when {@code dirtyApps} is set. */
    default void onDirtyStarting() {
    }

    /**
     * Dirty worker {@code workerId} (process {@code pid}) has initialised {@code apps} and takes
     * calls (gunicorn's {@code dirty_worker_init}). Runs in this JVM, not in the worker.
     */
    default void dirtyWorkerInit(int workerId, long pid, List<String> apps) {
    }

    /** Dirty worker {@code workerId} (process {@code pid}) exited with {@code exitCode} (gunicorn's {@code dirty_worker_exit}). */
    default void dirtyWorkerExit(int workerId, long pid, int exitCode) {
    }
}
