package dev.unicorn.dirty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stash itself, held by the arbiter: named tables of string keys to protocol values. Values
 * are stored as the copies the protocol would deliver, so a caller never shares a mutable
 * object with another. Also serves the STASH frames of workers ({@link #apply}).
 */
final class StashTables implements DirtyStash {
    static final int PUT = 1;
    static final int GET = 2;
    static final int DELETE = 3;
    static final int KEYS = 4;
    static final int ENSURE = 5;

    /** Stands for a stored null (the maps hold no nulls). */
    private static final Object NULL = new Object();

    private final Map<String, Map<String, Object>> tables = new ConcurrentHashMap<>();

    @Override
    public Object get(String table, String key, Object defaultValue) {
        Map<String, Object> t = tables.get(table);
        Object v = t == null ? null : t.get(key);
        return v == null ? defaultValue : v == NULL ? null : v;
    }

    @Override
    public void put(String table, String key, Object value) {
        java.util.Objects.requireNonNull(key, "key");
        Object stored = WireFormat.copy(value);
        tables.computeIfAbsent(table, n -> new ConcurrentHashMap<>()).put(key, stored == null ? NULL : stored);
    }

    @Override
    public boolean delete(String table, String key) {
        Map<String, Object> t = tables.get(table);
        return t != null && t.remove(key) != null;
    }

    @Override
    public List<String> keys(String table) {
        Map<String, Object> t = tables.get(table);
        return t == null ? List.of() : List.copyOf(new ArrayList<>(t.keySet()));
    }

    @Override
    public boolean ensure(String table) {
        boolean[] created = {false};
        tables.computeIfAbsent(table, n -> {
            created[0] = true;
            return new ConcurrentHashMap<>();
        });
        return created[0];
    }

    /**
     * Runs a STASH frame's operation and returns the RESULT value: GET answers an empty list
     * when the table or key is missing and a one-element list otherwise, so that a stored null
     * and a missing key differ and the worker's default applies only to the latter.
     */
    Object apply(long op, String table, Object key, Object value) {
        if ((op == PUT || op == GET || op == DELETE) && !(key instanceof String)) {
            throw new DirtyProtocolException("stash operation " + op + " needs a string key");
        }
        return switch ((int) op) {
            case PUT -> {
                put(table, (String) key, value);
                yield null;
            }
            case GET -> {
                Map<String, Object> t = tables.get(table);
                Object v = t == null ? null : t.get((String) key);
                yield v == null ? List.of() : java.util.Collections.singletonList(v == NULL ? null : v);
            }
            case DELETE -> delete(table, (String) key);
            case KEYS -> keys(table);
            case ENSURE -> ensure(table);
            default -> throw new DirtyProtocolException("unknown stash operation " + op);
        };
    }
}
