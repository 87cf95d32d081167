package dev.unicorn.dirty;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The dirty apps of one server, whichever way they run: child JVMs ({@link DirtyArbiter}) or,
 * with {@code dirtyInProcess}, this JVM ({@link InProcessDirty}). Its {@link #client()} exists
 * before the pool starts, so an application can take it in its constructor and the server can
 * start the pool later, from its resolved settings; calls made before {@link #start} or after
 * {@link #close} fail with a {@link DirtyException}.
 */
public final class DirtyPool implements AutoCloseable {
    private volatile DirtyArbiter arbiter;
    private volatile InProcessDirty inProcess;
    private volatile DirtyClient target;
    private final DirtyClient client = new Forwarding(null);

    /** A pool not yet started. */
    public DirtyPool() {
    }

    /**
     * Starts the apps of {@code dirtyApps} as {@code config} says; does nothing if that list is
     * empty.
     *
     * @throws IllegalStateException if the pool is running
     * @throws Exception             what starting failed with (an in-process app's init, the socket)
     */
    public synchronized void start(Config config, DirtyHooks hooks) throws Exception {
        if (target != null) {
            throw new IllegalStateException("the dirty pool is already running");
        }
        arbiter = null; // a pool closed earlier may start again
        inProcess = null;
        if (config.get(Settings.DIRTY_APPS).isEmpty()) {
            return;
        }
        if (config.get(Settings.DIRTY_IN_PROCESS)) {
            hooks.onDirtyStarting();
            inProcess = InProcessDirty.start(config);
            target = inProcess.client();
        } else {
            arbiter = DirtyArbiter.start(config, hooks);
            target = arbiter.client();
        }
    }

    /** The client: forwards to the running pool. */
    public DirtyClient client() {
        return client;
    }

    /** True between {@link #start} (with dirty apps configured) and {@link #close}. */
    public boolean isRunning() {
        return target != null;
    }

    /** The child-JVM arbiter for scaling, reload and status; null in-process or when not running. */
    public DirtyArbiter arbiter() {
        return arbiter;
    }

    /** Stops the pool gracefully (see {@link DirtyArbiter#close()}); idempotent. */
    @Override
    public synchronized void close() {
        target = null;
        if (arbiter != null) {
            arbiter.close();
        }
        if (inProcess != null) {
            inProcess.close();
        }
    }

    private DirtyClient running() {
        DirtyClient t = target;
        if (t == null) {
            throw new DirtyException("no dirty pool is running (dirtyApps is empty, or the server is not started or stopped)");
        }
        return t;
    }

    /** The stable client: each call goes to the pool running at that moment. */
    private final class Forwarding implements DirtyClient {
        private final Duration timeout;

        Forwarding(Duration timeout) {
            this.timeout = timeout;
        }

        private DirtyClient now() {
            DirtyClient t = running();
            return timeout == null ? t : t.withTimeout(timeout);
        }

        @Override
        public CompletableFuture<Object> callAsync(String app, String action, Object... args) {
            return now().callAsync(app, action, args);
        }

        @Override
        public DirtyStream stream(String app, String action, Object... args) {
            return now().stream(app, action, args);
        }

        @Override
        public DirtyClient withTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("negative timeout " + timeout);
            }
            return new Forwarding(timeout);
        }

        @Override
        public DirtyStash stash() {
            return running().stash();
        }
    }

    @Override
    public String toString() {
        DirtyArbiter a = arbiter;
        return "DirtyPool" + (a != null ? a.workers() : inProcess != null ? "[in-process]" : List.of());
    }
}
