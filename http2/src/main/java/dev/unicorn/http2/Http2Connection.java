package dev.unicorn.http2;

import dev.unicorn.http.Headers;
import dev.unicorn.http2.frame.ErrorCode;
import dev.unicorn.http2.frame.Frame;
import dev.unicorn.http2.frame.FrameParser;
import dev.unicorn.http2.frame.FrameWriter;
import dev.unicorn.http2.frame.Http2Exception;
import dev.unicorn.http2.frame.SettingId;
import dev.unicorn.http2.hpack.HeaderSink;
import dev.unicorn.http2.hpack.HpackDecoder;
import dev.unicorn.http2.hpack.HpackEncoder;
import dev.unicorn.http2.hpack.HpackException;
import dev.unicorn.http2.hpack.IndexingPolicy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server side of one HTTP/2 connection (RFC 9113) as a state machine over bytes, in the
 * style of Python's h2: feed it what the socket read with {@link #receive}, act on the
 * {@link Http2Event}s it returns, call the {@code send...} methods to respond, and write out
 * {@link #pendingOutput()}. It never touches a socket, a thread or a clock.
 *
 * <p>It checks the client preface and the first SETTINGS, acknowledges SETTINGS and PING,
 * runs each stream through the states of §5.1 with the connection or stream error each rule
 * calls for, validates request fields (§8.2, §8.3), refuses streams beyond
 * SETTINGS_MAX_CONCURRENT_STREAMS, and does flow control both ways. Request body credit is
 * returned to the peer only when the application reports it {@link #consumed}, so a slow
 * reader slows the client instead of filling memory. Floods (rapid reset, PING, SETTINGS,
 * empty frames, CONTINUATION) are bounded by the budgets of {@link Http2Options} and end the
 * connection with ENHANCE_YOUR_CALM. Server push is never used (SETTINGS_ENABLE_PUSH 0).
 *
 * <p>Not thread-safe: a driver that runs streams on several threads serialises calls with one
 * lock per connection (see {@code docs/http2.md}).
 */
public final class Http2Connection {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /**
     * Recently closed streams remembered: true if we reset it (its late frames are ignored,
     * §5.1 "closed"), false if it ended normally (a HEADERS on it is STREAM_CLOSED rather than
     * the PROTOCOL_ERROR of a stream that never existed, §5.1.1).
     */
    private static final int CLOSED_MEMORY = 1024;
    private static final String[] STATUS = new String[600];
    /** The payload of the PING that ends the first step of a graceful GOAWAY ("goaway!!"). */
    private static final long GOAWAY_PING = 0x676f61776179_2121L;

    static {
        for (int i = 100; i < 600; i++) {
            STATUS[i] = Integer.toString(i);
        }
    }

    private final Http2Options options;
    private final FrameParser parser;
    private final FrameWriter writer;
    private final HpackDecoder decoder;
    private final HpackEncoder encoder;
    private ByteBuffer input = ByteBuffer.allocate(0);
    private int prefaceMatched;
    private boolean settingsReceived;
    private boolean settingsAcknowledged;
    private final Map<Integer, Stream> streams = new HashMap<>();
    private final Map<Integer, Boolean> recentlyClosed = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
            return size() > CLOSED_MEMORY;
        }
    };
    private int highestStreamId;
    private long connectionReceiveWindow;
    private long connectionUnacknowledged;
    private long connectionSendWindow = SettingId.DEFAULT_WINDOW;
    private long peerInitialWindow = SettingId.DEFAULT_WINDOW;
    private int peerMaxFrameSize = SettingId.MIN_MAX_FRAME_SIZE;
    private long peerMaxHeaderListSize = Long.MAX_VALUE;
    private int resets;
    private int controlFrames;
    private int emptyFrames;
    /** WINDOW_UPDATE frames the peer may send for the DATA we sent (two per frame: stream and connection). */
    private int windowUpdatesEarned;
    /** {@link #goAway()} was called: the first GOAWAY and its PING are out. */
    private boolean goAwayStarted;
    /** The final GOAWAY is out: streams above {@link #goAwayLastStreamId} are ignored. */
    private boolean goAwaySent;
    private int goAwayLastStreamId;
    private boolean peerGoAway;
    private boolean failed;
    private List<Http2Event> events;

    /** A connection with these limits; its SETTINGS (and connection WINDOW_UPDATE) are queued at once. */
    public Http2Connection(Http2Options options) {
        this.options = options;
        this.parser = new FrameParser(options.maxFrameSize(), options.maxHeaderBlockSize(), options.maxContinuationFrames());
        this.writer = new FrameWriter(1024);
        // until our SETTINGS are acknowledged the peer may assume the protocol's 4096 (RFC 7541 §4.2)
        this.decoder = new HpackDecoder(Math.max(options.headerTableSize(), 4096), options.maxHeaderListSize());
        this.encoder = new HpackEncoder(4096, true, IndexingPolicy.PROTECT_SENSITIVE);
        List<Frame.Setting> settings = new ArrayList<>();
        if (options.headerTableSize() != 4096) {
            settings.add(new Frame.Setting(SettingId.HEADER_TABLE_SIZE, options.headerTableSize()));
        }
        settings.add(new Frame.Setting(SettingId.ENABLE_PUSH, 0));
        settings.add(new Frame.Setting(SettingId.MAX_CONCURRENT_STREAMS, options.maxConcurrentStreams()));
        if (options.initialWindowSize() != SettingId.DEFAULT_WINDOW) {
            settings.add(new Frame.Setting(SettingId.INITIAL_WINDOW_SIZE, options.initialWindowSize()));
        }
        if (options.maxFrameSize() != SettingId.MIN_MAX_FRAME_SIZE) {
            settings.add(new Frame.Setting(SettingId.MAX_FRAME_SIZE, options.maxFrameSize()));
        }
        settings.add(new Frame.Setting(SettingId.MAX_HEADER_LIST_SIZE, options.maxHeaderListSize()));
        writer.settings(settings);
        connectionReceiveWindow = options.connectionWindowSize();
        if (options.connectionWindowSize() > SettingId.DEFAULT_WINDOW) {
            writer.windowUpdate(0, options.connectionWindowSize() - SettingId.DEFAULT_WINDOW);
        }
    }

    // ---------------------------------------------------------------- input

    /**
     * Consumes all of {@code bytes} (its position ends at its limit) and returns what happened.
     * Byte views in the events stay valid until the next call. After a
     * {@link Http2Event.ConnectionError} further input is ignored.
     */
    public List<Http2Event> receive(ByteBuffer bytes) {
        events = new ArrayList<>();
        if (failed) {
            bytes.position(bytes.limit());
            return events;
        }
        try {
            while (prefaceMatched < PREFACE.length && bytes.hasRemaining()) {
                if (bytes.get() != PREFACE[prefaceMatched++]) {
                    bytes.position(bytes.limit());
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "invalid connection preface (§3.4)");
                }
            }
            input.compact();
            if (input.remaining() < bytes.remaining()) {
                ByteBuffer b = ByteBuffer.allocate(input.position() + bytes.remaining());
                b.put(input.flip());
                input = b;
            }
            input.put(bytes).flip();
            while (!failed) {
                Frame f;
                try {
                    f = parser.parse(input);
                } catch (Http2Exception e) {
                    if (e.isConnectionError() || !settingsReceived) {
                        throw settingsReceived ? e : Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                                "the preface must be followed by SETTINGS (§3.4)");
                    }
                    onStreamError(e.streamId(), e.error());
                    continue;
                }
                if (f == null) {
                    break;
                }
                handle(f);
            }
        } catch (Http2Exception e) {
            fail(e.error(), e.getMessage());
        }
        return events;
    }

    private void handle(Frame f) throws Http2Exception {
        if (!settingsReceived) {
            if (!(f instanceof Frame.Settings s) || s.ack()) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "the preface must be followed by SETTINGS (§3.4)");
            }
            settingsReceived = true;
        }
        switch (f) {
            case Frame.Headers h -> onHeaders(h);
            case Frame.Data d -> onData(d);
            case Frame.RstStream r -> onRstStream(r);
            case Frame.Settings s -> onSettings(s);
            case Frame.Ping p -> onPing(p);
            case Frame.GoAway g -> {
                peerGoAway = true;
                events.add(new Http2Event.GoAwayReceived(g.lastStreamId(), ErrorCode.of(g.errorCode()),
                        StandardCharsets.ISO_8859_1.decode(g.debugData()).toString()));
            }
            case Frame.WindowUpdate w -> onWindowUpdate(w);
            case Frame.PriorityFrame p -> chargeEmpty(); // advisory only (§5.3.2); we keep no tree
            case Frame.Unknown u -> chargeEmpty();
        }
    }

    private boolean isIdle(int streamId) {
        return (streamId & 1) == 0 || streamId > highestStreamId; // we never open even streams
    }

    private void onHeaders(Frame.Headers h) throws Http2Exception {
        int id = h.streamId();
        Stream s = streams.get(id);
        if (s != null) {
            onTrailers(s, h);
            return;
        }
        if ((id & 1) == 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "client stream " + id + " is even (§5.1.1)");
        }
        if (id <= highestStreamId) {
            decode(h.block(), new FieldSection(true)); // keep the HPACK context in step
            Boolean reset = recentlyClosed.get(id);
            if (reset == null) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "stream " + id + " is below stream " + highestStreamId + " (§5.1.1)");
            }
            if (reset) {
                return; // §5.1: frames after our RST_STREAM are ignored
            }
            throw Http2Exception.connection(ErrorCode.STREAM_CLOSED, "HEADERS on closed stream " + id + " (§5.1)");
        }
        highestStreamId = id;
        FieldSection fields = new FieldSection(false);
        boolean tooLarge = decode(h.block(), fields);
        if (goAwaySent && id > goAwayLastStreamId) {
            recentlyClosed.put(id, Boolean.TRUE); // §6.8: ignored, and so are its later frames
            return;
        }
        if (h.priority() != null && h.priority().dependency() == id) {
            refuse(id, ErrorCode.PROTOCOL_ERROR, true); // §5.3.1
            return;
        }
        if (streams.size() >= options.maxConcurrentStreams()) {
            refuse(id, ErrorCode.REFUSED_STREAM, false); // §5.1.2: a stream error, the connection goes on
            return;
        }
        useful();
        if (tooLarge) {
            // §10.5.1: a complete 431 response; the context is intact, so the connection goes on
            encoder.header(":status", STATUS[431]);
            writer.headers(id, encoder.finish(), true, peerMaxFrameSize);
            if (!h.endStream()) {
                writer.rstStream(id, ErrorCode.NO_ERROR); // §8.1: stop sending the body
            }
            recentlyClosed.put(id, Boolean.TRUE);
            return;
        }
        Http2Request request = fields.request();
        if (request == null || (h.endStream() && request.contentLength() > 0)) {
            refuse(id, ErrorCode.PROTOCOL_ERROR, true); // §8.1.1: malformed
            return;
        }
        s = new Stream(id, localInitialWindow(), peerInitialWindow);
        s.contentLength = request.contentLength();
        s.headRequest = request.method().equals("HEAD");
        s.remoteClosed = h.endStream();
        streams.put(id, s);
        events.add(new Http2Event.RequestHeaders(id, request, h.endStream()));
    }

    private void onTrailers(Stream s, Frame.Headers h) throws Http2Exception {
        FieldSection fields = new FieldSection(true);
        boolean tooLarge = decode(h.block(), fields);
        if (s.remoteClosed) {
            resetKnown(s, ErrorCode.STREAM_CLOSED, true); // §5.1 half-closed (remote)
        } else if (!h.endStream() || fields.violation() != null
                || (s.contentLength >= 0 && s.received != s.contentLength)) {
            resetKnown(s, ErrorCode.PROTOCOL_ERROR, true); // §8.1: trailers end the stream; §8.1.1
        } else if (tooLarge) {
            resetKnown(s, ErrorCode.ENHANCE_YOUR_CALM, true);
        } else {
            s.remoteClosed = true;
            events.add(new Http2Event.Trailers(s.id, fields.headers(null)));
            closeIfDone(s);
        }
    }

    /** Decodes a field block into {@code sink}; returns true if the list exceeded the limit. */
    private boolean decode(ByteBuffer block, HeaderSink sink) throws Http2Exception {
        try {
            decoder.decode(block, sink);
            return false;
        } catch (HpackException e) {
            if (e.headerListTooLarge()) {
                return true;
            }
            throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, e.getMessage());
        }
    }

    private void onData(Frame.Data d) throws Http2Exception {
        int id = d.streamId();
        int flow = d.flowControlled();
        if (flow > connectionReceiveWindow) {
            throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "DATA beyond the connection window (§6.9)");
        }
        connectionReceiveWindow -= flow;
        Stream s = streams.get(id);
        if (s == null) {
            if (isIdle(id)) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "DATA on idle stream " + id + " (§5.1)");
            }
            creditConnection(flow);
            if (!Boolean.TRUE.equals(recentlyClosed.get(id))) {
                refuse(id, ErrorCode.STREAM_CLOSED, true); // §5.1 closed
            }
            return;
        }
        if (s.remoteClosed) {
            creditConnection(flow);
            resetKnown(s, ErrorCode.STREAM_CLOSED, true); // §5.1 half-closed (remote)
            return;
        }
        if (flow > s.receiveWindow) {
            creditConnection(flow);
            resetKnown(s, ErrorCode.FLOW_CONTROL_ERROR, true); // §6.9
            return;
        }
        s.receiveWindow -= flow;
        int n = d.data().remaining();
        if (flow > n) { // padding is never consumed by the application: return it now
            creditConnection(flow - n);
            creditStream(s, flow - n);
        }
        s.received += n;
        if (s.contentLength >= 0 && (s.received > s.contentLength || (d.endStream() && s.received != s.contentLength))) {
            creditConnection(n);
            resetKnown(s, ErrorCode.PROTOCOL_ERROR, true); // §8.1.1: DATA disagrees with content-length
            return;
        }
        if (n > 0) {
            useful();
        } else if (!d.endStream()) {
            chargeEmpty();
        }
        s.unconsumed += n;
        if (d.endStream()) {
            s.remoteClosed = true;
        }
        if (n > 0 || d.endStream()) {
            events.add(new Http2Event.Data(id, d.data().asReadOnlyBuffer(), d.endStream()));
        }
        if (d.endStream()) {
            closeIfDone(s);
        }
    }

    private void onRstStream(Frame.RstStream r) throws Http2Exception {
        int id = r.streamId();
        Stream s = streams.remove(id);
        if (s == null) {
            if (isIdle(id)) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "RST_STREAM on idle stream " + id + " (§6.4)");
            }
            return; // already closed: ignore
        }
        recentlyClosed.put(id, Boolean.FALSE);
        release(s);
        events.add(new Http2Event.StreamReset(id, ErrorCode.of(r.errorCode()), true));
        chargeReset();
    }

    private void onSettings(Frame.Settings f) throws Http2Exception {
        if (f.ack()) {
            if (!settingsAcknowledged) {
                settingsAcknowledged = true;
                decoder.setMaxTableSize(options.headerTableSize());
                long delta = (long) options.initialWindowSize() - SettingId.DEFAULT_WINDOW;
                if (delta < 0) {
                    for (Stream s : streams.values()) {
                        s.receiveWindow += delta; // §6.9.2: streams opened before the ACK shrink too
                    }
                }
            }
            return;
        }
        chargeControl();
        boolean windowGrew = false;
        for (Frame.Setting setting : f.values()) {
            long v = setting.value();
            switch (setting.id()) {
                case SettingId.HEADER_TABLE_SIZE -> encoder.setPeerMaxTableSize((int) Math.min(v, Integer.MAX_VALUE));
                case SettingId.INITIAL_WINDOW_SIZE -> {
                    long delta = v - peerInitialWindow;
                    for (Stream s : streams.values()) {
                        s.sendWindow += delta;
                        if (s.sendWindow > SettingId.MAX_WINDOW) {
                            throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR,
                                    "SETTINGS_INITIAL_WINDOW_SIZE overflows the window of stream " + s.id + " (§6.9.2)");
                        }
                    }
                    peerInitialWindow = v;
                    windowGrew |= delta > 0;
                }
                case SettingId.MAX_FRAME_SIZE -> peerMaxFrameSize = (int) v;
                case SettingId.MAX_HEADER_LIST_SIZE -> peerMaxHeaderListSize = v;
                default -> {
                    // ENABLE_PUSH: we never push; MAX_CONCURRENT_STREAMS: we open no streams
                }
            }
        }
        writer.settingsAck();
        if (windowGrew) {
            events.add(new Http2Event.WindowUpdated(0));
        }
    }

    private void onPing(Frame.Ping p) throws Http2Exception {
        if (p.ack()) {
            if (p.payload() == GOAWAY_PING && goAwayStarted && !goAwaySent) {
                finishGoAway();
            } else {
                events.add(new Http2Event.PingAcknowledged(p.payload()));
            }
            return;
        }
        chargeControl();
        writer.ping(true, p.payload());
    }

    private void onWindowUpdate(Frame.WindowUpdate w) throws Http2Exception {
        int id = w.streamId();
        if (windowUpdatesEarned > 0) {
            windowUpdatesEarned--;
        } else {
            chargeEmpty(); // not answering DATA we sent: a WINDOW_UPDATE flood costs like empty frames
        }
        if (id == 0) {
            connectionSendWindow += w.increment();
            if (connectionSendWindow > SettingId.MAX_WINDOW) {
                throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "connection window above 2^31-1 (§6.9.1)");
            }
            events.add(new Http2Event.WindowUpdated(0));
            return;
        }
        Stream s = streams.get(id);
        if (s == null) {
            if (isIdle(id)) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + id + " (§5.1)");
            }
            return; // §5.1: WINDOW_UPDATE may arrive shortly after a stream closed
        }
        s.sendWindow += w.increment();
        if (s.sendWindow > SettingId.MAX_WINDOW) {
            resetKnown(s, ErrorCode.FLOW_CONTROL_ERROR, true);
            return;
        }
        events.add(new Http2Event.WindowUpdated(id));
    }

    private void onStreamError(int id, ErrorCode error) throws Http2Exception {
        Stream s = streams.get(id);
        if (s != null) {
            resetKnown(s, error, true);
        } else if (isIdle(id) && (id & 1) == 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "frame on idle even stream " + id);
        } else {
            refuse(id, error, true);
        }
    }

    // ---------------------------------------------------------------- budgets

    private void chargeReset() throws Http2Exception {
        if (++resets > options.resetBudget()) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "too many stream resets (rapid reset)");
        }
    }

    private void chargeControl() throws Http2Exception {
        if (++controlFrames > options.controlFrameBudget()) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "too many PING or SETTINGS frames");
        }
    }

    private void chargeEmpty() throws Http2Exception {
        if (++emptyFrames > options.emptyFrameBudget()) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "too many frames without effect");
        }
    }

    /** A request or a non-empty DATA frame: the peer does real work, so control and empty frames earn one back. */
    private void useful() {
        if (controlFrames > 0) {
            controlFrames--;
        }
        if (emptyFrames > 0) {
            emptyFrames--;
        }
    }

    // ---------------------------------------------------------------- stream ends

    /** Resets a stream the application does not know; {@code charge} for resets the peer caused. */
    private void refuse(int id, ErrorCode error, boolean charge) throws Http2Exception {
        writer.rstStream(id, error);
        recentlyClosed.put(id, Boolean.TRUE);
        if (charge) {
            chargeReset();
        }
    }

    /** Resets a stream the application knows and tells it. */
    private void resetKnown(Stream s, ErrorCode error, boolean charge) throws Http2Exception {
        streams.remove(s.id);
        release(s);
        writer.rstStream(s.id, error);
        recentlyClosed.put(s.id, Boolean.TRUE);
        events.add(new Http2Event.StreamReset(s.id, error, false));
        if (charge) {
            chargeReset();
        }
    }

    /** Returns what the stream held unconsumed to the connection window. */
    private void release(Stream s) {
        if (s.unconsumed > 0) {
            creditConnection(s.unconsumed);
            s.unconsumed = 0;
        }
    }

    private void closeIfDone(Stream s) {
        if (s.remoteClosed && s.localClosed) {
            streams.remove(s.id);
            recentlyClosed.put(s.id, Boolean.FALSE);
            release(s);
            if (resets > 0) {
                resets--; // a stream completed normally: one reset earned back
            }
        }
    }

    private void fail(ErrorCode error, String message) {
        failed = true;
        writer.goAway(highestStreamId, error, message);
        events.add(new Http2Event.ConnectionError(error, message));
    }

    // ---------------------------------------------------------------- flow control

    private long localInitialWindow() {
        // until the ACK the peer may still use the protocol's 65,535 (§6.9.2)
        return settingsAcknowledged ? options.initialWindowSize() : Math.max(options.initialWindowSize(), SettingId.DEFAULT_WINDOW);
    }

    private void creditConnection(long n) {
        connectionUnacknowledged += n;
        if (connectionUnacknowledged >= Math.max(1, options.connectionWindowSize() / 2)) {
            writer.windowUpdate(0, (int) connectionUnacknowledged);
            connectionReceiveWindow += connectionUnacknowledged;
            connectionUnacknowledged = 0;
        }
    }

    private void creditStream(Stream s, long n) {
        if (s.remoteClosed) {
            return; // the peer sends nothing more on it
        }
        s.unacknowledged += n;
        if (s.unacknowledged >= Math.max(1, options.initialWindowSize() / 2)) {
            writer.windowUpdate(s.id, (int) s.unacknowledged);
            s.receiveWindow += s.unacknowledged;
            s.unacknowledged = 0;
        }
    }

    /**
     * The application consumed {@code n} request body octets of stream {@code streamId}. The
     * credit goes back to the peer (WINDOW_UPDATE) once half a window has gathered, for the
     * stream and for the connection. Ignored for a stream that is gone.
     */
    public void consumed(int streamId, int n) {
        Stream s = streams.get(streamId);
        if (s == null || n <= 0) {
            return;
        }
        if (n > s.unconsumed) {
            throw new IllegalArgumentException("consumed " + n + " of " + s.unconsumed + " delivered octets");
        }
        s.unconsumed -= n;
        creditConnection(n);
        creditStream(s, n);
    }

    // ---------------------------------------------------------------- output

    /**
     * Sends the response head of stream {@code streamId}: an interim 1xx (repeatable, e.g. 103
     * Early Hints) or the final status. For HEAD requests and 204/304 the stream ends here
     * (RFC 9110 §6.4.1). Field names are sent lowercase; connection-specific fields
     * (§8.2.2) are dropped.
     *
     * @return true if a body or trailers may follow; false if the stream ended with these
     *     headers or is gone (reset)
     * @throws IllegalArgumentException a status outside 100..599 or 101, an interim status with
     *     {@code endStream}, a pseudo-header or an invalid field
     * @throws IllegalStateException the final headers were already sent
     */
    public boolean sendHeaders(int streamId, int status, Headers headers, boolean endStream) {
        Stream s = streams.get(streamId);
        if (s == null || s.localClosed) {
            return false;
        }
        if (status < 100 || status > 599 || status == 101) {
            throw new IllegalArgumentException("status " + status + " cannot be sent on HTTP/2 (§8.6)");
        }
        if (s.responseStarted) {
            throw new IllegalStateException("response headers already sent on stream " + streamId);
        }
        boolean interim = status < 200;
        if (interim && endStream) {
            throw new IllegalArgumentException("an interim response cannot end the stream");
        }
        checkFields(headers);
        encoder.header(":status", STATUS[status]);
        encodeFields(headers);
        if (!interim) {
            s.responseStarted = true;
            s.noResponseBody = s.headRequest || status == 204 || status == 304;
            endStream |= s.noResponseBody;
        }
        writer.headers(streamId, encoder.finish(), endStream, peerMaxFrameSize);
        if (endStream) {
            endLocal(s);
            return false;
        }
        return true;
    }

    /**
     * Sends trailers, ending the stream.
     *
     * @return false if the stream is gone or had ended
     * @throws IllegalStateException the response headers were not sent yet
     */
    public boolean sendTrailers(int streamId, Headers trailers) {
        Stream s = streams.get(streamId);
        if (s == null || s.localClosed) {
            return false;
        }
        if (!s.responseStarted) {
            throw new IllegalStateException("trailers before the response headers on stream " + streamId);
        }
        checkFields(trailers);
        encodeFields(trailers);
        writer.headers(streamId, encoder.finish(), true, peerMaxFrameSize);
        endLocal(s);
        return true;
    }

    /** Checks every field before any is encoded: a half-encoded block would put the HPACK tables out of step. */
    private static void checkFields(Headers headers) {
        for (int i = 0, n = headers.size(); i < n; i++) {
            String name = headers.name(i);
            if (!FieldSection.validName(name) && !FieldSection.validName(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("invalid field name for HTTP/2: " + name);
            }
            if (!FieldSection.validValue(headers.value(i))) {
                throw new IllegalArgumentException("invalid value of field " + name);
            }
        }
    }

    private void encodeFields(Headers headers) {
        for (int i = 0, n = headers.size(); i < n; i++) {
            String name = headers.name(i);
            if (!FieldSection.validName(name)) {
                name = name.toLowerCase(Locale.ROOT); // §8.2.1: lowercase on the wire
            }
            switch (name) {
                case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te" -> {
                    continue; // §8.2.2: HTTP/1.1 framing fields have no meaning here
                }
                default -> encoder.header(name, headers.value(i));
            }
        }
    }

    /**
     * Sends as much of {@code data} as the flow-control windows allow, in DATA frames no larger
     * than the peer's SETTINGS_MAX_FRAME_SIZE, advancing its position. {@code endStream} takes
     * effect only once all of it is sent. When less than all was sent, wait for a
     * {@link Http2Event.WindowUpdated} and call again with the rest.
     *
     * @return the octets sent; -1 if the stream is gone (reset, or ended), in which case the
     *     data is dropped. After a HEAD request or a 204/304 the content is dropped silently
     *     and counted as sent.
     * @throws IllegalStateException the response headers were not sent yet
     */
    public int sendData(int streamId, ByteBuffer data, boolean endStream) {
        Stream s = streams.get(streamId);
        if (s == null || s.localClosed) {
            return -1;
        }
        if (!s.responseStarted) {
            throw new IllegalStateException("DATA before the response headers on stream " + streamId);
        }
        int total = data.remaining();
        int n = (int) Math.max(0, Math.min(total, Math.min(connectionSendWindow, s.sendWindow)));
        boolean end = endStream && n == total;
        int p = data.position();
        int sent = 0;
        do {
            int chunk = Math.min(n - sent, peerMaxFrameSize);
            if (chunk == 0 && !end) {
                break;
            }
            writer.data(streamId, data.slice(p + sent, chunk), end && sent + chunk == n);
            windowUpdatesEarned = Math.min(windowUpdatesEarned + 2, 2 * options.maxConcurrentStreams() + 64);
            sent += chunk;
        } while (sent < n);
        data.position(p + n);
        connectionSendWindow -= n;
        s.sendWindow -= n;
        if (end) {
            endLocal(s);
        }
        return n;
    }

    /** The octets {@link #sendData} could send now on {@code streamId}; -1 if the stream is gone. */
    public int sendWindow(int streamId) {
        Stream s = streams.get(streamId);
        if (s == null || s.localClosed) {
            return -1;
        }
        return (int) Math.max(0, Math.min(connectionSendWindow, s.sendWindow));
    }

    private void endLocal(Stream s) {
        s.localClosed = true;
        if (!s.remoteClosed) {
            // §8.1: the response is complete; ask the client to stop sending the request
            writer.rstStream(s.id, ErrorCode.NO_ERROR);
            recentlyClosed.put(s.id, Boolean.TRUE);
            streams.remove(s.id);
            release(s);
            return;
        }
        closeIfDone(s);
    }

    /**
     * Resets stream {@code streamId} on the application's behalf (CANCEL when it gives up,
     * INTERNAL_ERROR when it failed after the response started). Ignored for a stream that is
     * gone.
     */
    public void resetStream(int streamId, ErrorCode error) {
        Stream s = streams.remove(streamId);
        if (s == null) {
            return;
        }
        release(s);
        writer.rstStream(streamId, error);
        recentlyClosed.put(streamId, Boolean.TRUE);
    }

    /**
     * Starts a graceful shutdown in the two steps of RFC 9113 §6.8: a GOAWAY(NO_ERROR) with the
     * largest stream id and a PING now; once the PING is acknowledged (every stream the client
     * sent before it has arrived), a second GOAWAY naming the last stream received. Streams
     * above it are then ignored, and open ones run to their end. Idempotent. The driver bounds
     * the wait for the acknowledgement (its graceful timeout).
     */
    public void goAway() {
        if (goAwayStarted || failed) {
            return;
        }
        goAwayStarted = true;
        writer.goAway(SettingId.MAX_WINDOW, ErrorCode.NO_ERROR, null);
        writer.ping(false, GOAWAY_PING);
    }

    private void finishGoAway() {
        goAwaySent = true;
        goAwayLastStreamId = highestStreamId;
        writer.goAway(highestStreamId, ErrorCode.NO_ERROR, null);
    }

    /**
     * Sends a PING; its acknowledgement arrives as {@link Http2Event.PingAcknowledged}. The
     * payload {@code 0x676f617761792121} is reserved for {@link #goAway()}.
     */
    public void ping(long payload) {
        writer.ping(false, payload);
    }

    /** The octets to write to the peer, as a read-only view; report what was written with {@link #consumeOutput}. */
    public ByteBuffer pendingOutput() {
        return writer.pending();
    }

    /** True if output is waiting. */
    public boolean hasPendingOutput() {
        return writer.pendingBytes() > 0;
    }

    /** Drops the first {@code n} octets of {@link #pendingOutput()}, which were written. */
    public void consumeOutput(int n) {
        writer.consume(n);
    }

    /** Streams open (in either direction). */
    public int openStreams() {
        return streams.size();
    }

    /**
     * True when the connection should close once its output is written: after a connection
     * error, or after either side's GOAWAY once no stream is open.
     */
    public boolean isFinished() {
        return failed || ((goAwaySent || peerGoAway) && streams.isEmpty());
    }

    /** The peer's SETTINGS_MAX_HEADER_LIST_SIZE (advisory; unlimited until it sends one). */
    public long peerMaxHeaderListSize() {
        return peerMaxHeaderListSize;
    }
}
