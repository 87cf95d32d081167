package dev.unicorn.servlet;

import jakarta.servlet.http.Cookie;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads {@code Cookie} request headers and writes {@code Set-Cookie} response headers (RFC 6265). */
final class CookieCodec {
    private CookieCodec() {
    }

    static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** The cookies of every {@code Cookie} header, in order; pairs that are not {@code token=value} are skipped. */
    static List<Cookie> parse(List<String> headers) {
        List<Cookie> out = new ArrayList<>();
        for (String header : headers) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                // RFC 6265 has no $-attributes: $Version is a cookie like any other, as in Jetty
                if (!isToken(name)) {
                    continue;
                }
                try {
                    out.add(new Cookie(name, value));
                } catch (IllegalArgumentException ignored) {
                    // a name the Servlet API refuses: drop it, as other containers do
                }
            }
        }
        return out;
    }

    /**
     * The {@code Set-Cookie} value for {@code cookie}: {@code name=value}, then Path, Domain,
     * Expires and Max-Age, Secure, HttpOnly, then every other attribute (SameSite,
     * Partitioned, ...) in the order set.
     */
    static String format(Cookie cookie, long nowMillis) {
        StringBuilder sb = new StringBuilder(64).append(cookie.getName()).append('=');
        String value = cookie.getValue();
        if (value != null) {
            sb.append(value);
        }
        if (cookie.getPath() != null) {
            sb.append("; Path=").append(cookie.getPath());
        }
        if (cookie.getDomain() != null) {
            sb.append("; Domain=").append(cookie.getDomain());
        }
        int maxAge = cookie.getMaxAge();
        // as Jetty: Max-Age 0 is written as an Expires in 1970 alone, which every client honours
        if (maxAge == 0) {
            sb.append("; Expires=").append(HttpFields.formatDate(0));
        } else if (maxAge > 0) {
            sb.append("; Expires=").append(HttpFields.formatDate(nowMillis + maxAge * 1000L));
            sb.append("; Max-Age=").append(maxAge);
        }
        if (cookie.getSecure()) {
            sb.append("; Secure");
        }
        if (cookie.isHttpOnly()) {
            sb.append("; HttpOnly");
        }
        for (Map.Entry<String, String> e : cookie.getAttributes().entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            switch (name) {
                case "path", "domain", "max-age", "expires", "secure", "httponly", "comment", "version" -> {
                }
                default -> {
                    sb.append("; ").append(e.getKey());
                    if (!e.getValue().isEmpty()) {
                        sb.append('=').append(e.getValue());
                    }
                }
            }
        }
        return sb.toString();
    }
}
