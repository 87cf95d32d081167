package dev.unicorn.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.EventListener;
import java.util.List;

/**
 * Where a {@link ServletApp} gets its {@link HttpSession}s: the seam between the container
 * and a session store. The request methods that concern sessions ({@code getSession},
 * {@code changeSessionId}, {@code getRequestedSessionId}, {@code isRequestedSessionIdValid},
 * {@code isRequestedSessionIdFromCookie}/{@code FromURL}) delegate here, with the base request
 * and response of the exchange (so an implementation can read the session cookie and write
 * {@code Set-Cookie}).
 *
 * <p>{@link ServletApp} uses in-memory sessions unless told otherwise; {@link #NONE} is a
 * container without sessions: no session ever exists,
 * {@code getSession(false)} answers {@code null}, and creating one throws
 * {@link IllegalStateException}.
 */
public interface SessionSupport {
    /** No sessions: nothing is requested, nothing exists, nothing can be created. */
    SessionSupport NONE = new SessionSupport() {
        @Override
        public HttpSession session(HttpServletRequest request, HttpServletResponse response, boolean create) {
            if (create) {
                throw new IllegalStateException("sessions are not enabled on this ServletApp (see ServletApp.sessions)");
            }
            return null;
        }

        @Override
        public String changeSessionId(HttpServletRequest request, HttpServletResponse response) {
            throw new IllegalStateException("the request has no session");
        }

        @Override
        public String requestedSessionId(HttpServletRequest request) {
            return null;
        }

        @Override
        public boolean isRequestedSessionIdValid(HttpServletRequest request) {
            return false;
        }
    };

    /**
     * Called once when the context starts, after the initializers ran: the context carries
     * the session cookie configuration, tracking modes and timeout; {@code listeners} are the
     * context's listeners (pick the {@code HttpSession*Listener}s).
     */
    default void start(ServletContext context, List<EventListener> listeners) {
    }

    /** Called once when the context stops, before the context listeners are told. */
    default void stop() {
    }

    /**
     * The request's session, or a new one when there is none and {@code create} is true
     * ({@code null} otherwise). Called for every {@code getSession} call; caching per request
     * is the implementation's.
     *
     * @throws IllegalStateException when a session must be created but the response is committed
     */
    HttpSession session(HttpServletRequest request, HttpServletResponse response, boolean create);

    /**
     * Gives the request's session a new id and returns it.
     *
     * @throws IllegalStateException when the request has no session
     */
    String changeSessionId(HttpServletRequest request, HttpServletResponse response);

    /** The session id the client sent, or {@code null}. */
    String requestedSessionId(HttpServletRequest request);

    /** Whether the id the client sent names a live session. */
    boolean isRequestedSessionIdValid(HttpServletRequest request);

    /** Whether the requested session id came from a cookie. */
    default boolean isRequestedSessionIdFromCookie(HttpServletRequest request) {
        return requestedSessionId(request) != null;
    }

    /** Whether the requested session id came from the URL (path parameter). */
    default boolean isRequestedSessionIdFromUrl(HttpServletRequest request) {
        return false;
    }
}
