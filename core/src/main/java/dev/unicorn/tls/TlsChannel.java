package dev.unicorn.tls;

import dev.unicorn.http.TlsSession;
import dev.unicorn.net.ForwardingSocketChannel;
import dev.unicorn.server.BufferPool;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS over a socket channel, through an {@link SSLEngine}: reads return decrypted bytes and
 * writes encrypt, so the HTTP connection code works on it as on a plain socket. The same code
 * serves both kinds of worker: it blocks or not as the underlying socket does.
 *
 * <ul>
 *   <li>Blocking (the {@code virtual}, {@code sync} models, and the {@code threads} pool): call
 *       {@link #handshake()} once, it returns when done; reads and writes block.
 *   <li>Non-blocking (the {@code async} loop, the {@code threads} selector): call {@link
 *       #handshake()} whenever the socket is ready until it returns true, registering for
 *       {@link #handshakeInterest()}; reads return 0 when no whole record is there. A write that
 *       could not send all of its ciphertext reports the bytes of that last record as not written
 *       yet and sends the ciphertext first on the next write, which must present the same bytes
 *       again (what every non-blocking writer does). Decrypted bytes the caller did not take stay
 *       here and do not make the socket readable: check {@link #hasBufferedInput()} before
 *       waiting for readiness.
 * </ul>
 *
 * <p>Delegated handshake tasks run on the calling thread. Network and decrypted bytes live in
 * arrays borrowed from the server's pool while they hold data, so an idle connection holds
 * none. One thread reads while another may write (an abort answering 503); reads and writes
 * have separate locks, as the engine allows. A PROXY protocol header before the handshake is
 * read in the clear and returned by the first reads, so the HTTP parser handles it as on a
 * plain connection. A plain HTTP request is answered {@code 400} in the clear and the
 * connection closed. TLS 1.2 renegotiation is refused.
 */
public final class TlsChannel extends ForwardingSocketChannel {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** RFC 5246 §6.2.1 record header: type, version, length. */
    private static final int RECORD_HEADER = 5;
    private static final byte[] PROXY_V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROXY_V2 = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};
    /** A v1 header is at most 107 bytes; a v2 header's addresses and TLVs are bounded here by our buffer. */
    private static final int PROXY_V1_MAX = 107;
    private static final byte[] PLAIN_HTTP_ANSWER = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 48\r\nConnection: close\r\n\r\nThis port speaks TLS: use https:// to reach it.\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final SSLEngine engine;
    private final BufferPool pool;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private boolean expectProxyHeader;
    /** The client's first bytes (after a PROXY header) arrived: they were checked for plain HTTP. */
    private boolean started;
    private volatile boolean handshakeDone;
    private volatile TlsSession session;
    /** Told when bytes stay buffered here that the socket's readiness will not announce, or null. */
    private Runnable onBuffered;

    // Read side (readLock).
    /** Ciphertext received, in read mode; null while empty. */
    private ByteBuffer netIn;
    /** Plaintext decrypted and not yet taken, in read mode; null while empty. */
    private ByteBuffer appIn;
    /** A PROXY header read in the clear, returned before any decrypted byte. */
    private ByteBuffer proxyHeader;
    /** netIn holds no whole record: more bytes must come from the socket. */
    private boolean underflow;
    private boolean inboundDone;

    // Write side (writeLock).
    /** Ciphertext not yet sent, in read mode; null while empty. */
    private ByteBuffer netOut;
    /** Plaintext bytes encrypted into {@link #netOut} but not yet reported as written. */
    private int unreported;

    TlsChannel(SocketChannel socket, SSLEngine engine, BufferPool pool, boolean expectProxyHeader) {
        super(socket);
        this.engine = engine;
        this.pool = pool;
        this.expectProxyHeader = expectProxyHeader;
    }

    // ------------------------------------------------------------------ handshake

    /**
     * Advances the handshake: in blocking mode until it is complete, in non-blocking mode as far
     * as the socket allows. Returns true once it is complete (its last flight sent).
     *
     * @throws IOException the handshake failed (the peer sent garbage, refused our parameters,
     *                     closed) or the socket failed; close the connection
     */
    public boolean handshake() throws IOException {
        if (handshakeDone) {
            return true;
        }
        readLock.lock();
        writeLock.lock();
        try {
            return handshakeStep();
        } catch (PlainHttpException e) {
            releaseAll();
            throw e;
        } catch (SSLException e) {
            sendAlert();
            releaseAll();
            throw e;
        } catch (IOException | RuntimeException e) {
            releaseAll();
            throw e;
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }

    private boolean handshakeStep() throws IOException {
        if (expectProxyHeader && !readProxyHeader()) {
            return false;
        }
        if (!started) {
            if ((netIn == null || !netIn.hasRemaining()) && !fill()) {
                return false; // nothing from the client yet
            }
            started = true;
            if (looksLikePlainHttp()) {
                answerPlainHttp();
                throw new PlainHttpException();
            }
            engine.beginHandshake();
        }
        while (true) {
            if (!flush()) {
                return false;
            }
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            switch (hs) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> wrapInto(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapOnce() && !fill()) {
                        return false;
                    }
                }
                case NOT_HANDSHAKING, FINISHED -> {
                    if (inboundDone || engine.isOutboundDone()) {
                        throw new SSLException("the client closed the connection during the TLS handshake");
                    }
                    if (!flush()) {
                        return false;
                    }
                    session = describe();
                    handshakeDone = true;
                    releaseIfEmpty();
                    return true;
                }
            }
        }
    }

    /** The selection interest the handshake waits for: {@code OP_WRITE} while our flight is not sent, else {@code OP_READ}. */
    public int handshakeInterest() {
        writeLock.lock();
        try {
            return netOut != null ? java.nio.channels.SelectionKey.OP_WRITE : java.nio.channels.SelectionKey.OP_READ;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sets what to run when a read leaves bytes buffered here (decrypted bytes the caller did not
     * take, a whole record) or a key update leaves ciphertext unsent: an event loop then knows to
     * come back to this channel without waiting for readiness. Runs on the reading thread.
     */
    public void onBuffered(Runnable action) {
        this.onBuffered = action;
    }

    /** True once the handshake completed. */
    public boolean isHandshakeDone() {
        return handshakeDone;
    }

    /** What the handshake negotiated; {@code null} before it completed. */
    public TlsSession session() {
        return session;
    }

    private TlsSession describe() {
        var s = engine.getSession();
        List<X509Certificate> peers = new ArrayList<>();
        try {
            for (Certificate c : s.getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    peers.add(x);
                }
            }
        } catch (SSLPeerUnverifiedException e) {
            // no client certificate
        }
        String alpn = engine.getApplicationProtocol();
        return new TlsSession(s.getProtocol(), s.getCipherSuite(), alpn == null ? "" : alpn, peers);
    }

    /**
     * After a failed handshake the engine holds the alert that says why (certificate required,
     * protocol version, handshake failure): send it, best effort, so the client can tell.
     */
    private void sendAlert() {
        try {
            if (started && !engine.isOutboundDone()) {
                engine.closeOutbound();
                if (flush()) {
                    wrapInto(EMPTY);
                    flush();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is failing anyway
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /**
     * Reads a PROXY header in the clear if one starts the stream; true once decided (a header
     * was read whole, or the first bytes are not one), false while more bytes are needed.
     */
    private boolean readProxyHeader() throws IOException {
        while (true) {
            ByteBuffer in = netIn;
            int n = in == null ? 0 : in.remaining();
            if (n > 0) {
                int p = in.position();
                if (startsWith(in, PROXY_V1)) {
                    for (int i = 0; i + 1 < Math.min(n, PROXY_V1_MAX); i++) {
                        if (in.get(p + i) == '\r' && in.get(p + i + 1) == '\n') {
                            return takeProxyHeader(i + 2);
                        }
                    }
                    if (n >= PROXY_V1_MAX) {
                        return takeProxyHeader(PROXY_V1_MAX); // the parser rejects the unterminated line
                    }
                } else if (startsWith(in, PROXY_V2)) {
                    if (n >= 16) {
                        int total = 16 + ((in.get(p + 14) & 0xff) << 8 | (in.get(p + 15) & 0xff));
                        if (total > in.capacity()) {
                            throw new SSLException("PROXY v2 header of " + total + " bytes is too long");
                        }
                        if (n >= total) {
                            return takeProxyHeader(total);
                        }
                    }
                } else if (!couldStartWith(in, PROXY_V1) && !couldStartWith(in, PROXY_V2)) {
                    expectProxyHeader = false; // not a PROXY header: the parser decides whether one was required
                    return true;
                }
            }
            if (!fill()) {
                return false;
            }
        }
    }

    private boolean takeProxyHeader(int length) {
        ByteBuffer header = ByteBuffer.allocate(length);
        ByteBuffer in = netIn;
        header.put(in.slice(in.position(), length)).flip();
        in.position(in.position() + length);
        proxyHeader = header;
        expectProxyHeader = false;
        releaseIfEmpty();
        return true;
    }

    private static boolean startsWith(ByteBuffer b, byte[] prefix) {
        if (b.remaining() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.get(b.position() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean couldStartWith(ByteBuffer b, byte[] prefix) {
        int n = Math.min(b.remaining(), prefix.length);
        for (int i = 0; i < n; i++) {
            if (b.get(b.position() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** A TLS record starts with 0x16 (handshake); an HTTP request with an upper-case method letter. */
    private boolean looksLikePlainHttp() {
        ByteBuffer in = netIn;
        if (in == null || !in.hasRemaining()) {
            return false;
        }
        byte b = in.get(in.position());
        return b >= 'A' && b <= 'Z';
    }

    /** The client spoke plain HTTP: it was answered in the clear, no alert follows. */
    private static final class PlainHttpException extends SSLException {
        private static final long serialVersionUID = 1L;

        PlainHttpException() {
            super("plain HTTP on a TLS port");
        }
    }

    private void answerPlainHttp() {
        try {
            ByteBuffer answer = ByteBuffer.wrap(PLAIN_HTTP_ANSWER);
            delegate.write(answer); // best effort: a few bytes into an empty send buffer
        } catch (IOException ignored) {
            // the client is gone; closing is what follows anyway
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * True if bytes are buffered here that a read returns without the socket becoming
     * readable: decrypted bytes, a whole record, or a PROXY header.
     */
    public boolean hasBufferedInput() {
        readLock.lock();
        try {
            return proxyHeader != null || appIn != null || (netIn != null && !underflow && !inboundDone);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        readLock.lock();
        try {
            return readLocked(dst);
        } finally {
            Runnable action = onBuffered;
            if (action != null && (proxyHeader != null || appIn != null || (netIn != null && !underflow && !inboundDone))) {
                action.run();
            }
            readLock.unlock();
        }
    }

    private int readLocked(ByteBuffer dst) throws IOException {
        try {
            if (!dst.hasRemaining()) {
                return 0;
            }
            if (proxyHeader != null) {
                int n = transfer(proxyHeader, dst);
                if (!proxyHeader.hasRemaining()) {
                    proxyHeader = null;
                }
                return n;
            }
            while (true) {
                if (appIn != null) {
                    int n = transfer(appIn, dst);
                    if (!appIn.hasRemaining()) {
                        pool.release(appIn.array());
                        appIn = null;
                    }
                    releaseIfEmpty();
                    return n;
                }
                if (inboundDone) {
                    return -1;
                }
                if (netIn != null && !underflow) {
                    unwrapOnce();
                    continue;
                }
                if (!fill()) {
                    return 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            releaseAll();
            throw e;
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].hasRemaining()) {
                return read(dsts[i]);
            }
        }
        return 0;
    }

    private static int transfer(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        to.put(to.position(), from, from.position(), n);
        to.position(to.position() + n);
        from.position(from.position() + n);
        return n;
    }

    /**
     * Reads from the socket into {@link #netIn}; false when nothing came (non-blocking).
     *
     * @throws EOFException at the end of the stream during the handshake
     */
    private boolean fill() throws IOException {
        ByteBuffer in = netIn;
        if (in == null) {
            in = ByteBuffer.wrap(pool.acquire()).limit(0);
            netIn = in;
        }
        in.compact();
        int n;
        try {
            n = delegate.read(in);
        } finally {
            in.flip();
        }
        if (n < 0) {
            if (!handshakeDone) {
                throw new EOFException("the client closed the connection during the TLS handshake");
            }
            inboundDone = true;
            try {
                engine.closeInbound(); // no close_notify: a truncation the HTTP framing detects
            } catch (SSLException ignored) {
                // expected without close_notify
            }
            return true;
        }
        if (n == 0) {
            releaseIfEmpty();
            return false;
        }
        underflow = false;
        return true;
    }

    /** Unwraps one record from {@link #netIn} into {@link #appIn}; false if no whole record is there. */
    private boolean unwrapOnce() throws IOException {
        ByteBuffer in = netIn;
        if (in == null || !in.hasRemaining()) {
            underflow = true;
            return false;
        }
        ByteBuffer out = appIn;
        boolean fresh = out == null;
        if (fresh) {
            out = ByteBuffer.wrap(pool.acquire());
        } else {
            out.compact();
        }
        SSLEngineResult r;
        try {
            r = engine.unwrap(in, out);
        } finally {
            out.flip();
            appIn = out.hasRemaining() ? out : null;
            if (appIn == null) {
                pool.release(out.array());
            }
        }
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                underflow = true;
                if (in.remaining() == in.capacity()) {
                    throw new SSLException("a TLS record larger than " + in.capacity() + " bytes");
                }
                return false;
            }
            case BUFFER_OVERFLOW -> throw new SSLException("a TLS record decrypts to more than " + out.capacity() + " bytes");
            case CLOSED -> {
                inboundDone = true; // the peer's close_notify; ours goes with shutdownOutput or close
            }
            case OK -> {
                // go on
            }
        }
        if (handshakeDone) {
            afterHandshakeMessage(r.getHandshakeStatus());
        }
        return true;
    }

    /** A handshake message after the handshake: TLS 1.3 key updates are answered, TLS 1.2 renegotiation refused. */
    private void afterHandshakeMessage(SSLEngineResult.HandshakeStatus hs) throws IOException {
        if (hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || hs == SSLEngineResult.HandshakeStatus.FINISHED) {
            return;
        }
        if (!"TLSv1.3".equals(session.protocol())) {
            throw new SSLException("TLS renegotiation refused");
        }
        writeLock.lock();
        try {
            while (true) {
                hs = engine.getHandshakeStatus();
                if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    runTasks();
                } else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                    if (netOut != null && !flush()) {
                        if (onBuffered != null) {
                            onBuffered.run(); // sent with the next write or flushPending()
                        }
                        return;
                    }
                    wrapInto(EMPTY);
                } else {
                    break;
                }
            }
            if (!flush() && onBuffered != null) {
                onBuffered.run(); // the key update's reply waits for flushPending()
            }
        } finally {
            writeLock.unlock();
        }
    }

    // ------------------------------------------------------------------ writing

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        writeLock.lock();
        try {
            if (!handshakeDone) {
                throw new IllegalStateException("write before the TLS handshake completed");
            }
            long reported = 0;
            if (unreported > 0) {
                if (!flush()) {
                    return 0;
                }
                skip(srcs, offset, length, unreported);
                reported += unreported;
                unreported = 0;
            }
            while (remaining(srcs, offset, length) > 0) {
                if (!flush()) {
                    return reported;
                }
                ByteBuffer[] copies = new ByteBuffer[length];
                for (int i = 0; i < length; i++) {
                    copies[i] = srcs[offset + i].duplicate();
                }
                int consumed = wrapInto(copies);
                if (flush()) {
                    skip(srcs, offset, length, consumed);
                    reported += consumed;
                } else {
                    unreported = consumed;
                    return reported;
                }
            }
            return reported;
        } catch (IOException | RuntimeException e) {
            releaseWrite();
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    /** Sends ciphertext a non-blocking write or a key update left behind; true when none is left. */
    public boolean flushPending() throws IOException {
        writeLock.lock();
        try {
            return flush();
        } finally {
            writeLock.unlock();
        }
    }

    private static long remaining(ByteBuffer[] srcs, int offset, int length) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += srcs[i].remaining();
        }
        return n;
    }

    private static void skip(ByteBuffer[] srcs, int offset, int length, long n) {
        for (int i = offset; i < offset + length && n > 0; i++) {
            int k = (int) Math.min(n, srcs[i].remaining());
            srcs[i].position(srcs[i].position() + k);
            n -= k;
        }
    }

    /** Encrypts one record's worth of {@code srcs} into an empty {@link #netOut}; returns the plaintext bytes taken. */
    private int wrapInto(ByteBuffer... srcs) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(pool.acquire());
        SSLEngineResult r;
        try {
            r = engine.wrap(srcs, out);
        } finally {
            out.flip();
            if (out.hasRemaining()) {
                netOut = out;
            } else {
                pool.release(out.array());
            }
        }
        switch (r.getStatus()) {
            case OK -> {
                // sent by the caller's flush
            }
            case CLOSED -> {
                if (r.bytesProduced() == 0) {
                    throw new ClosedChannelException();
                }
            }
            case BUFFER_OVERFLOW, BUFFER_UNDERFLOW -> throw new SSLException("TLS wrap failed: " + r.getStatus());
        }
        return r.bytesConsumed();
    }

    /** Writes {@link #netOut}; in blocking mode until it is sent. True when nothing is left. */
    private boolean flush() throws IOException {
        ByteBuffer out = netOut;
        while (out != null && out.hasRemaining()) {
            if (delegate.write(out) == 0 && !delegate.isBlocking()) {
                return false;
            }
        }
        if (out != null) {
            netOut = null;
            pool.release(out.array());
        }
        return true;
    }

    // ------------------------------------------------------------------ closing

    /** Sends close_notify, then shuts the socket's output down (the HTTP connection's half-close before lingering). */
    @Override
    public SocketChannel shutdownOutput() throws IOException {
        writeLock.lock();
        try {
            if (handshakeDone && !engine.isOutboundDone()) {
                engine.closeOutbound();
                if (flush()) {
                    wrapInto(EMPTY);
                    flush();
                }
            }
        } catch (IOException e) {
            // close_notify is a courtesy; the half-close below is what matters
        } finally {
            releaseWrite();
            writeLock.unlock();
        }
        delegate.shutdownOutput();
        return this;
    }

    private void releaseIfEmpty() {
        if (netIn != null && !netIn.hasRemaining()) {
            pool.release(netIn.array());
            netIn = null;
            underflow = false;
        }
    }

    /** Gives back the read side's arrays; call holding the read lock. */
    private void releaseAll() {
        if (netIn != null) {
            pool.release(netIn.array());
            netIn = null;
        }
        if (appIn != null) {
            pool.release(appIn.array());
            appIn = null;
        }
        releaseWrite();
    }

    private void releaseWrite() {
        if (writeLock.isHeldByCurrentThread() && netOut != null) {
            pool.release(netOut.array());
            netOut = null;
        }
    }
}
