package dev.unicorn.dirty;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call from its start to its end, on the caller's side: the future of a value call or the
 * buffer of a streamed one, its timer, and the worker it went to. Terminal events are taken
 * once ({@link #done}); frames that arrive after that are ignored by the dispatcher.
 */
final class PendingCall {
    private static final Object END = new Object();

    final long id;
    final String app;
    final String action;
    final List<Object> args;
    final boolean streaming;
    final long timeoutNanos;
    final long startNanos = System.nanoTime();
    final CompletableFuture<Object> future = new CompletableFuture<>();
    private final Dispatcher dispatcher;
    private final AtomicBoolean done = new AtomicBoolean();
    private final LinkedBlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
    private volatile long lastActivityNanos = startNanos;
    private volatile ScheduledFuture<?> timer;
    /** The dispatcher's handle on the worker that runs the call; null until routed. */
    volatile Object route;
    /** Run once when the call ends, whatever the way (the dispatcher unregisters it). */
    volatile Runnable onDone = () -> {
    };

    PendingCall(Dispatcher dispatcher, long id, String app, String action, List<Object> args, boolean streaming,
                long timeoutNanos) {
        this.dispatcher = dispatcher;
        this.id = id;
        this.app = app;
        this.action = action;
        this.args = args;
        this.streaming = streaming;
        this.timeoutNanos = timeoutNanos;
        future.whenComplete((v, e) -> {
            if (e instanceof java.util.concurrent.CancellationException && finish()) {
                dispatcher.cancel(this); // the caller cancelled the future
            }
        });
    }

    /** Starts the timer; the call times out when nothing arrives for {@code timeoutNanos}. */
    void armTimer() {
        if (timeoutNanos > 0 && !isDone()) {
            schedule(timeoutNanos);
        }
    }

    private void schedule(long nanos) {
        try {
            timer = dispatcher.timer().schedule(this::timerFired, nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the dispatcher is closed: dispatch() fails the call
        }
    }

    private void timerFired() {
        if (isDone()) {
            return;
        }
        long idle = System.nanoTime() - lastActivityNanos;
        if (streaming && !chunks.isEmpty() || idle < timeoutNanos) {
            // the stream waits for its reader, or a chunk came since: wait a full period again
            schedule(Math.max(timeoutNanos - idle, timeoutNanos / 4));
            return;
        }
        dispatcher.timedOut(this);
    }

    /** Nanoseconds since the call started or, for a stream, since its last chunk. */
    long idleNanos() {
        return System.nanoTime() - lastActivityNanos;
    }

    boolean isDone() {
        return done.get();
    }

    /** Marks the call ended; true for the one caller that did it. */
    private boolean finish() {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        onDone.run();
        return true;
    }

    // --------------------------------------------------------------- events from the worker

    void result(Object value) {
        if (streaming) {
            chunks.add(value == null ? NullChunk.INSTANCE : value);
            end();
        } else if (finish()) {
            future.complete(value);
        }
    }

    void chunk(Object value) {
        lastActivityNanos = System.nanoTime();
        if (!streaming) {
            if (fail(new DirtyException("action " + app + "." + action + " returned a stream; read it with stream()"))) {
                dispatcher.cancel(this);
            }
            return;
        }
        if (!isDone()) {
            chunks.add(value == null ? NullChunk.INSTANCE : value);
        }
    }

    void end() {
        if (finish()) {
            chunks.add(END);
            future.complete(null);
        }
    }

    /** Fails the call unless it already ended; true if this failed it. */
    boolean fail(DirtyException e) {
        if (finish()) {
            chunks.add(e);
            future.completeExceptionally(e);
            return true;
        }
        return false;
    }

    /** A chunk that is null (the queue holds no nulls). */
    private enum NullChunk {
        INSTANCE
    }

    /** The caller's view of a streamed call. */
    final class Stream implements DirtyStream {
        private Object head;
        private int consumed;
        private boolean closed;

        @Override
        public boolean hasNext() {
            if (head == null) {
                if (closed) {
                    return false;
                }
                try {
                    head = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    throw new DirtyException("interrupted while waiting for a chunk of " + app + "." + action);
                }
            }
            if (head instanceof DirtyException e) {
                throw e; // stays at the head: hasNext() keeps reporting the failure
            }
            return head != END;
        }

        @Override
        public Object next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object v = head;
            head = null;
            if (++consumed == AppHost.STREAM_WINDOW / 2) {
                consumed = 0;
                if (!isDone()) {
                    dispatcher.credit(PendingCall.this, AppHost.STREAM_WINDOW / 2);
                }
            }
            return v == NullChunk.INSTANCE ? null : v;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            head = END;
            if (finish()) {
                future.cancel(false);
                dispatcher.cancel(PendingCall.this);
            }
            chunks.clear();
        }
    }
}
