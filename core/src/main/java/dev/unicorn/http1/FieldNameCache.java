package dev.unicorn.http1;

import java.nio.charset.StandardCharsets;

/**
 * The spellings of common field names, so that a field whose name is spelled exactly like one
 * of them reuses a shared {@code String} instead of allocating one per request. Immutable:
 * the table is filled once and only read.
 */
final class FieldNameCache {
    private FieldNameCache() {
    }

    private static final String[] NAMES = {
        "Host", "Connection", "Keep-Alive", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language",
        "Accept-Charset", "Cookie", "Referer", "Origin", "Content-Length", "Content-Type", "Content-Encoding",
        "Transfer-Encoding", "TE", "Trailer", "Expect", "Upgrade", "Authorization", "Cache-Control", "Pragma",
        "If-Modified-Since", "If-None-Match", "If-Match", "If-Range", "Range", "Date", "Via", "Forwarded",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Real-IP",
        "X-Requested-With", "DNT", "Priority", "Upgrade-Insecure-Requests",
        "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-User", "Sec-Fetch-Dest",
        "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform",
        "host", "connection", "keep-alive", "user-agent", "accept", "accept-encoding", "accept-language",
        "cookie", "referer", "origin", "content-length", "content-type", "transfer-encoding", "te", "expect",
        "authorization", "cache-control", "pragma", "if-none-match", "if-modified-since", "range",
        "x-forwarded-for", "x-forwarded-proto", "x-request-id", "upgrade-insecure-requests",
        "sec-fetch-site", "sec-fetch-mode", "sec-fetch-user", "sec-fetch-dest",
    };

    private static final int MASK = 255;
    private static final String[] TABLE = new String[MASK + 1];
    private static final byte[][] BYTES = new byte[MASK + 1][];

    static {
        for (String name : NAMES) {
            byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
            int slot = hash(b, 0, b.length) & MASK;
            while (TABLE[slot] != null) {
                slot = (slot + 1) & MASK;
            }
            TABLE[slot] = name;
            BYTES[slot] = b;
        }
    }

    /** The hash {@link #name} expects: the same as the scanner accumulates byte by byte. */
    static int hash(byte[] b, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        return mix(h);
    }

    static int mix(int h) {
        return h ^ (h >>> 7) ^ (h >>> 15);
    }

    /** The name spelled by bytes {@code [from, to)}: a shared instance when it is a common one. */
    static String name(byte[] b, int from, int to, int hash) {
        int len = to - from;
        for (int slot = hash & MASK; ; slot = (slot + 1) & MASK) {
            byte[] known = BYTES[slot];
            if (known == null) {
                return new String(b, from, len, StandardCharsets.ISO_8859_1);
            }
            if (known.length == len && java.util.Arrays.equals(known, 0, len, b, from, to)) {
                return TABLE[slot];
            }
        }
    }
}
