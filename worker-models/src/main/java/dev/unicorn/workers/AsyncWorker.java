package dev.unicorn.workers;

import dev.unicorn.config.Settings;
import dev.unicorn.http1.Http1AsyncConnection;
import dev.unicorn.net.Listener;
import dev.unicorn.tls.TlsChannel;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The {@code async} worker model (gunicorn's ASGI worker): per worker one event-loop platform
 * thread, {@code <name>-w<id>-loop}, that accepts, reads and writes without blocking and runs
 * the {@link dev.unicorn.http.AsyncHttpApp} inline through {@link Http1AsyncConnection}. The
 * application must not block; what it completes later from other threads is handed to the
 * loop through a task queue.
 *
 * <p>Admission: accepting pauses while the worker has {@code workerConnections} open
 * connections. Deadlines (first byte, keep-alive, {@code timeout} on reads and pending writes)
 * are announced on each connection's {@link ConnectionControl} and enforced by the worker's
 * watchdog, which closes the channel; the loop's sweep then cleans up. A request whose
 * response has not ended after {@code timeout} is aborted on the loop (503 if nothing was
 * sent, else its connection is closed) and, as on every model, the worker drains and is
 * replaced; no thread is abandoned since the loop goes on.
 *
 * <p>The worker's heartbeat is the loop's: each turn of the loop beats, and
 * {@code WorkerStats.lastHeartbeat} shows the time since the last one. An application that
 * blocks the loop stops it: after a second the stall is logged with the loop's stack; past
 * {@code timeout} the worker is silent as gunicorn means it, and is aborted: {@code WORKER
 * TIMEOUT} and the {@code workerAbort} hook for each request in flight, the loop thread
 * interrupted and abandoned (counted until it ends), every connection of the worker closed
 * (their output belongs to the loop, so no 503 can be written for them), and the worker
 * replaced.
 */
final class AsyncWorker extends Worker {
    private static final long SWEEP_MILLIS = 100;
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
    /** A loop that has not turned for this long is blocked by the application. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int ACCEPT_BATCH = 64;

    private final int workerConnections;
    private final Selector selector;
    private final List<SelectionKey> listenerKeys = new ArrayList<>();
    private final Thread loopThread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Executor executor = this::execute;
    private final Map<ConnectionControl, Http1AsyncConnection> open = new ConcurrentHashMap<>();
    private volatile long loopBeat = System.nanoTime();
    private volatile boolean stallLogged;
    /** Connections whose abort is queued for the loop or under way, until they are forgotten: the arbiter aborts each once. */
    private final Set<ConnectionControl> abortsPending = ConcurrentHashMap.newKeySet();
    /** Set once the loop stalled past the timeout and was abandoned. */
    private volatile boolean loopAbandoned;

    // Loop thread only.
    private boolean accepting = true;
    /** TLS connections whose handshake is in progress. */
    private final Map<ConnectionControl, Handshake> handshaking = new HashMap<>();
    /** Established TLS connections. */
    private final Map<ConnectionControl, TlsConnection> tlsOpen = new HashMap<>();
    /** TLS connections holding bytes their socket's readiness will not announce (decrypted input, unsent output). */
    private final Set<TlsConnection> tlsAttention = new HashSet<>();
    /** Some TLS connection has decrypted bytes it waits for: the next select must not wait. */
    private boolean tlsReady;
    private long lastSweep = System.nanoTime();

    AsyncWorker(int id, ServerContext ctx, List<Listener> listeners, ServerHooks hooks, Runnable onDrain)
            throws IOException {
        super(id, ctx, hooks, onDrain);
        this.workerConnections = ctx.config().get(Settings.WORKER_CONNECTIONS);
        this.selector = Selector.open();
        try {
            for (Listener l : listeners) {
                listenerKeys.add(l.channel().register(selector, SelectionKey.OP_ACCEPT, l));
            }
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        this.loopThread = Thread.ofPlatform().name(threadPrefix + "-loop").daemon(true).unstarted(this::loop);
    }

    @Override
    void startServing() {
        loopThread.start();
    }

    @Override
    void stopAccepting() {
        selector.wakeup(); // the loop switches the listeners off and closes idle connections
    }

    @Override
    void stopServing() {
        stopSelectorLoop(selector, loopThread, !loopAbandoned);
    }

    @Override
    boolean abandonsRequestThreads() {
        return false;
    }

    @Override
    void abortRequest(ConnectionControl connection) {
        abortsPending.add(connection);
        execute(() -> {
            Http1AsyncConnection c = open.get(connection);
            if (c != null) {
                // Pending until forget(): until its 503 is flushed and the connection closed, the
                // request still looks running, and the arbiter's next look must not abort it again.
                c.abortTimedOut();
            } else {
                abortsPending.remove(connection);
            }
        });
    }

    @Override
    boolean abortPending(ConnectionControl connection) {
        return abortsPending.contains(connection);
    }

    @Override
    long lastHeartbeatNanos() {
        return loopBeat;
    }

    @Override
    Aborted abortStuckRequests(long timeoutNanos, long now) {
        long stalled = now - loopBeat;
        if (state != State.STOPPED && !loopAbandoned) {
            if (stalled > timeoutNanos) {
                return abortStuckLoop(timeoutNanos, stalled);
            }
            if (stalled > STALL_NANOS) {
                if (!stallLogged) {
                    stallLogged = true;
                    LOG.error("Worker {}: event loop {} blocked for {} ms: the application must not block it{}", id,
                            loopThread.getName(), TimeUnit.NANOSECONDS.toMillis(stalled), stackOf(loopThread));
                }
            } else {
                stallLogged = false;
            }
        }
        return super.abortStuckRequests(timeoutNanos, now);
    }

    /**
     * The loop has not turned for longer than the timeout: every request in flight on it has
     * run that long (none can start while the loop stands). Aborts them all, interrupts the
     * loop and closes every connection, on the arbiter's thread.
     */
    private Aborted abortStuckLoop(long timeoutNanos, long stalledNanos) {
        loopAbandoned = true;
        int count = 0;
        for (ConnectionControl c : connections) {
            String line = c.requestLine();
            if (line != null) {
                timedOut(line, loopThread, timeoutNanos);
                count++;
            }
        }
        if (count == 0) {
            LOG.error("WORKER TIMEOUT (worker {}): event loop {} has not turned for {} ms{}", id, loopThread.getName(),
                    TimeUnit.NANOSECONDS.toMillis(stalledNanos), stackOf(loopThread));
        }
        drain();
        for (ConnectionControl c : connections) {
            c.close();
        }
        // Closed, and the loop accepts no more: the worker can be retired without waiting for the loop to notice.
        connections.clear();
        acceptorBetweenTurns();
        loopThread.interrupt(); // last: an application woken by it finds its connection closed, and answers nobody
        return new Aborted(count, List.of(loopThread));
    }

    /** Runs {@code task} on the loop thread (soon, or never once the worker stopped). */
    private void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    // --- the loop thread

    private void loop() {
        try {
            while (state != State.STOPPED) {
                // An abort interrupted an application that blocked the loop; a pending interrupt would make
                // every select return at once and close the next channel the loop touches.
                Thread.interrupted();
                acceptorBetweenTurns();
                long now = System.nanoTime();
                loopBeat = now;
                updateAccepting();
                if (tlsReady) {
                    selector.selectNow(this::onReady);
                } else {
                    selector.select(this::onReady, SWEEP_MILLIS);
                }
                runTasks();
                tlsReady = !tlsAttention.isEmpty() && serviceTls();
                now = System.nanoTime();
                if (now - lastSweep >= SWEEP_NANOS || state != State.SERVING) {
                    lastSweep = now;
                    sweep();
                }
            }
        } catch (ClosedSelectorException e) {
            // stopped
        } catch (IOException | RuntimeException e) {
            if (state != State.STOPPED) {
                LOG.error("Worker {} event loop failed; the worker drains and is replaced", id, e);
            }
        } finally {
            for (Http1AsyncConnection c : List.copyOf(open.values())) {
                c.close();
            }
            open.clear();
            for (Handshake h : List.copyOf(handshaking.values())) {
                h.control().close();
            }
            handshaking.clear();
            tlsOpen.clear();
            tlsAttention.clear();
            tasks.clear();
            if (state == State.SERVING) {
                drain();
            }
            acceptorBetweenTurns();
        }
    }

    private void runTasks() {
        Runnable task;
        int budget = 4096; // tasks queued by the tasks themselves wait for the next turn
        while (budget-- > 0 && (task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Worker {}: a task on the event loop failed", id, e);
            }
        }
        if (!tasks.isEmpty()) {
            selector.wakeup();
        }
    }

    private void updateAccepting() {
        boolean want = state == State.SERVING && connections.size() < workerConnections;
        if (want != accepting) {
            accepting = want;
            for (SelectionKey k : listenerKeys) {
                try {
                    k.interestOps(want ? SelectionKey.OP_ACCEPT : 0);
                } catch (CancelledKeyException e) {
                    // the listener was closed: the server is stopping
                }
            }
        }
    }

    private void onReady(SelectionKey key) {
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.attachment() instanceof Listener listener) {
                acceptBatch(listener, ACCEPT_BATCH, workerConnections, this::open);
            } else if (key.attachment() instanceof Http1AsyncConnection c) {
                c.onReady(key.readyOps());
            } else if (key.attachment() instanceof Handshake h) {
                handshake(h, key);
            }
        } catch (CancelledKeyException e) {
            // closed meanwhile; the sweep forgets it
        }
    }


    private void open(SocketChannel socket, Listener listener) {
        ConnectionControl control = new ConnectionControl(socket, this);
        Http1AsyncConnection c;
        SelectionKey key;
        try {
            socket.configureBlocking(false);
            if (!listener.isUnix()) {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            if (listener.tls() != null) {
                SocketAddress peer = socket.getRemoteAddress();
                Handshake h = new Handshake(startTls(listener.tls(), socket, control, peer), control, peer,
                        socket.getLocalAddress());
                socket.register(selector, SelectionKey.OP_READ, h);
                connections.add(control);
                handshaking.put(control, h);
                return;
            }
            c = new Http1AsyncConnection(ctx, socket, control, socket.getRemoteAddress(), socket.getLocalAddress(),
                    executor, () -> forget(control), null);
            key = socket.register(selector, 0, c);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Worker {} dropped a connection during setup: {}", id, e.toString());
            control.close();
            return;
        }
        connections.add(control);
        open.put(control, c);
        if (state != State.SERVING) {
            control.disallowKeepAlive();
        }
        c.start(key);
    }

    private void forget(ConnectionControl control) {
        connections.remove(control);
        abortsPending.remove(control);
        open.remove(control);
        TlsConnection t = tlsOpen.remove(control);
        if (t != null) {
            tlsAttention.remove(t);
        }
        handshaking.remove(control);
    }

    /** A TLS connection whose handshake is in progress, driven by readiness on the loop. */
    private record Handshake(TlsChannel tls, ConnectionControl control, SocketAddress peer, SocketAddress local) {
    }

    /** An established TLS connection, with what the loop checks for it every turn. */
    private record TlsConnection(TlsChannel tls, SelectionKey key, Http1AsyncConnection http) {
    }

    /** Advances a handshake; once complete, the connection is served like a plain one, over the TLS channel. */
    private void handshake(Handshake h, SelectionKey key) {
        boolean done;
        try {
            done = h.tls().handshake();
        } catch (IOException | RuntimeException e) {
            handshakeFailed(h.peer(), e);
            h.control().close();
            forget(h.control());
            return;
        }
        if (!done) {
            key.interestOps(h.tls().handshakeInterest());
            return;
        }
        handshaking.remove(h.control());
        Http1AsyncConnection c = new Http1AsyncConnection(ctx, h.tls(), h.control(), h.peer(), h.local(),
                executor, () -> forget(h.control()), h.tls().session());
        key.interestOps(0);
        key.attach(c);
        open.put(h.control(), c);
        TlsConnection t = new TlsConnection(h.tls(), key, c);
        tlsOpen.put(h.control(), t);
        h.tls().onBuffered(() -> tlsAttention.add(t));
        if (h.tls().hasBufferedInput()) {
            tlsAttention.add(t); // the request came with the client's last handshake flight
        }
        if (state != State.SERVING) {
            h.control().disallowKeepAlive();
        }
        c.start(key);
    }

    /**
     * What the socket's readiness cannot tell about TLS connections: sends ciphertext a write
     * left behind, and lets a connection waiting for bytes read what the TLS channel decrypted
     * already. True if some connection still has such bytes and waits for them (select without
     * waiting then).
     */
    private boolean serviceTls() {
        boolean again = false;
        for (TlsConnection t : List.copyOf(tlsAttention)) {
            if (t.http().isClosed() || !t.key().isValid()) {
                tlsAttention.remove(t);
                continue;
            }
            boolean flushed;
            try {
                flushed = t.tls().flushPending();
            } catch (IOException e) {
                t.http().close();
                continue;
            }
            try {
                if (t.tls().hasBufferedInput() && (t.key().interestOps() & SelectionKey.OP_READ) != 0) {
                    t.http().onReady(SelectionKey.OP_READ);
                }
                boolean buffered = !t.http().isClosed() && t.key().isValid() && t.tls().hasBufferedInput();
                if (!buffered && flushed) {
                    tlsAttention.remove(t);
                } else if (buffered && (t.key().interestOps() & SelectionKey.OP_READ) != 0) {
                    again = true;
                }
            } catch (CancelledKeyException e) {
                tlsAttention.remove(t); // closed meanwhile
            }
        }
        return again;
    }

    /** Cleans up connections the watchdog or a drain closed; closes idle ones while the server stops. */
    private void sweep() {
        boolean draining = state != State.SERVING;
        boolean closeIdle = closingIdle();
        for (Map.Entry<ConnectionControl, Http1AsyncConnection> e : List.copyOf(open.entrySet())) {
            ConnectionControl control = e.getKey();
            if (draining) {
                control.disallowKeepAlive();
            }
            if (closeIdle && control.isIdleBetweenRequests()) {
                control.close();
            }
            e.getValue().sweep();
        }
        for (Handshake h : List.copyOf(handshaking.values())) {
            if (h.control().isClosed()) {
                forget(h.control()); // the handshake deadline passed, or the worker stopped
            }
        }
    }
}
