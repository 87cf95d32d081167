package dev.unicorn.workers;

import dev.unicorn.config.Settings;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.HttpRequest;
import dev.unicorn.http1.Http1Connection;
import dev.unicorn.net.Listener;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ExchangeListener;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One worker: an acceptor platform thread waiting on the shared listeners with its own
 * selector, and a watchdog thread that heartbeats and closes connections whose read or write
 * deadline passed (first-byte, keep-alive and I/O timeouts) or that sit idle while the
 * worker drains. How an accepted connection is served depends on the model:
 *
 * <ul>
 *   <li>{@code virtual}: one virtual thread per connection, created only after an admission
 *       permit ({@code workerConnections}) was taken, so a flood of connections waits in the
 *       listen backlog instead of creating threads; virtual threads are never pooled.
 *   <li>{@code sync}: the acceptor thread itself serves one request per connection and
 *       answers {@code Connection: close}, as gunicorn's sync worker; pipelined requests after
 *       the first are answered by closing.
 * </ul>
 *
 * The worker counts its requests and drains itself once it reached its {@code maxRequests}
 * (plus jitter); the arbiter then replaces it.
 */
final class Worker implements ExchangeListener {
    private static final Logger LOG = ServerContext.ERROR_LOG;
    private static final long WATCH_INTERVAL_MILLIS = 100;

    enum State { BOOTING, SERVING, DRAINING, STOPPED }

    private final int id;
    private final WorkerModelKind model;
    private final ServerContext ctx;
    private final ServerHooks hooks;
    private final Runnable onDrain;
    private final Semaphore admission;
    private final Set<ConnectionControl> connections = ConcurrentHashMap.newKeySet();
    private final ThreadFactory connectionThreads;
    private final Selector selector;
    private final Thread acceptor;
    private final Thread watchdog;
    private final long maxRequests;
    private final long startedNanos = System.nanoTime();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong started = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long heartbeatNanos = System.nanoTime();
    private volatile long drainStartedNanos;
    private volatile boolean recycling;
    private volatile State state = State.BOOTING;

    Worker(int id, ServerContext ctx, List<Listener> listeners, ServerHooks hooks, Runnable onDrain) throws IOException {
        this.id = id;
        this.onDrain = onDrain;
        this.model = ctx.config().get(Settings.WORKER_MODEL);
        this.ctx = ctx;
        this.hooks = hooks;
        String prefix = ctx.config().get(Settings.NAME) + "-w" + id;
        this.admission = new Semaphore(model == WorkerModelKind.SYNC ? 1 : ctx.config().get(Settings.WORKER_CONNECTIONS));
        int max = ctx.config().get(Settings.MAX_REQUESTS);
        int jitter = ctx.config().get(Settings.MAX_REQUESTS_JITTER);
        this.maxRequests = max == 0 ? 0 : max + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextInt(jitter + 1));
        this.connectionThreads = Thread.ofVirtual().name(prefix + "-conn-", 0).factory();
        this.selector = Selector.open();
        for (Listener l : listeners) {
            l.channel().register(selector, SelectionKey.OP_ACCEPT, l);
        }
        this.acceptor = Thread.ofPlatform().name(prefix + "-acceptor").daemon(true).unstarted(this::acceptLoop);
        this.watchdog = Thread.ofPlatform().name(prefix + "-watchdog").daemon(true).unstarted(this::watchLoop);
    }

    int id() {
        return id;
    }

    State state() {
        return state;
    }

    /** True once the worker drains because it reached its request limit. */
    boolean recycling() {
        return recycling;
    }

    void start() {
        state = State.SERVING;
        watchdog.start();
        acceptor.start();
        LOG.info("Booting worker {} ({})", id, model.toString().toLowerCase(Locale.ROOT));
        Hooks.run("postWorkerInit", () -> hooks.postWorkerInit(id));
    }

    /** Number of open connections. */
    int connectionCount() {
        return connections.size();
    }

    /** When the worker started draining ({@link System#nanoTime()}), 0 if it has not. */
    long drainStartedNanos() {
        return drainStartedNanos;
    }

    WorkerStats stats(long now) {
        return new WorkerStats(id, model, state.toString().toLowerCase(Locale.ROOT), Duration.ofNanos(now - startedNanos),
                requests.get(), inFlight.get(), connections.size(), Duration.ofNanos(now - heartbeatNanos));
    }

    @Override
    public void requestStarted(ConnectionControl connection, HttpRequest request) {
        inFlight.incrementAndGet();
        if (maxRequests > 0 && started.incrementAndGet() >= maxRequests) {
            connection.disallowKeepAlive();
            if (!recycling) {
                recycling = true;
                LOG.info("Autorestarting worker {} after {} requests", id, maxRequests);
                drain();
            }
        }
        Hooks.run("preRequest", () -> hooks.preRequest(id, request));
    }

    @Override
    public void requestFinished(ConnectionControl connection, HttpRequest request, int status) {
        inFlight.decrementAndGet();
        requests.incrementAndGet();
        Hooks.run("postRequest", () -> hooks.postRequest(id, request, status));
    }

    /**
     * Aborts every request running longer than {@code timeoutNanos}: logs {@code WORKER
     * TIMEOUT} with the request line and the stuck thread's stack, runs the
     * {@code workerAbort} hook and aborts the exchange (503 if nothing was sent yet, else the
     * connection is closed). Returns the threads of the aborted requests.
     */
    List<Thread> abortStuckRequests(long timeoutNanos, long now) {
        List<Thread> abandoned = new java.util.ArrayList<>();
        for (ConnectionControl c : connections) {
            if (!c.requestRunningLongerThan(timeoutNanos, now) || c.isAborted()) {
                continue;
            }
            Thread thread = c.requestThread();
            String line = c.requestLine();
            LOG.error("WORKER TIMEOUT (worker {}): {} ran longer than {} ms; thread {}{}", id, line,
                    timeoutNanos / 1_000_000, thread == null ? "-" : thread.getName(), stack(thread));
            Hooks.run("workerAbort", () -> hooks.workerAbort(id, line, thread));
            c.abort();
            if (thread != null) {
                abandoned.add(thread);
            }
        }
        return abandoned;
    }

    private static String stack(Thread thread) {
        if (thread == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : thread.getStackTrace()) {
            sb.append("\n\tat ").append(e);
        }
        return sb.toString();
    }

    private void acceptLoop() {
        try {
            while (state == State.SERVING) {
                admission.acquire();
                SocketChannel channel = acceptOne();
                if (channel == null) {
                    admission.release();
                    continue;
                }
                ConnectionControl control = new ConnectionControl(channel, this);
                connections.add(control);
                if (model == WorkerModelKind.SYNC) {
                    control.disallowKeepAlive();
                    serve(channel, control);
                    continue;
                }
                try {
                    connectionThreads.newThread(() -> serve(channel, control)).start();
                } catch (RuntimeException | OutOfMemoryError e) {
                    connections.remove(control);
                    control.close();
                    admission.release();
                    LOG.error("Worker {} could not start a connection thread", id, e);
                }
            }
        } catch (InterruptedException | ClosedSelectorException e) {
            // stopping
        } catch (IOException e) {
            if (state == State.SERVING) {
                LOG.error("Worker {} stopped accepting: {}", id, e.toString());
            }
        }
    }

    /** Accepts one connection from any listener, waiting on the selector; null when stopping. */
    private SocketChannel acceptOne() throws IOException {
        while (state == State.SERVING) {
            selector.select(1000);
            Set<SelectionKey> ready = selector.selectedKeys();
            for (var it = ready.iterator(); it.hasNext(); ) {
                SelectionKey key = it.next();
                it.remove();
                if (!key.isValid()) {
                    continue;
                }
                SocketChannel channel;
                try {
                    channel = ((ServerSocketChannel) key.channel()).accept();
                } catch (IOException e) {
                    if (state == State.SERVING) {
                        LOG.warn("Worker {} accept failed: {}", id, e.toString());
                    }
                    continue;
                }
                if (channel != null) {
                    ready.clear();
                    return channel;
                }
            }
        }
        return null;
    }

    private void serve(SocketChannel channel, ConnectionControl control) {
        try {
            channel.configureBlocking(true);
            SocketAddress peer = channel.getRemoteAddress();
            SocketAddress local = channel.getLocalAddress();
            if (!(local instanceof UnixDomainSocketAddress)) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            if (state != State.SERVING) {
                control.disallowKeepAlive();
            }
            new Http1Connection(ctx, channel, control, peer, local, false).serve();
        } catch (IOException e) {
            LOG.debug("Worker {} dropped a connection during setup: {}", id, e.toString());
            control.close();
        } finally {
            connections.remove(control);
            admission.release();
        }
    }

    private void watchLoop() {
        try {
            while (state != State.STOPPED) {
                Thread.sleep(WATCH_INTERVAL_MILLIS);
                long now = System.nanoTime();
                heartbeatNanos = now;
                boolean draining = state != State.SERVING;
                for (ConnectionControl c : connections) {
                    if (c.expired(now) || (draining && c.isIdleBetweenRequests())) {
                        c.close();
                    }
                }
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    /** Stops accepting and lets in-flight requests finish; idle and kept-alive connections close. */
    void drain() {
        if (state != State.SERVING) {
            return;
        }
        drainStartedNanos = System.nanoTime();
        state = State.DRAINING;
        selector.wakeup();
        if (model != WorkerModelKind.SYNC) {
            // Safe: the acceptor only selects, accepts without blocking, or waits for a permit. A sync
            // acceptor may be serving a request, and an interrupt would close that connection's channel.
            acceptor.interrupt();
        }
        for (ConnectionControl c : connections) {
            c.disallowKeepAlive();
            if (c.isIdleBetweenRequests()) {
                c.close();
            }
        }
        onDrain.run();
    }

    /** Closes every connection and ends the worker's threads. */
    void stop() {
        if (state == State.STOPPED) {
            return;
        }
        state = State.STOPPED;
        selector.wakeup();
        acceptor.interrupt();
        for (ConnectionControl c : connections) {
            c.close();
        }
        try {
            acceptor.join(2000);
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // nothing left to release
        }
        watchdog.interrupt();
        LOG.info("Worker {} exiting", id);
        Hooks.run("workerExit", () -> hooks.workerExit(id));
    }
}
