package dev.unicorn.server;

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
    private volatile long deadline = NONE;
    private volatile boolean idle = true;
    private volatile boolean keepAliveAllowed = true;
    private volatile boolean closed;

    /** @param channel what to close when the deadline passes or the worker stops */
    public ConnectionControl(Closeable channel) {
        this.channel = channel;
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
