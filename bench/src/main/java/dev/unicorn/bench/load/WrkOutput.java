package dev.unicorn.bench.load;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the report wrk prints (with {@code --latency}). */
final class WrkOutput {
    private static final Pattern RPS = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(?m)^\\s*(\\d+) requests in ");
    private static final Pattern PERCENTILE = Pattern.compile("(?m)^\\s+(\\d+(?:\\.\\d+)?)%\\s+([0-9.]+)(us|ms|s|m|h)\\s*$");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private WrkOutput() {
    }

    /** The result, or an exception naming what is missing when wrk did not complete. */
    static LoadResult parse(String out) {
        Matcher rps = RPS.matcher(out);
        Matcher total = TOTAL.matcher(out);
        if (!rps.find() || !total.find()) {
            throw new IllegalStateException("wrk printed no Requests/sec: " + tail(out));
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher pct = PERCENTILE.matcher(out);
        while (pct.find()) {
            double millis = millis(Double.parseDouble(pct.group(2)), pct.group(3));
            switch (pct.group(1)) {
                case "50", "50.000" -> p50 = millis;
                case "99", "99.000" -> p99 = millis;
                default -> { }
            }
        }
        long errors = 0;
        Matcher se = SOCKET_ERRORS.matcher(out);
        if (se.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(se.group(g));
            }
        }
        Matcher non2xx = NON_2XX.matcher(out);
        long bad = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
        return new LoadResult(Double.parseDouble(rps.group(1)), Long.parseLong(total.group(1)), p50, p99, errors, bad, Double.NaN);
    }

    static double millis(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            case "m" -> value * 60_000;
            case "h" -> value * 3_600_000;
            default -> throw new IllegalArgumentException(unit);
        };
    }

    static String tail(String out) {
        String t = out.strip();
        return t.length() > 400 ? "..." + t.substring(t.length() - 400) : t;
    }
}
