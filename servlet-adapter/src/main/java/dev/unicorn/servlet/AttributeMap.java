package dev.unicorn.servlet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Named attributes whose changes are told to listeners, as the context and the request both
 * need: {@code setAttribute} with {@code null} removes; added and removed events carry the
 * value, replaced events the old value. Concurrent, since async threads and the request
 * thread may both touch a request's attributes.
 *
 * @param <L> the listener type
 * @param <E> the event type
 */
final class AttributeMap<L, E> {
    /** How one listener type hears one kind of change. */
    interface Callback<L, E> {
        void call(L listener, E event);
    }

    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private final Supplier<List<L>> listeners;
    private final BiFunction<String, Object, E> event;
    private final Callback<L, E> added;
    private final Callback<L, E> replaced;
    private final Callback<L, E> removed;

    AttributeMap(Supplier<List<L>> listeners, BiFunction<String, Object, E> event, Callback<L, E> added,
            Callback<L, E> replaced, Callback<L, E> removed) {
        this.listeners = listeners;
        this.event = event;
        this.added = added;
        this.replaced = replaced;
        this.removed = removed;
    }

    Object get(String name) {
        return values.get(Objects.requireNonNull(name, "name"));
    }

    Enumeration<String> names() {
        return Collections.enumeration(new ArrayList<>(values.keySet()));
    }

    void set(String name, Object value) {
        Objects.requireNonNull(name, "name");
        if (value == null) {
            remove(name);
            return;
        }
        Object old = values.put(name, value);
        tell(old == null ? added : replaced, name, old == null ? value : old);
    }

    void remove(String name) {
        Object old = values.remove(Objects.requireNonNull(name, "name"));
        if (old != null) {
            tell(removed, name, old);
        }
    }

    void clear() {
        values.clear();
    }

    private void tell(Callback<L, E> callback, String name, Object value) {
        List<L> ls = listeners.get();
        if (ls.isEmpty()) {
            return;
        }
        E e = event.apply(name, value);
        for (L l : ls) {
            callback.call(l, e);
        }
    }
}
