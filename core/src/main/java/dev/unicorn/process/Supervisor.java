package dev.unicorn.process;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one child process running per slot: launches it, kills it when it stops
 * heartbeating or does not boot in time, respawns it with {@link RespawnBackoff} when it dies,
 * replaces it with a new generation (the old child retires only once the new one is ready),
 * and stops everything gracefully. What a child is, how it reports readiness and heartbeats,
 * and how it is asked to stop are the {@link Launcher}'s business: this class only sees
 * processes.
 *
 * <p>Every decision runs on one thread ({@code <name>-supervisor}), in the order the events
 * arrived (process exits, readiness, API calls), like gunicorn's arbiter loop; the public
 * methods only enqueue.
 */
public final class Supervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("unicorn.error");

    /** What the supervised children are. Methods run on the supervisor thread and must not block long. */
    public interface Launcher {
        /** Starts the process of {@code child} (its slot and generation are set). */
        Process launch(Child child) throws IOException;

        /** Asks {@code child} to finish its work and exit; by default SIGTERM. */
        default void stopRequested(Child child) {
            child.process().destroy();
        }

        /** {@code child} has exited or failed to launch; called exactly once per child, before any respawn. */
        default void exited(Child child) {
        }
    }

    /**
     * Timing of the supervision.
     *
     * @param heartbeatTimeout a ready child silent for longer is killed; 0 disables the check
     * @param bootTimeout      a starting child silent for this long (no {@link Child#beat()} since launch or
     *                         since its last sign of life) is killed
     * @param gracefulTimeout  a retiring child still running after this long is killed
     * @param backoff          delays between respawns of a failing slot
     * @param tick             how often timeouts are checked
     */
    public record Timing(Duration heartbeatTimeout, Duration bootTimeout, Duration gracefulTimeout,
                         RespawnBackoff backoff, Duration tick) {
        /** Checks that nothing is null or negative. */
        public Timing {
            for (Duration d : List.of(heartbeatTimeout, bootTimeout, gracefulTimeout, tick)) {
                if (d.isNegative()) {
                    throw new IllegalArgumentException("negative duration " + d);
                }
            }
            Objects.requireNonNull(backoff, "backoff");
        }
    }

    /** Where a child is in its life. */
    public enum State {
        /** launched, not yet ready. */
        STARTING,
        /** ready for work. */
        READY,
        /** asked to stop; killed at the graceful deadline. */
        RETIRING,
        /** its process has ended. */
        EXITED
    }

    /** One child process of a slot. */
    public static final class Child {
        private final int slot;
        private final long generation;
        private final long startNanos = System.nanoTime();
        private volatile Process process;
        private volatile long lastBeatNanos = startNanos;
        private volatile long readyNanos;
        private volatile State state = State.STARTING;
        private volatile boolean expected;
        private volatile String killReason;
        private long retireDeadline;

        Child(int slot, long generation) {
            this.slot = slot;
            this.generation = generation;
        }

        /** The slot this child fills. */
        public int slot() {
            return slot;
        }

        /** A number unique within the supervisor, growing with each launch. */
        public long generation() {
            return generation;
        }

        /** Its process; null only while {@link Launcher#launch} runs or when launching failed. */
        public Process process() {
            return process;
        }

        /** Its process id, or -1. */
        public long pid() {
            Process p = process;
            return p == null ? -1 : p.pid();
        }

        /** Where it is in its life. */
        public State state() {
            return state;
        }

        /** Records a sign of life (any message from the child counts). */
        public void beat() {
            lastBeatNanos = System.nanoTime();
        }

        /** True if it exited because it was retired or the supervisor closed, not by dying. */
        public boolean expectedExit() {
            return expected;
        }

        /** Why the supervisor killed it, or null. */
        public String killReason() {
            return killReason;
        }

        /** Its exit code, or -1 while it runs or if it never started. */
        public int exitCode() {
            Process p = process;
            return p == null || p.isAlive() ? -1 : p.exitValue();
        }

        @Override
        public String toString() {
            return "slot " + slot + " pid " + pid() + " (" + state + ")";
        }
    }

    private static final class Slot {
        final int id;
        Child current;
        Child replacement;
        boolean removed;
        int failures;
        ScheduledFuture<?> respawn;

        Slot(int id) {
            this.id = id;
        }
    }

    private final String name;
    private final Launcher launcher;
    private final Timing timing;
    private final ScheduledExecutorService loop;
    private final Map<Integer, Slot> slots = new TreeMap<>();
    private final Map<Child, Boolean> live = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong();
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean closing;

    /** A supervisor named {@code name} (thread and log names); nothing runs until {@link #addSlot}. */
    public Supervisor(String name, Launcher launcher, Timing timing) {
        this.name = Objects.requireNonNull(name, "name");
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-supervisor");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(10, timing.tick().toMillis());
        loop.scheduleWithFixedDelay(this::checkTimeouts, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Creates slot {@code slot} and launches its first child. */
    public void addSlot(int slot) {
        run(() -> {
            if (closing || slots.containsKey(slot)) {
                return;
            }
            Slot s = new Slot(slot);
            slots.put(slot, s);
            s.current = launch(s);
        });
    }

    /** Retires the child of {@code slot} and removes the slot: it is not respawned. */
    public void removeSlot(int slot) {
        run(() -> {
            Slot s = slots.remove(slot);
            if (s == null) {
                return;
            }
            s.removed = true;
            if (s.respawn != null) {
                s.respawn.cancel(false);
            }
            retire(s.current);
            retire(s.replacement);
        });
    }

    /** Starts a new generation for {@code slot}; its current child retires once the new one is {@link #ready}. */
    public void replace(int slot) {
        run(() -> {
            Slot s = slots.get(slot);
            if (s == null || closing) {
                return;
            }
            if (s.current == null || s.current.state == State.EXITED) {
                return; // a respawn is already due, and it launches a new generation
            }
            retire(s.replacement);
            s.replacement = launch(s);
        });
    }

    /** {@code child} is ready for work: a replacement takes over its slot and the previous child retires. */
    public void ready(Child child) {
        run(() -> {
            if (child.state != State.STARTING) {
                return;
            }
            child.state = State.READY;
            child.readyNanos = System.nanoTime();
            child.beat();
            Slot s = slots.get(child.slot);
            if (s != null && s.replacement == child) {
                Child old = s.current;
                s.current = child;
                s.replacement = null;
                retire(old);
            } else if (s == null || (s.current != child)) {
                retire(child); // its slot was removed or replaced meanwhile
            }
        });
    }

    /** Kills {@code child} at once (SIGKILL); its slot respawns it. */
    public void kill(Child child, String reason) {
        run(() -> forceKill(child, reason));
    }

    /** The children whose process has not yet been seen to exit, in no particular order. */
    public List<Child> children() {
        return new ArrayList<>(live.keySet());
    }

    /** The slots, in order. */
    public List<Integer> slots() {
        try {
            return loop.submit(() -> List.copyOf(slots.keySet())).get();
        } catch (Exception e) {
            return List.of();
        }
    }

    /**
     * Retires every child and waits for them to exit: each gets {@code gracefulTimeout}, then
     * is killed. Returns when no child is left (or after a further second if one cannot be
     * killed). Idempotent.
     */
    @Override
    public void close() {
        run(() -> {
            if (closing) {
                return;
            }
            closing = true;
            for (Slot s : slots.values()) {
                if (s.respawn != null) {
                    s.respawn.cancel(false);
                }
            }
            for (Child c : live.keySet()) {
                retire(c);
            }
            maybeClosed();
        });
        try {
            long wait = timing.gracefulTimeout().toMillis() + timing.tick().toMillis() + 1000;
            closed.await(wait, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownNow();
    }

    // ------------------------------------------------------------------ on the loop

    private void run(Runnable task) {
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: supervisor task failed", name, e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing left to supervise
        }
    }

    private Child launch(Slot s) {
        Child child = new Child(s.id, generations.incrementAndGet());
        live.put(child, Boolean.TRUE);
        try {
            child.process = launcher.launch(child);
            child.process.onExit().thenRun(() -> run(() -> exited(child)));
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: cannot launch slot {}: {}", name, s.id, e.toString());
            // handled as a death on the next turn of the loop, after the caller has stored it
            run(() -> exited(child));
        }
        return child;
    }

    private void exited(Child child) {
        if (child.state == State.EXITED) {
            return;
        }
        child.state = State.EXITED;
        live.remove(child);
        try {
            launcher.exited(child);
        } catch (RuntimeException e) {
            LOG.error("{}: exit handler failed for {}", name, child, e);
        }
        Slot s = slots.get(child.slot);
        if (s != null && !closing && !s.removed) {
            boolean wasCurrent = s.current == child;
            boolean wasReplacement = s.replacement == child;
            if (wasCurrent || wasReplacement) {
                boolean stable = child.readyNanos != 0
                        && System.nanoTime() - child.readyNanos >= timing.backoff().stable().toNanos();
                s.failures = child.expected ? 0 : stable ? 1 : s.failures + 1;
                if (wasCurrent && s.replacement != null) {
                    s.current = s.replacement; // the new generation is already booting
                    s.replacement = null;
                } else {
                    if (wasCurrent) {
                        s.current = null;
                    } else {
                        s.replacement = null;
                    }
                    Duration delay = timing.backoff().delay(Math.max(1, s.failures));
                    if (!child.expected && s.failures > 1) {
                        LOG.warn("{}: slot {} failed {} times in a row; respawning in {} ms", name, s.id, s.failures,
                                delay.toMillis());
                    }
                    boolean replacementOnly = wasReplacement;
                    s.respawn = loop.schedule(() -> run(() -> respawn(s, replacementOnly)), delay.toMillis(),
                            TimeUnit.MILLISECONDS);
                }
            }
        }
        maybeClosed();
    }

    private void respawn(Slot s, boolean replacement) {
        s.respawn = null;
        if (closing || s.removed || slots.get(s.id) != s) {
            return;
        }
        if (replacement) {
            if (s.current != null && s.replacement == null) {
                s.replacement = launch(s);
            } else if (s.current == null) {
                s.current = launch(s);
            }
        } else if (s.current == null) {
            s.current = launch(s);
        }
    }

    private void retire(Child child) {
        if (child == null || child.state == State.EXITED || child.state == State.RETIRING) {
            return;
        }
        child.expected = true;
        child.state = State.RETIRING;
        child.retireDeadline = System.nanoTime() + timing.gracefulTimeout().toNanos();
        if (child.process == null) {
            return;
        }
        try {
            launcher.stopRequested(child);
        } catch (RuntimeException e) {
            LOG.error("{}: stop request failed for {}", name, child, e);
            child.process.destroy();
        }
    }

    private void forceKill(Child child, String reason) {
        if (child.state == State.EXITED || child.process == null) {
            return;
        }
        if (child.killReason == null) {
            child.killReason = reason;
        }
        LOG.error("{}: killing {}: {}", name, child, reason);
        child.process.destroyForcibly();
    }

    private void checkTimeouts() {
        long now = System.nanoTime();
        for (Child c : live.keySet()) {
            switch (c.state) {
                case STARTING -> {
                    // a child may take long to get ready (loading a model) as long as it shows signs of life
                    if (now - c.lastBeatNanos > timing.bootTimeout().toNanos()) {
                        forceKill(c, "no sign of life for " + timing.bootTimeout().toMillis() + " ms while starting");
                    }
                }
                case READY -> {
                    long limit = timing.heartbeatTimeout().toNanos();
                    if (limit > 0 && now - c.lastBeatNanos > limit) {
                        forceKill(c, "no heartbeat for " + (now - c.lastBeatNanos) / 1_000_000 + " ms");
                    }
                }
                case RETIRING -> {
                    if (now - c.retireDeadline > 0) {
                        forceKill(c, "still running " + timing.gracefulTimeout().toMillis() + " ms after the stop request");
                    }
                }
                case EXITED -> {
                }
            }
        }
    }

    private void maybeClosed() {
        if (closing && live.isEmpty()) {
            closed.countDown();
        }
    }
}
