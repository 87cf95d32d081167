package dev.unicorn.servlet.session;

import jakarta.servlet.http.Cookie;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The session's view of cookies: which of a request's cookies carries the session id, and
 * the {@link Cookie} that hands a session id to the client. Parsing {@code Cookie} fields and
 * rendering {@code Set-Cookie} is the container's (one codec for every cookie); this class
 * only applies the session rules on top.
 */
final class SessionCookies {
    private SessionCookies() {
    }

    /**
     * The session id a request asks for: among its cookies named {@code name}, in order, the
     * first whose value {@code live} accepts; else the first well-formed one (a requested id
     * that is no longer valid); else null. A browser may send two cookies of the same name
     * (set for different paths or domains), and only one of them can be ours.
     */
    static String requestedId(Cookie[] cookies, String name, Predicate<String> live) {
        if (cookies == null) {
            return null;
        }
        String firstWellFormed = null;
        for (Cookie cookie : cookies) {
            if (!cookie.getName().equals(name)) {
                continue;
            }
            String value = cookie.getValue();
            if (SessionIds.isWellFormed(value)) {
                if (live.test(value)) {
                    return value;
                }
                if (firstWellFormed == null) {
                    firstWellFormed = value;
                }
            }
        }
        return firstWellFormed;
    }

    /**
     * The cookie carrying {@code id}: the configured attributes, Path defaulting to the
     * context path (or {@code /} for the root context), and Secure also when the request
     * itself came over TLS.
     */
    static Cookie sessionCookie(CookieConfig.Snapshot config, String id, String contextPath, boolean secureRequest) {
        Cookie cookie = new Cookie(config.name(), id);
        String path = config.get("Path");
        cookie.setPath(path != null ? path : contextPath == null || contextPath.isEmpty() ? "/" : contextPath);
        for (Map.Entry<String, String> e : config.attributes().entrySet()) {
            switch (e.getKey().toLowerCase(Locale.ROOT)) {
                case "path" -> {
                }
                case "domain" -> cookie.setDomain(e.getValue());
                case "max-age" -> cookie.setMaxAge(Integer.parseInt(e.getValue()));
                case "secure" -> cookie.setSecure(true);
                case "httponly" -> cookie.setHttpOnly(true);
                default -> cookie.setAttribute(e.getKey(), e.getValue());
            }
        }
        if (secureRequest) {
            cookie.setSecure(true);
        }
        return cookie;
    }
}
