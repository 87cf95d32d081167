package dev.unicorn.servlet.session;

import jakarta.servlet.UnavailableException;

/**
 * A new session was refused because the store already holds its maximum number of live
 * sessions (even after expiring the idle ones). Thrown from {@link SessionStore#create()},
 * and so from {@code HttpServletRequest.getSession()}; the container answers 503 if the
 * application lets it through. An {@link IllegalStateException}, like Tomcat's
 * {@code TooManyActiveSessionsException}.
 */
public final class SessionLimitException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    SessionLimitException(int limit) {
        // the cause tells the container the status: a servlet temporarily unavailable is a 503
        super("Session limit reached: " + limit + " live sessions",
                new UnavailableException("Session limit reached: " + limit + " live sessions", 1));
    }
}
