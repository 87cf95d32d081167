package dev.unicorn.workers;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import dev.unicorn.http.HttpApp;
import dev.unicorn.net.Listener;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Supervises the workers of one server, as gunicorn's arbiter does: it owns the listeners and
 * the worker set, and a single loop acts on commands queued by the Java API (and later by
 * signals and the control socket), waking at least once a second to abort requests that ran
 * past {@code timeout}, retire drained workers, replace recycled and aborted ones and keep
 * the number of serving workers at its target.
 */
public final class Arbiter {
    private static final Logger LOG = ServerContext.ERROR_LOG;
    private static final long TICK_MILLIS = 1000;

    /** A request to the arbiter loop. */
    private sealed interface Command {
    }

    private record Stop(boolean graceful) implements Command {
    }

    private record Scale(int workers) implements Command {
    }

    private record Reload() implements Command {
    }

    /** A worker started draining: replace it now rather than at the next tick. */
    private record Wake() implements Command {
    }

    private final Config config;
    private final Supplier<?> appFactory;
    private final ServerHooks hooks;
    private final List<Listener> listeners;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final List<Thread> abandoned = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicLong spawned = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong recycled = new AtomicLong();
    private final AtomicLong reloads = new AtomicLong();
    private final long startedNanos = System.nanoTime();
    private final Thread loop;
    private volatile ServerContext ctx;
    private volatile int target;
    private int nextId = 1;
    private long spawnBackoffUntil;
    private int spawnFailures;

    /**
     * @param config     the resolved settings
     * @param appFactory gives the application, an {@link HttpApp} or (for the {@code async}
     *                   model) an {@link dev.unicorn.http.AsyncHttpApp}; called once at start and once per reload
     * @param hooks      lifecycle callbacks
     * @param listeners  bound listeners; the arbiter closes them when it stops
     */
    public Arbiter(Config config, Supplier<?> appFactory, ServerHooks hooks, List<Listener> listeners) {
        this.config = config;
        this.appFactory = appFactory;
        this.hooks = hooks;
        this.listeners = List.copyOf(listeners);
        this.loop = Thread.ofPlatform().name(config.get(Settings.NAME) + "-arbiter").unstarted(this::run);
    }

    /**
     * Loads the application, starts the workers and the arbiter loop. A failure (the app
     * factory throws, a worker cannot boot) stops everything started so far and closes the
     * listeners: a server that cannot boot does not keep retrying.
     *
     * @throws IOException if a worker cannot be set up
     */
    public void start() throws IOException {
        try {
            ctx = ServerContext.forApplication(appFactory.get(), config);
            Worker.checkApplication(ctx);
            for (Listener l : listeners) {
                LOG.info("Listening at: {}", l);
            }
            LOG.info("Using worker: {}", config.get(Settings.WORKER_MODEL).toString().toLowerCase(Locale.ROOT));
            List<SocketAddress> addresses = listeners.stream().map(Listener::localAddress).toList();
            Hooks.run("whenReady", () -> hooks.whenReady(addresses));
            target = config.get(Settings.WORKERS);
            Hooks.run("workersChanged", () -> hooks.workersChanged(target, 0));
            for (int i = 0; i < target; i++) {
                spawn();
            }
        } catch (IOException | RuntimeException e) {
            workers.forEach(Worker::stop);
            workers.clear();
            closeListeners();
            throw e;
        }
        loop.start();
    }

    /** Asks for a graceful stop: stop accepting, let in-flight requests finish within {@code gracefulTimeout}, then force. */
    public void stopGracefully() {
        commands.add(new Stop(true));
    }

    /** Asks for a quick stop: close every connection now. */
    public void stopQuickly() {
        commands.add(new Stop(false));
    }

    /** Sets the number of serving workers (at least 1); surplus workers drain, oldest first. */
    public void scale(int workers) {
        commands.add(new Scale(workers));
    }

    /** The number of serving workers the arbiter keeps. */
    public int targetWorkers() {
        return target;
    }

    /**
     * Starts a new generation of workers, with a new application from the app factory, and
     * drains the current one (gunicorn's HUP).
     */
    public void reload() {
        commands.add(new Reload());
    }

    /** A snapshot of the workers and counters. */
    public ServerStats stats() {
        long now = System.nanoTime();
        List<WorkerStats> list = workers.stream().map(w -> w.stats(now)).sorted(Comparator.comparingInt(WorkerStats::id)).toList();
        int alive = (int) abandoned.stream().filter(Thread::isAlive).count();
        return new ServerStats(Duration.ofNanos(now - startedNanos), target, list, spawned.get(), aborted.get(),
                recycled.get(), reloads.get(), alive);
    }

    /** Waits until the server has stopped; returns false if {@code timeout} elapsed first. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long nanos = timeout.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE : timeout.toNanos();
        return terminated.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** Waits, without a time limit, until the server has stopped. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** True once every worker has stopped and the listeners are closed. */
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    private void spawn() throws IOException {
        int id = nextId++;
        Hooks.run("beforeWorkerStart", () -> hooks.beforeWorkerStart(id));
        Worker w = Worker.create(id, ctx, listeners, hooks, () -> commands.add(new Wake()));
        workers.add(w);
        spawned.incrementAndGet();
        w.start();
    }

    private void run() {
        try {
            while (true) {
                Command command = commands.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
                if (command instanceof Stop stop) {
                    shutdown(stop.graceful());
                    return;
                } else if (command instanceof Scale scale) {
                    int old = target;
                    target = Math.max(1, scale.workers());
                    if (old != target) {
                        LOG.info("Scaling from {} to {} workers", old, target);
                        Hooks.run("workersChanged", () -> hooks.workersChanged(target, old));
                    }
                } else if (command instanceof Reload) {
                    reloadNow();
                }
                abortStuckRequests();
                manageWorkers();
            }
        } catch (InterruptedException e) {
            workers.forEach(Worker::stop);
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Arbiter failed; stopping the server", e);
            workers.forEach(Worker::stop);
        } finally {
            closeListeners();
            Hooks.run("onExit", hooks::onExit);
            terminated.countDown();
        }
    }

    private void reloadNow() {
        LOG.info("Reloading: starting a new generation of {} workers", target);
        reloads.incrementAndGet();
        Hooks.run("onReload", hooks::onReload);
        try {
            ServerContext next = ServerContext.forApplication(appFactory.get(), config);
            Worker.checkApplication(next);
            ctx = next;
        } catch (RuntimeException e) {
            LOG.error("Reload failed: the application factory threw; keeping the current workers", e);
            return;
        }
        List<Worker> old = workers.stream().filter(w -> w.state() == Worker.State.SERVING).toList();
        for (int i = 0; i < target; i++) {
            try {
                spawn();
            } catch (IOException e) {
                LOG.error("Reload could not start a worker; keeping the current generation", e);
                return;
            }
        }
        old.forEach(Worker::drain);
    }

    private void abortStuckRequests() {
        long timeout = config.get(Settings.TIMEOUT).toNanos();
        if (timeout == 0) {
            return;
        }
        long now = System.nanoTime();
        for (Worker w : workers) {
            Worker.Aborted stuck = w.abortStuckRequests(timeout, now);
            if (stuck.requests() > 0 || !stuck.abandoned().isEmpty()) {
                aborted.addAndGet(stuck.requests());
                abandoned.addAll(stuck.abandoned());
                w.drain(); // replaced below, as gunicorn replaces a worker it had to kill
            }
        }
        abandoned.removeIf(t -> !t.isAlive());
    }

    private void manageWorkers() {
        long now = System.nanoTime();
        long grace = config.get(Settings.GRACEFUL_TIMEOUT).toNanos();
        for (Worker w : workers) {
            if (w.state() == Worker.State.DRAINING
                    && ((w.connectionCount() == 0 && w.acceptingStopped()) || now - w.drainStartedNanos() > grace)) {
                w.stop();
                workers.remove(w);
                if (w.recycling()) {
                    recycled.incrementAndGet();
                }
            }
        }
        List<Worker> serving = workers.stream().filter(w -> w.state() == Worker.State.SERVING).toList();
        int missing = target - serving.size();
        if (missing > 0 && now - spawnBackoffUntil >= 0) {
            try {
                for (int i = 0; i < missing; i++) {
                    spawn();
                }
                spawnFailures = 0;
            } catch (IOException | RuntimeException e) {
                spawnFailures++;
                long backoff = TimeUnit.SECONDS.toNanos(Math.min(30, 1L << Math.min(spawnFailures, 5)));
                spawnBackoffUntil = now + backoff;
                LOG.error("Could not start a worker (failure {}); retrying in {} s", spawnFailures,
                        TimeUnit.NANOSECONDS.toSeconds(backoff), e);
            }
        } else if (missing < 0) {
            serving.stream().sorted(Comparator.comparingInt(Worker::id)).limit(-missing).forEach(Worker::drain);
        }
    }

    private void shutdown(boolean graceful) throws InterruptedException {
        closeListeners();
        if (graceful) {
            Duration grace = config.get(Settings.GRACEFUL_TIMEOUT);
            LOG.info("Handling graceful stop: draining for up to {} s", grace.toMillis() / 1000.0);
            workers.forEach(Worker::drainForStop);
            long deadline = System.nanoTime() + grace.toNanos();
            while (workers.stream().anyMatch(w -> w.connectionCount() > 0) && System.nanoTime() - deadline < 0) {
                if (commands.poll(20, TimeUnit.MILLISECONDS) instanceof Stop s && !s.graceful()) {
                    LOG.info("Quick stop requested during the graceful stop");
                    break;
                }
            }
            int cut = workers.stream().mapToInt(Worker::connectionCount).sum();
            if (cut > 0) {
                LOG.warn("Graceful stop timed out: closing {} connections", cut);
            }
        } else {
            LOG.info("Handling quick stop");
            for (Worker w : workers) {
                Hooks.run("workerInt", () -> hooks.workerInt(w.id()));
            }
        }
        workers.forEach(Worker::stop);
        workers.clear();
        LOG.info("Shutting down");
    }

    private void closeListeners() {
        for (Listener l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.warn("Could not close listener {}: {}", l, e.toString());
            }
        }
    }
}
