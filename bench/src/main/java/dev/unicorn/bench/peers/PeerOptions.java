package dev.unicorn.bench.peers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code key=value} arguments of {@link PeerServer}, read by name. */
public record PeerOptions(Map<String, String> values) {
    /** Options parsed from {@code key=value} strings. */
    public static PeerOptions parse(String[] args, int from) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got: " + args[i]);
            }
            values.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        return new PeerOptions(Collections.unmodifiableMap(values));
    }

    /** The integer option {@code key}, or {@code fallback}. */
    public int intValue(String key, int fallback) {
        String v = values.get(key);
        return v == null ? fallback : Integer.parseInt(v);
    }

    /** The option {@code key}, or {@code fallback}. */
    public String value(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }
}
