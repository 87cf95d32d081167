package dev.unicorn.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An ordered list of HTTP fields (name, value), as they appeared on the wire or as the
 * application added them. Names compare case-insensitively (ASCII) but keep their original
 * spelling; duplicates are kept in order. Request headers and trailers are handed to the
 * application {@linkplain #readOnly() read-only}.
 *
 * <p>Backed by two plain arrays, so iterating with {@link #size()}, {@link #name(int)} and
 * {@link #value(int)} allocates nothing.
 */
public final class Headers {
    private static final String[] EMPTY = new String[0];

    private String[] names;
    private String[] values;
    private int size;
    private boolean readOnly;

    /** Creates an empty, mutable list. */
    public Headers() {
        this.names = EMPTY;
        this.values = EMPTY;
    }

    /** Creates an empty, mutable list with room for {@code capacity} fields. */
    public Headers(int capacity) {
        this.names = capacity == 0 ? EMPTY : new String[capacity];
        this.values = capacity == 0 ? EMPTY : new String[capacity];
    }

    /** Returns a mutable list holding {@code nameValuePairs} (name, value, name, value...). */
    public static Headers of(String... nameValuePairs) {
        if ((nameValuePairs.length & 1) != 0) {
            throw new IllegalArgumentException("name/value pairs expected");
        }
        Headers h = new Headers(nameValuePairs.length / 2);
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            h.add(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return h;
    }

    /** A mutable copy of {@code other}. */
    public static Headers copyOf(Headers other) {
        Headers h = new Headers(other.size);
        for (int i = 0; i < other.size; i++) {
            h.add(other.names[i], other.values[i]);
        }
        return h;
    }

    /** Number of fields, duplicates included. */
    public int size() {
        return size;
    }

    /** True when there is no field. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Name of the field at {@code index}, as spelled on the wire. */
    public String name(int index) {
        Objects.checkIndex(index, size);
        return names[index];
    }

    /** Value of the field at {@code index}. */
    public String value(int index) {
        Objects.checkIndex(index, size);
        return values[index];
    }

    /** The first value of {@code name}, or {@code null}. */
    public String get(String name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : values[i];
    }

    /** Every value of {@code name}, in order (each field line separately; not split on commas). */
    public List<String> getAll(String name) {
        List<String> out = null;
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(values[i]);
            }
        }
        return out == null ? List.of() : Collections.unmodifiableList(out);
    }

    /** True if a field named {@code name} is present. */
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    /** Number of fields named {@code name}. */
    public int count(String name) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                n++;
            }
        }
        return n;
    }

    /**
     * True if any field named {@code name} holds {@code token} in its comma-separated list,
     * compared case-insensitively (RFC 9110 §5.6.1), e.g. {@code containsToken("Connection", "close")}.
     */
    public boolean containsToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name) && listContains(values[i], token)) {
                return true;
            }
        }
        return false;
    }

    static boolean listContains(String list, String token) {
        int n = list.length();
        int start = 0;
        while (start <= n) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            int s = start;
            int e = end;
            while (s < e && (list.charAt(s) == ' ' || list.charAt(s) == '\t')) {
                s++;
            }
            while (e > s && (list.charAt(e - 1) == ' ' || list.charAt(e - 1) == '\t')) {
                e--;
            }
            if (e - s == token.length() && list.regionMatches(true, s, token, 0, token.length())) {
                return true;
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return false;
    }

    /** Index of the first field named {@code name} at or after {@code from}, or -1. */
    public int indexOf(String name, int from) {
        for (int i = from; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Appends a field. */
    public Headers add(String name, String value) {
        checkWritable();
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (size == names.length) {
            int cap = Math.max(8, size * 2);
            names = java.util.Arrays.copyOf(names, cap);
            values = java.util.Arrays.copyOf(values, cap);
        }
        names[size] = name;
        values[size] = value;
        size++;
        return this;
    }

    /** Replaces every field named {@code name} with one field holding {@code value}. */
    public Headers set(String name, String value) {
        checkWritable();
        Objects.requireNonNull(value, "value");
        int i = indexOf(name, 0);
        if (i < 0) {
            return add(name, value);
        }
        values[i] = value;
        removeFrom(name, i + 1);
        return this;
    }

    /** Removes every field named {@code name}; returns how many were removed. */
    public int remove(String name) {
        checkWritable();
        return removeFrom(name, 0);
    }

    private int removeFrom(String name, int from) {
        int w = from;
        for (int r = from; r < size; r++) {
            if (!names[r].equalsIgnoreCase(name)) {
                names[w] = names[r];
                values[w] = values[r];
                w++;
            }
        }
        int removed = size - w;
        for (int i = w; i < size; i++) {
            names[i] = null;
            values[i] = null;
        }
        size = w;
        return removed;
    }

    /** Removes every field. */
    public void clear() {
        checkWritable();
        for (int i = 0; i < size; i++) {
            names[i] = null;
            values[i] = null;
        }
        size = 0;
    }

    /** Makes this list read-only; mutators then throw {@link UnsupportedOperationException}. */
    public Headers readOnly() {
        readOnly = true;
        return this;
    }

    /** True once {@link #readOnly()} was called. */
    public boolean isReadOnly() {
        return readOnly;
    }

    private void checkWritable() {
        if (readOnly) {
            throw new UnsupportedOperationException("these headers are read-only");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append(": ").append(values[i]);
        }
        return sb.append(']').toString();
    }
}
