package dev.unicorn.http1;

import dev.unicorn.http.AsyncExchange;
import dev.unicorn.http.AsyncResponse;
import dev.unicorn.http.BadRequestException;
import dev.unicorn.http.BodyReader;
import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpRequest;
import dev.unicorn.http.TlsSession;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;

/**
 * Serves HTTP/1.x on one non-blocking connection for an event loop (the {@code async} worker
 * model): the loop calls {@link #onReady(int)} when the channel is readable or writable, and
 * this object reads into the sans-I/O {@link Http1Parser}, runs the {@link
 * dev.unicorn.http.AsyncHttpApp} inline, queues output and keeps the selection key's interest
 * set to what it waits for ({@code OP_WRITE} only while output is pending). Requests are served
 * one at a time in order: a pipelined request is not parsed before the previous response was
 * written completely. The response rules are {@link ResponseFraming}'s, shared with the
 * blocking {@link Http1Connection}, and so are the error answers.
 *
 * <p>Deadlines are announced on the {@link ConnectionControl} as the blocking driver does (first
 * byte, keep-alive idle, {@code timeout} for each wait for request bytes or for the socket to
 * take pending output); the worker's watchdog closes the channel when one passes and the loop
 * then calls {@link #sweep()}. Everything but the methods of the exchange handed to the
 * application runs on the loop thread; those marshal themselves onto it.
 *
 * <p>Another {@link RequestDecoder} can take the parser's place (the uWSGI codec), as for the
 * blocking connection.
 */
public final class Http1AsyncConnection {
    private static final Logger LOG = ServerContext.ERROR_LOG;
    private static final int MAX_GATHER = 64;

    private final ServerContext ctx;
    private final SocketChannel channel;
    private final ConnectionControl control;
    private final SocketAddress peer;
    private final SocketAddress local;
    /** The TLS session, or null on a plain connection. */
    private final TlsSession tls;
    private final RequestDecoder parser;
    private final ResponseDialect dialect;
    private final Executor loop;
    private final Thread loopThread;
    private final Runnable onClosed;
    private final ResponseBuffers heads;
    private final ArrayDeque<Out> output = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
    private SelectionKey key;
    private Exchange exchange;
    private long requestsServed;
    private boolean waitingForData;
    private boolean readEof;
    private boolean closeAfterOutput;
    private boolean lingering;
    private long lingerDrained;
    private boolean closed;
    private boolean processing;
    private boolean again;

    /**
     * @param ctx      the server's shared state
     * @param channel  a connected channel in non-blocking mode
     * @param control  the worker's handle on this connection (wraps {@code channel})
     * @param peer     the socket peer address
     * @param local    the local address
     * @param loop     runs tasks on the event loop that owns this connection (the exchange's
     *                 methods called from other threads go through it)
     * @param onClosed run on the loop once the connection closed
     * @param tls      the TLS session of the channel (sets the default scheme {@code https}), or {@code null}
     */
    public Http1AsyncConnection(ServerContext ctx, SocketChannel channel, ConnectionControl control,
                                SocketAddress peer, SocketAddress local, Executor loop, Runnable onClosed,
                                TlsSession tls) {
        this(ctx, channel, control, peer, local, loop, onClosed, tls, RequestDecoder.HTTP_1_1);
    }

    /**
     * A connection whose requests arrive in another protocol than HTTP/1.1.
     *
     * @param ctx      the server's shared state
     * @param channel  a connected channel in non-blocking mode
     * @param control  the worker's handle on this connection (wraps {@code channel})
     * @param peer     the socket peer address
     * @param local    the local address
     * @param loop     runs tasks on the event loop that owns this connection
     * @param onClosed run on the loop once the connection closed
     * @param tls      the TLS session of the channel (sets the default scheme {@code https}), or {@code null}
     * @param decoders makes the connection's request decoder ({@link RequestDecoder#HTTP_1_1} for HTTP/1.1)
     */
    public Http1AsyncConnection(ServerContext ctx, SocketChannel channel, ConnectionControl control,
                                SocketAddress peer, SocketAddress local, Executor loop, Runnable onClosed,
                                TlsSession tls, RequestDecoder.Factory decoders) {
        this.tls = tls;
        this.ctx = ctx;
        this.channel = channel;
        this.control = control;
        this.peer = peer;
        this.local = local;
        this.loop = loop;
        this.loopThread = Thread.currentThread();
        this.onClosed = onClosed;
        this.heads = new ResponseBuffers(ctx.responseBuffers());
        this.parser = decoders.create(ctx, peer, tls != null);
        this.dialect = parser.responseDialect();
    }

    /** Starts serving with {@code key}, the channel's registration on the loop's selector. Call on the loop. */
    public void start(SelectionKey key) {
        this.key = key;
        process();
    }

    /** The channel is ready for {@code readyOps} ({@link SelectionKey#OP_READ}, {@link SelectionKey#OP_WRITE}). */
    public void onReady(int readyOps) {
        if (closed) {
            return;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flushOutput();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && !closed) {
            read();
        }
        process();
    }

    /**
     * Called by the loop now and then: cleans up when the worker closed the channel (a deadline
     * passed, a drain, a stop). Returns true once the connection is closed.
     */
    public boolean sweep() {
        if (!closed && control.isClosed()) {
            closeNow();
        }
        return closed;
    }

    /** True once the connection is closed. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * The current request ran past {@code timeout}: answers 503 with {@code Connection: close}
     * if nothing of its response was sent yet, else closes the connection; the application's
     * later calls on the exchange fail. Call on the loop.
     */
    public void abortTimedOut() {
        Exchange x = exchange;
        if (closed || x == null || x.dead) {
            return;
        }
        x.dead = true;
        x.failCallbacks(new IOException("the request was aborted: it ran past the timeout"));
        if (x.bytesQueued == 0 && !x.committed) {
            x.status = 503;
            sendError(503, "the request took longer than the timeout");
            x.bookkeeping();
            startClose(false);
        } else {
            x.bookkeeping();
            closeNow();
        }
        updateInterest();
    }

    /** Closes the connection now (the worker stops). Call on the loop. */
    public void close() {
        closeNow();
    }

    // ------------------------------------------------------------------ the state machine

    private boolean inLoop() {
        return Thread.currentThread() == loopThread;
    }

    private void onLoop(Runnable task) {
        if (inLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** Advances the connection as far as it can go without waiting; re-entered calls only ask for another pass. */
    private void process() {
        if (processing) {
            again = true;
            return;
        }
        processing = true;
        try {
            do {
                again = false;
                step();
            } while (again && !closed);
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure serving {}", peer, e);
            closeNow();
        } finally {
            processing = false;
        }
        updateInterest();
    }

    private void step() {
        while (!closed) {
            if (lingering) {
                return;
            }
            if (closeAfterOutput) {
                if (output.isEmpty()) {
                    startClose(true);
                }
                return;
            }
            Exchange x = exchange;
            if (x == null) {
                if (!nextRequest()) {
                    return;
                }
                continue;
            }
            if (x.canPullBody()) {
                if (!pullBody(x)) {
                    return;
                }
                continue;
            }
            if (x.ended && !x.finished && output.isEmpty()) {
                x.finished = true;
                x.bookkeeping();
                // Persistence was decided and announced at commit; see Http1Connection.afterExchange.
                if (!x.framing.keepAlive() || !x.mayDiscardRemainder()) {
                    closeAfterOutput = true;
                    continue;
                }
                x.discarding = !x.bodyDone;
                continue;
            }
            if (x.finished && x.bodyDone) {
                exchange = null;
                continue;
            }
            return;
        }
    }

    /** Parses the next request head and runs the application; false while waiting for bytes or once closed. */
    private boolean nextRequest() {
        Http1Event event;
        try {
            event = parser.next();
        } catch (BadRequestException e) {
            if (e.status() == 0) {
                LOG.debug("Closing connection from {}: {}", peer, e.getMessage());
            } else {
                LOG.warn("Invalid request from {}: {} {}", peer, e.status(), e.getMessage());
                sendError(e.status(), e.getMessage());
            }
            closeAfterOutput = true;
            return true;
        }
        if (event == Http1Event.NEED_DATA) {
            return needData();
        }
        if (event instanceof Http1Event.ConnectionClosed) {
            closeNow();
            return false;
        }
        if (!(event instanceof Http1Event.RequestHead head)) {
            throw new IllegalStateException("parser gave " + event + " between requests");
        }
        waitingForData = false;
        requestsServed++;
        Exchange x = new Exchange(head);
        exchange = x;
        control.busyUntil(ConnectionControl.NONE);
        control.requestStarted(x);
        try {
            control.listener().requestStarted(control, x);
        } catch (RuntimeException e) {
            LOG.error("Exchange listener failed before {} {}", head.method(), head.target(), e);
        }
        try {
            ctx.asyncApp().handle(x);
        } catch (Throwable t) {
            rethrowFatal(t);
            x.failed(t);
        }
        return true;
    }

    /** The parser needs bytes: wait for them (false), or give up if none can come. */
    private boolean needData() {
        if (readEof) {
            closeNow(); // the parser saw the end of input and still wants more: nothing will come
            return false;
        }
        waitingForData = true;
        return false;
    }

    /** Pulls one body event for the current exchange; false while waiting for bytes. */
    private boolean pullBody(Exchange x) {
        Http1Event event;
        try {
            event = parser.next();
        } catch (BadRequestException e) {
            x.bodyFailed(e);
            return true;
        }
        if (event == Http1Event.NEED_DATA) {
            return needData();
        }
        waitingForData = false;
        if (event instanceof Http1Event.Body b) {
            int n = b.data().remaining();
            x.bodyRead += n;
            if (x.discarding) {
                x.discarded += n;
                if (x.discarded > Http1Connection.DRAIN_MAX_BYTES) {
                    closeAfterOutput = true;
                }
            } else {
                x.deliver(b.data());
            }
        } else if (event instanceof Http1Event.EndOfMessage end) {
            x.bodyDone = true;
            x.requestTrailers = end.trailers();
            if (!x.discarding) {
                x.deliverEnd();
            }
        } else {
            throw new IllegalStateException("unexpected " + event + " inside a request body");
        }
        return true;
    }

    private static void rethrowFatal(Throwable t) {
        if (t instanceof VirtualMachineError e && !(t instanceof StackOverflowError)) {
            throw e;
        }
    }

    // ------------------------------------------------------------------ I/O

    private void read() {
        try {
            if (lingering) {
                ByteBuffer sink = ByteBuffer.allocate(4096);
                while (true) {
                    sink.clear();
                    int n = channel.read(sink);
                    if (n < 0 || (lingerDrained += Math.max(n, 0)) > Http1Connection.DRAIN_MAX_BYTES) {
                        closeNow();
                        return;
                    }
                    if (n == 0) {
                        return;
                    }
                }
            }
            if (!waitingForData || readEof) {
                return;
            }
            int n = channel.read(parser.receiveBuffer(parser.suggestedReadSize()));
            if (n < 0) {
                readEof = true;
                parser.receiveEof();
            } else if (n > 0) {
                parser.received(n);
            } else {
                return;
            }
            waitingForData = false;
        } catch (IOException e) {
            LOG.debug("Connection from {} ended: {}", peer, e.toString());
            closeNow();
        }
    }

    /**
     * Queues {@code parts} for writing (nulls skipped), writing at once what the socket takes.
     * Unless {@code owned}, what is left is copied: the caller may reuse its buffers.
     * {@code done} completes once every byte was handed to the socket; {@code release} runs then.
     */
    private void enqueue(boolean owned, CompletableFuture<Void> done, Runnable release, ByteBuffer... parts) {
        if (closed) {
            if (done != null) {
                done.completeExceptionally(new IOException("connection closed"));
            }
            if (release != null) {
                release.run();
            }
            return;
        }
        List<ByteBuffer> pending = new ArrayList<>(parts.length);
        long total = 0;
        for (ByteBuffer p : parts) {
            if (p != null && p.hasRemaining()) {
                pending.add(p);
                total += p.remaining();
            }
        }
        if (exchange != null) {
            exchange.bytesQueued += total;
        }
        if (output.isEmpty() && total > 0) {
            try {
                ByteBuffer[] arr = pending.toArray(new ByteBuffer[0]);
                long left = total;
                while (left > 0) {
                    long n = channel.write(arr);
                    if (n == 0) {
                        break;
                    }
                    left -= n;
                }
            } catch (IOException e) {
                LOG.debug("Could not write to {}: {}", peer, e.toString());
                if (done != null) {
                    done.completeExceptionally(e);
                }
                if (release != null) {
                    release.run();
                }
                closeNow();
                return;
            }
            pending.removeIf(p -> !p.hasRemaining());
        }
        if (pending.isEmpty()) {
            if (output.isEmpty()) {
                if (release != null) {
                    release.run();
                }
                if (done != null) {
                    done.complete(null);
                }
            } else {
                Out last = output.peekLast();
                last.add(done, release);
            }
            return;
        }
        if (!owned) {
            int size = 0;
            for (ByteBuffer p : pending) {
                size += p.remaining();
            }
            ByteBuffer copy = ByteBuffer.allocate(size);
            for (ByteBuffer p : pending) {
                copy.put(p);
            }
            pending = List.of(copy.flip());
        }
        for (int i = 0; i < pending.size(); i++) {
            Out o = new Out(pending.get(i));
            if (i == pending.size() - 1) {
                o.add(done, release);
            }
            output.add(o);
        }
        refreshDeadline();
    }

    /** Writes queued output while the socket takes it. */
    private void flushOutput() {
        try {
            while (!output.isEmpty()) {
                int n = 0;
                for (Out o : output) {
                    if (n == MAX_GATHER) {
                        break;
                    }
                    gather[n++] = o.data;
                }
                long written = channel.write(gather, 0, n);
                java.util.Arrays.fill(gather, 0, n, null);
                while (!output.isEmpty() && !output.peekFirst().data.hasRemaining()) {
                    output.pollFirst().completed();
                }
                if (written == 0) {
                    break;
                }
            }
        } catch (IOException e) {
            LOG.debug("Could not write to {}: {}", peer, e.toString());
            closeNow();
            return;
        }
        refreshDeadline();
    }

    /** Sets the deadline for what the connection waits for now. */
    private void refreshDeadline() {
        if (closed || lingering) {
            return;
        }
        long now = System.nanoTime();
        if (!output.isEmpty()) {
            control.busyUntil(timeoutDeadline(now));
        } else if (waitingForData) {
            if (exchange == null && !parser.hasBufferedData() && !closeAfterOutput) {
                control.idleUntil(now + (requestsServed == 0 ? Http1Connection.FIRST_BYTE_NANOS : ctx.keepaliveNanos()));
            } else {
                control.busyUntil(timeoutDeadline(now));
            }
        } else if (exchange != null) {
            control.busyUntil(ConnectionControl.NONE); // the application is working: the request timeout watches it
        }
    }

    private long timeoutDeadline(long now) {
        long t = ctx.timeoutNanos();
        return t == 0 ? ConnectionControl.NONE : now + t;
    }

    private void updateInterest() {
        if (closed || key == null) {
            return;
        }
        refreshDeadline();
        int ops = 0;
        if (!readEof && (lingering || waitingForData)) {
            ops |= SelectionKey.OP_READ;
        }
        if (!output.isEmpty()) {
            ops |= SelectionKey.OP_WRITE;
        }
        try {
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        } catch (CancelledKeyException e) {
            closeNow();
        }
    }

    /** Answers with the server's own error response ({@code Connection: close}). */
    private void sendError(int status, String message) {
        ResponseBuffers.HeadWriter w = heads.head();
        ByteBuffer body = ResponseFraming.errorResponse(ctx, w, status, message);
        enqueue(true, null, null, copy(w.buffer()), body);
    }

    /**
     * Closes after our last response (RFC 9112 §9.6): shut our output down and read, discarding,
     * for a short while, so that the peer gets the response rather than a reset.
     */
    private void startClose(boolean linger) {
        if (closed) {
            return;
        }
        if (!output.isEmpty()) {
            closeAfterOutput = true;
            return;
        }
        if (!linger || readEof || control.isClosed()) {
            closeNow();
            return;
        }
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            closeNow();
            return;
        }
        lingering = true;
        waitingForData = false;
        control.busyUntil(System.nanoTime() + Http1Connection.LINGER_NANOS);
        read();
    }

    private void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        control.close();
        IOException gone = new IOException("connection closed");
        Out o;
        while ((o = output.pollFirst()) != null) {
            o.failed(gone);
        }
        Exchange x = exchange;
        exchange = null;
        if (x != null) {
            x.connectionClosed(gone);
        }
        try {
            onClosed.run();
        } catch (RuntimeException e) {
            LOG.error("Connection close callback failed for {}", peer, e);
        }
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate());
        return c.flip();
    }

    /** Bytes waiting for the socket, with what to do once they went. */
    private static final class Out {
        final ByteBuffer data;
        private List<CompletableFuture<Void>> dones;
        private List<Runnable> releases;

        Out(ByteBuffer data) {
            this.data = data;
        }

        void add(CompletableFuture<Void> done, Runnable release) {
            if (done != null) {
                (dones == null ? dones = new ArrayList<>(1) : dones).add(done);
            }
            if (release != null) {
                (releases == null ? releases = new ArrayList<>(1) : releases).add(release);
            }
        }

        void completed() {
            if (releases != null) {
                releases.forEach(Runnable::run);
            }
            if (dones != null) {
                dones.forEach(d -> d.complete(null));
            }
        }

        void failed(IOException e) {
            if (releases != null) {
                releases.forEach(Runnable::run);
            }
            if (dones != null) {
                dones.forEach(d -> d.completeExceptionally(e));
            }
        }
    }

    // ------------------------------------------------------------------ the exchange

    /**
     * One request and its response. The application sees it as an {@link AsyncExchange}; the
     * worker's listener and hooks see it as an {@link HttpRequest} whose body is not readable
     * as a stream.
     */
    private final class Exchange extends ParsedRequest implements AsyncExchange {
        private static final Headers NO_TRAILERS = new Headers(0).readOnly();

        /** The client waits for {@code 100 Continue} before its body, and the peer's dialect has interim responses. */
        final boolean expectContinue;
        final long startNanos = System.nanoTime();
        final long startMillis = System.currentTimeMillis();
        final ResponseFraming framing;
        final Headers responseHeaders = new Headers();
        final Response response = new Response();
        volatile int status = 200;
        volatile boolean committed;
        Headers trailers;
        Headers requestTrailers = NO_TRAILERS;
        // Loop-thread state.
        BodyReader reader;
        boolean paused;
        boolean bodyDone;
        boolean bodyError;
        boolean discarding;
        long bodyRead;
        long discarded;
        boolean continueSent;
        boolean ended;
        boolean finished;
        boolean dead;
        boolean bookkept;
        long bytesQueued;
        byte[] staging;
        int staged;
        boolean headPending;
        ByteBuffer headBytes;
        CompletableFuture<Void> endStage;

        Exchange(Http1Event.RequestHead head) {
            super(head, Http1Connection.remoteAddress(head, peer), Http1Connection.localAddress(head, local), tls);
            this.expectContinue = head.expectContinue() && dialect.interimResponses(head.version());
            this.framing = new ResponseFraming(ctx, dialect, head);
        }

        // --- HttpRequest: the head is ParsedRequest's, the body is read from the loop

        @Override
        public InputStream body() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("an async exchange's body is read with AsyncExchange.readBody");
                }
            };
        }

        @Override
        public Headers trailers() {
            return requestTrailers;
        }

        // --- AsyncExchange

        @Override
        public AsyncResponse response() {
            return response;
        }

        @Override
        public void readBody(BodyReader reader) {
            Objects.requireNonNull(reader, "reader");
            if (inLoop()) {
                startReading(reader);
            } else {
                loop.execute(() -> {
                    try {
                        startReading(reader);
                    } catch (IllegalStateException e) {
                        reader.onError(e);
                    }
                });
            }
        }

        private void startReading(BodyReader r) {
            if (this.reader != null) {
                throw new IllegalStateException("the body was already requested");
            }
            this.reader = r;
            if (dead) {
                safely(() -> r.onError(new IOException("the exchange already ended")));
                return;
            }
            if (expectContinue && hasBody() && !committed && !continueSent) {
                continueSent = true;
                enqueue(true, null, null, ByteBuffer.wrap(Http1Connection.CONTINUE));
            }
            process();
        }

        @Override
        public void fail(Throwable cause) {
            Objects.requireNonNull(cause, "cause");
            onLoop(() -> failed(cause));
        }

        /** The response side of the exchange, as the application sees it. */
        private final class Response implements AsyncResponse {

            @Override
            public AsyncResponse status(int code) {
                if (code < 100 || code > 599) {
                    throw new IllegalArgumentException("status must be 100-599: " + code);
                }
                if (committed) {
                    throw new IllegalStateException("response already committed");
                }
                status = code;
                return this;
            }

            @Override
            public int status() {
                return status;
            }

            @Override
            public Headers headers() {
                return responseHeaders;
            }

            @Override
            public void trailers(Headers t) {
                Objects.requireNonNull(t, "trailers");
                for (int i = 0; i < t.size(); i++) {
                    ResponseFraming.checkField(t.name(i), t.value(i));
                }
                Headers copy = Headers.copyOf(t);
                onLoop(() -> trailers = copy);
            }

            @Override
            public void earlyHints(Headers hints) {
                Headers copy = Headers.copyOf(hints);
                onLoop(() -> {
                    if (committed || dead || ended || !dialect.interimResponses(head.version())) {
                        return; // an HTTP/1.0 client, or a gateway that would take the 103 as the response
                    }
                    ResponseBuffers.HeadWriter w = heads.head();
                    ResponseFraming.earlyHints(copy, w);
                    enqueue(true, null, null, copy(w.buffer()));
                    process();
                });
            }

            @Override
            public boolean isCommitted() {
                return committed;
            }

            @Override
            public CompletionStage<Void> write(ByteBuffer data) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                if (inLoop()) {
                    writeOnLoop(data, false, done);
                } else {
                    ByteBuffer copy = copy(data);
                    data.position(data.limit());
                    loop.execute(() -> writeOnLoop(copy, true, done));
                }
                return done;
            }

            @Override
            public CompletionStage<Void> end() {
                CompletableFuture<Void> done = new CompletableFuture<>();
                onLoop(() -> endOnLoop(done));
                return done;
            }
        }

        private void writeOnLoop(ByteBuffer data, boolean owned, CompletableFuture<Void> done) {
            if (dead || ended) {
                data.position(data.limit());
                done.completeExceptionally(new IOException(dead ? "the exchange was aborted or the connection closed"
                        : "response already ended"));
                return;
            }
            int len = data.remaining();
            if (len == 0) {
                done.complete(null);
                return;
            }
            try {
                if (!committed) {
                    byte[] s = staging();
                    if (len <= s.length - staged) {
                        data.get(s, staged, len);
                        staged += len;
                        done.complete(null);
                        return;
                    }
                    commit(false);
                }
                flushStaged(false, null);
                int allowed = (int) framing.admit(len, 0);
                if (allowed == 0) {
                    data.position(data.limit());
                    done.complete(null);
                    return;
                }
                ByteBuffer body = data.slice(data.position(), allowed);
                data.position(data.limit());
                framing.wrote(allowed);
                if (framing.framing() == ResponseFraming.Framing.CHUNKED) {
                    ResponseBuffers.HeadWriter w = heads.head();
                    w.chunkSize(allowed);
                    enqueue(owned, done, null, copy(w.buffer()), body, ByteBuffer.wrap(ResponseFraming.CRLF));
                } else {
                    enqueue(owned, done, null, body);
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                failed(e);
            }
            process();
        }

        private void endOnLoop(CompletableFuture<Void> done) {
            if (ended) {
                endStage.whenComplete((v, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                    } else {
                        done.complete(null);
                    }
                });
                return;
            }
            if (dead) {
                done.completeExceptionally(new IOException("the exchange was aborted or the connection closed"));
                return;
            }
            endStage = done;
            try {
                if (!committed) {
                    commit(true);
                }
                ended = true;
                flushStaged(true, done);
                framing.finished(status);
            } catch (RuntimeException e) {
                ended = false;
                done.completeExceptionally(e);
                failed(e);
            }
            process();
        }

        private byte[] staging() {
            if (staging == null) {
                staging = ctx.responseBuffers().acquire();
            }
            return staging;
        }

        private void releaseStaging() {
            if (staging != null) {
                ctx.responseBuffers().release(staging);
                staging = null;
            }
        }

        private void commit(boolean complete) {
            long unread = unreadKnownLength();
            boolean persistAllowed = control.keepAliveAllowed()
                    && !continuePending()
                    && (unread < 0 || unread <= Http1Connection.DRAIN_MAX_BYTES);
            ResponseBuffers.HeadWriter w = heads.head();
            framing.commit(status, responseHeaders, complete ? staged : -1, trailers != null, persistAllowed, w);
            committed = true;
            headPending = true;
            headBytes = copy(w.buffer());
            staged = (int) framing.admit(staged, 0);
        }

        /** Sends the pending head and staged bytes; {@code last} adds the chunked terminator. */
        private void flushStaged(boolean last, CompletableFuture<Void> done) {
            ByteBuffer h = headPending ? headBytes : null;
            headPending = false;
            headBytes = null;
            ByteBuffer data = staged > 0 ? ByteBuffer.wrap(staging, 0, staged) : null;
            ByteBuffer sizeLine = null;
            ByteBuffer tail = null;
            if (framing.framing() == ResponseFraming.Framing.CHUNKED) {
                if (staged > 0) {
                    ResponseBuffers.HeadWriter w = heads.head();
                    w.chunkSize(staged);
                    sizeLine = copy(w.buffer());
                }
                tail = ResponseFraming.chunkTail(trailers, staged > 0, last);
            }
            framing.wrote(staged);
            staged = 0;
            byte[] s = staging;
            staging = null;
            Runnable release = s == null ? null : () -> ctx.responseBuffers().release(s);
            enqueue(true, done, release, h, sizeLine, data, tail);
        }

        private boolean hasBody() {
            return head.chunked() || head.contentLength() > 0;
        }

        /** True if the client waits for {@code 100 Continue} that was never sent. */
        boolean continuePending() {
            return expectContinue && hasBody() && !continueSent && !bodyDone;
        }

        long unreadKnownLength() {
            return head.chunked() ? (bodyDone ? 0 : -1) : head.contentLength() - bodyRead;
        }

        /** Whether what is left of the body may be read and discarded to keep the connection. */
        boolean mayDiscardRemainder() {
            if (bodyDone) {
                return true;
            }
            if (bodyError || continuePending()) {
                return false;
            }
            long unread = unreadKnownLength();
            return unread <= Http1Connection.DRAIN_MAX_BYTES;
        }

        /** The loop may read the next body event: the application asked and is not holding delivery back, or we discard. */
        boolean canPullBody() {
            if (bodyDone || bodyError) {
                return false;
            }
            return discarding || (reader != null && !paused && !dead);
        }

        void deliver(ByteBuffer data) {
            CompletionStage<?> next;
            try {
                next = reader.onData(data);
            } catch (Throwable t) {
                rethrowFatal(t);
                failed(t);
                return;
            }
            if (next == null) {
                return;
            }
            paused = true;
            next.whenComplete((v, e) -> onLoop(() -> {
                if (dead || exchange != this) {
                    return;
                }
                paused = false;
                if (e != null) {
                    failed(e);
                }
                process();
            }));
        }

        void deliverEnd() {
            if (reader == null || dead) {
                return;
            }
            try {
                reader.onEnd(requestTrailers);
            } catch (Throwable t) {
                rethrowFatal(t);
                failed(t);
            }
        }

        /** The body is malformed (or the client went away inside it): the server answers and closes. */
        void bodyFailed(BadRequestException e) {
            bodyError = true;
            if (discarding || finished) {
                closeAfterOutput = true;
                return;
            }
            boolean wasDead = dead;
            dead = true;
            releaseStaging();
            if (reader != null && !wasDead) {
                safely(() -> reader.onError(e));
            }
            if (wasDead) {
                closeAfterOutput = true;
                return;
            }
            LOG.warn("Invalid request body from {}: {} {} ({} {})", remote, e.status(), e.getMessage(),
                    head.method(), head.target());
            if (!committed && e.status() != 0) {
                status = e.status();
                sendError(e.status(), e.getMessage());
                bookkeeping();
                closeAfterOutput = true;
            } else {
                bookkeeping();
                closeNow();
            }
        }

        /** The application failed: 500 before commit, abort after (as the blocking driver). */
        void failed(Throwable t) {
            if (dead || finished || closed) {
                return;
            }
            dead = true;
            releaseStaging();
            failCallbacks(t);
            LOG.error("Error handling request {} {} from {}", head.method(), head.target(), remote, t);
            if (!committed) {
                status = 500;
                sendError(500, "the application failed");
                bookkeeping();
                closeAfterOutput = true;
            } else {
                bookkeeping();
                closeNow(); // after commit: abort, the peer sees a truncated body
            }
            process();
        }

        /** Fails what the application still waits for. */
        void failCallbacks(Throwable t) {
            if (endStage != null && !endStage.isDone()) {
                endStage.completeExceptionally(t);
            }
        }

        void connectionClosed(IOException e) {
            releaseStaging();
            if (!dead && !finished) {
                dead = true;
                if (reader != null && !bodyDone && !bodyError) {
                    safely(() -> reader.onError(e));
                }
                if (control.isClosed() && !closed) {
                    LOG.warn("Connection from {} closed during {} {} (I/O deadline passed or the worker stopped)",
                            remote, head.method(), head.target());
                }
            }
            bookkeeping();
        }

        /** Ends the request for the worker and the logs, once. */
        void bookkeeping() {
            if (bookkept) {
                return;
            }
            bookkept = true;
            control.requestEnded();
            Http1Connection.accessLog(ctx, head, remote, status, framing.written(), responseHeaders, startMillis, startNanos);
            try {
                control.listener().requestFinished(control, this, status);
            } catch (RuntimeException e) {
                LOG.error("Exchange listener failed after {} {}", head.method(), head.target(), e);
            }
        }

        private void safely(Runnable callback) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                LOG.warn("Body reader failed in onError for {} {}", head.method(), head.target(), e);
            }
        }
    }
}
