package dev.unicorn.servlet.session;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One session of a {@link SessionStore}. Attributes live in a concurrent map, so requests of
 * the same client running at once see each other's writes; state changes (access, release,
 * the start of invalidation) take the session's lock, and listeners always run outside it.
 *
 * <p>A session counts the requests using it: the sweeper never expires a session a request
 * is still using, and its idle time starts again when the last such request ends.
 */
final class MemorySession implements HttpSession {
    private enum State { VALID, INVALIDATING, INVALID }

    private final SessionStore store;
    private final long creationTime;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile String id;
    private volatile int maxInactiveInterval;
    private volatile long lastAccessedTime;
    private volatile boolean isNew = true;
    // written under this, read without it
    private volatile State state = State.VALID;
    // guarded by this
    private int users;
    private long idleSince;

    MemorySession(SessionStore store, String id, long now, int maxInactiveInterval) {
        this.store = store;
        this.id = id;
        this.creationTime = now;
        this.lastAccessedTime = now;
        this.idleSince = now;
        this.maxInactiveInterval = maxInactiveInterval;
        this.users = 1;
    }

    @Override
    public String getId() {
        return id;
    }

    void setId(String id) {
        this.id = id;
    }

    @Override
    public long getCreationTime() {
        checkValid();
        return creationTime;
    }

    @Override
    public long getLastAccessedTime() {
        checkValid();
        return lastAccessedTime;
    }

    @Override
    public ServletContext getServletContext() {
        return store.context();
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        this.maxInactiveInterval = interval;
    }

    @Override
    public int getMaxInactiveInterval() {
        return maxInactiveInterval;
    }

    @Override
    public Object getAttribute(String name) {
        checkValid();
        return name == null ? null : attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        checkValid();
        return Collections.enumeration(new ArrayList<>(attributes.keySet()));
    }

    /**
     * Order as in the {@link HttpSession#setAttribute} contract (and Tomcat): the new value's
     * {@code valueBound}, then the old value's {@code valueUnbound}, then the attribute
     * listeners. Setting the very same object again binds and unbinds nothing.
     */
    @Override
    public void setAttribute(String name, Object value) {
        checkValid();
        if (name == null) {
            throw new IllegalArgumentException("Session attribute name must not be null");
        }
        if (value == null) {
            removeAttribute(name);
            return;
        }
        if (attributes.get(name) != value) {
            SessionListeners.bound(this, name, value);
        }
        Object old = attributes.put(name, value);
        if (old != null && old != value) {
            SessionListeners.unbound(this, name, old);
        }
        if (old == null) {
            store.listeners().added(this, name, value);
        } else {
            store.listeners().replaced(this, name, old);
        }
    }

    @Override
    public void removeAttribute(String name) {
        checkValid();
        Object old = name == null ? null : attributes.remove(name);
        if (old != null) {
            SessionListeners.unbound(this, name, old);
            store.listeners().removed(this, name, old);
        }
    }

    @Override
    public void invalidate() {
        synchronized (this) {
            if (state != State.VALID) {
                throw new IllegalStateException("Session " + id + " has already been invalidated");
            }
            state = State.INVALIDATING;
        }
        store.destroy(this);
    }

    @Override
    public boolean isNew() {
        checkValid();
        return isNew;
    }

    @Override
    public Accessor getAccessor() {
        return this::accessFromOutside;
    }

    /** Servlet 6.1: access outside a request (a WebSocket endpoint) keeps the session alive. */
    private void accessFromOutside(Consumer<HttpSession> action) {
        if (!use(store.now(), false)) {
            throw new IllegalStateException("Session " + id + " is no longer valid");
        }
        try {
            action.accept(this);
        } finally {
            release(store.now());
        }
    }

    /**
     * A request (or an accessor) starts using the session at {@code now}: false if it is
     * invalid or already expired. {@code join}: the client sent the id back, so it is no longer new.
     */
    synchronized boolean use(long now, boolean join) {
        if (state != State.VALID || idleTooLong(now)) {
            return false;
        }
        users++;
        lastAccessedTime = now;
        idleSince = now;
        if (join) {
            isNew = false;
        }
        return true;
    }

    synchronized void release(long now) {
        if (users > 0) {
            users--;
        }
        idleSince = now;
    }

    synchronized boolean isValidAt(long now) {
        return state == State.VALID && !idleTooLong(now);
    }

    /** Claims an idle, expired session for destruction; false if it is in use, fresh or already going. */
    synchronized boolean claimIfExpired(long now) {
        if (state != State.VALID || !idleTooLong(now)) {
            return false;
        }
        state = State.INVALIDATING;
        return true;
    }

    /** Claims the session for destruction whatever its state of use (the store is closing). */
    synchronized boolean claim() {
        if (state != State.VALID) {
            return false;
        }
        state = State.INVALIDATING;
        return true;
    }

    synchronized void markInvalid() {
        state = State.INVALID;
    }

    /** Requires a session that is not invalid; {@code INVALIDATING} passes so that destruction listeners can read. */
    void checkValid() {
        if (state == State.INVALID) {
            throw new IllegalStateException("Session " + id + " has been invalidated");
        }
    }

    boolean isValid() {
        return state == State.VALID;
    }

    /** Removes every attribute with its unbinding callbacks and listener events (invalidation). */
    void unbindAll() {
        List<String> names = new ArrayList<>(attributes.keySet());
        for (String name : names) {
            Object old = attributes.remove(name);
            if (old != null) {
                SessionListeners.unbound(this, name, old);
                store.listeners().removed(this, name, old);
            }
        }
        attributes.clear();
    }

    // guarded by this; a max inactive interval of zero or less means never (Servlet 6.1 HttpSession)
    private boolean idleTooLong(long now) {
        int interval = maxInactiveInterval;
        return interval > 0 && users == 0 && now - idleSince >= interval * 1000L;
    }
}
