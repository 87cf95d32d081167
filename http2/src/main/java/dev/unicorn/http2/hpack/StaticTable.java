package dev.unicorn.http2.hpack;

import java.util.HashMap;
import java.util.Map;

/** The HPACK static table (RFC 7541 Appendix A), indices 1..61. */
final class StaticTable {
    private StaticTable() {
    }

    static final int SIZE = 61;

    private static final String[][] ENTRIES = {
        {":authority", ""}, {":method", "GET"}, {":method", "POST"}, {":path", "/"},
        {":path", "/index.html"}, {":scheme", "http"}, {":scheme", "https"}, {":status", "200"},
        {":status", "204"}, {":status", "206"}, {":status", "304"}, {":status", "400"},
        {":status", "404"}, {":status", "500"}, {"accept-charset", ""}, {"accept-encoding", "gzip, deflate"},
        {"accept-language", ""}, {"accept-ranges", ""}, {"accept", ""}, {"access-control-allow-origin", ""},
        {"age", ""}, {"allow", ""}, {"authorization", ""}, {"cache-control", ""},
        {"content-disposition", ""}, {"content-encoding", ""}, {"content-language", ""}, {"content-length", ""},
        {"content-location", ""}, {"content-range", ""}, {"content-type", ""}, {"cookie", ""},
        {"date", ""}, {"etag", ""}, {"expect", ""}, {"expires", ""},
        {"from", ""}, {"host", ""}, {"if-match", ""}, {"if-modified-since", ""},
        {"if-none-match", ""}, {"if-range", ""}, {"if-unmodified-since", ""}, {"last-modified", ""},
        {"link", ""}, {"location", ""}, {"max-forwards", ""}, {"proxy-authenticate", ""},
        {"proxy-authorization", ""}, {"range", ""}, {"referer", ""}, {"refresh", ""},
        {"retry-after", ""}, {"server", ""}, {"set-cookie", ""}, {"strict-transport-security", ""},
        {"transfer-encoding", ""}, {"user-agent", ""}, {"vary", ""}, {"via", ""},
        {"www-authenticate", ""},
    };

    /** Name -> the indices of the entries with that name, ascending. */
    private static final Map<String, int[]> BY_NAME = new HashMap<>();

    static {
        for (int i = 1; i <= SIZE; i++) {
            int[] prev = BY_NAME.get(name(i));
            int[] next = prev == null ? new int[1] : java.util.Arrays.copyOf(prev, prev.length + 1);
            next[next.length - 1] = i;
            BY_NAME.put(name(i), next);
        }
    }

    /** The name of entry {@code index} (1-based). */
    static String name(int index) {
        return ENTRIES[index - 1][0];
    }

    /** The value of entry {@code index} (1-based). */
    static String value(int index) {
        return ENTRIES[index - 1][1];
    }

    /** The index of the first entry named {@code name}, or 0. */
    static int indexOfName(String name) {
        int[] i = BY_NAME.get(name);
        return i == null ? 0 : i[0];
    }

    /** The index of the entry {@code (name, value)}, or 0. Allocates nothing. */
    static int indexOf(String name, String value) {
        int[] indices = BY_NAME.get(name);
        if (indices != null) {
            for (int i : indices) {
                if (value(i).equals(value)) {
                    return i;
                }
            }
        }
        return 0;
    }
}
