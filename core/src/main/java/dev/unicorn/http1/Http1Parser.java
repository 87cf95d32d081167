package dev.unicorn.http1;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpVersion;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A sans-I/O HTTP/1.1 request parser (RFC 9112), the connections' default {@link RequestDecoder}
 * (its input buffer is {@link ReceiveBuffer}'s): fed bytes with {@link #receive} and
 * {@link #receiveEof}, it hands out {@link Http1Event}s from {@link #next}. It never touches a
 * socket, a thread or a clock, and gives the same events whatever the split of the input.
 *
 * <p>Strict by default: ambiguous framing, bare CR or LF, obs-fold, malformed fields and
 * conflicting singletons are rejected with a {@link BadRequestException} carrying the status
 * to answer (0 to close without an answer). After such a failure the parser is dead: later
 * calls throw {@link IllegalStateException}.
 *
 * <p>Callers should feed more bytes only after {@link #next} returned {@link Http1Event#NEED_DATA};
 * the internal buffer then stays bounded by the limits of {@link ParserOptions}.
 *
 * <p>Not thread-safe: one parser per connection, driven by one thread at a time.
 */
public final class Http1Parser extends ReceiveBuffer implements RequestDecoder {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';
    /** Bound on a chunk-size line (size, extensions), CRLF excluded. */
    static final int MAX_CHUNK_LINE = 4096;
    /** Content-Length digits accepted: 18 always fit a long. */
    private static final int MAX_CONTENT_LENGTH_DIGITS = 18;
    /** The most a single read asks for while a body streams. */
    private static final int BODY_READ = 16 * 1024;
    /** Read-only and empty, so it can be shared by every parser. */
    private static final Http1Event.EndOfMessage END_WITHOUT_TRAILERS =
            new Http1Event.EndOfMessage(new Headers().readOnly());

    /** Reads 8 bytes at a time, so that scans skip ordinary text a word at a time. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long DELS = 0x7f7f7f7f7f7f7f7fL;

    /** Non-zero when some byte of {@code word} is below {@code n} (n <= 128; bytes >= 0x80 never count). */
    private static long anyBelow(long word, int n) {
        return (word - ONES * n) & ~word & (ONES << 7);
    }

    private enum State {
        PROXY, REQUEST_LINE, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, END
    }

    // settings
    private final ParserOptions options;
    private final boolean peerTrusted;
    private final boolean proxyAllowed;
    private final String defaultScheme;
    private final int limitLine;
    private final int limitFields;
    private final int limitFieldSize;
    private final int limitHead;
    private final long limitBody;
    private final String[] schemeNames;
    private final String[] schemeValues;
    private final boolean forwardAll;
    private final String[] forwarderNames;

    // input (the bytes themselves are ReceiveBuffer's)
    /** Where the line scan resumes, so a line arriving in pieces is scanned once. */
    private int scanPos;
    private boolean failed;
    private State state;

    // connection
    private int proxyKind;
    private ProxyInfo proxy;

    // the message in progress
    private int emptyLineBytes;
    private int headBytes;
    private int fieldCount;
    private String method;
    private String target;
    private ParsedTarget parsedTarget;
    private HttpVersion version;
    private Headers headFields;
    private Headers trailerFields;
    private String pendingName;
    private String pendingValue;
    private boolean pendingUnderscore;
    private int pendingSize;
    private boolean hostSeen;
    private boolean contentTypeSeen;
    private boolean contentLengthSeen;
    private long contentLength;
    private boolean chunked;
    private boolean coded;
    private boolean expectContinue;
    private String headerScheme;
    private long remaining;
    private long bodyTotal;

    /**
     * @param options       limits and leniencies
     * @param peerTrusted   the socket peer is in {@code forwardedAllowIps}: its secure-scheme
     *                      headers and forwarder headers are believed
     * @param proxyAllowed  the socket peer is in {@code proxyAllowIps}: it may send a PROXY
     *                      header (otherwise a PROXY header gets 403)
     * @param defaultScheme {@code http}, or {@code https} on a TLS connection
     */
    public Http1Parser(ParserOptions options, boolean peerTrusted, boolean proxyAllowed, String defaultScheme) {
        this.options = options;
        this.peerTrusted = peerTrusted;
        this.proxyAllowed = proxyAllowed;
        this.defaultScheme = defaultScheme;
        this.limitLine = options.effectiveRequestLine();
        this.limitFields = options.effectiveRequestFields();
        this.limitFieldSize = options.effectiveRequestFieldSize();
        this.limitHead = options.effectiveHeadSize();
        this.limitBody = options.limitRequestBody();
        int n = options.secureSchemeHeaders().size();
        this.schemeNames = new String[n];
        this.schemeValues = new String[n];
        int k = 0;
        for (Map.Entry<String, String> e : options.secureSchemeHeaders().entrySet()) {
            schemeNames[k] = e.getKey();
            schemeValues[k] = e.getValue();
            k++;
        }
        this.forwardAll = options.forwarderHeaders().contains("*");
        this.forwarderNames = options.forwarderHeaders().toArray(new String[0]);
        this.state = options.proxyProtocol() == ProxyProtocolMode.OFF ? State.REQUEST_LINE : State.PROXY;
    }

    /**
     * How much it is worth reading next: a small read while a request head is expected (an
     * idle connection then holds a small buffer), up to {@link #BODY_READ} bytes while a body streams.
     */
    @Override
    public int suggestedReadSize() {
        return switch (state) {
            case BODY -> (int) Math.min(BODY_READ, Math.max(INITIAL_BUFFER, remaining));
            case CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END -> BODY_READ;
            default -> INITIAL_BUFFER;
        };
    }

    /**
     * The next event, or {@link Http1Event#NEED_DATA}.
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
            return advance();
        } catch (BadRequestException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private Http1Event advance() throws BadRequestException {
        while (true) {
            Http1Event event;
            switch (state) {
                case PROXY -> event = readProxyHeader();
                case REQUEST_LINE -> event = readRequestLine();
                case HEADERS -> event = readFields(false);
                case BODY -> event = readBody(State.END);
                case CHUNK_SIZE -> event = readChunkSize();
                case CHUNK_DATA -> event = readBody(State.CHUNK_DATA_END);
                case CHUNK_DATA_END -> event = readChunkDataEnd();
                case TRAILERS -> event = readFields(true);
                case END -> {
                    endMessage();
                    event = END_WITHOUT_TRAILERS;
                }
                default -> throw new IllegalStateException(state.toString());
            }
            if (event != null) {
                return event;
            }
        }
    }

    // ---------------------------------------------------------------- buffer

    @Override
    protected void compacted(int shift) {
        scanPos = Math.max(scanPos - shift, 0);
    }

    // Messages built once: scanLine takes its message eagerly, and it runs for every line.
    private static final String HEADER_LINE_TOO_LONG = "header field line larger than limitRequestFieldSize";
    private static final String TRAILER_LINE_TOO_LONG = "trailer field line larger than limitRequestFieldSize";
    private static final String HEAD_TOO_LARGE = "request head too large";
    private static final String TRAILERS_TOO_LARGE = "trailer section too large";
    private static final String CHUNK_LINE_TOO_LONG = "chunk size line longer than " + MAX_CHUNK_LINE + " bytes";

    /**
     * Finds the CRLF ending the line that starts at {@code start}; returns the index of its CR,
     * or -1 when more bytes are needed. A line holding more than {@code maxContent} bytes fails
     * with {@code status} as soon as the excess byte arrives, before its CRLF; a bare CR, a bare
     * LF, a control character other than HTAB or DEL fails with 400 (RFC 9110 §5.5, RFC 9112 §2.2).
     */
    private int scanLine(int maxContent, int status, String message) throws BadRequestException {
        final byte[] b = buf;
        final int stop = end;
        int i = Math.max(scanPos, start);
        long lim = (long) start + Math.max(maxContent, 0);
        int limit = lim < stop ? (int) lim : stop;
        while (i < limit) {
            if (i + 8 <= limit) {
                long w = (long) LONGS.get(b, i);
                if ((anyBelow(w, 0x20) | anyBelow(w ^ DELS, 1)) == 0) {
                    i += 8; // no control character (CR and LF included) and no DEL in these 8 bytes
                    continue;
                }
            }
            byte c = b[i];
            if ((c & 0xff) < 0x20 || c == 0x7f) {
                if (c == CR || c == LF) {
                    break;
                }
                if (c != '\t') {
                    // No line of a head, a chunk-size line or a PROXY v1 line may hold one.
                    throw new BadRequestException(400, "invalid control character");
                }
            }
            i++;
        }
        if (i == stop) {
            scanPos = i;
            return -1;
        }
        byte c = b[i];
        if (c == CR) {
            if (i + 1 == stop) {
                scanPos = i;
                return -1;
            }
            if (b[i + 1] != LF) {
                throw new BadRequestException(400, "bare CR not followed by LF");
            }
            scanPos = i + 2;
            return i;
        }
        if (c == LF) {
            throw new BadRequestException(400, "bare LF without CR");
        }
        throw new BadRequestException(status, message);
    }

    private Http1Event needHeadData() throws BadRequestException {
        if (eof) {
            throw new BadRequestException(0, "connection closed inside the request head");
        }
        return Http1Event.NEED_DATA;
    }

    private Http1Event needBodyData() throws BadRequestException {
        if (eof) {
            throw new BadRequestException(400, "connection closed inside the request body");
        }
        return Http1Event.NEED_DATA;
    }

    // ---------------------------------------------------------------- PROXY protocol

    private Http1Event readProxyHeader() throws BadRequestException {
        ProxyProtocolMode mode = options.proxyProtocol();
        int avail = end - start;
        if (proxyKind == 0) {
            int m = ProxyHeaderParser.match(buf, start, avail, mode);
            if (m == ProxyHeaderParser.PREFIX) {
                if (!eof) {
                    return Http1Event.NEED_DATA;
                }
                if (avail == 0 || mode == ProxyProtocolMode.AUTO) {
                    state = State.REQUEST_LINE; // a clean close, or HTTP that reports the EOF
                    return null;
                }
                throw new BadRequestException(0, "connection closed inside the PROXY protocol header");
            }
            if (m == ProxyHeaderParser.NO_MATCH) {
                if (mode == ProxyProtocolMode.AUTO) {
                    state = State.REQUEST_LINE;
                    return null;
                }
                throw new BadRequestException(400, "connection must start with a PROXY protocol "
                        + (mode == ProxyProtocolMode.V1 ? "v1" : "v2") + " header");
            }
            if (!proxyAllowed) {
                throw new BadRequestException(403, "PROXY protocol header from a peer not in proxyAllowIps");
            }
            proxyKind = m;
        }
        if (proxyKind == ProxyHeaderParser.V1) {
            int cr = scanLine(ProxyHeaderParser.V1_MAX_LINE - 2, 400,
                    "invalid PROXY protocol header: v1 line longer than 107 bytes");
            if (cr < 0) {
                return needHeadData();
            }
            proxy = ProxyHeaderParser.parseV1(buf, start, cr);
            start = cr + 2;
        } else {
            if (avail < ProxyHeaderParser.V2_FIXED) {
                return needHeadData();
            }
            int total = ProxyHeaderParser.v2Length(buf, start);
            if (avail < total) {
                return needHeadData();
            }
            proxy = ProxyHeaderParser.parseV2(buf, start);
            start += total;
        }
        state = State.REQUEST_LINE;
        return null;
    }

    // ---------------------------------------------------------------- request line

    private Http1Event readRequestLine() throws BadRequestException {
        // RFC 9112 §2.2: empty lines before the request line are ignored (bounded).
        while (true) {
            if (start == end) {
                return eof ? Http1Event.ConnectionClosed.INSTANCE : Http1Event.NEED_DATA;
            }
            byte c = buf[start];
            if (c != CR && c != LF) {
                break;
            }
            if (c == LF) {
                throw new BadRequestException(400, "bare LF without CR");
            }
            if (start + 1 == end) {
                return needHeadData();
            }
            if (buf[start + 1] != LF) {
                throw new BadRequestException(400, "bare CR not followed by LF");
            }
            emptyLineBytes += 2;
            if (emptyLineBytes > limitLine) {
                throw new BadRequestException(400, "too many empty lines before the request line");
            }
            start += 2;
        }
        int cr = scanLine(limitLine, 414, "request line longer than limitRequestLine");
        if (cr < 0) {
            return needHeadData();
        }
        parseRequestLine(start, cr);
        headBytes = cr + 2 - start;
        start = cr + 2;
        headFields = new Headers(16);
        state = State.HEADERS;
        return null;
    }

    private void parseRequestLine(int from, int to) throws BadRequestException {
        final byte[] b = buf;
        int sp1 = indexOf(b, SP, from, to);
        int sp2 = sp1 < 0 ? -1 : indexOf(b, SP, sp1 + 1, to);
        if (sp2 < 0) {
            throw new BadRequestException(400, "invalid request line: expected method SP target SP version");
        }
        method = parseMethod(from, sp1);
        int ts = sp1 + 1;
        if (ts == sp2) {
            throw new BadRequestException(400, "invalid request line: empty request target");
        }
        for (int i = ts; i < sp2; i++) {
            if (!FieldSyntax.is(b[i], FieldSyntax.TARGET)) {
                throw new BadRequestException(400, "invalid request target: control character");
            }
        }
        target = new String(b, ts, sp2 - ts, StandardCharsets.ISO_8859_1);
        parsedTarget = ParsedTarget.parse(b, ts, sp2, target, method);
        version = parseVersion(sp2 + 1, to);
    }

    private static int indexOf(byte[] b, byte x, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private String parseMethod(int from, int to) throws BadRequestException {
        final byte[] b = buf;
        int len = to - from;
        if (len == 0) {
            throw new BadRequestException(400, "invalid request line: empty method");
        }
        boolean conventional = len >= 3 && len <= 20;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (!FieldSyntax.is(c, FieldSyntax.TOKEN)) {
                throw new BadRequestException(400, "invalid method: not a token");
            }
            if ((c >= 'a' && c <= 'z') || c == '#') {
                conventional = false;
            }
        }
        if (!conventional && !options.permitUnconventionalHttpMethod()) {
            throw new BadRequestException(400, "invalid method: unconventional (3..20 characters, no lowercase, no #)");
        }
        String m = knownMethod(b, from, len);
        if (m == null) {
            m = new String(b, from, len, StandardCharsets.ISO_8859_1);
            if (options.casefoldHttpMethod()) {
                m = m.toUpperCase(Locale.ROOT);
            }
        }
        return m;
    }

    private static final String[] KNOWN_METHODS = {
        "GET", "PUT", "POST", "HEAD", "PATCH", "TRACE", "DELETE", "OPTIONS", "CONNECT"
    };

    private static String knownMethod(byte[] b, int from, int len) {
        for (String m : KNOWN_METHODS) {
            if (m.length() == len && regionEquals(b, from, m)) {
                return m;
            }
        }
        return null;
    }

    private static boolean regionEquals(byte[] b, int from, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (b[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private HttpVersion parseVersion(int from, int to) throws BadRequestException {
        final byte[] b = buf;
        if (to - from != 8 || !regionEquals(b, from, "HTTP/") || b[from + 6] != '.'
                || !FieldSyntax.is(b[from + 5], FieldSyntax.DIGIT) || !FieldSyntax.is(b[from + 7], FieldSyntax.DIGIT)) {
            throw new BadRequestException(400, "invalid HTTP version: expected HTTP/DIGIT.DIGIT");
        }
        int major = b[from + 5] - '0';
        int minor = b[from + 7] - '0';
        if (major != 1 || minor > 1) {
            if (!options.permitUnconventionalHttpVersion()) {
                throw new BadRequestException(505, "HTTP version not supported: HTTP/" + major + "." + minor);
            }
        }
        return HttpVersion.of(major, minor);
    }

    // ---------------------------------------------------------------- fields

    /** Reads header lines (or trailer lines) up to the empty line. */
    private Http1Event readFields(boolean trailers) throws BadRequestException {
        while (true) {
            if (start == end) {
                return trailers ? needBodyData() : needHeadData();
            }
            byte first = buf[start];
            boolean fold = first == SP || first == '\t';
            int fieldRoom = limitFieldSize - 2 - (fold && pendingName != null ? pendingSize : 0);
            int headRoom = limitHead - headBytes - 2;
            int cr = fieldRoom <= headRoom
                    ? scanLine(fieldRoom, 431, trailers ? TRAILER_LINE_TOO_LONG : HEADER_LINE_TOO_LONG)
                    : scanLine(headRoom, 431, trailers ? TRAILERS_TOO_LARGE : HEAD_TOO_LARGE);
            if (cr < 0) {
                return trailers ? needBodyData() : needHeadData();
            }
            int from = start;
            headBytes += cr - from + 2;
            start = cr + 2;
            if (cr == from) {
                commitPending(trailers);
                return trailers ? endTrailers() : endHead();
            }
            if (fold) {
                foldLine(from, cr);
            } else {
                commitPending(trailers);
                parseFieldLine(from, cr);
            }
        }
    }

    /** Validates {@code name ":" OWS value OWS} and holds it until the next line shows it is complete. */
    private void parseFieldLine(int from, int to) throws BadRequestException {
        final byte[] b = buf;
        int i = from;
        int h = 0;
        boolean underscore = false;
        while (i < to) {
            byte c = b[i];
            if (!FieldSyntax.is(c, FieldSyntax.TOKEN)) {
                break;
            }
            underscore |= c == '_';
            h = 31 * h + c;
            i++;
        }
        int nameEnd = i;
        if (i < to && b[i] != ':') {
            if (FieldSyntax.isWhitespace(b[i])) {
                if (!options.stripHeaderSpaces()) {
                    // RFC 9112 §5.1: whitespace before ':' is a smuggling vector; reject.
                    throw new BadRequestException(400, "invalid field name: whitespace before colon");
                }
                while (i < to && FieldSyntax.isWhitespace(b[i])) {
                    i++;
                }
            }
            if (i < to && b[i] != ':') {
                throw new BadRequestException(400, "invalid field name: not a token");
            }
        }
        if (i == to) {
            throw new BadRequestException(400, "invalid field line: no colon");
        }
        if (nameEnd == from) {
            throw new BadRequestException(400, "invalid field line: empty name");
        }
        // field-value bytes were checked by scanLine: no control character but HTAB, no DEL
        int vs = i + 1;
        int ve = to;
        while (vs < ve && FieldSyntax.isWhitespace(b[vs])) {
            vs++;
        }
        while (ve > vs && FieldSyntax.isWhitespace(b[ve - 1])) {
            ve--;
        }
        pendingName = FieldNameCache.name(b, from, nameEnd, FieldNameCache.mix(h));
        pendingValue = vs == ve ? "" : new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1);
        pendingUnderscore = underscore;
        pendingSize = to - from + 2;
    }

    /** An obs-fold continuation line (RFC 9112 §5.2): rejected, or trimmed and joined with one SP. */
    private void foldLine(int from, int to) throws BadRequestException {
        if (!options.permitObsoleteFolding()) {
            throw new BadRequestException(400, "obsolete line folding");
        }
        if (pendingName == null) {
            throw new BadRequestException(400, "obsolete line folding with no field to continue");
        }
        pendingSize += to - from + 2;
        int vs = from;
        int ve = to;
        while (vs < ve && FieldSyntax.isWhitespace(buf[vs])) {
            vs++;
        }
        while (ve > vs && FieldSyntax.isWhitespace(buf[ve - 1])) {
            ve--;
        }
        if (vs < ve) {
            String more = new String(buf, vs, ve - vs, StandardCharsets.ISO_8859_1);
            pendingValue = pendingValue.isEmpty() ? more : pendingValue + " " + more;
        }
    }

    /** Applies the field policy to the held field and keeps it (or drops it). */
    private void commitPending(boolean trailers) throws BadRequestException {
        String name = pendingName;
        if (name == null) {
            return;
        }
        String value = pendingValue;
        pendingName = null;
        pendingValue = null;
        if (pendingUnderscore && !forwarded(name)) {
            switch (options.headerMap()) {
                case DROP -> {
                    return; // dropped fields do not count toward limitRequestFields
                }
                case REFUSE -> throw new BadRequestException(400, "invalid field name: underscore in " + name);
                case DANGEROUS -> {
                }
            }
        }
        if (++fieldCount > limitFields) {
            throw new BadRequestException(431, (trailers ? "trailer" : "header") + " fields more than limitRequestFields");
        }
        if (trailers) {
            // RFC 9110 §6.5.1: fields that framing, routing or authentication depend on.
            if (forbiddenInTrailers(name)) {
                throw new BadRequestException(400, "field not allowed in trailers: " + name);
            }
            if (trailerFields == null) {
                trailerFields = new Headers(4);
            }
            trailerFields.add(name, value);
            return;
        }
        headFields.add(name, value);
        applyHeadRules(name, value);
    }

    private boolean forwarded(String name) {
        if (!peerTrusted) {
            return false;
        }
        if (forwardAll) {
            return true;
        }
        for (String f : forwarderNames) {
            if (f.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean forbiddenInTrailers(String name) {
        return name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Length")
                || name.equalsIgnoreCase("Transfer-Encoding") || name.equalsIgnoreCase("Trailer")
                || name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("TE");
    }

    /** Singletons, Expect, framing and secure-scheme headers, applied in wire order. */
    private void applyHeadRules(String name, String value) throws BadRequestException {
        switch (name.length()) {
            case 4 -> {
                if (name.equalsIgnoreCase("Host")) {
                    if (hostSeen) {
                        throw new BadRequestException(400, "more than one Host field");
                    }
                    hostSeen = true;
                }
            }
            case 6 -> {
                if (name.equalsIgnoreCase("Expect") && version.atLeast11()) {
                    if (!value.equalsIgnoreCase("100-continue")) {
                        throw new BadRequestException(417, "unsupported expectation: " + value);
                    }
                    expectContinue = true;
                }
            }
            case 12 -> {
                if (name.equalsIgnoreCase("Content-Type")) {
                    if (contentTypeSeen) {
                        throw new BadRequestException(400, "more than one Content-Type field");
                    }
                    contentTypeSeen = true;
                }
            }
            case 14 -> {
                if (name.equalsIgnoreCase("Content-Length")) {
                    contentLength(value);
                }
            }
            case 17 -> {
                if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    transferEncoding(value);
                }
            }
            default -> {
            }
        }
        if (peerTrusted) {
            for (int k = 0; k < schemeNames.length; k++) {
                if (name.equalsIgnoreCase(schemeNames[k])) {
                    String s = value.equals(schemeValues[k]) ? "https" : "http";
                    if (headerScheme != null && !headerScheme.equals(s)) {
                        throw new BadRequestException(400, "secure scheme headers disagree");
                    }
                    headerScheme = s;
                }
            }
        }
    }

    /** RFC 9112 §6.3: one Content-Length field of 1*DIGIT; anything else is a smuggling vector. */
    private void contentLength(String value) throws BadRequestException {
        if (contentLengthSeen) {
            throw new BadRequestException(400, "more than one Content-Length field");
        }
        contentLengthSeen = true;
        int n = value.length();
        if (n == 0 || n > MAX_CONTENT_LENGTH_DIGITS) {
            throw new BadRequestException(400, "invalid Content-Length: " + value);
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new BadRequestException(400, "invalid Content-Length: " + value);
            }
            v = v * 10 + (c - '0');
        }
        contentLength = v;
    }

    /**
     * RFC 9112 §6.1: a list of codings with chunked last, once. identity is a no-op before
     * chunked; gzip, x-gzip, deflate and compress are passed through undecoded before chunked;
     * anything else is not implemented.
     */
    private void transferEncoding(String value) throws BadRequestException {
        int n = value.length();
        int i = 0;
        while (true) {
            int comma = value.indexOf(',', i);
            int e = comma < 0 ? n : comma;
            int s = i;
            while (s < e && (value.charAt(s) == ' ' || value.charAt(s) == '\t')) {
                s++;
            }
            while (e > s && (value.charAt(e - 1) == ' ' || value.charAt(e - 1) == '\t')) {
                e--;
            }
            if (s == e) {
                throw new BadRequestException(400, "invalid Transfer-Encoding: empty coding");
            }
            if (is(value, s, e, "chunked")) {
                if (chunked) {
                    throw new BadRequestException(400, "invalid Transfer-Encoding: chunked applied twice");
                }
                chunked = true;
            } else if (is(value, s, e, "identity")) {
                if (chunked) {
                    throw new BadRequestException(400, "invalid Transfer-Encoding: coding after chunked");
                }
            } else if (is(value, s, e, "gzip") || is(value, s, e, "x-gzip") || is(value, s, e, "deflate")
                    || is(value, s, e, "compress")) {
                if (chunked) {
                    throw new BadRequestException(400, "invalid Transfer-Encoding: coding after chunked");
                }
                coded = true;
            } else {
                throw new BadRequestException(501, "unsupported transfer coding: " + value.substring(s, e));
            }
            if (comma < 0) {
                return;
            }
            i = comma + 1;
        }
    }

    private static boolean is(String s, int from, int to, String word) {
        return to - from == word.length() && s.regionMatches(true, from, word, 0, word.length());
    }

    private Http1Event endHead() throws BadRequestException {
        if (chunked) {
            if (!version.atLeast11()) {
                throw new BadRequestException(400, "invalid Transfer-Encoding: chunked in an HTTP/1.0 request");
            }
            if (contentLengthSeen) {
                // RFC 9112 §6.3: TE and CL together is a smuggling vector; reject.
                throw new BadRequestException(400, "both Content-Length and Transfer-Encoding");
            }
        } else if (coded) {
            // RFC 9112 §6.3: a request body whose final coding is not chunked cannot be framed.
            throw new BadRequestException(400, "invalid Transfer-Encoding: chunked is not the final coding");
        }
        if (options.requireHostHeader() && version.atLeast11() && !hostSeen) {
            throw new BadRequestException(400, "missing Host header");
        }
        long length = chunked ? -1 : contentLengthSeen ? contentLength : 0;
        if (limitBody >= 0 && length > limitBody) {
            throw new BadRequestException(413, "Content-Length " + length + " over limitRequestBody");
        }
        Headers headers = headFields.readOnly();
        boolean keepAlive = version.atLeast11();
        if (headers.containsToken("Connection", "close")) {
            keepAlive = false;
        } else if (!keepAlive && headers.containsToken("Connection", "keep-alive")) {
            keepAlive = true;
        }
        if (coded) {
            keepAlive = false; // the coded body reaches the app undecoded; do not trust what follows
        }
        ParsedTarget t = parsedTarget;
        Http1Event.RequestHead head = new Http1Event.RequestHead(method, target, t.path(), t.query(), t.fragment(),
                version, headers, length, chunked, expectContinue, keepAlive,
                headerScheme != null ? headerScheme : defaultScheme, proxy);
        if (chunked) {
            state = State.CHUNK_SIZE;
            bodyTotal = 0;
        } else if (length > 0) {
            state = State.BODY;
            remaining = length;
        } else {
            state = State.END;
        }
        headFields = null;
        parsedTarget = null;
        return head;
    }

    // ---------------------------------------------------------------- body

    private Http1Event readBody(State after) throws BadRequestException {
        int avail = end - start;
        if (avail == 0) {
            return needBodyData();
        }
        int n = (int) Math.min(avail, remaining);
        Http1Event.Body body = new Http1Event.Body(take(n));
        remaining -= n;
        if (remaining == 0) {
            state = after;
        }
        return body;
    }

    private Http1Event readChunkSize() throws BadRequestException {
        if (start == end) {
            return needBodyData();
        }
        int cr = scanLine(MAX_CHUNK_LINE, 400, CHUNK_LINE_TOO_LONG);
        if (cr < 0) {
            return needBodyData();
        }
        long size = ChunkSizeLine.parse(buf, start, cr);
        start = cr + 2;
        if (limitBody >= 0 && size > limitBody - bodyTotal) {
            throw new BadRequestException(413, "chunked body over limitRequestBody");
        }
        bodyTotal = bodyTotal + size < 0 ? Long.MAX_VALUE : bodyTotal + size;
        if (size == 0) {
            state = State.TRAILERS;
            headBytes = 0;
            fieldCount = 0;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return null;
    }

    private Http1Event readChunkDataEnd() throws BadRequestException {
        if (start == end) {
            return needBodyData();
        }
        if (buf[start] != CR) {
            throw new BadRequestException(400, "chunk data not followed by CRLF");
        }
        if (start + 1 == end) {
            return needBodyData();
        }
        if (buf[start + 1] != LF) {
            throw new BadRequestException(400, "chunk data not followed by CRLF");
        }
        start += 2;
        state = State.CHUNK_SIZE;
        return null;
    }

    private Http1Event endTrailers() {
        Http1Event event = trailerFields == null ? END_WITHOUT_TRAILERS
                : new Http1Event.EndOfMessage(trailerFields.readOnly());
        endMessage();
        return event;
    }

    /** Forgets the message just parsed; the next bytes start a request. */
    private void endMessage() {
        if (releaseLargeBuffer()) {
            scanPos = 0;
        }
        state = State.REQUEST_LINE;
        emptyLineBytes = 0;
        headBytes = 0;
        fieldCount = 0;
        method = null;
        target = null;
        parsedTarget = null;
        version = null;
        headFields = null;
        trailerFields = null;
        hostSeen = false;
        contentTypeSeen = false;
        contentLengthSeen = false;
        contentLength = 0;
        chunked = false;
        coded = false;
        expectContinue = false;
        headerScheme = null;
        remaining = 0;
        bodyTotal = 0;
    }
}
