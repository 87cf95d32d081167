package dev.unicorn.dirty;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The dirty apps run in this JVM ({@code dirtyInProcess}): one instance of each app, calls on
 * a bounded pool of {@code dirtyWorkers × dirtyThreads} threads, the same {@link DirtyClient}
 * as the child-JVM {@link DirtyArbiter} (values are copied as the protocol would, errors have
 * the same types). No isolation: a crash or a stuck app affects this JVM; a call past its
 * timeout is interrupted, not killed. For unit tests and small deployments.
 */
public final class InProcessDirty implements AutoCloseable {
    private final Map<String, DirtyApp> apps;
    private final StashTables stash = new StashTables();
    private final Map<Long, PendingCall> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final AppHost host;
    private final Duration timeout;
    private final Duration graceful;
    private final DirtyClient client;
    private volatile boolean closed;

    private InProcessDirty(Config config) throws Exception {
        String name = config.get(Settings.NAME);
        this.timeout = config.get(Settings.DIRTY_TIMEOUT);
        this.graceful = config.get(Settings.DIRTY_GRACEFUL_TIMEOUT);
        Map<String, DirtyApp> loaded = new LinkedHashMap<>();
        DirtyContext context = new DirtyContext() {
            @Override
            public int workerId() {
                return 0;
            }

            @Override
            public DirtyStash stash() {
                return stash;
            }
        };
        try {
            for (DirtyAppSpec spec : DirtyAppSpec.parseAll(config.get(Settings.DIRTY_APPS))) {
                DirtyApp app = spec.newInstance();
                loaded.put(spec.name(), app);
                app.init(context);
            }
        } catch (Exception | Error e) {
            AppHost.closeApps(loaded);
            throw e;
        }
        this.apps = loaded;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-dirty-timer");
            t.setDaemon(true);
            return t;
        });
        int threads = config.get(Settings.DIRTY_WORKERS) * config.get(Settings.DIRTY_THREADS);
        this.host = new AppHost(apps, threads, name + "-dirty", new AppHost.Sink() {
            @Override
            public void result(long id, Object value) {
                PendingCall c = pending.get(id);
                if (c != null) {
                    c.result(WireFormat.copy(value));
                }
            }

            @Override
            public void chunk(long id, Object value) {
                PendingCall c = pending.get(id);
                if (c != null) {
                    c.chunk(WireFormat.copy(value));
                }
            }

            @Override
            public void end(long id) {
                PendingCall c = pending.get(id);
                if (c != null) {
                    c.end();
                }
            }

            @Override
            public void error(long id, Failure failure) {
                PendingCall c = pending.get(id);
                if (c != null) {
                    c.fail(failure.toException());
                }
            }
        });
        this.client = new Caller(new InProcessDispatcher(), null);
    }

    /**
     * Loads and initialises the apps of {@code dirtyApps} (allocations are ignored: one instance
     * each) and returns the running pool.
     *
     * @throws Exception what loading or an app's {@code init} threw (the apps already loaded are closed)
     */
    public static InProcessDirty start(Config config) throws Exception {
        return new InProcessDirty(config);
    }

    /** The client; calls fail with {@link DirtyException} once the pool is closed. */
    public DirtyClient client() {
        return client;
    }

    /** The stash. */
    public DirtyStash stash() {
        return stash;
    }

    /** Waits up to {@code dirtyGracefulTimeout} for calls in flight, interrupts the rest, closes the apps. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        host.shutdown(graceful.toMillis());
        for (PendingCall c : pending.values()) {
            c.fail(new DirtyWorkerDiedException("the in-process dirty pool stopped"));
        }
        timer.shutdownNow();
    }

    private final class InProcessDispatcher extends Dispatcher {
        InProcessDispatcher() {
            super(timer, timeout, stash);
        }

        @Override
        void dispatch(PendingCall call) {
            if (closed) {
                call.fail(new DirtyException("the in-process dirty pool is stopped"));
                return;
            }
            if (!apps.containsKey(call.app)) {
                call.fail(new DirtyNoWorkerException("no worker hosts " + call.app + " (dirtyApps: " + apps.keySet() + ")"));
                return;
            }
            pending.put(call.id, call);
            call.onDone = () -> pending.remove(call.id);
            if (call.isDone()) {
                pending.remove(call.id);
                return;
            }
            @SuppressWarnings("unchecked")
            List<Object> args = (List<Object>) WireFormat.copy(call.args);
            host.call(call.id, call.app, call.action, args);
        }

        @Override
        void cancel(PendingCall call) {
            host.cancel(call.id);
        }

        @Override
        void credit(PendingCall call, int n) {
            host.credit(call.id, n);
        }

        @Override
        void timedOut(PendingCall call) {
            if (call.fail(new DirtyTimeoutException(call.app + "." + call.action + " timed out after "
                    + Duration.ofNanos(call.timeoutNanos).toMillis() + " ms"))) {
                host.cancel(call.id);
            }
        }
    }
}
