package dev.unicorn.servlet;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes {@code application/x-www-form-urlencoded} data: query strings and form bodies. */
final class FormDecoder {
    private FormDecoder() {
    }

    /**
     * Adds the pairs of {@code data} to {@code into}, in order; a name without {@code =} has the
     * value {@code ""}.
     *
     * @throws RequestRejectedException (400) for a malformed escape or more than {@code maxKeys} names
     */
    static void decode(String data, Charset charset, Map<String, List<String>> into, int maxKeys) {
        if (data == null || data.isEmpty()) {
            return;
        }
        int n = data.length();
        int start = 0;
        while (start <= n) {
            int amp = data.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            if (end > start) {
                int eq = data.indexOf('=', start);
                String name;
                String value;
                try {
                    if (eq >= 0 && eq < end) {
                        name = PathDecoder.percentDecode(data, start, eq, charset, true);
                        value = PathDecoder.percentDecode(data, eq + 1, end, charset, true);
                    } else {
                        name = PathDecoder.percentDecode(data, start, end, charset, true);
                        value = "";
                    }
                } catch (IllegalArgumentException e) {
                    throw new RequestRejectedException(400, "malformed form or query: " + e.getMessage());
                }
                List<String> values = into.get(name);
                if (values == null) {
                    if (into.size() >= maxKeys) {
                        throw new RequestRejectedException(400, "more than " + maxKeys + " form keys");
                    }
                    values = new ArrayList<>(1);
                    into.put(name, values);
                }
                values.add(value);
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
    }

    /** {@code first}'s values before {@code then}'s, name by name (a dispatch's query wins, Servlet 6.1 §9.1.1). */
    static Map<String, List<String>> merge(Map<String, List<String>> first, Map<String, List<String>> then) {
        if (first.isEmpty()) {
            return then;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : first.entrySet()) {
            out.put(e.getKey(), new ArrayList<>(e.getValue()));
        }
        for (Map.Entry<String, List<String>> e : then.entrySet()) {
            out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue());
        }
        return out;
    }

    static Map<String, String[]> toArrayMap(Map<String, List<String>> params) {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            out.put(e.getKey(), e.getValue().toArray(new String[0]));
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
