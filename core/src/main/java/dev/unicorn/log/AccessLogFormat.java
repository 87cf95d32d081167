package dev.unicorn.log;

import dev.unicorn.http.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A compiled access log format in gunicorn's syntax: text with {@code %(atom)s} placeholders
 * ({@code %%} is a literal {@code %}). Immutable and thread-safe; compile once, format per
 * request without regular expressions or {@code String.format}.
 *
 * <p>Atoms, as in gunicorn: {@code h} remote address, {@code l} {@code -}, {@code u} user of
 * {@code Authorization: Basic}, {@code t} time the exchange ended as
 * {@code [10/Oct/2000:13:55:36 -0700]}, {@code r} request line, {@code s} status, {@code m}
 * method, {@code U} path, {@code q} query, {@code H} protocol, {@code b} body bytes ({@code -}
 * if unknown), {@code B} body bytes, {@code f} Referer, {@code a} User-Agent, {@code T}
 * seconds, {@code M} milliseconds, {@code D} microseconds, {@code L} seconds as
 * {@code 0.000123}, {@code p} {@code <pid>}, {@code {name}i} request header,
 * {@code {name}o} response header, {@code {name}e} environment ({@code -}: there is no WSGI
 * environ in Java). A missing value prints {@code -}.
 *
 * <p>Every value coming from the request or response is escaped so that a client cannot
 * forge log lines: {@code "} as {@code \"}, {@code \} as {@code \\}, and control characters
 * and DEL as {@code \xHH}.
 */
public final class AccessLogFormat {

    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("'['dd/MMM/yyyy:HH:mm:ss Z']'", Locale.ENGLISH);

    /** One compiled piece of the format. */
    private sealed interface Part {
        void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat format);
    }

    private record Literal(String text) implements Part {
        @Override
        public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat format) {
            sb.append(text);
        }
    }

    private record RequestHeader(String name) implements Part {
        @Override
        public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat format) {
            appendEscaped(sb, header(e.requestHeaders(), name));
        }
    }

    private record ResponseHeader(String name) implements Part {
        @Override
        public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat format) {
            appendEscaped(sb, header(e.responseHeaders(), name));
        }
    }

    private record Missing() implements Part {
        @Override
        public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat format) {
            sb.append('-');
        }
    }

    /** The one-letter atoms. */
    private enum Atom implements Part {
        h {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                appendEscaped(sb, e.remote());
            }
        },
        l {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                sb.append('-');
            }
        },
        u {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                appendEscaped(sb, basicUser(header(e.requestHeaders(), "Authorization")));
            }
        },
        t {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                sb.append(f.timestamp(e.startEpochMillis() + Math.max(0, e.durationNanos()) / 1_000_000L));
            }
        },
        r {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                appendEscaped(sb, e.method());
                sb.append(' ');
                appendEscaped(sb, e.target());
                sb.append(' ');
                appendEscaped(sb, e.protocol());
            }
        },
        s {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                sb.append(e.status());
            }
        },
        m {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                appendEscaped(sb, e.method());
            }
        },
        U {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                appendEscaped(sb, e.path());
            }
        },
        q {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                appendEscaped(sb, e.query());
            }
        },
        H {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                appendEscaped(sb, e.protocol());
            }
        },
        b {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                // gunicorn prints str(resp.sent), so "0" for an empty body and "-" only when unknown.
                appendCount(sb, e.bodyBytes());
            }
        },
        B {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                appendCount(sb, e.bodyBytes());
            }
        },
        f {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat fmt) {
                appendEscaped(sb, header(e.requestHeaders(), "Referer"));
            }
        },
        a {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                appendEscaped(sb, header(e.requestHeaders(), "User-Agent"));
            }
        },
        T {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                sb.append(Math.max(0, e.durationNanos()) / 1_000_000_000L);
            }
        },
        M {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                sb.append(Math.max(0, e.durationNanos()) / 1_000_000L);
            }
        },
        D {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                sb.append(Math.max(0, e.durationNanos()) / 1_000L);
            }
        },
        L {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                long micros = Math.max(0, e.durationNanos()) / 1_000L;
                sb.append(micros / 1_000_000L).append('.');
                String frac = Long.toString(micros % 1_000_000L);
                for (int i = frac.length(); i < 6; i++) {
                    sb.append('0');
                }
                sb.append(frac);
            }
        },
        p {
            @Override
            public void appendTo(StringBuilder sb, AccessLogEntry e, AccessLogFormat f) {
                sb.append('<').append(e.pid()).append('>');
            }
        }
    }

    /** The formatted {@code t} of one epoch second; replaced when the second changes. */
    private record Stamp(long epochSecond, String text) {
    }

    private final String pattern;
    private final Part[] parts;
    private final ZoneId zone;
    private volatile Stamp stamp = new Stamp(Long.MIN_VALUE, "");

    private AccessLogFormat(String pattern, Part[] parts, ZoneId zone) {
        this.pattern = pattern;
        this.parts = parts;
        this.zone = zone;
    }

    /**
     * Compiles {@code format}, printing times in the JVM's default time zone.
     *
     * @throws IllegalArgumentException naming an unknown atom or a malformed placeholder
     */
    public static AccessLogFormat compile(String format) {
        return compile(format, ZoneId.systemDefault());
    }

    /**
     * Compiles {@code format}, printing times ({@code t}) in {@code zone}.
     *
     * @throws IllegalArgumentException naming an unknown atom or a malformed placeholder
     */
    public static AccessLogFormat compile(String format, ZoneId zone) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(zone, "zone");
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int n = format.length();
        int i = 0;
        while (i < n) {
            char c = format.charAt(i);
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            char next = i + 1 < n ? format.charAt(i + 1) : 0;
            if (next == '%') {
                literal.append('%');
                i += 2;
                continue;
            }
            if (next != '(') {
                throw new IllegalArgumentException("stray '%' at index " + i + " (write %% for a literal %)");
            }
            int close = format.indexOf(')', i + 2);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '%(' at index " + i);
            }
            String key = format.substring(i + 2, close);
            if (close + 1 >= n || format.charAt(close + 1) != 's') {
                throw new IllegalArgumentException("%(" + key + ") must be followed by 's', as in %(" + key + ")s");
            }
            Part part = atom(key);
            if (!literal.isEmpty()) {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(part);
            i = close + 2;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new AccessLogFormat(format, parts.toArray(new Part[0]), zone);
    }

    private static Part atom(String key) {
        if (key.length() == 1) {
            for (Atom a : Atom.values()) {
                if (a.name().charAt(0) == key.charAt(0)) {
                    return a;
                }
            }
        } else if (key.length() > 3 && key.charAt(0) == '{' && key.charAt(key.length() - 2) == '}') {
            String name = key.substring(1, key.length() - 2);
            switch (key.charAt(key.length() - 1)) {
                case 'i':
                    return new RequestHeader(name);
                case 'o':
                    return new ResponseHeader(name);
                case 'e':
                    return new Missing();
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown atom %(" + key + ")s");
    }

    /** The format text this was compiled from. */
    public String pattern() {
        return pattern;
    }

    /** Formats one line for {@code entry}. */
    public String format(AccessLogEntry entry) {
        StringBuilder sb = new StringBuilder(160);
        formatTo(sb, entry);
        return sb.toString();
    }

    /** Appends one line for {@code entry} to {@code sb} (no line terminator). */
    public void formatTo(StringBuilder sb, AccessLogEntry entry) {
        for (Part part : parts) {
            part.appendTo(sb, entry, this);
        }
    }

    /** The format text. */
    @Override
    public String toString() {
        return pattern;
    }

    private String timestamp(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000L);
        Stamp s = stamp;
        if (s.epochSecond() != second) {
            s = new Stamp(second, CLF_TIME.format(Instant.ofEpochSecond(second).atZone(zone)));
            stamp = s;
        }
        return s.text();
    }

    private static String header(Headers headers, String name) {
        return headers == null ? null : headers.get(name);
    }

    private static void appendCount(StringBuilder sb, long count) {
        if (count < 0) {
            sb.append('-');
        } else {
            sb.append(count);
        }
    }

    /** The user name of an {@code Authorization: Basic} value (before ':'), or {@code null}. */
    static String basicUser(String authorization) {
        // As gunicorn: the value starts with "basic" (any case), a blank, then base64.
        if (authorization == null || !authorization.regionMatches(true, 0, "basic", 0, 5)) {
            return null;
        }
        int blank = authorization.indexOf(' ');
        if (blank < 0) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(blank + 1).strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        int end = 0;
        while (end < decoded.length && decoded[end] != ':') {
            end++;
        }
        if (end == 0) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(decoded, 0, end)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Appends {@code value} escaped against log injection, or {@code -} for {@code null}. */
    static void appendEscaped(StringBuilder sb, String value) {
        if (value == null) {
            sb.append('-');
            return;
        }
        int n = value.length();
        int i = 0;
        while (i < n && !needsEscape(value.charAt(i))) {
            i++;
        }
        if (i == n) {
            sb.append(value);
            return;
        }
        sb.append(value, 0, i);
        for (; i < n; i++) {
            char c = value.charAt(i);
            if (!needsEscape(c)) {
                sb.append(c);
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else {
                sb.append('\\').append('x')
                        .append(Character.forDigit((c >> 4) & 0xf, 16))
                        .append(Character.forDigit(c & 0xf, 16));
            }
        }
    }

    /** Quote, backslash, C0 controls, DEL and C1 controls (0x80-0x9f, bytes decoded as ISO-8859-1). */
    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '"' || c == '\\' || (c >= 0x7f && c <= 0x9f);
    }
}
