package dev.unicorn.servlet.session;

import dev.unicorn.servlet.SessionSupport;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-memory sessions tracked with a cookie: the container's default {@link SessionSupport},
 * one {@link SessionStore} per servlet context.
 *
 * <p>At {@link #start} it takes from the context the session cookie configuration (the very
 * object {@code ServletContext.getSessionCookieConfig()} returns, when the container made it a
 * {@link CookieConfig}), the tracking modes, the session timeout (minutes, as the Servlet API
 * has it) and the {@code HttpSession*Listener}s, and starts one daemon thread that expires
 * idle sessions every {@code sweepInterval}. {@link #stop} stops that thread and invalidates
 * every session. Per request, the session cookie is read once, a session found or created is
 * in use until the request ends (async included), and a new or renamed session sends its
 * cookie on the base response.
 *
 * <pre>{@code
 * app.sessions(new InMemorySessions(InstantSource.system(), 10_000, Duration.ofSeconds(10)));
 * }</pre>
 */
public final class InMemorySessions implements SessionSupport {
    /** How often idle sessions are looked for by default. */
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger("unicorn.error");

    private final InstantSource clock;
    private final int maxSessions;
    private final Duration sweepInterval;
    /** The per-request state of the requests that asked for a session, until they end. */
    private final Map<HttpServletRequest, RequestSessions> requests = new ConcurrentHashMap<>();
    private volatile SessionStore store;
    private ScheduledExecutorService sweeper;

    /** The system clock, {@link SessionStore#DEFAULT_MAX_SESSIONS}, {@link #DEFAULT_SWEEP_INTERVAL}. */
    public InMemorySessions() {
        this(InstantSource.system(), SessionStore.DEFAULT_MAX_SESSIONS, DEFAULT_SWEEP_INTERVAL);
    }

    /**
     * @param clock         the time of creation, access and expiry
     * @param maxSessions   the most live sessions; one more {@code getSession(true)} throws
     *                      {@link SessionLimitException}, which the container answers with 503
     * @param sweepInterval how often idle sessions are expired (a request for an expired session
     *                      never gets it, sweep or not)
     */
    public InMemorySessions(InstantSource clock, int maxSessions, Duration sweepInterval) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, not " + maxSessions);
        }
        this.maxSessions = maxSessions;
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("sweepInterval must be positive, not " + sweepInterval);
        }
        this.sweepInterval = sweepInterval;
    }

    @Override
    public synchronized void start(ServletContext context, List<EventListener> listeners) {
        CookieConfig cookieConfig = context.getSessionCookieConfig() instanceof CookieConfig c ? c : new CookieConfig();
        SessionStore s = new SessionStore(context, clock, maxSessions, cookieConfig);
        s.setSessionTrackingModes(context.getEffectiveSessionTrackingModes());
        // ServletContext.setSessionTimeout is in minutes; the store counts seconds
        s.setDefaultMaxInactiveInterval((int) Math.min(Integer.MAX_VALUE, context.getSessionTimeout() * 60L));
        for (EventListener l : listeners) {
            if (l instanceof HttpSessionListener || l instanceof HttpSessionAttributeListener
                    || l instanceof HttpSessionIdListener) {
                s.addListener(l);
            }
        }
        s.freezeConfiguration();
        // the end of every request (async included) releases the sessions it used
        context.addListener(new RequestEnd());
        store = s;
        String name = "unicorn-sessions" + (context.getContextPath().isEmpty() ? "" : "-" + context.getContextPath());
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name(name).unstarted(r));
        long every = sweepInterval.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            store.expire();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: log and keep sweeping
            LOG.warn("session expiry sweep failed", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
            sweeper = null;
        }
        if (store != null) {
            store.close();
        }
    }

    private SessionStore store() {
        SessionStore s = store;
        if (s == null) {
            throw new IllegalStateException("the servlet context has not started");
        }
        return s;
    }

    private RequestSessions state(HttpServletRequest request) {
        return requests.computeIfAbsent(request, r -> new RequestSessions());
    }

    @Override
    public HttpSession session(HttpServletRequest request, HttpServletResponse response, boolean create) {
        SessionStore s = store();
        RequestSessions state = state(request);
        HttpSession current = state.current;
        if (current != null && s.isValid(current.getId())) {
            return current;
        }
        if (!state.looked) {
            state.looked = true;
            String id = requested(s, request, state);
            HttpSession found = id == null ? null : s.access(id);
            if (found != null) {
                state.use(found);
                return found;
            }
        }
        if (!create) {
            return null;
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("Cannot create a session after the response has been committed");
        }
        HttpSession created = s.create();
        state.use(created);
        if (s.isTracking()) {
            response.addCookie(s.sessionCookie(created, request.isSecure()));
        }
        return created;
    }

    @Override
    public String changeSessionId(HttpServletRequest request, HttpServletResponse response) {
        HttpSession session = session(request, response, false);
        if (session == null) {
            throw new IllegalStateException("The request has no session");
        }
        SessionStore s = store();
        String id = s.changeSessionId(session);
        if (s.isTracking()) {
            response.addCookie(s.sessionCookie(session, request.isSecure()));
        }
        return id;
    }

    @Override
    public String requestedSessionId(HttpServletRequest request) {
        return requested(store(), request, state(request));
    }

    @Override
    public boolean isRequestedSessionIdValid(HttpServletRequest request) {
        SessionStore s = store();
        String id = requested(s, request, state(request));
        return id != null && s.isValid(id);
    }

    private static String requested(SessionStore s, HttpServletRequest request, RequestSessions state) {
        if (!state.requestedRead) {
            state.requested = s.requestedSessionId(request.getCookies());
            state.requestedRead = true;
        }
        return state.requested;
    }

    /** What one request did with sessions; used by the request's own thread (and its async dispatches, one at a time). */
    private static final class RequestSessions {
        boolean requestedRead;
        String requested;
        boolean looked;
        HttpSession current;
        /** Every session the request accessed or created (an invalidate and a new one make two). */
        final List<HttpSession> used = new ArrayList<>(1);

        void use(HttpSession session) {
            current = session;
            used.add(session);
        }
    }

    /** Releases the sessions a request used when it ends, so their idle time starts then. */
    private final class RequestEnd implements ServletRequestListener {
        @Override
        public void requestDestroyed(ServletRequestEvent event) {
            RequestSessions state = requests.remove(event.getServletRequest());
            if (state != null) {
                for (HttpSession session : state.used) {
                    store.release(session);
                }
            }
        }
    }
}
