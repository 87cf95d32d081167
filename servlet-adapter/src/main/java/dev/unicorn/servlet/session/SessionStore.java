package dev.unicorn.servlet.session;

import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpSession;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.EventListener;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory sessions of one servlet context, with their cookie configuration, tracking
 * modes and listeners.
 *
 * <p>How the container uses it, per request: {@link #requestedSessionId} from the request's
 * cookies; on {@code getSession}, {@link #access} that id once (and remember the result for
 * the rest of the request), or {@link #create} a session; add the {@link #sessionCookie} to
 * the response when a session was created or its id changed; and at the end of the
 * request {@link #release} the session it used. A session in use by a request never expires;
 * its idle time counts from the end of its last request.
 *
 * <p>Lifecycle: configure ({@link #cookieConfig()}, {@link #setSessionTrackingModes},
 * {@link #setDefaultMaxInactiveInterval}, {@link #addListener}) while the context
 * initialises, then {@link #freezeConfiguration()}. No thread is started here: the owner
 * calls {@link #expire()} periodically (every few seconds to a minute) and {@link #close()}
 * when the context is destroyed, which invalidates every session (sessions only live in
 * memory, so {@code HttpSessionActivationListener}s are never called: nothing is ever
 * passivated or activated).
 *
 * <p>Bounded: at most {@code maxSessions} live sessions. At the limit, {@link #create} first
 * expires the sessions due (at most once a second, so that a flood of refused requests does
 * not turn into a flood of full sweeps) and, if that made no room, refuses with
 * {@link SessionLimitException}. Existing sessions are never evicted to make room, so a flood
 * of new clients cannot log out the current ones.
 */
public final class SessionStore {
    /** The default limit on live sessions. */
    public static final int DEFAULT_MAX_SESSIONS = 100_000;
    /** The default max inactive interval of new sessions: 30 minutes, in seconds. */
    public static final int DEFAULT_MAX_INACTIVE_INTERVAL = 30 * 60;
    private static final long LIMIT_SWEEP_INTERVAL_MILLIS = 1000;

    private final ServletContext context;
    private final InstantSource clock;
    private final int maxSessions;
    private final SessionIds ids;
    private final ConcurrentHashMap<String, MemorySession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger live = new AtomicInteger();
    /** When {@link #create} last swept at the limit: a full sweep per refused request would be a CPU sink. */
    private final AtomicLong lastLimitSweep = new AtomicLong(Long.MIN_VALUE);
    private final SessionListeners listeners = new SessionListeners();
    private final CookieConfig cookieConfig;
    private volatile int defaultMaxInactiveInterval = DEFAULT_MAX_INACTIVE_INTERVAL;
    private volatile Set<SessionTrackingMode> trackingModes;
    private volatile boolean frozen;
    private volatile boolean closed;

    /** A store for {@code context} on the system clock, with {@link #DEFAULT_MAX_SESSIONS}. */
    public SessionStore(ServletContext context) {
        this(context, InstantSource.system(), DEFAULT_MAX_SESSIONS);
    }

    /**
     * @param context     what {@link HttpSession#getServletContext()} returns
     * @param clock       the time of creation, access and expiry
     * @param maxSessions the most live sessions at once, at least 1
     */
    public SessionStore(ServletContext context, InstantSource clock, int maxSessions) {
        this(context, clock, maxSessions, new CookieConfig());
    }

    /**
     * A store that renders its cookie from {@code cookieConfig}, the configuration the
     * container exposes as {@code ServletContext.getSessionCookieConfig()}.
     *
     * @param context      what {@link HttpSession#getServletContext()} returns
     * @param clock        the time of creation, access and expiry
     * @param maxSessions  the most live sessions at once, at least 1
     * @param cookieConfig the session cookie's configuration
     */
    public SessionStore(ServletContext context, InstantSource clock, int maxSessions, CookieConfig cookieConfig) {
        this.cookieConfig = Objects.requireNonNull(cookieConfig, "cookieConfig");
        this.context = Objects.requireNonNull(context, "context");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, not " + maxSessions);
        }
        this.maxSessions = maxSessions;
        this.ids = new SessionIds(new SecureRandom());
    }

    // ---- configuration

    /** The session cookie configuration, for {@code ServletContext.getSessionCookieConfig()}. */
    public SessionCookieConfig cookieConfig() {
        return cookieConfig;
    }

    /**
     * For {@code ServletContext.setSessionTrackingModes}. Only {@code COOKIE} is supported:
     * {@code URL} (ids in URLs leak through logs and Referer) and {@code SSL} are refused
     * with an {@link IllegalArgumentException}. An empty set turns session tracking off.
     */
    public void setSessionTrackingModes(Set<SessionTrackingMode> modes) {
        checkNotFrozen();
        for (SessionTrackingMode mode : modes) {
            if (mode != SessionTrackingMode.COOKIE) {
                throw new IllegalArgumentException("Session tracking mode " + mode
                        + " is not supported: Unicorn tracks sessions with cookies only (COOKIE)");
            }
        }
        trackingModes = modes.isEmpty() ? Set.of() : Set.copyOf(modes);
    }

    /** {@code {COOKIE}}. */
    public Set<SessionTrackingMode> defaultSessionTrackingModes() {
        return EnumSet.of(SessionTrackingMode.COOKIE);
    }

    /** The modes set by {@link #setSessionTrackingModes}, or the default ones. */
    public Set<SessionTrackingMode> effectiveSessionTrackingModes() {
        Set<SessionTrackingMode> modes = trackingModes;
        return modes == null ? defaultSessionTrackingModes()
                : modes.isEmpty() ? EnumSet.noneOf(SessionTrackingMode.class) : EnumSet.copyOf(modes);
    }

    /** The max inactive interval of new sessions, in seconds; zero or less: they never expire. */
    public void setDefaultMaxInactiveInterval(int seconds) {
        defaultMaxInactiveInterval = seconds;
    }

    /** The max inactive interval of new sessions, in seconds. */
    public int defaultMaxInactiveInterval() {
        return defaultMaxInactiveInterval;
    }

    /**
     * Adds an {@code HttpSessionListener}, {@code HttpSessionAttributeListener} and/or
     * {@code HttpSessionIdListener} (one object may be several).
     *
     * @throws IllegalArgumentException if {@code listener} is none of them
     */
    public void addListener(EventListener listener) {
        if (!listeners.add(Objects.requireNonNull(listener, "listener"))) {
            throw new IllegalArgumentException(listener.getClass().getName() + " is not a session listener");
        }
    }

    /** The context is initialised: the cookie configuration and tracking modes are fixed from now on. */
    public void freezeConfiguration() {
        frozen = true;
        cookieConfig.freeze();
    }

    // ---- per request

    /**
     * The session id requested by a request's cookies ({@code HttpServletRequest.getCookies()},
     * in order, or null): the first cookie with the session cookie's name that names a live
     * session, else the first well-formed one, else null. Malformed values are ignored.
     * Always null while tracking is turned off (an empty set of tracking modes).
     */
    public String requestedSessionId(Cookie[] cookies) {
        if (!isTracking()) {
            return null;
        }
        return SessionCookies.requestedId(cookies, cookieConfig.getName(), this::isValid);
    }

    /** False when an empty set of tracking modes turned tracking off: no cookie is read or sent. */
    public boolean isTracking() {
        Set<SessionTrackingMode> modes = trackingModes;
        return modes == null || !modes.isEmpty();
    }

    /** True if {@code id} names a live session. */
    public boolean isValid(String id) {
        MemorySession s = id == null ? null : sessions.get(id);
        return s != null && s.isValidAt(now());
    }

    /**
     * A request with the session id {@code id} starts: returns the live session, now
     * accessed, no longer new and in use until {@link #release}; or null if there is none
     * (an expired one found on the way is destroyed now). Call it once per request.
     */
    public HttpSession access(String id) {
        MemorySession s = id == null ? null : sessions.get(id);
        if (s == null) {
            return null;
        }
        long now = now();
        if (s.use(now, true)) {
            return s;
        }
        if (s.claimIfExpired(now)) {
            destroy(s);
        }
        return null;
    }

    /**
     * Creates a session, in use by the calling request until {@link #release}.
     *
     * @throws SessionLimitException if {@code maxSessions} sessions are live and expiring the
     *                               due ones (at most once a second) made no room
     * @throws IllegalStateException if the store is closed
     */
    public HttpSession create() {
        if (closed) {
            throw new IllegalStateException("The session store is closed");
        }
        if (!reserve()) {
            long now = now();
            long last = lastLimitSweep.get();
            if ((last == Long.MIN_VALUE || now - last >= LIMIT_SWEEP_INTERVAL_MILLIS)
                    && lastLimitSweep.compareAndSet(last, now)) {
                expire();
            }
            if (!reserve()) {
                throw new SessionLimitException(maxSessions);
            }
        }
        MemorySession s;
        do {
            s = new MemorySession(this, ids.next(), now(), defaultMaxInactiveInterval);
        } while (sessions.putIfAbsent(s.getId(), s) != null);
        if (closed && sessions.remove(s.getId(), s)) {
            // close() ran while this session was being made and may not have seen it
            live.decrementAndGet();
            throw new IllegalStateException("The session store is closed");
        }
        listeners.created(s);
        return s;
    }

    /** The request that {@linkplain #access accessed} or {@linkplain #create created} {@code session} ends. */
    public void release(HttpSession session) {
        ((MemorySession) session).release(now());
    }

    /**
     * {@code HttpServletRequest.changeSessionId()}: gives {@code session} a new id, keeping
     * its attributes, and tells the {@code HttpSessionIdListener}s. The container then sends
     * a new {@link #sessionCookie}.
     *
     * @return the new id
     * @throws IllegalStateException if the session is invalid
     */
    public String changeSessionId(HttpSession session) {
        MemorySession s = (MemorySession) session;
        String oldId;
        String newId;
        synchronized (s) {
            if (!s.isValid()) {
                throw new IllegalStateException("Session " + s.getId() + " has been invalidated");
            }
            oldId = s.getId();
            do {
                newId = ids.next();
            } while (sessions.putIfAbsent(newId, s) != null);
            s.setId(newId);
            sessions.remove(oldId, s);
        }
        listeners.idChanged(s, oldId);
        return newId;
    }

    /**
     * The cookie that hands {@code session}'s id to the client, for
     * {@code HttpServletResponse.addCookie} (the container renders every {@code Set-Cookie}).
     *
     * @param secureRequest the request came over TLS: the cookie is then marked Secure even if
     *                      the configuration does not ask for it
     */
    public Cookie sessionCookie(HttpSession session, boolean secureRequest) {
        return SessionCookies.sessionCookie(cookieConfig.snapshot(), session.getId(), context.getContextPath(),
                secureRequest);
    }

    // ---- owner

    /**
     * Destroys the sessions idle for longer than their max inactive interval, now. The owner
     * calls this periodically, from any thread (listeners run on it).
     *
     * @return how many sessions expired
     */
    public int expire() {
        long now = now();
        int n = 0;
        for (MemorySession s : sessions.values()) {
            if (s.claimIfExpired(now)) {
                destroy(s);
                n++;
            }
        }
        return n;
    }

    /** How many sessions are live (created and not yet destroyed). */
    public int size() {
        return live.get();
    }

    /** The context is being destroyed: invalidates every session, even those in use, and refuses new ones. */
    public void close() {
        closed = true;
        for (MemorySession s : new ArrayList<>(sessions.values())) {
            if (s.claim()) {
                destroy(s);
            }
        }
    }

    /** Counts one more live session if that stays within the limit. */
    private boolean reserve() {
        int n;
        do {
            n = live.get();
            if (n >= maxSessions) {
                return false;
            }
        } while (!live.compareAndSet(n, n + 1));
        return true;
    }

    // ---- for MemorySession

    ServletContext context() {
        return context;
    }

    SessionListeners listeners() {
        return listeners;
    }

    long now() {
        return clock.millis();
    }

    /**
     * Destroys a session its caller has claimed: listeners hear {@code sessionDestroyed}
     * while it is still readable (Servlet 6.1 "about to be invalidated"), then every
     * attribute is unbound, then it is invalid.
     */
    void destroy(MemorySession s) {
        if (sessions.remove(s.getId(), s)) {
            live.decrementAndGet();
        }
        listeners.destroyed(s);
        s.unbindAll();
        s.markInvalid();
    }

    private void checkNotFrozen() {
        if (frozen) {
            throw new IllegalStateException("Session tracking modes cannot change once the ServletContext is initialized");
        }
    }
}
