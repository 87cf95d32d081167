package dev.unicorn.dirty;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import dev.unicorn.process.ChildJvm;
import dev.unicorn.process.RespawnBackoff;
import dev.unicorn.process.Supervisor;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A supervised pool of dirty worker JVMs and the client that calls them ({@code docs/dirty.md}).
 *
 * <p>The arbiter listens on a Unix socket in a private temporary directory; each worker JVM,
 * launched with this JVM's java binary and classpath by a {@link Supervisor}, connects to it,
 * proves who it is with a one-time token, initialises its apps and reports READY. Calls are
 * multiplexed on that connection by request id (up to {@code dirtyThreads} run at once per
 * worker, more wait in the worker's queue), routed to the least-loaded ready worker hosting
 * the app. A worker that dies fails only its own calls in flight ({@link DirtyWorkerDiedException})
 * and is respawned with back-off; a call past {@code dirtyTimeout} fails with
 * {@link DirtyTimeoutException} and its worker is killed and replaced; a worker that stops
 * heartbeating is killed. Workers exit on their own when this JVM dies.
 */
public final class DirtyArbiter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("unicorn.error");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A starting worker that neither connects nor heartbeats for this long is killed. */
    private static final Duration BOOT_SILENCE = Duration.ofSeconds(60);

    private final String name;
    private final List<DirtyAppSpec> specs;
    private final Set<String> appNames;
    private final int threads;
    private final Duration timeout;
    private final Duration graceful;
    private final long heap;
    private final int maxPayload = WireFormat.DEFAULT_MAX_PAYLOAD;
    private final DirtyHooks hooks;
    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Supervisor supervisor;
    private final ScheduledExecutorService timer;
    private final StashTables stash = new StashTables();
    private final Map<String, Supervisor.Child> launching = new ConcurrentHashMap<>();
    private final Map<Supervisor.Child, Link> links = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<PendingCall> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final Object readiness = new Object();
    private final DirtyClient client;
    private int slots;
    private volatile boolean closed;

    private DirtyArbiter(Config config, DirtyHooks hooks) throws IOException {
        this.name = config.get(Settings.NAME);
        this.specs = DirtyAppSpec.parseAll(config.get(Settings.DIRTY_APPS));
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("dirtyApps is empty: there is nothing for a dirty arbiter to host");
        }
        this.appNames = specs.stream().map(DirtyAppSpec::name).collect(Collectors.toUnmodifiableSet());
        this.threads = config.get(Settings.DIRTY_THREADS);
        this.timeout = config.get(Settings.DIRTY_TIMEOUT);
        this.graceful = config.get(Settings.DIRTY_GRACEFUL_TIMEOUT);
        this.heap = config.get(Settings.DIRTY_HEAP);
        this.hooks = hooks;
        // createTempDirectory gives the directory mode 0700 on POSIX: only this user reaches the socket
        this.dir = Files.createTempDirectory("unicorn-dirty-");
        this.socket = dir.resolve("arbiter.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-dirty-timer");
            t.setDaemon(true);
            return t;
        });
        // dirtyTimeout is also the heartbeat limit of a ready worker (0: no limit), as in gunicorn
        this.supervisor = new Supervisor(name + "-dirty", new Launcher(),
                new Supervisor.Timing(timeout, BOOT_SILENCE, graceful, RespawnBackoff.DEFAULT,
                        Duration.ofMillis(250)));
        this.client = new Caller(new ArbiterDispatcher(), null);
        Thread acceptor = new Thread(this::acceptLoop, name + "-dirty-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        runHook("onDirtyStarting", hooks::onDirtyStarting);
        scale(config.get(Settings.DIRTY_WORKERS));
    }

    /**
     * Starts the arbiter for the {@code dirtyApps} of {@code config} and launches its workers.
     * Returns at once; calls made before a worker is ready wait for one (within their timeout).
     * Use {@link #awaitReady(Duration)} to wait for every worker.
     */
    public static DirtyArbiter start(Config config, DirtyHooks hooks) throws IOException {
        return new DirtyArbiter(config, hooks);
    }

    /** The client; calls fail with {@link DirtyException} once the arbiter is closed. */
    public DirtyClient client() {
        return client;
    }

    /** The stash held by this arbiter. */
    public DirtyStash stash() {
        return stash;
    }

    /**
     * Sets the number of workers (at least 1). Added workers host what their slot hosts; removal
     * takes the newest slots first, which never removes the last host of an app (see
     * {@code docs/dirty.md}, "Allocation"). Workers that would host nothing are not started.
     * Returns the number of worker slots now wanted.
     */
    public synchronized int scale(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("at least one dirty worker is needed, not " + workers);
        }
        int target = DirtyAppSpec.usefulSlots(specs, workers);
        for (int s = slots; s < target; s++) {
            supervisor.addSlot(s);
        }
        for (int s = slots - 1; s >= target; s--) {
            supervisor.removeSlot(s);
        }
        slots = target;
        synchronized (readiness) {
            readiness.notifyAll();
        }
        return target;
    }

    /**
     * Replaces every worker with a new generation: each new worker starts while the old one
     * serves, and the old one drains (finishes its calls, up to {@code dirtyGracefulTimeout})
     * once its replacement is ready, so every app stays hosted throughout.
     */
    public synchronized void reload() {
        for (int s = 0; s < slots; s++) {
            supervisor.replace(s);
        }
    }

    /**
     * Waits until every slot has a ready worker that is not draining; false if that did not
     * happen within {@code timeout}.
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (readiness) {
            while (!allReady()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                readiness.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** The socket the workers connect to (for tests). */
    Path socketPath() {
        return socket;
    }

    /** The workers now running or starting, by worker id. */
    public List<DirtyWorkerStatus> workers() {
        List<DirtyWorkerStatus> out = new ArrayList<>();
        for (Supervisor.Child c : supervisor.children()) {
            Link l = links.get(c);
            // the link knows first: the supervisor learns of readiness a moment later, on its own thread
            String state = l == null ? c.state().name().toLowerCase(java.util.Locale.ROOT)
                    : l.dead ? "exited" : l.draining ? "retiring" : l.ready ? "ready" : "starting";
            out.add(new DirtyWorkerStatus(c.slot(), c.pid(), DirtyAppSpec.appsForSlot(specs, c.slot()), state,
                    l == null ? 0 : l.pending.size()));
        }
        out.sort(java.util.Comparator.comparingInt(DirtyWorkerStatus::workerId));
        return out;
    }

    /**
     * Stops gracefully: new calls fail, every worker finishes its calls in flight (up to
     * {@code dirtyGracefulTimeout}, then it is killed), the socket and its directory are
     * removed. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        PendingCall c;
        while ((c = waiting.poll()) != null) {
            c.fail(new DirtyException("the dirty arbiter stopped"));
        }
        supervisor.close();
        for (Link l : links.values()) {
            l.die("the dirty arbiter stopped");
        }
        try {
            server.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.warn("{}: cannot remove {}: {}", name, dir, e.toString());
        }
        timer.shutdownNow();
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    // ------------------------------------------------------------------ workers

    private boolean allReady() {
        boolean[] ready = new boolean[slots];
        for (Link l : links.values()) {
            if (l.usable() && l.child.slot() < slots) {
                ready[l.child.slot()] = true;
            }
        }
        for (boolean r : ready) {
            if (!r) {
                return false;
            }
        }
        return true;
    }

    private List<String> jvmOptions() {
        List<String> opts = new ArrayList<>();
        if (heap > 0) {
            opts.add("-Xmx" + heap);
        }
        // many small JVMs on shared cores: a serial collector and no perf-data file start fastest
        opts.add("-XX:+UseSerialGC");
        opts.add("-XX:-UsePerfData");
        opts.add("-Xshare:auto");
        return opts;
    }

    private long heartbeatMillis() {
        long t = timeout.toMillis();
        return t == 0 ? 1000 : Math.max(50, Math.min(1000, t / 4));
    }

    /** How the supervisor launches, stops and buries worker JVMs. */
    private final class Launcher implements Supervisor.Launcher {
        @Override
        public Process launch(Supervisor.Child child) throws IOException {
            byte[] secret = new byte[16];
            RANDOM.nextBytes(secret);
            String token = HexFormat.of().formatHex(secret);
            List<String> args = new ArrayList<>(List.of(socket.toString(), String.valueOf(child.slot()),
                    String.valueOf(threads), String.valueOf(heartbeatMillis()), String.valueOf(graceful.toMillis()),
                    String.valueOf(maxPayload)));
            args.addAll(DirtyAppSpec.appsForSlot(specs, child.slot()));
            launching.put(token, child);
            try {
                return new ChildJvm(DirtyWorkerMain.class.getName(), jvmOptions(), args,
                        Map.of(DirtyWorkerMain.TOKEN_ENV, token)).start();
            } catch (IOException | RuntimeException e) {
                launching.remove(token);
                throw e;
            }
        }

        @Override
        public void stopRequested(Supervisor.Child child) {
            Link l = links.get(child);
            if (l == null) {
                child.process().destroy();
                return;
            }
            synchronized (l) { // no CALL may follow the SHUTDOWN: the worker would refuse it
                l.draining = true;
                l.channel.writeQuietly(Frame.of(FrameType.SHUTDOWN, 0));
            }
            synchronized (readiness) {
                readiness.notifyAll();
            }
        }

        @Override
        public void exited(Supervisor.Child child) {
            launching.values().remove(child);
            Link l = links.remove(child);
            String why = child.killReason() != null ? "worker " + child.slot() + " was killed: " + child.killReason()
                    : "worker " + child.slot() + " (pid " + child.pid() + ") exited with status " + child.exitCode();
            if (l != null) {
                l.die(why);
            }
            if (!child.expectedExit()) {
                LOG.error("{}: dirty {}", name, why);
            }
            runHook("dirtyWorkerExit", () -> hooks.dirtyWorkerExit(child.slot(), child.pid(), child.exitCode()));
            synchronized (readiness) {
                readiness.notifyAll();
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel sc = server.accept();
                Thread t = new Thread(() -> handshake(sc), name + "-dirty-link");
                t.setDaemon(true);
                t.start();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.error("{}: dirty accept failed", name, e);
                }
            }
        }
    }

    /** The first frame of a connection must be a HELLO with the token of a child being launched. */
    private void handshake(SocketChannel sc) {
        FrameChannel channel = new FrameChannel(sc, maxPayload);
        Supervisor.Child child;
        // a peer that connects and says nothing must not hold this thread forever
        java.util.concurrent.ScheduledFuture<?> deadline;
        try {
            deadline = timer.schedule(channel::close, 10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            channel.close(); // stopping
            return;
        }
        try {
            Frame hello = channel.read();
            deadline.cancel(false);
            if (hello == null || hello.type() != FrameType.HELLO) {
                throw new DirtyProtocolException("expected HELLO, got " + (hello == null ? "end of stream" : hello.type()));
            }
            child = launching.remove(hello.string(1));
            if (child == null || child.slot() != hello.integer(0)) {
                throw new DirtyProtocolException("HELLO with an unknown token");
            }
        } catch (IOException | DirtyProtocolException e) {
            LOG.error("{}: refused a dirty connection: {}", name, e.toString());
            channel.close();
            return;
        }
        Link link = new Link(child, channel);
        links.put(child, link);
        Thread.currentThread().setName(name + "-dirty-w" + child.slot() + "-reader");
        child.beat();
        link.readLoop();
    }

    private void runHook(String hook, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("{}: hook {} failed", name, hook, e);
        }
    }

    /** The arbiter's side of one worker's connection. */
    private final class Link {
        final Supervisor.Child child;
        final FrameChannel channel;
        final List<String> apps;
        final Map<Long, PendingCall> pending = new ConcurrentHashMap<>();
        volatile boolean ready;
        volatile boolean draining;
        volatile boolean dead;

        Link(Supervisor.Child child, FrameChannel channel) {
            this.child = child;
            this.channel = channel;
            this.apps = DirtyAppSpec.appsForSlot(specs, child.slot());
        }

        boolean usable() {
            return ready && !draining && !dead;
        }

        void readLoop() {
            String why = "connection to worker " + child.slot() + " closed";
            try {
                Frame f;
                while ((f = channel.read()) != null) {
                    child.beat();
                    handle(f);
                }
            } catch (IOException | DirtyProtocolException e) {
                why = "connection to worker " + child.slot() + " failed: " + e.getMessage();
            }
            die(why);
            if (child.process() != null && child.process().isAlive() && !draining) {
                supervisor.kill(child, why);
            }
        }

        private void handle(Frame f) throws IOException {
            switch (f.type()) {
                case HEARTBEAT -> {
                }
                case READY -> {
                    ready = true;
                    supervisor.ready(child);
                    runHook("dirtyWorkerInit", () -> hooks.dirtyWorkerInit(child.slot(), child.pid(), apps));
                    synchronized (readiness) {
                        readiness.notifyAll();
                    }
                    redispatchWaiting();
                }
                case RESULT, CHUNK, END, ERROR -> {
                    if (f.id() == 0 && f.type() == FrameType.ERROR) {
                        Failure boot = Failure.from(f);
                        LOG.error("{}: dirty worker {} failed to boot: {} {}\n{}", name, child.slot(), boot.type(),
                                boot.message(), boot.stack());
                        return;
                    }
                    PendingCall c = pending.get(f.id());
                    if (c == null) {
                        return; // a call already ended here (timed out, cancelled): its late frames are dropped
                    }
                    switch (f.type()) {
                        case RESULT -> c.result(f.value(0));
                        case CHUNK -> c.chunk(f.value(0));
                        case END -> c.end();
                        default -> c.fail(Failure.from(f).toException());
                    }
                }
                case STASH -> {
                    Frame reply;
                    try {
                        Object key = f.value(2);
                        reply = Frame.of(FrameType.RESULT, f.id(), stash.apply(f.integer(0), f.string(1), key, f.value(3)));
                    } catch (DirtyProtocolException e) {
                        reply = new Failure(Failure.BAD_REQUEST, "", e.getMessage(), "").toFrame(f.id());
                    }
                    channel.write(reply);
                }
                default -> throw new DirtyProtocolException("the arbiter does not accept " + f.type() + " frames");
            }
        }

        /** Fails every call in flight on this worker and stops routing to it. */
        void die(String why) {
            dead = true;
            channel.close();
            for (PendingCall c : pending.values()) {
                c.fail(new DirtyWorkerDiedException(why)); // its cleanup removes it from pending
            }
        }

        void send(PendingCall call) {
            AtomicBoolean cleaned = new AtomicBoolean();
            Runnable cleanup = () -> {
                if (cleaned.compareAndSet(false, true)) {
                    pending.remove(call.id);
                }
            };
            synchronized (this) {
                if (draining || dead) {
                    dispatchNow(call); // it began to drain or died since it was chosen: choose again
                    return;
                }
                pending.put(call.id, call);
                call.route = this;
                call.onDone = cleanup;
                if (call.isDone()) {
                    cleanup.run();
                    return;
                }
                try {
                    channel.write(Frame.of(FrameType.CALL, call.id, call.app, call.action, call.args));
                } catch (DirtyProtocolException e) {
                    call.fail(e);
                } catch (IOException e) {
                    call.fail(new DirtyWorkerDiedException("worker " + child.slot() + " connection failed: " + e.getMessage()));
                }
            }
        }
    }

    // ------------------------------------------------------------------ routing

    /** The least-loaded usable worker hosting {@code app}; ties go round-robin. Null if none. */
    private Link route(String app) {
        Link best = null;
        int bestLoad = Integer.MAX_VALUE;
        int ties = 0;
        int turn = roundRobin.getAndIncrement();
        for (Link l : links.values()) {
            if (!l.usable() || !l.apps.contains(app)) {
                continue;
            }
            int load = l.pending.size();
            if (load < bestLoad) {
                best = l;
                bestLoad = load;
                ties = 1;
            } else if (load == bestLoad && Math.floorMod(turn, ++ties) == 0) {
                best = l;
            }
        }
        return best;
    }

    private void redispatchWaiting() {
        int n = waiting.size();
        for (int i = 0; i < n; i++) {
            PendingCall c = waiting.poll();
            if (c == null) {
                return;
            }
            if (!c.isDone()) {
                dispatchNow(c);
            }
        }
    }

    private void dispatchNow(PendingCall call) {
        if (closed) {
            call.fail(new DirtyException("the dirty arbiter is stopped"));
            return;
        }
        Link l = route(call.app);
        if (l == null) {
            waiting.add(call);
            // a worker may have become ready between route() and add(): look again
            if (route(call.app) != null && waiting.remove(call)) {
                dispatchNow(call);
            }
            return;
        }
        l.send(call);
    }

    /** The arbiter as the client's {@link Dispatcher}. */
    private final class ArbiterDispatcher extends Dispatcher {
        ArbiterDispatcher() {
            super(timer, timeout, stash);
        }

        @Override
        void dispatch(PendingCall call) {
            if (!appNames.contains(call.app)) {
                call.fail(new DirtyNoWorkerException("no worker hosts " + call.app + " (dirtyApps: "
                        + specs.stream().map(DirtyAppSpec::name).toList() + ")"));
                return;
            }
            dispatchNow(call);
        }

        @Override
        void cancel(PendingCall call) {
            if (call.route instanceof Link l) {
                l.channel.writeQuietly(Frame.of(FrameType.CANCEL, call.id));
            }
        }

        @Override
        void credit(PendingCall call, int n) {
            if (call.route instanceof Link l) {
                l.channel.writeQuietly(Frame.of(FrameType.CREDIT, call.id, (long) n));
            }
        }

        @Override
        void timedOut(PendingCall call) {
            long waited = call.idleNanos() / 1_000_000;
            if (!(call.route instanceof Link l)) {
                waiting.remove(call);
                call.fail(new DirtyNoWorkerException("no worker hosting " + call.app + " became ready within "
                        + waited + " ms"));
                return;
            }
            if (!call.fail(new DirtyTimeoutException(call.app + "." + call.action + " timed out after " + waited
                    + " ms on worker " + l.child.slot()))) {
                return;
            }
            long limit = timeout.toNanos();
            if (limit > 0 && call.idleNanos() >= limit) {
                // past dirtyTimeout the worker cannot be trusted to stop: kill it (its other calls
                // fail as "worker died") and let the supervisor replace it
                LOG.error("{}: DIRTY WORKER TIMEOUT (worker {}, pid {}): {}.{} ran past dirtyTimeout {} ms", name,
                        l.child.slot(), l.child.pid(), call.app, call.action, timeout.toMillis());
                supervisor.kill(l.child, call.app + "." + call.action + " ran past dirtyTimeout");
            } else {
                l.channel.writeQuietly(Frame.of(FrameType.CANCEL, call.id));
            }
        }
    }
}
