package dev.unicorn.dirty;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.BaseStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of calls, shared by a child JVM and the in-process mode: runs
 * {@link DirtyApp#handle} on a bounded pool of {@code threads} threads, many calls at once,
 * streams iterators chunk by chunk within the caller's credit, and cancels by interrupting.
 * Its output goes to a {@link Sink}: frames on a socket, or the caller's objects directly.
 */
final class AppHost {
    private static final Logger LOG = LoggerFactory.getLogger("unicorn.error");
    /** Chunks a stream may send before the caller grants more (CREDIT). */
    static final int STREAM_WINDOW = 32;
    /** Calls waiting for a thread; more are refused as Overloaded. */
    static final int QUEUE_LIMIT = 10_000;

    /** Where results go. Called from pool threads, concurrently. */
    interface Sink {
        void result(long id, Object value);

        void chunk(long id, Object value);

        void end(long id);

        void error(long id, Failure failure);
    }

    /**
     * A call between its start and its end. Cancelling interrupts its thread only while the app's
     * code runs ({@code runner} set): never while the app's stream is being closed, so that
     * close() can do its work (a stash write, releasing a resource).
     */
    private static final class Running {
        final Semaphore credit = new Semaphore(STREAM_WINDOW);
        volatile Future<?> future;
        volatile boolean cancelled;
        private Thread runner;

        synchronized boolean enter() {
            if (cancelled) {
                return false;
            }
            runner = Thread.currentThread();
            return true;
        }

        /** Leaves the interruptible part; clears an interrupt that came meanwhile. */
        synchronized void leave() {
            runner = null;
            Thread.interrupted();
        }

        synchronized void cancel() {
            cancelled = true;
            if (runner != null) {
                runner.interrupt();
            }
            credit.release(STREAM_WINDOW); // wakes a stream waiting for credit outside the interruptible part
        }
    }

    private final Map<String, DirtyApp> apps;
    private final Sink sink;
    private final ThreadPoolExecutor pool;
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    AppHost(Map<String, DirtyApp> apps, int threads, String threadName, Sink sink) {
        this.apps = Map.copyOf(apps);
        this.sink = sink;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE_LIMIT), r -> {
                    Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Starts call {@code id}; its outcome goes to the sink, unless it is cancelled first. */
    void call(long id, String app, String action, List<Object> args) {
        DirtyApp target = apps.get(app);
        if (stopping) {
            sink.error(id, new Failure(Failure.STOPPING, "", "worker is stopping", ""));
            return;
        }
        if (target == null) {
            sink.error(id, new Failure(Failure.NO_APP, "", "this worker does not host " + app, ""));
            return;
        }
        Running r = new Running();
        running.put(id, r);
        try {
            r.future = pool.submit(() -> run(id, r, target, action, args));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            running.remove(id);
            sink.error(id, new Failure(Failure.OVERLOADED, "",
                    stopping ? "worker is stopping" : QUEUE_LIMIT + " calls already wait for a thread", ""));
        }
    }

    /** Stops call {@code id}: the thread running it is interrupted and nothing more is sent for it. */
    void cancel(long id) {
        Running r = running.remove(id);
        if (r != null) {
            Future<?> f = r.future;
            if (f != null) {
                f.cancel(false); // a call still queued never starts
            }
            r.cancel();
        }
    }

    /** Lets the stream of call {@code id} send {@code n} more chunks. */
    void credit(long id, long n) {
        Running r = running.get(id);
        if (r != null && n > 0) {
            r.credit.release((int) Math.min(n, STREAM_WINDOW * 4L));
        }
    }

    /** Calls started and not yet finished. */
    int inFlight() {
        return running.size();
    }

    /**
     * Takes no new call, waits up to {@code graceMillis} for the calls in flight, interrupts what
     * is left, then closes every app.
     */
    void shutdown(long graceMillis) {
        stopping = true;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
                pool.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        closeApps(apps);
    }

    static void closeApps(Map<String, DirtyApp> apps) {
        for (Map.Entry<String, DirtyApp> e : apps.entrySet()) {
            try {
                e.getValue().close();
            } catch (Exception ex) {
                LOG.error("dirty app {} failed to close", e.getKey(), ex);
            }
        }
    }

    private void run(long id, Running r, DirtyApp app, String action, List<Object> args) {
        if (!r.enter()) {
            return;
        }
        try {
            runEntered(id, r, app, action, args);
        } finally {
            r.leave(); // a pool thread never carries a call's interrupt into the next call
        }
    }

    private void runEntered(long id, Running r, DirtyApp app, String action, List<Object> args) {
        Object result;
        try {
            result = app.handle(action, args);
        } catch (Throwable t) {
            finish(id, r, () -> sink.error(id, Failure.of(t)));
            if (t instanceof Error e && !(t instanceof StackOverflowError)) {
                throw e;
            }
            return;
        }
        if (result instanceof BaseStream<?, ?> stream) {
            try {
                stream(id, r, stream.iterator());
            } finally {
                r.leave();
                close(id, stream);
            }
        } else if (result instanceof Iterator<?> it) {
            try {
                stream(id, r, it);
            } finally {
                r.leave();
                if (it instanceof AutoCloseable c) {
                    close(id, c);
                }
            }
        } else {
            try {
                WireFormat.check(result);
            } catch (DirtyProtocolException e) {
                finish(id, r, () -> sink.error(id, Failure.of(e)));
                return;
            }
            finish(id, r, () -> sink.result(id, result));
        }
    }

    /** Closes an app's stream, outside the interruptible part of the call. */
    private static void close(long id, AutoCloseable stream) {
        try {
            stream.close();
        } catch (Exception e) {
            LOG.warn("closing the stream of call {} failed", id, e);
        }
    }

    private void stream(long id, Running r, Iterator<?> it) {
        try {
            while (!r.cancelled && it.hasNext()) {
                Object element = it.next();
                WireFormat.check(element);
                // Waiting for credit and writing the chunk are outside the interruptible part: an
                // interrupt during the write would close the worker's channel (an interruptible
                // SocketChannel), failing every other call on it. cancel() wakes the credit wait.
                r.leave();
                r.credit.acquire();
                if (r.cancelled) {
                    return;
                }
                sink.chunk(id, element);
                if (!r.enter()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            return; // cancelled
        } catch (Throwable t) {
            finish(id, r, () -> sink.error(id, Failure.of(t)));
            return;
        }
        finish(id, r, () -> sink.end(id));
    }

    /** Sends the final frame of a call unless it was cancelled (a cancelled call sends nothing more). */
    private void finish(long id, Running r, Runnable last) {
        r.leave(); // the last frame is written outside the interruptible part (see stream)
        if (running.remove(id, r) && !r.cancelled) {
            last.run();
        }
    }
}
