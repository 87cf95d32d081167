package dev.unicorn.servlet.session;

import jakarta.servlet.SessionCookieConfig;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The session cookie's configuration ({@link SessionCookieConfig}, Servlet 6.1). As in the
 * Servlet 6 model, every cookie attribute (Domain, Path, Max-Age, Secure, HttpOnly,
 * SameSite, Partitioned and any other) lives in one case-insensitive map and the typed
 * getters read it. Differences from the bare interface: HttpOnly is on by default, the
 * name and attributes are validated on the way in (a token name; values without controls,
 * non-ASCII or {@code ;}), and all setters fail once the context is initialised.
 *
 * <p>One instance serves both the container ({@code ServletContext.getSessionCookieConfig()})
 * and the {@link SessionStore} that renders the cookie from it: the container creates it with
 * a guard that refuses changes once its context is initialised.
 */
public final class CookieConfig implements SessionCookieConfig {
    static final String DEFAULT_NAME = "JSESSIONID";
    private static final String DOMAIN = "Domain";
    private static final String PATH = "Path";
    private static final String MAX_AGE = "Max-Age";
    private static final String SECURE = "Secure";
    private static final String HTTP_ONLY = "HttpOnly";
    private static final String SAME_SITE = "SameSite";
    private static final String COMMENT = "Comment";
    /** Attributes that are present or absent; a value other than "", "true" or "false" is refused. */
    private static final Set<String> FLAGS = Set.of("secure", "httponly", "partitioned");
    private static final Set<String> SAME_SITE_VALUES = Set.of("strict", "lax", "none");

    private final Map<String, String> attributes = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Runnable beforeChange;
    private String name = DEFAULT_NAME;
    private boolean frozen;

    /** A configuration that only {@link SessionStore#freezeConfiguration()} fixes. */
    public CookieConfig() {
        this(() -> { });
    }

    /**
     * A configuration whose setters first run {@code beforeChange}, which throws
     * {@link IllegalStateException} when changes are no longer allowed (the container's
     * "context already initialised" check).
     */
    public CookieConfig(Runnable beforeChange) {
        this.beforeChange = Objects.requireNonNull(beforeChange, "beforeChange");
        attributes.put(HTTP_ONLY, "");
    }

    synchronized void freeze() {
        frozen = true;
    }

    @Override
    public synchronized void setName(String name) {
        checkNotFrozen();
        if (name == null || name.isEmpty() || name.charAt(0) == '$' || !isToken(name)) {
            throw new IllegalArgumentException("Invalid session cookie name: " + name);
        }
        this.name = name;
    }

    @Override
    public synchronized String getName() {
        return name;
    }

    @Override
    public void setDomain(String domain) {
        setAttribute(DOMAIN, domain);
    }

    @Override
    public String getDomain() {
        return getAttribute(DOMAIN);
    }

    @Override
    public void setPath(String path) {
        setAttribute(PATH, path);
    }

    @Override
    public String getPath() {
        return getAttribute(PATH);
    }

    /** RFC 6265 has no Comment attribute; Servlet 6 made this a no-op. */
    @Override
    @Deprecated(since = "Servlet 6.0", forRemoval = true)
    @SuppressWarnings("removal")
    public synchronized void setComment(String comment) {
        checkNotFrozen();
    }

    @Override
    @Deprecated(since = "Servlet 6.0", forRemoval = true)
    @SuppressWarnings("removal")
    public String getComment() {
        return null;
    }

    @Override
    public void setHttpOnly(boolean httpOnly) {
        setAttribute(HTTP_ONLY, httpOnly ? "" : null);
    }

    @Override
    public boolean isHttpOnly() {
        return getAttribute(HTTP_ONLY) != null;
    }

    @Override
    public void setSecure(boolean secure) {
        setAttribute(SECURE, secure ? "" : null);
    }

    @Override
    public boolean isSecure() {
        return getAttribute(SECURE) != null;
    }

    /** A negative age removes Max-Age: the cookie lasts as long as the browser session. */
    @Override
    public void setMaxAge(int maxAge) {
        setAttribute(MAX_AGE, maxAge < 0 ? null : Integer.toString(maxAge));
    }

    @Override
    public int getMaxAge() {
        String age = getAttribute(MAX_AGE);
        return age == null ? -1 : Integer.parseInt(age);
    }

    /**
     * Sets (or with {@code null} removes) one attribute. Secure, HttpOnly and Partitioned take
     * "" or "true" (present) and "false" (absent); Max-Age must be an integer
     * ({@link NumberFormatException} otherwise); SameSite one of Strict, Lax or None.
     */
    @Override
    public synchronized void setAttribute(String name, String value) {
        checkNotFrozen();
        if (name == null || !isToken(name)) {
            throw new IllegalArgumentException("Invalid cookie attribute name: " + name);
        }
        if (COMMENT.equalsIgnoreCase(name)) {
            return;
        }
        if (value == null) {
            attributes.remove(name);
            return;
        }
        if (!isAttributeValue(value)) {
            throw new IllegalArgumentException("Invalid value for cookie attribute " + name + ": " + value);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (FLAGS.contains(lower)) {
            if (value.equalsIgnoreCase("false")) {
                attributes.remove(name);
                return;
            }
            if (!value.isEmpty() && !value.equalsIgnoreCase("true")) {
                throw new IllegalArgumentException("Cookie attribute " + name + " is a flag: \"\", true or false, not " + value);
            }
            value = "";
        } else if (lower.equals("max-age")) {
            Integer.parseInt(value);
        } else if (lower.equals("samesite") && !SAME_SITE_VALUES.contains(value.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("SameSite must be Strict, Lax or None, not " + value);
        }
        attributes.remove(name); // keep the spelling of the latest call
        attributes.put(name, value);
    }

    @Override
    public synchronized String getAttribute(String name) {
        return name == null ? null : attributes.get(name);
    }

    @Override
    public synchronized Map<String, String> getAttributes() {
        return Collections.unmodifiableMap(new TreeMap<>(attributes));
    }

    /** A consistent copy of the name and attributes, for rendering a Set-Cookie value. */
    synchronized Snapshot snapshot() {
        return new Snapshot(name, new TreeMap<>(attributes));
    }

    record Snapshot(String name, TreeMap<String, String> attributes) {
        String get(String attribute) {
            return attributes.get(attribute);
        }
    }

    private void checkNotFrozen() {
        beforeChange.run();
        if (frozen) {
            throw new IllegalStateException("The session cookie configuration cannot change once the ServletContext is initialized");
        }
    }

    /** RFC 9110 §5.6.2 token, which RFC 6265 uses for cookie and attribute names. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** RFC 6265 §4.1.1 av-octet: visible ASCII and space, without {@code ;}. */
    static boolean isAttributeValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == ';') {
                return false;
            }
        }
        return true;
    }
}
