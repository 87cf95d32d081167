package dev.unicorn.workers;

import dev.unicorn.config.Settings;
import dev.unicorn.http1.Http1AsyncConnection;
import dev.unicorn.net.Listener;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
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
 * replaced; no thread is abandoned since the loop goes on. An application that blocks the
 * loop shows as a stale loop heartbeat, logged once per stall.
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

    // Loop thread only.
    private boolean accepting = true;
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
        selector.wakeup();
        if (Thread.currentThread() != loopThread) {
            try {
                loopThread.join(2000);
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

    @Override
    boolean abandonsRequestThreads() {
        return false;
    }

    @Override
    void abortRequest(ConnectionControl connection) {
        execute(() -> {
            Http1AsyncConnection c = open.get(connection);
            if (c != null) {
                c.abortTimedOut();
            }
        });
    }

    @Override
    Aborted abortStuckRequests(long timeoutNanos, long now) {
        long stalled = now - loopBeat;
        if (stalled > STALL_NANOS && state != State.STOPPED) {
            if (!stallLogged) {
                stallLogged = true;
                LOG.error("Worker {}: event loop {} blocked for {} ms: the application must not block it{}", id,
                        loopThread.getName(), TimeUnit.NANOSECONDS.toMillis(stalled), stackOf(loopThread));
            }
        } else {
            stallLogged = false;
        }
        return super.abortStuckRequests(timeoutNanos, now);
    }

    private static String stackOf(Thread thread) {
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : thread.getStackTrace()) {
            sb.append("\n\tat ").append(e);
        }
        return sb.toString();
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
                long now = System.nanoTime();
                loopBeat = now;
                updateAccepting();
                selector.select(this::onReady, SWEEP_MILLIS);
                runTasks();
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
            tasks.clear();
            if (state == State.SERVING) {
                drain();
            }
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
            }
        } catch (CancelledKeyException e) {
            // closed meanwhile; the sweep forgets it
        }
    }


    private void open(SocketChannel socket, boolean unix) {
        ConnectionControl control = new ConnectionControl(socket, this);
        Http1AsyncConnection c;
        SelectionKey key;
        try {
            socket.configureBlocking(false);
            if (!unix) {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            c = new Http1AsyncConnection(ctx, socket, control, socket.getRemoteAddress(), socket.getLocalAddress(),
                    executor, () -> forget(control));
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
        open.remove(control);
    }

    /** Cleans up connections the watchdog or a drain closed; closes idle ones while draining. */
    private void sweep() {
        boolean draining = state != State.SERVING;
        for (Map.Entry<ConnectionControl, Http1AsyncConnection> e : List.copyOf(open.entrySet())) {
            ConnectionControl control = e.getKey();
            if (draining) {
                control.disallowKeepAlive();
                if (control.isIdleBetweenRequests()) {
                    control.close();
                }
            }
            e.getValue().sweep();
        }
    }
}
