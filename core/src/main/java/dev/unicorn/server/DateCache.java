package dev.unicorn.server;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} field value (RFC 9110 §5.6.7 IMF-fixdate), formatted at most once per
 * second and shared by every response of one server.
 */
public final class DateCache {
    private record Entry(long second, byte[] bytes) {
    }

    /** RFC 9110 §5.6.7: always two-digit days (RFC_1123_DATE_TIME would write "6 Nov"). */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);

    private volatile Entry entry = new Entry(Long.MIN_VALUE, new byte[0]);

    /** The current date as ASCII bytes, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. Do not modify the array. */
    public byte[] currentBytes() {
        long now = System.currentTimeMillis() / 1000;
        Entry e = entry;
        if (e.second != now) {
            String s = IMF_FIXDATE.format(Instant.ofEpochSecond(now).atOffset(ZoneOffset.UTC));
            e = new Entry(now, s.getBytes(StandardCharsets.US_ASCII));
            entry = e;
        }
        return e.bytes;
    }
}
