package dev.unicorn.servlet.session;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Reads the session id out of request {@code Cookie} fields and writes the session's
 * {@code Set-Cookie} value (RFC 6265).
 */
final class SessionCookies {
    /** IMF-fixdate (RFC 9110 §5.6.7), which RFC 6265 §4.1.1 asks of Expires. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** Attributes written in a fixed order first; the rest follow in name order. */
    private static final Set<String> ORDERED = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        ORDERED.addAll(List.of("Path", "Domain", "Max-Age", "Secure", "HttpOnly", "SameSite"));
    }

    private SessionCookies() {
    }

    /**
     * The session id a request asks for: among the cookies named {@code name} in all the
     * {@code Cookie} fields, in order, the first whose value {@code live} accepts; else the
     * first well-formed one (a requested id that is no longer valid); else null. A browser
     * may send two cookies of the same name (set for different paths or domains), and only
     * one of them can be ours.
     */
    static String requestedId(List<String> cookieFields, String name, Predicate<String> live) {
        String firstWellFormed = null;
        for (String field : cookieFields) {
            int i = 0;
            int n = field.length();
            while (i < n) {
                int end = field.indexOf(';', i);
                if (end < 0) {
                    end = n;
                }
                int eq = field.indexOf('=', i);
                if (eq > i && eq < end && field.substring(i, eq).strip().equals(name)) {
                    String value = unquote(field.substring(eq + 1, end).strip());
                    if (SessionIds.isWellFormed(value)) {
                        if (live.test(value)) {
                            return value;
                        }
                        if (firstWellFormed == null) {
                            firstWellFormed = value;
                        }
                    }
                }
                i = end + 1;
            }
        }
        return firstWellFormed;
    }

    /** RFC 6265 §4.1.1: a cookie-value may be wrapped in DQUOTEs. */
    private static String unquote(String value) {
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /**
     * The Set-Cookie value carrying {@code id}: the configured attributes, Path defaulting to
     * the context path (or {@code /} for the root context), Expires beside Max-Age for old
     * clients, and Secure also when the request itself came over TLS.
     */
    static String setCookie(CookieConfig.Snapshot config, String id, String contextPath, boolean secureRequest,
            Instant now) {
        StringBuilder b = new StringBuilder(128).append(config.name()).append('=').append(id);
        String path = config.get("Path");
        if (path == null) {
            path = contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
        }
        b.append("; Path=").append(path);
        attribute(b, "Domain", config.get("Domain"));
        String maxAge = config.get("Max-Age");
        if (maxAge != null) {
            long age = Long.parseLong(maxAge);
            b.append("; Max-Age=").append(age);
            b.append("; Expires=").append(IMF_FIXDATE.format(age == 0 ? Instant.EPOCH : now.plusSeconds(age)));
        }
        if (secureRequest || config.get("Secure") != null) {
            b.append("; Secure");
        }
        attribute(b, "HttpOnly", config.get("HttpOnly"));
        attribute(b, "SameSite", config.get("SameSite"));
        for (Map.Entry<String, String> e : config.attributes().entrySet()) {
            if (!ORDERED.contains(e.getKey())) {
                attribute(b, e.getKey(), e.getValue());
            }
        }
        return b.toString();
    }

    private static void attribute(StringBuilder b, String name, String value) {
        if (value == null) {
            return;
        }
        b.append("; ").append(name);
        if (!value.isEmpty()) {
            b.append('=').append(value);
        }
    }
}
