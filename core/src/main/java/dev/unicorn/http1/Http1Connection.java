package dev.unicorn.http1;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http.Headers;
import dev.unicorn.log.AccessLogEntry;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import dev.unicorn.http.TlsSession;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * Serves HTTP/1.x on one connection with blocking I/O: reads bytes into the sans-I/O
 * {@link Http1Parser}, runs the application for each request on the calling thread, writes
 * the response, and repeats while the connection may persist (keep-alive, pipelining). Used
 * by every worker model that gives a connection a thread of its own.
 *
 * <p>Another {@link RequestDecoder} can take the parser's place (the uWSGI codec): the
 * connection then serves its requests the same way and answers in the decoder's
 * {@link ResponseDialect}.
 *
 * <p>Every blocking read and write announces a deadline on the {@link ConnectionControl};
 * the owning worker closes the channel when it passes.
 */
public final class Http1Connection {
    private static final Logger LOG = ServerContext.ERROR_LOG;
    /** How long a new connection may stay silent before its first byte (gunicorn's gthread: 5 s). */
    public static final long FIRST_BYTE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** The most of an unread request body drained after a response to keep the connection. */
    static final long DRAIN_MAX_BYTES = 64 * 1024;
    /** How long a closing connection lingers to read what the peer still sends (avoids an RST truncating our answer). */
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The most response bytes kept back for a pipelined batch. */
    static final int DEFERRED_MAX = 16 * 1024;

    static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final ServerContext ctx;
    private final ByteChannel channel;
    final ConnectionControl control;
    private final SocketAddress peer;
    private final SocketAddress local;
    private final RequestDecoder parser;
    private final ByteBuffer[] gather = new ByteBuffer[3];
    final ResponseBuffers buffers;
    /** The TLS session, or null on a plain connection. */
    final TlsSession tls;
    /** The response rules, reused by each exchange in turn (one runs at a time). */
    final ResponseFraming framing;
    /** Guards writes, so that the worker's abort (another thread) and the application never interleave bytes. */
    private final ReentrantLock output = new ReentrantLock();
    /** Bytes written for the current exchange (guarded by {@link #output}). */
    private long exchangeBytes;
    /** Complete responses kept back while pipelined requests wait (guarded by {@link #output}); see {@link #writeLast}. */
    private byte[] deferred;
    private int deferredLength;
    private boolean outputBroken;
    private long requestsServed;

    /**
     * @param ctx     the server's shared state
     * @param channel a connected, blocking channel
     * @param control the worker's handle on this connection (wraps {@code channel})
     * @param peer    the socket peer address
     * @param local   the local address
     * @param tls     the TLS session of the channel (sets the default scheme {@code https}), or {@code null}
     */
    public Http1Connection(ServerContext ctx, ByteChannel channel, ConnectionControl control,
                           SocketAddress peer, SocketAddress local, TlsSession tls) {
        this(ctx, channel, control, peer, local, tls, RequestDecoder.HTTP_1_1);
    }

    /**
     * A connection whose requests arrive in another protocol than HTTP/1.1.
     *
     * @param ctx      the server's shared state
     * @param channel  a connected, blocking channel
     * @param control  the worker's handle on this connection (wraps {@code channel})
     * @param peer     the socket peer address
     * @param local    the local address
     * @param tls      the TLS session of the channel (sets the default scheme {@code https}), or {@code null}
     * @param decoders makes the connection's request decoder ({@link RequestDecoder#HTTP_1_1} for HTTP/1.1)
     */
    public Http1Connection(ServerContext ctx, ByteChannel channel, ConnectionControl control,
                           SocketAddress peer, SocketAddress local, TlsSession tls, RequestDecoder.Factory decoders) {
        this.tls = tls;
        this.ctx = ctx;
        this.channel = channel;
        this.control = control;
        this.peer = peer;
        this.local = local;
        this.buffers = new ResponseBuffers(ctx.responseBuffers());
        this.parser = decoders.create(ctx, peer, tls != null);
        this.framing = new ResponseFraming(ctx, parser.responseDialect());
        control.onAbort(this::abortExchange);
    }

    /**
     * A connection whose TLS session is not known: {@code tls} only sets the default scheme.
     * The workers pass the {@link TlsSession}; this form serves benchmarks and tests of plain connections.
     */
    public Http1Connection(ServerContext ctx, ByteChannel channel, ConnectionControl control,
                           SocketAddress peer, SocketAddress local, boolean tls) {
        this(ctx, channel, control, peer, local, tls ? new TlsSession("", "", "", java.util.List.of()) : null);
    }

    /** What {@link #serveUntilIdle()} left the connection as. */
    public enum Outcome {
        /** The connection ended and is closed. */
        CLOSED,
        /** The connection waits for its next request with nothing buffered: park it until bytes arrive. */
        IDLE
    }

    /** Serves requests until the connection ends, then closes it. Never throws. */
    public void serve() {
        serve(false);
    }

    /**
     * Serves requests while they keep coming, for worker models that park idle connections
     * on a selector: returns {@link Outcome#IDLE} as soon as a response is done and nothing of
     * a next request is buffered (call again when the channel is readable; this object keeps
     * its state), or {@link Outcome#CLOSED} once the connection ended. Never throws.
     */
    public Outcome serveUntilIdle() {
        return serve(true);
    }

    private Outcome serve(boolean untilIdle) {
        boolean lingering = true;
        try {
            while (!control.isClosed()) {
                Http1Event event = nextEvent(requestsServed == 0 ? FIRST_BYTE_NANOS : ctx.keepaliveNanos());
                if (event instanceof Http1Event.ConnectionClosed) {
                    lingering = false;
                    break;
                }
                if (!(event instanceof Http1Event.RequestHead head)) {
                    throw new IllegalStateException("parser gave " + event + " between requests");
                }
                requestsServed++;
                if (!exchange(head)) {
                    break;
                }
                if (untilIdle && !parser.hasBufferedData()) {
                    flushDeferred();
                    return Outcome.IDLE;
                }
            }
        } catch (BadRequestException e) {
            if (e.status() == 0) {
                LOG.debug("Closing connection from {}: {}", peer, e.getMessage());
            } else {
                LOG.warn("Invalid request from {}: {} {}", peer, e.status(), e.getMessage());
                sendError(e.status(), e.getMessage());
            }
        } catch (ClosedChannelException e) {
            lingering = false; // the worker closed it: deadline passed or draining
        } catch (IOException e) {
            lingering = false;
            LOG.debug("Connection from {} ended: {}", peer, e.toString());
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure serving {}", peer, e);
        }
        close(lingering && !outputBroken);
        return Outcome.CLOSED;
    }

    /**
     * The next parser event, reading as needed. While nothing of a request has arrived the
     * connection is idle for at most {@code idleNanos}; after that each read is bounded by
     * the {@code timeout} setting.
     */
    Http1Event nextEvent(long idleNanos) throws IOException {
        while (true) {
            Http1Event event = parser.next();
            if (event != Http1Event.NEED_DATA) {
                return event;
            }
            long now = System.nanoTime();
            if (idleNanos > 0 && !parser.hasBufferedData()) {
                control.idleUntil(now + idleNanos);
            } else {
                control.busyUntil(deadline(now));
            }
            flushDeferred();
            int n = channel.read(parser.receiveBuffer(parser.suggestedReadSize()));
            control.busyUntil(ConnectionControl.NONE);
            if (n > 0 && control.isClosed()) {
                // The worker closed the connection (a deadline, a stop) while this read waited; on a virtual
                // thread the read can still return bytes that arrived meanwhile. Their request is not run:
                // its response could not be sent.
                throw new ClosedChannelException();
            }
            if (n < 0) {
                parser.receiveEof();
            } else {
                parser.received(n);
            }
        }
    }

    /** The next event inside a request (body data, end of message). */
    Http1Event nextBodyEvent() throws IOException {
        return nextEvent(0);
    }

    private long deadline(long now) {
        long t = ctx.timeoutNanos();
        return t == 0 ? ConnectionControl.NONE : now + t;
    }

    /** Runs one exchange; returns whether the connection may serve another request. */
    private boolean exchange(Http1Event.RequestHead head) throws IOException {
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        SocketAddress remote = remoteAddress(head, peer);
        Http1Request request = new Http1Request(this, head, remote, localAddress(head, local));
        Http1Response response = new Http1Response(this, head, request);
        request.response = response;
        Throwable failure = null;
        output.lock();
        exchangeBytes = 0;
        output.unlock();
        control.requestStarted(request);
        notifyStarted(request);
        try {
            ctx.app().handle(request, response);
            response.finish();
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                control.requestEnded();
                throw (VirtualMachineError) t;
            }
            failure = t;
        }
        control.requestEnded();
        try {
            return afterExchange(head, request, response, failure, remote, startMillis, startNanos);
        } finally {
            buffers.releaseStaging();
            notifyFinished(request, response.status());
        }
    }

    /** The client: the one a trusted proxy (a PROXY header, a uWSGI peer) announced, else the socket peer. */
    static SocketAddress remoteAddress(Http1Event.RequestHead head, SocketAddress peer) {
        return head.proxy() != null && head.proxy().source() != null ? head.proxy().source() : peer;
    }

    /** The address the client reached: the one a trusted proxy announced, else the socket's own. */
    static SocketAddress localAddress(Http1Event.RequestHead head, SocketAddress local) {
        return head.proxy() != null && head.proxy().destination() != null ? head.proxy().destination() : local;
    }

    private void notifyStarted(Http1Request request) {
        try {
            control.listener().requestStarted(control, request);
        } catch (RuntimeException e) {
            LOG.error("Exchange listener failed before {} {}", request.method(), request.target(), e);
        }
    }

    private void notifyFinished(Http1Request request, int status) {
        try {
            control.listener().requestFinished(control, request, status);
        } catch (RuntimeException e) {
            LOG.error("Exchange listener failed after {} {}", request.method(), request.target(), e);
        }
    }

    private boolean afterExchange(Http1Event.RequestHead head, Http1Request request, Http1Response response,
                                  Throwable failure, SocketAddress remote, long startMillis, long startNanos)
            throws IOException {
        if (control.isAborted()) {
            response.errorStatus(503);
            accessLog(head, request, response, startMillis, startNanos);
            return false; // the worker answered 503 or closed the connection when it aborted the request
        }
        BadRequestException bodyError = request.bodyError();
        if (bodyError != null) {
            LOG.warn("Invalid request body from {}: {} {} ({} {})", remote, bodyError.status(),
                    bodyError.getMessage(), head.method(), head.target());
            if (!response.isCommitted() && !outputBroken) {
                response.errorStatus(bodyError.status());
                accessLog(head, request, response, startMillis, startNanos);
                sendError(bodyError.status(), bodyError.getMessage());
            }
            return false;
        }
        if (failure != null) {
            if (outputBroken) {
                LOG.debug("Client {} went away during {} {}: {}", remote, head.method(), head.target(), failure.toString());
                return false;
            }
            if (control.isClosed()) {
                LOG.warn("Connection from {} closed during {} {} (I/O deadline passed or the worker stopped): {}",
                        remote, head.method(), head.target(), failure.toString());
                return false;
            }
            LOG.error("Error handling request {} {} from {}", head.method(), head.target(), remote, failure);
            if (!response.isCommitted()) {
                response.errorStatus(500);
                accessLog(head, request, response, startMillis, startNanos);
                sendError(500, "the application failed");
            }
            return false; // after commit: abort, the peer sees a truncated body
        }
        accessLog(head, request, response, startMillis, startNanos);
        // Whether the connection persists was decided, and announced, when the response was committed. A
        // drain that began since answers the next request with Connection: close: closing now would fail the
        // request a client sends at once on a connection it was told stays open.
        return response.keepAlive() && request.discardRemainder();
    }

    private void accessLog(Http1Event.RequestHead head, Http1Request request, Http1Response response,
                           long startMillis, long startNanos) {
        accessLog(ctx, head, request.remoteAddress(), response.status(), response.bodyBytesWritten(),
                response.headers(), startMillis, startNanos);
    }

    /** Logs one exchange on {@code unicorn.access} in the configured format (shared by the non-blocking driver). */
    static void accessLog(ServerContext ctx, Http1Event.RequestHead head, SocketAddress remote, int status, long bodyBytes,
                          Headers responseHeaders, long startMillis, long startNanos) {
        if (!ServerContext.ACCESS_LOG.isInfoEnabled()) {
            return;
        }
        String host = remote instanceof InetSocketAddress in ? in.getAddress().getHostAddress() : String.valueOf(remote);
        AccessLogEntry entry = new AccessLogEntry(host, head.method(), head.target(), head.path(), head.query(),
                head.version().toString(), status, bodyBytes, startMillis,
                System.nanoTime() - startNanos, ctx.pid(), head.headers(), responseHeaders);
        ServerContext.ACCESS_LOG.info(ctx.accessLogFormat().format(entry));
    }

    /** Writes {@code 100 Continue} (the request's checks ask {@link ResponseFraming#interimResponses()} first). */
    void writeContinue() throws IOException {
        write(ByteBuffer.wrap(CONTINUE), null, null);
    }

    /** Writes up to three buffers (a null is skipped) completely, bounded by the timeout. */
    void write(ByteBuffer a, ByteBuffer b, ByteBuffer c) throws IOException {
        output.lock();
        try {
            if (control.isAborted()) {
                throw new IOException("the request was aborted: it ran past the timeout");
            }
            exchangeBytes += a.remaining() + (b != null ? b.remaining() : 0) + (c != null ? c.remaining() : 0);
            flushDeferredLocked();
            writeLocked(a, b, c);
        } finally {
            output.unlock();
        }
    }

    /**
     * Writes the last bytes of a response. While a pipelined request is already buffered,
     * they are kept (up to {@link #DEFERRED_MAX} bytes) and go out with the next responses in
     * one write: a client pipelining 16 requests gets its 16 responses in a few writes
     * instead of 16. Anything that would wait for the client (a read) or write otherwise
     * sends them first, so a response is only held while the server works on the next
     * already-received request.
     */
    void writeLast(ByteBuffer a, ByteBuffer b, ByteBuffer c) throws IOException {
        int n = a.remaining() + (b != null ? b.remaining() : 0) + (c != null ? c.remaining() : 0);
        output.lock();
        try {
            if (control.isAborted()) {
                throw new IOException("the request was aborted: it ran past the timeout");
            }
            exchangeBytes += n;
            boolean batching = parser.hasBufferedData();
            if ((batching || deferredLength > 0) && deferredLength + n <= DEFERRED_MAX) {
                if (deferred == null) {
                    deferred = new byte[DEFERRED_MAX];
                }
                deferredLength = append(c, append(b, append(a, deferredLength)));
                if (!batching) {
                    flushDeferredLocked(); // the end of a batch: one write for all of it
                }
                return;
            }
            flushDeferredLocked();
            writeLocked(a, b, c);
        } finally {
            output.unlock();
        }
    }

    /** Copies {@code src} (may be null) into {@link #deferred} at {@code at}; returns the new length. */
    private int append(ByteBuffer src, int at) {
        if (src == null) {
            return at;
        }
        int n = src.remaining();
        src.get(deferred, at, n);
        return at + n;
    }

    /** Sends the response bytes {@link #writeLast} kept back, if any. */
    void flushDeferred() throws IOException {
        if (deferredLength == 0) {
            return;
        }
        output.lock();
        try {
            flushDeferredLocked();
        } finally {
            output.unlock();
        }
    }

    private void flushDeferredLocked() throws IOException {
        if (deferredLength > 0) {
            ByteBuffer all = ByteBuffer.wrap(deferred, 0, deferredLength);
            deferredLength = 0;
            writeLocked(all, null, null);
        }
        if (deferred != null && !parser.hasBufferedData()) {
            deferred = null; // the batch is over: an idle connection keeps no output buffer
        }
    }

    private void writeLocked(ByteBuffer a, ByteBuffer b, ByteBuffer c) throws IOException {
        control.busyUntil(deadline(System.nanoTime()));
        try {
            if (channel instanceof GatheringByteChannel g && (b != null || c != null)) {
                gather[0] = a;
                gather[1] = b != null ? b : ByteBuffer.allocate(0);
                gather[2] = c != null ? c : ByteBuffer.allocate(0);
                long remaining = a.remaining() + gather[1].remaining() + gather[2].remaining();
                while (remaining > 0) {
                    remaining -= g.write(gather, 0, 3);
                }
                gather[0] = gather[1] = gather[2] = null;
            } else {
                writeFully(a);
                if (b != null) {
                    writeFully(b);
                }
                if (c != null) {
                    writeFully(c);
                }
            }
        } catch (IOException e) {
            outputBroken = true;
            throw e;
        } finally {
            control.busyUntil(ConnectionControl.NONE);
        }
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Answers a request the server rejects, with a one-line plain-text body and {@code Connection: close}. */
    private void sendError(int status, String message) {
        ResponseBuffers.HeadWriter head = buffers.head();
        ByteBuffer body = errorResponse(head, status, message);
        try {
            write(head.buffer(), body, null);
        } catch (IOException e) {
            LOG.debug("Could not send {} to {}: {}", status, peer, e.toString());
        }
    }

    /**
     * Called by the worker (on its own thread) when the current request ran past
     * {@code timeout}: answers 503 if nothing of the response was sent yet. The connection is
     * closed right after by {@link ConnectionControl#abort()}.
     */
    private void abortExchange() {
        try {
            if (!output.tryLock(1, TimeUnit.SECONDS)) {
                return; // the application is stuck inside a write: closing is all we can do
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            flushDeferredLocked(); // earlier pipelined responses go first
            if (exchangeBytes == 0 && !outputBroken) {
                ResponseBuffers.HeadWriter head = new ResponseBuffers.HeadWriter();
                ByteBuffer body = errorResponse(head, 503, "the request took longer than the timeout");
                writeLocked(head.buffer(), body, null);
            }
        } catch (IOException e) {
            LOG.debug("Could not send 503 to {}: {}", peer, e.toString());
        } finally {
            output.unlock();
        }
    }

    private ByteBuffer errorResponse(ResponseBuffers.HeadWriter head, int status, String message) {
        return ResponseFraming.errorResponse(ctx, head, status, message);
    }

    /**
     * Closes the connection. When we close first while the peer may still be sending, we
     * shut our output down and read (and discard) what arrives for a short while, so the
     * peer receives our last response instead of a reset (RFC 9112 §9.6).
     */
    private void close(boolean linger) {
        if (!outputBroken && !control.isClosed()) {
            try {
                flushDeferred();
            } catch (IOException e) {
                linger = false;
            }
        }
        if (linger && !control.isClosed() && channel instanceof SocketChannel sc && sc.isOpen()) {
            try {
                sc.shutdownOutput();
                control.busyUntil(System.nanoTime() + LINGER_NANOS);
                long drained = 0;
                ByteBuffer sink = ByteBuffer.allocate(4096);
                while (drained < DRAIN_MAX_BYTES) {
                    sink.clear();
                    int n = sc.read(sink);
                    if (n < 0) {
                        break;
                    }
                    drained += n;
                }
            } catch (IOException ignored) {
                // the peer is gone or the linger deadline closed the channel: either way we are done
            }
        }
        control.close();
    }
}
