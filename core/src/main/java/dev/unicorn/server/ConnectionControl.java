package dev.unicorn.server;

import dev.unicorn.http.RequestHead;
import java.io.Closeable;
import java.io.IOException;

/**
 * The link between one connection and the worker that owns it. The connection announces
 * what it is doing and until when; the worker closes connections whose deadline passed, and
 * idle ones when it drains. Blocking reads and writes are bounded this way for every
 * transport (a Unix socket channel has no read timeout of its own).
 */
public final class ConnectionControl {
    /** No deadline. */
    public static final long NONE = Long.MAX_VALUE;

    private final Closeable channel;
    private final ExchangeListener listener;
    private volatile long deadline = NONE;
    private volatile long requestStart = NONE;
    private volatile Thread requestThread;
    /** The running request; its line is formatted only when asked for (a timeout), never per request. */
    private volatile RequestHead request;
    private volatile Runnable abortAction;
    private volatile boolean aborted;
    private volatile boolean servedRequest;
    private volatile boolean idle = true;
    private volatile boolean keepAliveAllowed = true;
    private volatile boolean closed;

    /** @param channel what to close when the deadline passes or the worker stops */
    public ConnectionControl(Closeable channel) {
        this(channel, ExchangeListener.NONE);
    }

    /**
     * @param channel  what to close when the deadline passes or the worker stops
     * @param listener told about each exchange
     */
    public ConnectionControl(Closeable channel, ExchangeListener listener) {
        this.channel = channel;
        this.listener = listener;
    }

    /** Who is told about each exchange of this connection. */
    public ExchangeListener listener() {
        return listener;
    }

    /** The application starts on {@code request} on the calling thread. */
    public void requestStarted(RequestHead request) {
        this.request = request;
        requestThread = Thread.currentThread();
        requestStart = System.nanoTime();
    }

    /** The exchange ended. */
    public void requestEnded() {
        servedRequest = true;
        requestStart = NONE;
        requestThread = null;
        request = null;
    }

    /** True if a request has been running for longer than {@code limitNanos} at {@code now}. */
    public boolean requestRunningLongerThan(long limitNanos, long now) {
        long start = requestStart;
        return start != NONE && now - start > limitNanos;
    }

    /** The thread running the current request, or null. */
    public Thread requestThread() {
        return requestThread;
    }

    /** The current request line (e.g. {@code GET /x HTTP/1.1}), or null. */
    public String requestLine() {
        RequestHead r = request;
        return r == null ? null : r.method() + " " + r.target() + " " + r.version();
    }

    /** What {@link #abort()} does first (the protocol answers 503 if nothing was sent yet). */
    public void onAbort(Runnable action) {
        this.abortAction = action;
    }

    /**
     * Aborts the current request (it ran past {@code timeout}): runs the protocol's abort action,
     * interrupts the request's thread and closes the connection. Any later output of the
     * application on this connection fails.
     */
    public void abort() {
        aborted = true;
        Runnable action = abortAction;
        if (action != null) {
            action.run();
        }
        Thread t = requestThread;
        if (t != null) {
            t.interrupt();
        }
        close();
    }

    /** True once {@link #abort()} was called. */
    public boolean isAborted() {
        return aborted;
    }

    /** Waiting for the first byte of a request: the worker may close it when draining. */
    public void idleUntil(long deadlineNanos) {
        idle = true;
        deadline = deadlineNanos;
    }

    /** Reading or writing on behalf of a request, bounded by {@code deadlineNanos} ({@link #NONE} for none). */
    public void busyUntil(long deadlineNanos) {
        idle = false;
        deadline = deadlineNanos;
    }

    /** True while the connection waits for a request. */
    public boolean isIdle() {
        return idle;
    }

    /**
     * True while a kept-alive connection waits for its next request: a draining worker closes
     * these at once. A new connection that has not sent its first request yet is not closed
     * (its client is sending that request); it is served, with {@code Connection: close}.
     */
    public boolean isIdleBetweenRequests() {
        return idle && servedRequest;
    }

    /** True if the deadline (a {@link System#nanoTime()} value) lies before {@code now}. */
    public boolean expired(long now) {
        long d = deadline;
        return d != NONE && now - d > 0;
    }

    /** Called by the worker when draining: no further request on this connection. */
    public void disallowKeepAlive() {
        keepAliveAllowed = false;
    }

    /** False once the worker drains: the current response closes the connection. */
    public boolean keepAliveAllowed() {
        return keepAliveAllowed;
    }

    /** Closes the channel, waking a thread blocked on it. Safe to call more than once, from any thread. */
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort; the connection's own thread reports what follows
        }
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }
}
