package dev.unicorn.workers;

import dev.unicorn.config.Settings;
import dev.unicorn.http1.Http1Connection;
import dev.unicorn.net.Listener;
import dev.unicorn.tls.TlsChannel;
import dev.unicorn.tls.TlsContext;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code threads} worker model, gunicorn's gthread without its defects. Per worker:
 *
 * <ul>
 *   <li>a selector thread ({@code <name>-w<id>-selector}) waits on the listeners and on every
 *       connection that has no request to serve yet (new, or kept alive between requests). It
 *       reads the next request head without blocking and hands the connection to the pool only
 *       once the head is complete, so neither an idle keep-alive connection nor a client
 *       trickling its head occupies a pool thread. It closes parked connections whose deadline
 *       passed: first byte within 5 s, the next request within {@code keepalive}, and once a
 *       head started, each further byte within {@code timeout}.
 *   <li>a pool of {@code threads} platform threads ({@code <name>-w<id>-pool-<n>}) runs
 *       {@link Http1Connection#serveUntilIdle()}: the request (and any pipelined requests
 *       already received), with blocking body reads and response writes bounded by
 *       {@code timeout} through the connection's {@link ConnectionControl} and the worker's
 *       watchdog. An idle connection goes back to the selector thread through a queue.
 * </ul>
 *
 * <p>Admission: accepting pauses while the worker has {@code workerConnections} open
 * connections and resumes below that. Keep-alive capacity, as gunicorn's: while
 * {@code workerConnections - threads} connections are parked between requests, a connection
 * handed to the pool is told to close after its response ({@code Connection: close}) rather
 * than closing an idle one, which would race with a client sending its next request on it.
 *
 * <p>A request aborted for running past {@code timeout} has its pool thread interrupted; a
 * new pool thread takes its place at once, and the old one ends as soon as the application
 * returns, so a late interrupt never reaches another connection.
 */
final class ThreadsWorker extends Worker {
    /** A head is handed to the pool once this much of it arrived without its end: the parser then judges it (its limits are mostly lower). */
    static final int HEAD_PREFETCH_LIMIT = 16 * 1024;
    /** How often, at least, the selector thread closes parked connections whose deadline passed. */
    private static final long SWEEP_MILLIS = 100;
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
    /** Connections accepted per readiness of a listener, so that accepting does not starve parked connections. */
    private static final int ACCEPT_BATCH = 64;

    private final int poolSize;
    private final int workerConnections;
    private final int keepAliveCapacity;
    private final Selector selector;
    private final List<SelectionKey> listenerKeys = new ArrayList<>();
    private final Thread selectorThread;
    /** Connections with a complete request head, waiting for a pool thread. */
    private final LinkedBlockingQueue<Connection> ready = new LinkedBlockingQueue<>();
    /** Connections a pool thread left idle, waiting for the selector thread to park them. */
    private final Queue<Connection> returned = new ConcurrentLinkedQueue<>();
    private final Set<Thread> poolThreads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger poolThreadNumber = new AtomicInteger();
    private volatile boolean selecting;
    private volatile boolean acceptPaused;

    // Owned by the selector thread.
    private final Set<Connection> parked = new HashSet<>();
    private final List<Connection> handOffs = new ArrayList<>();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(HEAD_PREFETCH_LIMIT);
    private int parkedBetweenRequests;
    private boolean accepting = true;
    private long lastSweep = System.nanoTime();

    ThreadsWorker(int id, ServerContext ctx, List<Listener> listeners, ServerHooks hooks, Runnable onDrain)
            throws IOException {
        super(id, ctx, hooks, onDrain);
        this.poolSize = poolSize(ctx.config().get(Settings.THREADS));
        this.workerConnections = ctx.config().get(Settings.WORKER_CONNECTIONS);
        this.keepAliveCapacity = workerConnections - poolSize;
        this.selector = Selector.open();
        try {
            for (Listener l : listeners) {
                listenerKeys.add(l.channel().register(selector, SelectionKey.OP_ACCEPT, l));
            }
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        this.selectorThread = Thread.ofPlatform().name(threadPrefix + "-selector").daemon(true).unstarted(this::selectLoop);
        if (keepAliveCapacity <= 0 && ctx.keepaliveNanos() > 0) {
            LOG.warn("Worker {}: workerConnections ({}) is not above threads ({}): no connection is kept alive",
                    id, workerConnections, poolSize);
        }
    }

    /** The pool size for the {@code threads} setting: itself, or for 0 twice the available processors, 4 to 64. */
    static int poolSize(int threadsSetting) {
        return threadsSetting > 0 ? threadsSetting : Math.clamp(2L * Runtime.getRuntime().availableProcessors(), 4, 64);
    }

    @Override
    void startServing() {
        for (int i = 0; i < poolSize; i++) {
            startPoolThread();
        }
        selecting = true;
        selectorThread.start();
    }

    @Override
    void stopAccepting() {
        selector.wakeup(); // the selector thread switches the listeners off and closes idle parked connections
    }

    @Override
    void stopServing() {
        stopSelectorLoop(selector, selectorThread, true);
        ready.clear();
        for (Thread t : poolThreads) {
            t.interrupt(); // idle ones wait in take(); busy ones serve connections that are closed now
        }
    }

    @Override
    void requestAborting(Thread thread) {
        if (poolThreads.contains(thread) && state != State.STOPPED) {
            startPoolThread(); // the aborted thread ends once the application returns, if ever
        }
    }

    // --- pool threads

    private void startPoolThread() {
        Thread t = Thread.ofPlatform().name(threadPrefix + "-pool-" + poolThreadNumber.incrementAndGet())
                .daemon(true).unstarted(this::poolLoop);
        poolThreads.add(t);
        t.start();
    }

    private void poolLoop() {
        try {
            while (state != State.STOPPED) {
                Connection c;
                try {
                    c = ready.take();
                } catch (InterruptedException e) {
                    continue; // stopping: the loop condition decides
                }
                serve(c);
                if (c.control.isAborted()) {
                    // Replaced when the abort began (requestAborting). The abort may interrupt this thread
                    // later still; ending it keeps that interrupt from breaking the next connection's I/O.
                    return;
                }
                Thread.interrupted(); // an application that interrupted itself must not break the next connection's I/O
            }
        } finally {
            poolThreads.remove(Thread.currentThread());
        }
    }

    /** Serves {@code c} until it is idle or closed, on a pool thread. */
    private void serve(Connection c) {
        Http1Connection.Outcome outcome = Http1Connection.Outcome.CLOSED;
        try {
            if (state != State.SERVING) {
                c.control.disallowKeepAlive();
            }
            if (c.http == null) {
                c.http = new Http1Connection(ctx, c.channel, c.control, c.peer, c.local,
                        c.tls == null ? null : c.tls.session());
            }
            outcome = c.http.serveUntilIdle();
        } catch (RuntimeException | Error e) {
            LOG.error("Worker {} failed serving a connection from {}", id, c.peer, e);
            c.control.close();
        }
        if (outcome == Http1Connection.Outcome.IDLE) {
            handBack(c);
        } else {
            forget(c);
        }
    }

    /** Gives an idle connection back to the selector thread, on a pool thread. */
    private void handBack(Connection c) {
        try {
            c.socket.configureBlocking(false);
        } catch (IOException e) {
            c.control.close();
            forget(c);
            return;
        }
        c.control.idleUntil(System.nanoTime() + ctx.keepaliveNanos());
        returned.add(c);
        selector.wakeup();
        if (!selecting) {
            closeReturned(); // the selector thread has ended: nobody will park it
        }
    }

    /** The connection is closed: it no longer counts against {@code workerConnections}. */
    private void forget(Connection c) {
        if (connections.remove(c.control) && acceptPaused) {
            selector.wakeup(); // accepting may resume
        }
    }

    private void closeReturned() {
        Connection c;
        while ((c = returned.poll()) != null) {
            c.control.close();
            forget(c);
        }
    }

    // --- selector thread

    private void selectLoop() {
        try {
            while (state != State.STOPPED) {
                acceptorBetweenTurns();
                updateAccepting();
                selector.select(this::onReady, SWEEP_MILLIS);
                dispatchHandOffs();
                parkReturned();
                long now = System.nanoTime();
                if (now - lastSweep >= SWEEP_NANOS || state != State.SERVING) {
                    lastSweep = now;
                    sweep(now);
                }
            }
        } catch (ClosedSelectorException e) {
            // stopped
        } catch (IOException | RuntimeException e) {
            if (state != State.STOPPED) {
                LOG.error("Worker {} selector failed; the worker drains and is replaced", id, e);
            }
        } finally {
            selecting = false;
            for (Connection c : parked) {
                c.control.close();
                forget(c);
            }
            parked.clear();
            for (Connection c : handOffs) {
                c.control.close();
                forget(c);
            }
            handOffs.clear();
            closeReturned();
            if (state == State.SERVING) {
                drain();
            }
            acceptorBetweenTurns();
        }
    }

    /** Accepting is on while serving below {@code workerConnections} open connections, off otherwise. */
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
        acceptPaused = !want && state == State.SERVING;
    }

    private void onReady(SelectionKey key) {
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.attachment() instanceof Listener listener) {
                acceptBatch(listener, ACCEPT_BATCH, workerConnections, this::open);
            } else if (key.attachment() instanceof Connection c) {
                readHead(c);
            }
        } catch (CancelledKeyException e) {
            // closed meanwhile (a deadline, a drain, the listener closed); the sweep forgets it
        }
    }


    /** Parks a new connection until its first request head arrived. */
    private void open(SocketChannel socket, Listener listener) {
        Connection c;
        try {
            socket.configureBlocking(false);
            if (!listener.isUnix()) {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            c = new Connection(socket, socket.getRemoteAddress(), socket.getLocalAddress(), this, listener.tls());
        } catch (IOException e) {
            LOG.debug("Worker {} dropped a connection during setup: {}", id, e.toString());
            try {
                socket.close();
            } catch (IOException ignored) {
                // it is gone either way
            }
            return;
        }
        connections.add(c.control);
        if (c.tls == null) {
            c.control.idleUntil(System.nanoTime() + Http1Connection.FIRST_BYTE_NANOS);
        }
        park(c);
    }

    private void park(Connection c) {
        try {
            c.key = c.socket.register(selector, SelectionKey.OP_READ, c);
        } catch (IOException | RuntimeException e) {
            c.control.close();
            forget(c);
            return;
        }
        parked.add(c);
        if (c.betweenRequests) {
            parkedBetweenRequests++;
        }
    }

    private void unpark(Connection c) {
        parked.remove(c);
        if (c.betweenRequests) {
            c.betweenRequests = false;
            parkedBetweenRequests--;
        }
        if (c.key != null) {
            c.key.cancel();
            c.key = null;
        }
    }

    private void closeParked(Connection c) {
        unpark(c);
        c.control.close();
        forget(c);
    }

    /** Reads what a parked connection sent, without blocking; hands it to the pool once a request head is complete. */
    private void readHead(Connection c) {
        if (c.tls != null && !c.tls.isHandshakeDone() && !handshake(c)) {
            return;
        }
        do {
            if (!readHeadOnce(c)) {
                return;
            }
        } while (c.tls != null); // decrypted bytes may wait in the TLS channel without the socket being readable
    }

    /**
     * Advances the TLS handshake of a parked connection without blocking; true once it is
     * complete (the connection then waits for its first request like a plain one).
     */
    private boolean handshake(Connection c) {
        boolean done;
        try {
            done = c.tls.handshake();
        } catch (IOException | RuntimeException e) {
            handshakeFailed(c.peer, e);
            closeParked(c);
            return false;
        }
        try {
            c.key.interestOps(done ? SelectionKey.OP_READ : c.tls.handshakeInterest());
        } catch (CancelledKeyException e) {
            closeParked(c);
            return false;
        }
        if (done) {
            c.control.idleUntil(System.nanoTime() + Http1Connection.FIRST_BYTE_NANOS);
        }
        return done;
    }

    /** One non-blocking read of a parked connection; true if bytes came and it stays parked. */
    private boolean readHeadOnce(Connection c) {
        scratch.clear();
        int n;
        try {
            n = (c.tls != null ? c.tls : c.socket).read(scratch);
        } catch (IOException e) {
            closeParked(c);
            return false;
        }
        if (n == 0) {
            return false;
        }
        if (n < 0) {
            if (c.head == null) {
                closeParked(c); // the client closed a connection without a request in progress
            } else {
                handOff(c); // the parser sees the incomplete head, then the end of input, and answers as it does
            }
            return false;
        }
        scratch.flip();
        if (c.addHeadBytes(scratch)) {
            handOff(c);
            return false;
        } else {
            // A head is arriving: like a blocking read, each wait for more is bounded by timeout. It is not
            // idle any more, so a drain lets it finish (and answers it with Connection: close).
            long t = ctx.timeoutNanos();
            c.control.busyUntil(t == 0 ? ConnectionControl.NONE : System.nanoTime() + t);
        }
        return true;
    }

    private void handOff(Connection c) {
        unpark(c);
        c.control.busyUntil(ConnectionControl.NONE); // waiting for a pool thread is the server's delay, not the client's
        if (parkedBetweenRequests >= keepAliveCapacity) {
            c.control.disallowKeepAlive(); // keep-alive capacity reached: this one closes after its response
        }
        c.channel.prefix(c.takeHead());
        handOffs.add(c);
    }

    /**
     * Queues the connections handed off during the last selection for the pool. Their keys
     * were cancelled; a channel may be made blocking only once the selector has deregistered
     * it, which the next selection operation does.
     */
    private void dispatchHandOffs() throws IOException {
        while (!handOffs.isEmpty()) {
            List<Connection> batch = new ArrayList<>(handOffs);
            handOffs.clear();
            selector.selectNow(this::onReady);
            for (Connection c : batch) {
                try {
                    c.socket.configureBlocking(true);
                } catch (IOException | RuntimeException e) {
                    c.control.close();
                    forget(c);
                    continue;
                }
                ready.add(c);
            }
        }
    }

    /**
     * Parks the connections pool threads left idle, with their keep-alive deadline; closes them
     * if the server stops. A draining worker parks them too: the next request gets
     * {@code Connection: close}.
     */
    private void parkReturned() {
        Connection c;
        while ((c = returned.poll()) != null) {
            if (state == State.STOPPED || closingIdle() || c.control.isClosed()) {
                c.control.close();
                forget(c);
                continue;
            }
            c.betweenRequests = true;
            park(c);
            if (c.tls != null && c.tls.hasBufferedInput() && parked.contains(c)) {
                readHead(c); // the next request is decrypted already: the socket will not signal it
            }
        }
    }

    /** Closes parked connections whose deadline passed, that were closed meanwhile, or that sit idle while the server stops. */
    private void sweep(long now) {
        boolean closeIdle = closingIdle();
        List<Connection> expired = null;
        for (Connection c : parked) {
            ConnectionControl control = c.control;
            if (control.isClosed() || control.expired(now) || (closeIdle && control.isIdleBetweenRequests())) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(c);
            }
        }
        if (expired != null) {
            expired.forEach(this::closeParked);
        }
    }

    /** One client connection of this worker. */
    private static final class Connection {
        final SocketChannel socket;
        /** What {@link Http1Connection} reads and writes: the socket, after the head bytes the selector thread read. */
        final PrefixedSocketChannel channel;
        final ConnectionControl control;
        /** The TLS layer, or null on a plain connection. */
        final TlsChannel tls;
        final SocketAddress peer;
        final SocketAddress local;
        /** Created on the first hand-off, on a pool thread; handed on with the connection through the queues. */
        Http1Connection http;

        // Selector thread only.
        SelectionKey key;
        /** Parked after a request (counted against the keep-alive capacity), not new. */
        boolean betweenRequests;
        /** Bytes of the next request head read while parked (write mode), or null. */
        ByteBuffer head;
        /** Where the search for the end of the head resumes. */
        int scanFrom;

        Connection(SocketChannel socket, SocketAddress peer, SocketAddress local, Worker worker, TlsContext tlsContext) {
            this.socket = socket;
            this.control = new ConnectionControl(socket, worker);
            this.tls = tlsContext == null ? null : worker.startTls(tlsContext, socket, control, peer);
            this.channel = new PrefixedSocketChannel(tls != null ? tls : socket);
            this.peer = peer;
            this.local = local;
        }

        /**
         * Adds bytes read while parked; true once they hold the end of a head (an empty line),
         * or so much that the parser should judge them.
         */
        boolean addHeadBytes(ByteBuffer bytes) {
            if (head == null) {
                head = ByteBuffer.allocate(bytes.remaining());
            } else if (head.remaining() < bytes.remaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(head.capacity() * 2, head.position() + bytes.remaining()));
                head.flip();
                head = bigger.put(head);
            }
            head.put(bytes);
            return headEnded() || head.position() >= HEAD_PREFETCH_LIMIT;
        }

        /**
         * True if the bytes hold LF CRLF or LF LF: the empty line that ends a head (the
         * parser decides whether a bare LF is acceptable). A PROXY v2 signature holds one
         * too; the parser then reads the rest of the head itself.
         */
        private boolean headEnded() {
            byte[] a = head.array();
            int end = head.position();
            for (int i = scanFrom; i < end; i++) {
                if (a[i] != '\n') {
                    continue;
                }
                if (i + 1 >= end || (a[i + 1] == '\r' && i + 2 >= end)) {
                    scanFrom = i;
                    return false;
                }
                if (a[i + 1] == '\n' || (a[i + 1] == '\r' && a[i + 2] == '\n')) {
                    return true;
                }
            }
            scanFrom = end;
            return false;
        }

        /** The head bytes read so far, ready to read (null if none), and forgets them. */
        ByteBuffer takeHead() {
            ByteBuffer h = head;
            head = null;
            scanFrom = 0;
            return h == null ? null : h.flip();
        }
    }
}
