package dev.unicorn.dirty;

import java.util.List;

/**
 * One frame of the dirty wire protocol: its type, the request id it belongs to (0 for frames
 * about the connection itself) and the payload values, as many as the type's arity.
 */
record Frame(FrameType type, long id, List<Object> values) {
    Frame {
        if (values.size() != type.arity) {
            throw new IllegalArgumentException(type + " carries " + type.arity + " values, not " + values.size());
        }
        values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }

    static Frame of(FrameType type, long id, Object... values) {
        return new Frame(type, id, java.util.Arrays.asList(values));
    }

    Object value(int i) {
        return values.get(i);
    }

    String string(int i) {
        if (values.get(i) instanceof String s) {
            return s;
        }
        throw new DirtyProtocolException(type + " value " + i + " must be a string");
    }

    long integer(int i) {
        if (values.get(i) instanceof Long n) {
            return n;
        }
        throw new DirtyProtocolException(type + " value " + i + " must be an int64");
    }

    @SuppressWarnings("unchecked")
    List<Object> list(int i) {
        if (values.get(i) instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new DirtyProtocolException(type + " value " + i + " must be a list");
    }
}
