package dev.unicorn.workers;

import dev.unicorn.config.Settings;
import dev.unicorn.net.Listener;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Supervises the workers of one server, as gunicorn's arbiter does: it owns the listeners and
 * the worker set, and a single loop acts on commands queued by the Java API (and later by
 * signals and the control socket). This version starts the configured number of workers
 * of the configured model and stops them gracefully or quickly.
 */
public final class Arbiter {
    private static final Logger LOG = ServerContext.ERROR_LOG;

    /** A request to the arbiter loop. */
    private enum Command { STOP_GRACEFUL, STOP_QUICK }

    private final ServerContext ctx;
    private final List<Listener> listeners;
    private final List<Worker> workers = new ArrayList<>();
    private final LinkedBlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Thread loop;

    /**
     * @param ctx       the server's shared state
     * @param listeners bound listeners; the arbiter closes them when it stops
     */
    public Arbiter(ServerContext ctx, List<Listener> listeners) {
        this.ctx = ctx;
        this.listeners = List.copyOf(listeners);
        this.loop = Thread.ofPlatform().name(ctx.config().get(Settings.NAME) + "-arbiter").unstarted(this::run);
    }

    /**
     * Starts the workers and the arbiter loop.
     *
     * @throws IOException if a worker cannot be set up (nothing is left running then)
     */
    public void start() throws IOException {
        int n = ctx.config().get(Settings.WORKERS);
        try {
            for (int i = 1; i <= n; i++) {
                workers.add(new Worker(i, ctx.config().get(Settings.WORKER_MODEL), ctx, listeners));
            }
        } catch (IOException e) {
            closeListeners();
            throw e;
        }
        for (Listener l : listeners) {
            LOG.info("Listening at: {}", l);
        }
        LOG.info("Using worker: {}", ctx.config().get(Settings.WORKER_MODEL).toString().toLowerCase(java.util.Locale.ROOT));
        workers.forEach(Worker::start);
        loop.start();
    }

    /** Asks for a graceful stop: stop accepting, let in-flight requests finish within {@code gracefulTimeout}, then force. */
    public void stopGracefully() {
        commands.add(Command.STOP_GRACEFUL);
    }

    /** Asks for a quick stop: close every connection now. */
    public void stopQuickly() {
        commands.add(Command.STOP_QUICK);
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

    private void run() {
        try {
            Command command = commands.take();
            closeListeners();
            if (command == Command.STOP_GRACEFUL) {
                Duration grace = ctx.config().get(Settings.GRACEFUL_TIMEOUT);
                LOG.info("Handling graceful stop: draining for up to {} s", grace.toMillis() / 1000.0);
                workers.forEach(Worker::drain);
                long deadline = System.nanoTime() + grace.toNanos();
                while (workers.stream().anyMatch(w -> w.connectionCount() > 0) && System.nanoTime() - deadline < 0) {
                    if (commands.poll(20, TimeUnit.MILLISECONDS) == Command.STOP_QUICK) {
                        LOG.info("Quick stop requested during the graceful stop");
                        break;
                    }
                }
            } else {
                LOG.info("Handling quick stop");
            }
            workers.forEach(Worker::stop);
            LOG.info("Shutting down");
        } catch (InterruptedException e) {
            workers.forEach(Worker::stop);
            Thread.currentThread().interrupt();
        } finally {
            closeListeners();
            terminated.countDown();
        }
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
