package dev.unicorn.uwsgi;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http.Headers;
import dev.unicorn.http1.Http1Event;
import dev.unicorn.http1.ReceiveBuffer;
import dev.unicorn.http1.RequestDecoder;
import dev.unicorn.http1.ResponseDialect;
import java.net.SocketAddress;

/**
 * A sans-I/O uWSGI request parser (the packets nginx's {@code uwsgi_pass} sends): fed bytes with
 * {@link #receive} and {@link #receiveEof}, it hands out the same {@link Http1Event}s as the
 * HTTP/1.1 parser, so one exchange model serves both. It never touches a socket, a thread or a
 * clock, and gives the same events whatever the split of the input.
 *
 * <p>A request is one packet: a 4-byte header ({@code modifier1}, the vars block's size as an
 * unsigned 16-bit little-endian number, {@code modifier2}), the vars block, then exactly
 * {@code CONTENT_LENGTH} bytes of body, streamed as {@link Http1Event.Body} events and never
 * buffered whole. The variables become the {@link Http1Event.RequestHead} (see
 * {@code docs/uwsgi.md} for the mapping); the next packet may follow on the same connection.
 *
 * <p>Strict: a rejection is a {@link BadRequestException} carrying its status, which a worker
 * answers with an HTTP/1.1 error response nginx relays — 403 for a peer outside
 * {@code uwsgiAllowIps}, 501 for a {@code modifier1} other than 0, 431 for a vars block over
 * {@code uwsgiMaxVarsSize} or more than {@code uwsgiMaxVars} variables, 400 for a malformed
 * packet or variable, 411 for a transfer-coded body without {@code CONTENT_LENGTH}, 413/414/431
 * for the HTTP limits; 0 (close without an answer) when the peer closes inside a packet head. After a failure the parser is dead: later calls throw
 * {@link IllegalStateException}.
 *
 * <p>Callers should feed more bytes only after {@link #next} returned {@link Http1Event#NEED_DATA};
 * the internal buffer then stays bounded by one packet head ({@code 4 + uwsgiMaxVarsSize}
 * bytes) plus one read.
 *
 * <p>Not thread-safe: one parser per connection, driven by one thread at a time.
 */
public final class UwsgiParser extends ReceiveBuffer implements RequestDecoder {
    /** modifier1, datasize (2 bytes), modifier2. */
    static final int HEADER_SIZE = 4;
    /** The most a single read asks for while a body streams. */
    private static final int BODY_READ = 16 * 1024;
    /** Read-only and empty, so it can be shared by every parser. */
    private static final Http1Event.EndOfMessage END = new Http1Event.EndOfMessage(new Headers(0).readOnly());

    private enum State { HEADER, VARS, BODY, END }

    private final UwsgiOptions options;
    private final boolean peerAllowed;
    private final UwsgiVars vars = new UwsgiVars();
    private final VarsMapping mapping;

    private boolean failed;
    private State state = State.HEADER;
    private int varsSize;
    private long remaining;

    /**
     * @param options       who may send packets, and the limits
     * @param peer          the connection's peer: unless {@code options.allowIps()} allows it (a
     *                      Unix-socket peer always is), its first byte gets 403 and nothing of it
     *                      is parsed. A value only; the parser never touches the connection
     * @param defaultScheme {@code http}, or {@code https} on a TLS listener ({@code suwsgi}); the
     *                      scheme when the packet has neither {@code HTTPS} nor {@code REQUEST_SCHEME}
     */
    public UwsgiParser(UwsgiOptions options, SocketAddress peer, String defaultScheme) {
        this.options = options;
        this.peerAllowed = options.allowIps().allowsPeer(peer);
        this.mapping = new VarsMapping(options, defaultScheme);
    }

    /**
     * How much it is worth reading next: the rest of the packet head once its size is known
     * (nginx sends head and small bodies in one write), a small read before that, up to
     * {@link #BODY_READ} bytes while a body streams.
     */
    @Override
    public int suggestedReadSize() {
        return switch (state) {
            case VARS -> Math.max(INITIAL_BUFFER, varsSize - (end - start));
            case BODY -> (int) Math.min(BODY_READ, Math.max(INITIAL_BUFFER, remaining));
            default -> INITIAL_BUFFER;
        };
    }

    /**
     * {@link ResponseDialect#CLOSE_DELIMITED}: nginx's uwsgi module parses an HTTP/1.1-formatted
     * response but decodes no chunking and takes any status line as the final one, so a body of
     * unknown length is delimited by closing the connection and no {@code 100 Continue} or
     * {@code 103 Early Hints} is sent.
     */
    @Override
    public ResponseDialect responseDialect() {
        return ResponseDialect.CLOSE_DELIMITED;
    }

    /**
     * The next event, or {@link Http1Event#NEED_DATA}. A request is a
     * {@link Http1Event.RequestHead}, its {@link Http1Event.Body} events and an
     * {@link Http1Event.EndOfMessage} (without trailers); {@link Http1Event.ConnectionClosed}
     * reports a clean end between packets.
     *
     * @throws BadRequestException the input is not acceptable; the parser is dead afterwards
     * @throws IllegalStateException the parser already failed
     */
    @Override
    public Http1Event next() throws BadRequestException {
        if (failed) {
            throw new IllegalStateException("the parser already rejected this connection's input");
        }
        try {
            return switch (state) {
                case HEADER -> readHeader();
                case VARS -> readVars();
                case BODY -> readBody();
                case END -> endMessage();
            };
        } catch (BadRequestException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private Http1Event readHeader() throws BadRequestException {
        if (start == end) {
            return eof ? Http1Event.ConnectionClosed.INSTANCE : Http1Event.NEED_DATA;
        }
        if (!peerAllowed) {
            throw new BadRequestException(403, "uWSGI request from a peer not in uwsgiAllowIps");
        }
        int modifier1 = buf[start] & 0xff;
        if (modifier1 != 0) {
            // 0 is a WSGI/HTTP request; 5 (PSGI), 30, 72 (chunked input), 111 (ping)... are not served.
            throw new BadRequestException(501, "unsupported uWSGI modifier1 " + modifier1
                    + (modifier1 >= 'A' && modifier1 <= 'Z' ? " (HTTP sent to a uWSGI listener?)" : ""));
        }
        if (end - start < HEADER_SIZE) {
            return needHeadData();
        }
        int size = UwsgiVars.le16(buf, start + 1);
        // modifier2 (buf[start + 3]) means nothing for modifier1 0; gunicorn ignores it too.
        if (size > options.maxVarsSize()) {
            throw new BadRequestException(431, "uWSGI vars block of " + size + " bytes over uwsgiMaxVarsSize ("
                    + options.maxVarsSize() + ")");
        }
        start += HEADER_SIZE;
        varsSize = size;
        state = State.VARS;
        return readVars();
    }

    private Http1Event readVars() throws BadRequestException {
        if (end - start < varsSize) {
            return needHeadData();
        }
        vars.parse(buf, start, start + varsSize, options.maxVars());
        Http1Event.RequestHead head = mapping.map(vars);
        vars.clear();
        start += varsSize;
        remaining = head.contentLength();
        state = remaining > 0 ? State.BODY : State.END;
        return head;
    }

    private Http1Event needHeadData() throws BadRequestException {
        if (eof) {
            throw new BadRequestException(0, "connection closed inside a uWSGI packet head");
        }
        return Http1Event.NEED_DATA;
    }

    private Http1Event readBody() throws BadRequestException {
        int avail = end - start;
        if (avail == 0) {
            if (eof) {
                throw new BadRequestException(400, "connection closed inside the request body");
            }
            return Http1Event.NEED_DATA;
        }
        int n = (int) Math.min(avail, remaining);
        Http1Event.Body body = new Http1Event.Body(take(n));
        remaining -= n;
        if (remaining == 0) {
            state = State.END;
        }
        return body;
    }

    /** The body ended; the next bytes start a packet. */
    private Http1Event endMessage() {
        releaseLargeBuffer();
        state = State.HEADER;
        varsSize = 0;
        remaining = 0;
        return END;
    }

    /** The length of the internal buffer, for tests of its bound. */
    int bufferCapacity() {
        return buf.length;
    }
}
