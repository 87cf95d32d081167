package dev.unicorn.servlet;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Parsing and formatting of the header values the Servlet API exposes as typed values. */
final class HttpFields {
    /** IMF-fixdate (RFC 9110 §5.6.7), the form every response date uses. */
    static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    /** RFC 850 with its two-digit year read as 1970-2069. */
    private static final DateTimeFormatter RFC_850 = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(java.time.temporal.ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

    private HttpFields() {
    }

    static String formatDate(long epochMillis) {
        return IMF_FIXDATE.format(java.time.Instant.ofEpochMilli(epochMillis));
    }

    /**
     * Parses an HTTP date in any of the three forms RFC 9110 §5.6.7 requires recipients to accept.
     *
     * @throws IllegalArgumentException when the value is none of them (as {@code getDateHeader} specifies)
     */
    static long parseDate(String value) {
        String v = value.trim();
        for (DateTimeFormatter f : new DateTimeFormatter[] {IMF_FIXDATE, RFC_850, ASCTIME}) {
            try {
                return ZonedDateTime.parse(v, f).toInstant().toEpochMilli();
            } catch (DateTimeParseException ignored) {
                // try the next form
            }
        }
        throw new IllegalArgumentException("not an HTTP date: " + value);
    }

    /** The locales of an {@code Accept-Language} value, best first (q=0 dropped; equal q keep their order). */
    static List<Locale> parseAcceptLanguage(List<String> values) {
        record Weighted(Locale locale, double q, int index) {
        }
        List<Weighted> out = new ArrayList<>();
        int index = 0;
        for (String value : values) {
            for (String item : value.split(",")) {
                String[] parts = item.trim().split(";");
                String tag = parts[0].trim();
                if (tag.isEmpty() || tag.equals("*")) {
                    continue;
                }
                double q = 1.0;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].trim();
                    if (p.startsWith("q=") || p.startsWith("Q=")) {
                        try {
                            q = Double.parseDouble(p.substring(2));
                        } catch (NumberFormatException e) {
                            q = 0;
                        }
                    }
                }
                if (q > 0) {
                    out.add(new Weighted(Locale.forLanguageTag(tag), q, index++));
                }
            }
        }
        out.sort(Comparator.comparingDouble((Weighted w) -> -w.q()).thenComparingInt(Weighted::index));
        List<Locale> locales = new ArrayList<>(out.size());
        for (Weighted w : out) {
            locales.add(w.locale());
        }
        return locales;
    }

    /** The value of parameter {@code name} (e.g. {@code charset}) in a media type, unquoted, or {@code null}. */
    static String mediaTypeParameter(String mediaType, String name) {
        if (mediaType == null) {
            return null;
        }
        String[] parts = mediaType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String v = p.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }

    /** The media type without its parameters, trimmed; {@code null} stays {@code null}. */
    static String mediaTypeWithoutParameters(String mediaType) {
        if (mediaType == null) {
            return null;
        }
        int semi = mediaType.indexOf(';');
        return (semi < 0 ? mediaType : mediaType.substring(0, semi)).trim();
    }
}
