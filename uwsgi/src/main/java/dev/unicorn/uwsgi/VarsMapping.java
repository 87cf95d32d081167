package dev.unicorn.uwsgi;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpVersion;
import dev.unicorn.http1.Http1Event;
import dev.unicorn.http1.Http1Syntax;
import dev.unicorn.http1.ParserOptions;
import dev.unicorn.http1.ProxyInfo;
import dev.unicorn.net.IpLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Maps a packet's variables onto the request head every protocol shares (the table is in
 * {@code docs/uwsgi.md}). The peer is trusted (it passed {@code uwsgiAllowIps}): a uWSGI peer
 * is a proxy by nature, every variable of the request comes from it, so its
 * {@code REMOTE_ADDR} and {@code SERVER_NAME} are believed like its {@code REQUEST_URI}.
 *
 * <p>Nothing is percent-decoded: {@code REQUEST_URI} is the client's raw target, so the
 * application decodes the path exactly once. The fallback from {@code PATH_INFO}, which nginx
 * has already decoded, re-encodes it so that decoding it once gives {@code PATH_INFO} back.
 */
final class VarsMapping {
    private static final int METHOD = 0;
    private static final int URI = 1;
    private static final int PATH_INFO = 2;
    private static final int QUERY = 3;
    private static final int CONTENT_TYPE = 4;
    private static final int CONTENT_LENGTH = 5;
    private static final int HTTPS = 6;
    private static final int SCHEME = 7;
    private static final int PROTOCOL = 8;
    private static final int REMOTE_ADDR = 9;
    private static final int REMOTE_PORT = 10;
    private static final int SERVER_NAME = 11;
    private static final int SERVER_PORT = 12;
    /** The variables with a meaning here, by the constants above; each may appear once. */
    private static final String[] NAMES = {
        "REQUEST_METHOD", "REQUEST_URI", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
        "HTTPS", "REQUEST_SCHEME", "SERVER_PROTOCOL", "REMOTE_ADDR", "REMOTE_PORT", "SERVER_NAME", "SERVER_PORT"};
    private static final String[] KNOWN_METHODS = {
        "GET", "PUT", "POST", "HEAD", "PATCH", "TRACE", "DELETE", "OPTIONS", "CONNECT"};
    private static final int MAX_CONTENT_LENGTH_DIGITS = 18;
    /** Bytes a path segment may hold unencoded (RFC 3986 §3.3 pchar, plus '/'); '%' is not among them. */
    private static final boolean[] PATH_SAFE = new boolean[256];
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int c = 0; c < 128; c++) {
            PATH_SAFE[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
        }
    }

    private final UwsgiOptions options;
    private final String defaultScheme;
    private final int limitTarget;
    private final int limitFields;
    private final int limitFieldSize;
    /** Where each of {@link #NAMES} sits in the current packet, or -1. */
    private final int[] at = new int[NAMES.length];
    private byte[] nameScratch = new byte[64];

    VarsMapping(UwsgiOptions options, String defaultScheme) {
        this.options = options;
        this.defaultScheme = defaultScheme;
        ParserOptions http = options.http();
        this.limitTarget = Http1Syntax.effectiveRequestLine(http);
        this.limitFields = Http1Syntax.effectiveRequestFields(http);
        this.limitFieldSize = Http1Syntax.effectiveRequestFieldSize(http);
    }

    /**
     * The request head the variables describe; its content length frames the body.
     *
     * @throws BadRequestException 400 for a malformed or ambiguous variable, 413 for a body over
     *                             {@code limitRequestBody}, 414 for a target over
     *                             {@code limitRequestLine}, 431 for too many or too large headers
     */
    Http1Event.RequestHead map(UwsgiVars v) throws BadRequestException {
        Arrays.fill(at, -1);
        Headers headers = new Headers(16);
        int fields = 0;
        boolean host = false;
        boolean transferCoded = false;
        long contentLength = 0;
        for (int i = 0; i < v.count(); i++) {
            if (v.keyLength(i) >= 5 && startsWithHttp(v, i)) {
                String name = headerName(v, i);
                if (name == null) {
                    transferCoded |= v.keyIs(i, "HTTP_TRANSFER_ENCODING");
                    continue;
                }
                if (v.keyLength(i) - 5 + 2 + v.valueLength(i) > limitFieldSize - 2) {
                    throw new BadRequestException(431, "header variable " + v.key(i) + " larger than limitRequestFieldSize");
                }
                if (++fields > limitFields) {
                    throw new BadRequestException(431, "header variables more than limitRequestFields");
                }
                if (name.equals("host")) {
                    if (host) {
                        throw new BadRequestException(400, "more than one HTTP_HOST variable");
                    }
                    host = true;
                }
                headers.add(name, fieldValue(v, i));
                continue;
            }
            int k = known(v, i);
            if (k < 0) {
                continue; // DOCUMENT_ROOT and the like: nothing in the exchange to carry them
            }
            if (at[k] >= 0) {
                // Last-wins (gunicorn) would let two readers see two requests; reject.
                throw new BadRequestException(400, "more than one " + NAMES[k] + " variable");
            }
            at[k] = i;
            if (k == CONTENT_TYPE && v.valueLength(i) > 0) {
                headers.add("content-type", fieldValue(v, i));
            } else if (k == CONTENT_LENGTH && v.valueLength(i) > 0) {
                // nginx sends CONTENT_LENGTH="" on a request without a body: absent, not an error.
                contentLength = contentLength(v, i);
                headers.add("content-length", v.value(i));
            }
        }
        if (transferCoded && !present(CONTENT_LENGTH, v)) {
            // A packet's body is CONTENT_LENGTH bytes (nginx de-chunks uploads and says how many);
            // a coded body of unknown length would be read as the next packet.
            throw new BadRequestException(411, "HTTP_TRANSFER_ENCODING without CONTENT_LENGTH");
        }
        String method = method(v);
        long limitBody = options.http().limitRequestBody();
        if (limitBody >= 0 && contentLength > limitBody) {
            throw new BadRequestException(413, "CONTENT_LENGTH " + contentLength + " over limitRequestBody");
        }
        String target;
        byte[] tb;
        int from;
        int to;
        if (present(URI, v)) {
            int i = at[URI];
            tb = v.buffer();
            from = v.valueStart(i);
            to = from + v.valueLength(i);
            checkTargetLength(to - from);
            target = v.value(i);
        } else if (present(PATH_INFO, v)) {
            target = targetFromPathInfo(v);
            checkTargetLength(target.length());
            tb = target.getBytes(StandardCharsets.ISO_8859_1);
            from = 0;
            to = tb.length;
        } else {
            throw new BadRequestException(400, "uWSGI packet without REQUEST_URI or PATH_INFO");
        }
        Http1Syntax.Target t = Http1Syntax.parseTarget(tb, from, to, target, method);
        return new Http1Event.RequestHead(method, target, t.path(), t.query(), t.fragment(), version(v),
                headers.readOnly(), contentLength, false, false, true, scheme(v), addresses(v));
    }

    private boolean present(int k, UwsgiVars v) {
        return at[k] >= 0 && v.valueLength(at[k]) > 0;
    }

    private static boolean startsWithHttp(UwsgiVars v, int i) {
        byte[] b = v.buffer();
        int k = v.keyStart(i);
        return b[k] == 'H' && b[k + 1] == 'T' && b[k + 2] == 'T' && b[k + 3] == 'P' && b[k + 4] == '_';
    }

    private static int known(UwsgiVars v, int i) {
        for (int k = 0; k < NAMES.length; k++) {
            if (v.keyIs(i, NAMES[k])) {
                return k;
            }
        }
        return -1;
    }

    /**
     * {@code HTTP_ACCEPT_LANGUAGE} becomes {@code accept-language}: the suffix must be letters,
     * digits and '_' (what nginx and CGI produce), anything else is 400. Returns null for the
     * variables that are dropped:
     * <ul>
     *   <li>{@code HTTP_CONTENT_LENGTH} and {@code HTTP_CONTENT_TYPE}: nginx passes the client's
     *       own lines besides {@code CONTENT_LENGTH} and {@code CONTENT_TYPE}, which are the ones
     *       that count (they frame the body), so the request carries each field once;</li>
     *   <li>{@code HTTP_TRANSFER_ENCODING}: nginx de-chunks an upload and sends its length in
     *       {@code CONTENT_LENGTH}; the field would describe a framing the application does not get.</li>
     * </ul>
     */
    private String headerName(UwsgiVars v, int i) throws BadRequestException {
        byte[] b = v.buffer();
        int from = v.keyStart(i) + 5;
        int n = v.keyLength(i) - 5;
        if (n == 0) {
            throw new BadRequestException(400, "invalid header variable: HTTP_ without a name");
        }
        if (nameScratch.length < n) {
            nameScratch = new byte[Math.max(n, nameScratch.length * 2)];
        }
        byte[] out = nameScratch;
        for (int j = 0; j < n; j++) {
            byte c = b[from + j];
            if (c >= 'A' && c <= 'Z') {
                out[j] = (byte) (c + ('a' - 'A'));
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out[j] = c;
            } else if (c == '_') {
                out[j] = '-';
            } else {
                throw new BadRequestException(400, "invalid header variable name: " + printable(v.key(i)));
            }
        }
        String name = Http1Syntax.fieldName(out, 0, n);
        return switch (name) {
            case "transfer-encoding", "content-length", "content-type" -> null;
            default -> name;
        };
    }

    /** The value of variable {@code i} as a field value: no control character but HTAB, no DEL; OWS trimmed. */
    private static String fieldValue(UwsgiVars v, int i) throws BadRequestException {
        byte[] b = v.buffer();
        int s = v.valueStart(i);
        int e = s + v.valueLength(i);
        for (int j = s; j < e; j++) {
            if (!Http1Syntax.isFieldValueByte(b[j])) {
                throw new BadRequestException(400, "invalid character in variable " + printable(v.key(i)));
            }
        }
        while (s < e && Http1Syntax.isWhitespace(b[s])) {
            s++;
        }
        while (e > s && Http1Syntax.isWhitespace(b[e - 1])) {
            e--;
        }
        return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    }

    /** 1 to 18 digits, as a Content-Length field must be (RFC 9110 §8.6). */
    private static long contentLength(UwsgiVars v, int i) throws BadRequestException {
        byte[] b = v.buffer();
        int s = v.valueStart(i);
        int n = v.valueLength(i);
        if (n > MAX_CONTENT_LENGTH_DIGITS) {
            throw new BadRequestException(400, "invalid CONTENT_LENGTH: " + printable(v.value(i)));
        }
        long value = 0;
        for (int j = s; j < s + n; j++) {
            if (b[j] < '0' || b[j] > '9') {
                throw new BadRequestException(400, "invalid CONTENT_LENGTH: " + printable(v.value(i)));
            }
            value = value * 10 + (b[j] - '0');
        }
        return value;
    }

    private String method(UwsgiVars v) throws BadRequestException {
        if (!present(METHOD, v)) {
            throw new BadRequestException(400, "uWSGI packet without REQUEST_METHOD");
        }
        int i = at[METHOD];
        byte[] b = v.buffer();
        int s = v.valueStart(i);
        int n = v.valueLength(i);
        boolean conventional = n >= 3 && n <= 20;
        for (int j = s; j < s + n; j++) {
            byte c = b[j];
            if (!Http1Syntax.isTokenByte(c)) {
                throw new BadRequestException(400, "invalid REQUEST_METHOD: not a token");
            }
            if ((c >= 'a' && c <= 'z') || c == '#') {
                conventional = false;
            }
        }
        if (!conventional && !options.http().permitUnconventionalHttpMethod()) {
            throw new BadRequestException(400, "invalid REQUEST_METHOD: unconventional (3..20 characters, no lowercase, no #)");
        }
        for (String m : KNOWN_METHODS) {
            if (v.valueLength(i) == m.length() && valueIs(v, i, m)) {
                return m;
            }
        }
        String m = v.value(i);
        return options.http().casefoldHttpMethod() ? m.toUpperCase(Locale.ROOT) : m;
    }

    private static boolean valueIs(UwsgiVars v, int i, String text) {
        byte[] b = v.buffer();
        int s = v.valueStart(i);
        for (int j = 0; j < text.length(); j++) {
            if (b[s + j] != text.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** True if the value of variable {@code i} is the ASCII text {@code text}, ignoring ASCII case. */
    private static boolean valueIsIgnoreCase(UwsgiVars v, int i, String text) {
        int s = v.valueStart(i);
        return Http1Syntax.equalsIgnoreCase(v.buffer(), s, s + v.valueLength(i), text);
    }

    private void checkTargetLength(int n) throws BadRequestException {
        if (n > limitTarget) {
            throw new BadRequestException(414, "request target longer than limitRequestLine");
        }
    }

    /** {@code PATH_INFO} (decoded by nginx) encoded back, plus {@code ?QUERY_STRING} when there is one. */
    private String targetFromPathInfo(UwsgiVars v) {
        int i = at[PATH_INFO];
        byte[] b = v.buffer();
        int s = v.valueStart(i);
        int n = v.valueLength(i);
        int q = at[QUERY] >= 0 ? v.valueLength(at[QUERY]) : 0;
        StringBuilder sb = new StringBuilder(n + (q > 0 ? q + 1 : 0) + 16);
        for (int j = s; j < s + n; j++) {
            int c = b[j] & 0xff;
            if (PATH_SAFE[c]) {
                sb.append((char) c);
            } else {
                sb.append('%').append((char) HEX[c >> 4]).append((char) HEX[c & 0xf]);
            }
        }
        if (q > 0) {
            sb.append('?').append(v.value(at[QUERY]));
        }
        return sb.toString();
    }

    /** {@code HTTPS} (on/1/true or off/0/false, any case) and {@code REQUEST_SCHEME} (http/https) must agree. */
    private String scheme(UwsgiVars v) throws BadRequestException {
        String https = null;
        if (at[HTTPS] >= 0) {
            int i = at[HTTPS];
            if (valueIsIgnoreCase(v, i, "on") || valueIsIgnoreCase(v, i, "1") || valueIsIgnoreCase(v, i, "true")) {
                https = "https";
            } else if (v.valueLength(i) == 0 || valueIsIgnoreCase(v, i, "off") || valueIsIgnoreCase(v, i, "0")
                    || valueIsIgnoreCase(v, i, "false")) {
                https = "http";
            } else {
                throw new BadRequestException(400, "invalid HTTPS variable: " + printable(v.value(i)));
            }
        }
        String scheme = null;
        if (present(SCHEME, v)) {
            int i = at[SCHEME];
            if (valueIsIgnoreCase(v, i, "https")) {
                scheme = "https";
            } else if (valueIsIgnoreCase(v, i, "http")) {
                scheme = "http";
            } else {
                throw new BadRequestException(400, "invalid REQUEST_SCHEME: " + printable(v.value(i)));
            }
        }
        if (https != null && scheme != null && !https.equals(scheme)) {
            throw new BadRequestException(400, "HTTPS and REQUEST_SCHEME disagree");
        }
        return https != null ? https : scheme != null ? scheme : defaultScheme;
    }

    /** {@code SERVER_PROTOCOL} as {@code HTTP/DIGIT.DIGIT} (nginx: HTTP/1.0, HTTP/1.1, HTTP/2.0, HTTP/3.0); HTTP/1.1 when absent. */
    private HttpVersion version(UwsgiVars v) throws BadRequestException {
        if (!present(PROTOCOL, v)) {
            return HttpVersion.HTTP_1_1;
        }
        int i = at[PROTOCOL];
        byte[] b = v.buffer();
        int s = v.valueStart(i);
        if (v.valueLength(i) != 8 || !valueIs(v, i, "HTTP/") || b[s + 6] != '.'
                || !digit(b[s + 5]) || !digit(b[s + 7])) {
            throw new BadRequestException(400, "invalid SERVER_PROTOCOL: " + printable(v.value(i)));
        }
        return HttpVersion.of(b[s + 5] - '0', b[s + 7] - '0');
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    /**
     * The client and the address it reached, as nginx saw them. {@code REMOTE_ADDR} that is not
     * an IP literal (nginx gives {@code unix:} for a client of its own Unix socket) leaves the
     * connection's peer in place: no addresses are announced then.
     */
    private ProxyInfo addresses(UwsgiVars v) throws BadRequestException {
        if (!present(REMOTE_ADDR, v)) {
            return null;
        }
        byte[] ip = IpLiteral.parse(v.value(at[REMOTE_ADDR]));
        if (ip == null) {
            return null;
        }
        InetSocketAddress source = new InetSocketAddress(address(ip), port(v, REMOTE_PORT));
        InetSocketAddress destination = null;
        if (present(SERVER_NAME, v)) {
            String name = v.value(at[SERVER_NAME]);
            byte[] serverIp = IpLiteral.parse(name);
            int port = port(v, SERVER_PORT);
            destination = serverIp != null ? new InetSocketAddress(address(serverIp), port)
                    : InetSocketAddress.createUnresolved(name, port);
        }
        return new ProxyInfo(source, destination);
    }

    private static InetAddress address(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip); // 4 or 16 bytes: no lookup, never fails
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A decimal port 0..65535; 0 when the variable is absent or empty. */
    private int port(UwsgiVars v, int k) throws BadRequestException {
        if (!present(k, v)) {
            return 0;
        }
        int i = at[k];
        byte[] b = v.buffer();
        int s = v.valueStart(i);
        int n = v.valueLength(i);
        int port = 0;
        for (int j = s; j < s + n; j++) {
            if (!digit(b[j]) || n > 5) {
                throw new BadRequestException(400, "invalid " + NAMES[k] + ": " + printable(v.value(i)));
            }
            port = port * 10 + (b[j] - '0');
        }
        if (port > 65535) {
            throw new BadRequestException(400, "invalid " + NAMES[k] + ": " + port);
        }
        return port;
    }

    /** Printable ASCII of {@code s}, at most 64 characters, for messages. */
    private static String printable(String s) {
        return Http1Syntax.printable(s, 64);
    }
}
