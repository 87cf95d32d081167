package dev.unicorn.workers;

import dev.unicorn.config.ConfigException;
import dev.unicorn.config.Settings;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.HttpRequest;
import dev.unicorn.net.Listener;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ExchangeListener;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import dev.unicorn.tls.TlsChannel;
import dev.unicorn.tls.TlsContext;
import java.net.SocketAddress;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One worker, a supervised serving unit. This class holds what every worker model shares:
 * the state ({@code booting}, {@code serving}, {@code draining}, {@code stopped}), request
 * counting and {@code maxRequests} recycling (it is the {@link ExchangeListener} of its
 * connections and runs the request hooks), stats, aborting requests that ran past the
 * timeout, and a watchdog thread that heartbeats and closes connections whose read or write
 * deadline passed (first-byte, keep-alive and I/O timeouts) or that sit idle while the worker
 * drains. How connections are accepted and on which threads they are served is the model's
 * part:
 *
 * <ul>
 *   <li>{@link DedicatedThreadWorker} ({@code virtual}, {@code sync}): an acceptor thread, and
 *       a thread that serves one connection for its whole life.
 *   <li>{@link ThreadsWorker} ({@code threads}): a selector thread that accepts and parks
 *       connections waiting for a request, and a pool of platform threads that run requests.
 *   <li>{@link AsyncWorker} ({@code async}): one event-loop thread that accepts, reads and
 *       writes without blocking and runs a non-blocking application inline.
 * </ul>
 *
 * The worker counts its requests and drains itself once it reached its {@code maxRequests}
 * (plus jitter); the arbiter then replaces it.
 */
abstract class Worker implements ExchangeListener {
    static final Logger LOG = ServerContext.ERROR_LOG;
    private static final long WATCH_INTERVAL_MILLIS = 100;

    enum State { BOOTING, SERVING, DRAINING, STOPPED }

    final int id;
    final WorkerModelKind model;
    final ServerContext ctx;
    /** Prefix of this worker's thread names: {@code <name>-w<id>}. */
    final String threadPrefix;
    /** Every open connection of this worker. */
    final Set<ConnectionControl> connections = ConcurrentHashMap.newKeySet();
    private final ServerHooks hooks;
    private final Runnable onDrain;
    private final Thread watchdog;
    private final long maxRequests;
    private final long startedNanos = System.nanoTime();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong started = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long heartbeatNanos = System.nanoTime();
    private volatile long drainStartedNanos;
    private volatile boolean recycling;
    /** Set once the accepting loop has seen the worker draining (see {@link #acceptorBetweenTurns}). */
    private volatile boolean acceptorStopped;
    /** Set when the server stops: connections idle between requests close at once. */
    private volatile boolean closingIdle;
    volatile State state = State.BOOTING;

    Worker(int id, ServerContext ctx, ServerHooks hooks, Runnable onDrain) {
        this.id = id;
        this.ctx = ctx;
        this.hooks = hooks;
        this.onDrain = onDrain;
        this.model = ctx.config().get(Settings.WORKER_MODEL);
        this.threadPrefix = ctx.config().get(Settings.NAME) + "-w" + id;
        int max = ctx.config().get(Settings.MAX_REQUESTS);
        int jitter = ctx.config().get(Settings.MAX_REQUESTS_JITTER);
        this.maxRequests = max == 0 ? 0 : max + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextInt(jitter + 1));
        this.watchdog = Thread.ofPlatform().name(threadPrefix + "-watchdog").daemon(true).unstarted(this::watchLoop);
    }

    /** A worker of the model the settings name, set up (listeners registered) but not started. */
    static Worker create(int id, ServerContext ctx, List<Listener> listeners, ServerHooks hooks, Runnable onDrain)
            throws IOException {
        return switch (ctx.config().get(Settings.WORKER_MODEL)) {
            case VIRTUAL, SYNC -> new DedicatedThreadWorker(id, ctx, listeners, hooks, onDrain);
            case THREADS -> new ThreadsWorker(id, ctx, listeners, hooks, onDrain);
            case ASYNC -> new AsyncWorker(id, ctx, listeners, hooks, onDrain);
        };
    }

    /**
     * Checks that the configured model runs the kind of application {@code ctx} holds: the
     * {@code async} model runs an {@code AsyncHttpApp}, every other model a blocking {@code HttpApp}.
     *
     * @throws ConfigException naming the models that can run the application
     */
    static void checkApplication(ServerContext ctx) {
        WorkerModelKind model = ctx.config().get(Settings.WORKER_MODEL);
        String blockingModels = java.util.Arrays.stream(WorkerModelKind.values())
                .filter(m -> m != WorkerModelKind.ASYNC)
                .map(m -> m.toString().toLowerCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.joining(", "));
        String name = model.toString().toLowerCase(Locale.ROOT);
        if (model == WorkerModelKind.ASYNC && !ctx.isAsync()) {
            throw new ConfigException(List.of("Invalid setting workerModel = " + name
                    + ": the application is a blocking HttpApp, which the models " + blockingModels
                    + " run; the async model runs an AsyncHttpApp"));
        }
        if (model != WorkerModelKind.ASYNC && ctx.isAsync()) {
            throw new ConfigException(List.of("Invalid setting workerModel = " + name
                    + ": the application is an AsyncHttpApp, which only the model async runs; the models "
                    + blockingModels + " run a blocking HttpApp"));
        }
    }

    /** Starts accepting and serving (the model's threads). */
    abstract void startServing();

    /** The worker started draining: stop accepting now. Called once, on any thread. */
    abstract void stopAccepting();

    /** The worker stopped and its connections were closed: end the model's threads. */
    abstract void stopServing();

    /**
     * The request running on {@code thread} is about to be aborted (its thread interrupted,
     * its connection closed); a model that pools threads may replace the thread.
     */
    void requestAborting(Thread thread) {
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
        startServing();
        LOG.info("Booting worker {} ({})", id, model.toString().toLowerCase(Locale.ROOT));
        Hooks.run("postWorkerInit", () -> hooks.postWorkerInit(id));
    }

    /** Number of open connections. */
    int connectionCount() {
        return connections.size();
    }

    /**
     * True once the worker can accept no further connection. Until then a connection taken
     * just as draining began may not be counted yet, so the worker is not finished.
     */
    boolean acceptingStopped() {
        return state != State.SERVING && acceptorStopped;
    }

    /**
     * Called by a selector-driven model's loop at the start of each turn (never while it
     * accepts) and when it ends: once the worker drains, every connection the loop accepted
     * is counted, and it accepts no more. Until then a draining worker without connections is
     * not retired, which would close a connection the loop is just accepting.
     */
    final void acceptorBetweenTurns() {
        if (state != State.SERVING) {
            acceptorStopped = true;
        }
    }

    /** When the worker started draining ({@link System#nanoTime()}), 0 if it has not. */
    long drainStartedNanos() {
        return drainStartedNanos;
    }

    WorkerStats stats(long now) {
        return new WorkerStats(id, model, state.toString().toLowerCase(Locale.ROOT), Duration.ofNanos(now - startedNanos),
                requests.get(), inFlight.get(), connections.size(), Duration.ofNanos(now - lastHeartbeatNanos()));
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
     * connection is closed). Returns how many requests were aborted and the threads left to
     * finish on their own.
     */
    Aborted abortStuckRequests(long timeoutNanos, long now) {
        List<Thread> abandoned = new ArrayList<>();
        int count = 0;
        for (ConnectionControl c : connections) {
            if (!c.requestRunningLongerThan(timeoutNanos, now) || c.isAborted() || abortPending(c)) {
                continue;
            }
            Thread thread = c.requestThread();
            timedOut(c.requestLine(), thread, timeoutNanos);
            count++;
            boolean abandons = thread != null && abandonsRequestThreads();
            if (abandons) {
                requestAborting(thread);
            }
            abortRequest(c);
            if (abandons) {
                abandoned.add(thread);
            }
        }
        return new Aborted(count, abandoned);
    }

    /** Logs {@code WORKER TIMEOUT} for a request with the stuck thread's stack and runs the {@code workerAbort} hook. */
    final void timedOut(String requestLine, Thread thread, long timeoutNanos) {
        LOG.error("WORKER TIMEOUT (worker {}): {} ran longer than {} ms; thread {}{}", id, requestLine,
                timeoutNanos / 1_000_000, thread == null ? "-" : thread.getName(), stackOf(thread));
        Hooks.run("workerAbort", () -> hooks.workerAbort(id, requestLine, thread));
    }

    /**
     * When the worker last showed it is alive ({@link System#nanoTime()}): by default the last
     * turn of its watchdog; a model whose own thread can stall reports that thread's turns.
     */
    long lastHeartbeatNanos() {
        return heartbeatNanos;
    }

    /** What {@link #abortStuckRequests} did: requests aborted, threads abandoned to finish on their own. */
    record Aborted(int requests, List<Thread> abandoned) {
    }

    /** Aborts the request of {@code connection}: by default interrupts its thread and closes the connection. */
    void abortRequest(ConnectionControl connection) {
        connection.abort();
    }

    /** True while the abort of {@code connection}'s request was asked for but has not happened yet (it runs later on the model's own thread). */
    boolean abortPending(ConnectionControl connection) {
        return false;
    }

    /** Whether an aborted request's thread is abandoned to finish on its own (false for an event loop, which goes on). */
    boolean abandonsRequestThreads() {
        return true;
    }

    /** The stack of {@code thread} as log lines, empty for none. */
    static String stackOf(Thread thread) {
        if (thread == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : thread.getStackTrace()) {
            sb.append("\n\tat ").append(e);
        }
        return sb.toString();
    }

    private void watchLoop() {
        try {
            while (state != State.STOPPED) {
                Thread.sleep(WATCH_INTERVAL_MILLIS);
                long now = System.nanoTime();
                heartbeatNanos = now;
                boolean closeIdle = closingIdle;
                for (ConnectionControl c : connections) {
                    if (c.expired(now) || (closeIdle && c.isIdleBetweenRequests())) {
                        c.close();
                    }
                }
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    /**
     * Retires the worker while the server goes on (recycling, scaling down, reload, abort):
     * stops accepting and lets in-flight requests finish; each kept-alive connection has its
     * next request answered with {@code Connection: close}, or closes when its keep-alive
     * deadline passes. An idle connection is not closed at once: its client may be sending
     * the next request right now (a client such as wrk sends it the moment a response
     * arrived) and would see the connection reset instead of an answer; the other workers
     * serve its reconnection.
     */
    void drain() {
        synchronized (this) {
            if (state != State.SERVING) {
                return;
            }
            drainStartedNanos = System.nanoTime();
            state = State.DRAINING;
        }
        stopAccepting();
        for (ConnectionControl c : connections) {
            c.disallowKeepAlive();
        }
        onDrain.run();
    }

    /**
     * Drains for a graceful stop of the server: as {@link #drain()}, and connections idle
     * between requests close at once, since no other worker would serve their next request.
     */
    void drainForStop() {
        // Set first: a selector-driven model's sweep, woken by drain(), then closes its parked idle connections
        // (an already draining worker's sweep does so within its interval).
        closingIdle = true;
        drain();
        for (ConnectionControl c : connections) {
            if (c.isIdleBetweenRequests()) {
                c.close();
            }
        }
    }

    /** True once the server stops gracefully: connections idle between requests close at once. */
    boolean closingIdle() {
        return closingIdle;
    }

    /** Closes every connection and ends the worker's threads. */
    void stop() {
        synchronized (this) {
            if (state == State.STOPPED) {
                return;
            }
            state = State.STOPPED;
        }
        for (ConnectionControl c : connections) {
            c.close();
        }
        stopServing();
        watchdog.interrupt();
        LOG.info("Worker {} exiting", id);
        Hooks.run("workerExit", () -> hooks.workerExit(id));
    }

    /**
     * Starts TLS on a connection accepted from a TLS listener: a channel whose handshake is
     * bounded by {@code tlsHandshakeTimeout} (announced on {@code control}, enforced by the
     * watchdog or the model's sweep).
     */
    final TlsChannel startTls(TlsContext tls, SocketChannel socket, ConnectionControl control, SocketAddress peer) {
        long timeout = tls.handshakeTimeoutNanos();
        control.busyUntil(timeout == 0 ? ConnectionControl.NONE : System.nanoTime() + timeout);
        return tls.newChannel(socket, TlsContext.expectsProxyHeader(ctx, peer));
    }

    /** Logs a failed TLS handshake: common (scanners, plain HTTP, clients without a certificate), so at debug. */
    final void handshakeFailed(SocketAddress peer, Exception e) {
        LOG.debug("Worker {}: TLS handshake with {} failed: {}", id, peer, e.toString());
    }

    /** What a selector-driven worker does with a newly accepted connection. */
    interface Opener {
        void open(SocketChannel socket, Listener listener);
    }

    /**
     * Accepts up to {@code batch} connections from {@code listener} without blocking, while the
     * worker serves and has fewer than {@code limit} open, handing each to {@code opener}.
     */
    final void acceptBatch(Listener listener, int batch, int limit, Opener opener) {
        for (int i = 0; i < batch && state == State.SERVING && connections.size() < limit; i++) {
            SocketChannel socket;
            try {
                socket = listener.channel().accept();
            } catch (IOException e) {
                if (state == State.SERVING) {
                    LOG.warn("Worker {} accept failed: {}", id, e.toString());
                }
                return;
            }
            if (socket == null) {
                return;
            }
            opener.open(socket, listener);
        }
    }

    /**
     * Ends a worker that serves from one selector loop ({@code threads}, {@code async}): wakes
     * the loop, waits up to 2 s for it to end (unless {@code waitForLoop} is false, e.g. the loop
     * was abandoned, or this is the loop itself), closes the selector, then every connection
     * still open (accepted or handed back while the worker was stopping).
     */
    final void stopSelectorLoop(Selector selector, Thread loop, boolean waitForLoop) {
        selector.wakeup();
        if (waitForLoop && Thread.currentThread() != loop) {
            try {
                loop.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
        for (ConnectionControl c : connections) {
            c.close();
        }
    }
}
