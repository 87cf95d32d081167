package dev.unicorn.servlet.session;

import dev.unicorn.server.ServerContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.EventListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The application's session listeners and the binding callbacks of attribute values. A
 * listener that throws is logged on {@code unicorn.error} and the others still run, as in
 * Tomcat and Jetty: one faulty listener must not leave a session half created or destroyed.
 */
final class SessionListeners {
    private final List<HttpSessionListener> lifecycle = new CopyOnWriteArrayList<>();
    private final List<HttpSessionAttributeListener> attributes = new CopyOnWriteArrayList<>();
    private final List<HttpSessionIdListener> ids = new CopyOnWriteArrayList<>();

    /** Registers {@code listener} for each session listener interface it implements; false if none. */
    boolean add(EventListener listener) {
        boolean any = false;
        if (listener instanceof HttpSessionListener l) {
            lifecycle.add(l);
            any = true;
        }
        if (listener instanceof HttpSessionAttributeListener l) {
            attributes.add(l);
            any = true;
        }
        if (listener instanceof HttpSessionIdListener l) {
            ids.add(l);
            any = true;
        }
        return any;
    }

    void created(HttpSession session) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        each(lifecycle, l -> l.sessionCreated(event), "sessionCreated");
    }

    /** Servlet 6.1 §11.5: listeners hear of destruction in the reverse order of their declaration. */
    void destroyed(HttpSession session) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        each(lifecycle.reversed(), l -> l.sessionDestroyed(event), "sessionDestroyed");
    }

    void idChanged(HttpSession session, String oldId) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        each(ids, l -> l.sessionIdChanged(event, oldId), "sessionIdChanged");
    }

    void added(HttpSession session, String name, Object value) {
        if (!attributes.isEmpty()) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, value);
            each(attributes, l -> l.attributeAdded(event), "attributeAdded");
        }
    }

    /** {@code oldValue}: the event of a replacement carries the value that was replaced. */
    void replaced(HttpSession session, String name, Object oldValue) {
        if (!attributes.isEmpty()) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, oldValue);
            each(attributes, l -> l.attributeReplaced(event), "attributeReplaced");
        }
    }

    void removed(HttpSession session, String name, Object value) {
        if (!attributes.isEmpty()) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, value);
            each(attributes, l -> l.attributeRemoved(event), "attributeRemoved");
        }
    }

    static void bound(HttpSession session, String name, Object value) {
        if (value instanceof HttpSessionBindingListener l) {
            call(() -> l.valueBound(new HttpSessionBindingEvent(session, name, value)), "valueBound", l);
        }
    }

    static void unbound(HttpSession session, String name, Object value) {
        if (value instanceof HttpSessionBindingListener l) {
            call(() -> l.valueUnbound(new HttpSessionBindingEvent(session, name, value)), "valueUnbound", l);
        }
    }

    private static <L> void each(List<L> listeners, Consumer<L> action, String what) {
        for (L l : listeners) {
            call(() -> action.accept(l), what, l);
        }
    }

    private static void call(Runnable callback, String what, Object listener) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            ServerContext.ERROR_LOG.error("Session listener {}.{} failed", listener.getClass().getName(), what, e);
        }
    }
}
