package dev.unicorn.dirty;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a {@link Caller} sends its calls: the child-JVM arbiter or the in-process pool. The
 * caller side (futures, streams, timeouts) and what the two share (timer, default timeout,
 * stash, request ids) are here; only routing and transport differ.
 */
abstract class Dispatcher {
    private final ScheduledExecutorService timer;
    private final Duration defaultTimeout;
    private final DirtyStash stash;
    private final AtomicLong ids = new AtomicLong();

    Dispatcher(ScheduledExecutorService timer, Duration defaultTimeout, DirtyStash stash) {
        this.timer = timer;
        this.defaultTimeout = defaultTimeout;
        this.stash = stash;
    }

    /** Routes and starts {@code call}; every outcome, including "no worker", completes the call. */
    abstract void dispatch(PendingCall call);

    /** Tells the worker of {@code call}, already completed here, to stop its work. */
    abstract void cancel(PendingCall call);

    /** Grants the stream of {@code call} {@code n} more chunks. */
    abstract void credit(PendingCall call, int n);

    /**
     * {@code call} waited longer than its timeout: fail it with a {@link DirtyTimeoutException}
     * and cancel it, or replace its worker when the wait also exceeds {@code dirtyTimeout}.
     */
    abstract void timedOut(PendingCall call);

    /** Runs the call timers. */
    final ScheduledExecutorService timer() {
        return timer;
    }

    /** The timeout of a call made without {@link DirtyClient#withTimeout}, and the cap of all: {@code dirtyTimeout}. */
    final Duration defaultTimeout() {
        return defaultTimeout;
    }

    /** The stash seen by handlers. */
    final DirtyStash stash() {
        return stash;
    }

    /** A request id never used before on this dispatcher (never 0). */
    final long nextId() {
        return ids.incrementAndGet();
    }
}
