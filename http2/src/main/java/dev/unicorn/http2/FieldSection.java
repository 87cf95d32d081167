package dev.unicorn.http2;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http.Headers;
import dev.unicorn.http1.Http1Syntax;
import dev.unicorn.http2.hpack.HeaderSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects and validates one received field section (a request head or trailers) while HPACK
 * decodes it. The first violation is kept, the rest of the block is still decoded (the HPACK
 * context must stay in step), and the stream is then rejected as malformed (RFC 9113 §8.1.1).
 */
final class FieldSection implements HeaderSink {
    private final boolean trailers;
    private String method;
    private String scheme;
    private String authority;
    private String path;
    private boolean regularSeen;
    private final List<String> fields = new ArrayList<>(32);
    private StringBuilder cookies;
    private String host;
    private long contentLength = -1;
    private String violation;

    FieldSection(boolean trailers) {
        this.trailers = trailers;
    }

    /** The first rule the section broke, or null. */
    String violation() {
        return violation;
    }

    private void fail(String why) {
        if (violation == null) {
            violation = why;
        }
    }

    @Override
    public void header(String name, String value, boolean sensitive) {
        if (violation != null) {
            return;
        }
        if (name.isEmpty()) {
            fail("empty field name");
            return;
        }
        if (!validValue(value)) {
            fail("invalid value of " + name + " (§8.2.1)");
            return;
        }
        if (name.charAt(0) == ':') {
            pseudo(name, value);
            return;
        }
        regularSeen = true;
        if (!validName(name)) {
            fail("field name not a lowercase token: " + name + " (§8.2.1)");
            return;
        }
        switch (name) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> {
                fail("connection-specific field " + name + " (§8.2.2)");
                return;
            }
            case "te" -> {
                if (!value.equalsIgnoreCase("trailers")) {
                    fail("te other than trailers (§8.2.2)");
                    return;
                }
            }
            case "content-length" -> {
                long n = parseLength(value);
                if (n < 0 || (contentLength >= 0 && n != contentLength)) {
                    fail("invalid content-length: " + value);
                    return;
                }
                if (contentLength >= 0) {
                    return; // an identical repeat adds nothing (RFC 9110 §8.6)
                }
                contentLength = n;
            }
            case "cookie" -> {
                // §8.2.3: cookie crumbs are joined with "; " for an HTTP/1.1 view
                if (cookies == null) {
                    cookies = new StringBuilder(value);
                    fields.add(name);
                    fields.add(null); // placeholder, filled in by headers()
                } else {
                    cookies.append("; ").append(value);
                }
                return;
            }
            case "host" -> {
                if (host != null) {
                    fail("repeated host");
                    return;
                }
                host = value;
            }
            default -> {
            }
        }
        fields.add(name);
        fields.add(value);
    }

    private void pseudo(String name, String value) {
        if (trailers) {
            fail("pseudo-header " + name + " in trailers (§8.1)");
            return;
        }
        if (regularSeen) {
            fail("pseudo-header " + name + " after a regular field (§8.3)");
            return;
        }
        switch (name) {
            case ":method" -> method = once(name, method, value);
            case ":scheme" -> scheme = once(name, scheme, value);
            case ":authority" -> authority = once(name, authority, value);
            case ":path" -> path = once(name, path, value);
            default -> fail("pseudo-header " + name + " not allowed in a request (§8.3)");
        }
    }

    private String once(String name, String previous, String value) {
        if (previous != null) {
            fail("repeated " + name + " (§8.3.1)");
        }
        return value;
    }

    /**
     * RFC 9113 §8.2.1 and the HTTP/1.1 rule (RFC 9110 §5.5, core's field-value class): no
     * controls but HTAB, no DEL, no leading or trailing whitespace, and only chars that are
     * one octet (ISO-8859-1).
     */
    static boolean validValue(String v) {
        int n = v.length();
        if (n == 0) {
            return true;
        }
        if (isWhitespace(v.charAt(0)) || isWhitespace(v.charAt(n - 1))) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c > 0xff || !Http1Syntax.isFieldValueByte((byte) c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(char c) {
        return c <= 0xff && Http1Syntax.isWhitespace((byte) c);
    }

    /** A token (RFC 9110 §5.6.2) without uppercase letters (RFC 9113 §8.2.1). */
    static boolean validName(String name) {
        for (int i = 0, n = name.length(); i < n; i++) {
            char c = name.charAt(i);
            if (c >= 0x80 || (c >= 'A' && c <= 'Z') || !Http1Syntax.isTokenByte((byte) c)) {
                return false;
            }
        }
        return true;
    }

    private static long parseLength(String v) {
        if (v.isEmpty() || v.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Checks the pseudo-headers of a complete request (§8.3.1, §8.5) and builds it; null after {@link #violation()}. */
    Http2Request request() {
        if (violation == null) {
            if (method == null) {
                fail("missing :method");
            } else if (method.equals("CONNECT")) {
                // §8.5: CONNECT carries :authority only
                if (scheme != null || path != null) {
                    fail("CONNECT with :scheme or :path (§8.5)");
                } else if (authority == null) {
                    fail("CONNECT without :authority (§8.5)");
                }
            } else if (scheme == null || path == null) {
                fail("missing :scheme or :path (§8.3.1)");
            } else if (path.isEmpty()) {
                fail("empty :path (§8.3.1)");
            } else if (path.charAt(0) != '/' && !(path.equals("*") && method.equals("OPTIONS"))) {
                fail(":path neither origin-form nor * for OPTIONS (§8.3.1)");
            }
            if (authority != null && host != null && !host.equals(authority)) {
                fail("host differs from :authority (§8.3.1)");
            }
        }
        Http1Syntax.Target target = null;
        if (violation == null && path != null) {
            // the HTTP/1.1 parser's rules for the target: VCHAR or obs-text only, then split
            byte[] b = path.getBytes(StandardCharsets.ISO_8859_1);
            try {
                target = Http1Syntax.parseTarget(b, 0, b.length, path, method);
            } catch (BadRequestException e) {
                fail(":path " + e.getMessage());
            }
        }
        if (violation != null) {
            return null;
        }
        Headers h = headers(authority != null && host == null ? authority : null);
        return target == null
                ? new Http2Request(method, scheme, authority, null, authority, "", h, contentLength)
                : new Http2Request(method, scheme, authority, path, target.path(), target.query(), h, contentLength);
    }

    /** The regular fields, read-only; with {@code hostFirst} as the host field when not null. */
    Headers headers(String hostFirst) {
        Headers h = new Headers(fields.size() / 2 + 1);
        if (hostFirst != null) {
            h.add("host", hostFirst);
        }
        for (int i = 0; i < fields.size(); i += 2) {
            String v = fields.get(i + 1);
            h.add(fields.get(i), v == null ? cookies.toString() : v);
        }
        return h.readOnly();
    }
}
