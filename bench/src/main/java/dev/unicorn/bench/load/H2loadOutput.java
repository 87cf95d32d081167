package dev.unicorn.bench.load;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses h2load's summary. */
final class H2loadOutput {
    private static final Pattern FINISHED = Pattern.compile("(?m)^finished in ([0-9.]+)(ms|s), ([0-9.]+) req/s");
    private static final Pattern REQUESTS = Pattern.compile(
            "(?m)^requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile("(?m)^status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");
    private static final Pattern PROTOCOL = Pattern.compile("(?m)^Application protocol: (\\S+)");

    private H2loadOutput() {
    }

    /** The result; an exception when h2load did not finish or did not speak h2c. */
    static LoadResult parse(String out) {
        Matcher finished = FINISHED.matcher(out);
        Matcher requests = REQUESTS.matcher(out);
        if (!finished.find() || !requests.find()) {
            throw new IllegalStateException("h2load printed no summary: " + WrkOutput.tail(out));
        }
        Matcher protocol = PROTOCOL.matcher(out);
        if (!protocol.find() || !protocol.group(1).equals("h2c")) {
            throw new IllegalStateException("h2load did not negotiate h2c: " + WrkOutput.tail(out));
        }
        long succeeded = Long.parseLong(requests.group(4));
        long errors = Long.parseLong(requests.group(5)) + Long.parseLong(requests.group(6))
                + Long.parseLong(requests.group(7));
        long non2xx = 0;
        Matcher status = STATUS.matcher(out);
        if (status.find()) {
            non2xx = Long.parseLong(status.group(2)) + Long.parseLong(status.group(3)) + Long.parseLong(status.group(4));
        }
        if (succeeded == 0) {
            throw new IllegalStateException("h2load: no request succeeded: " + WrkOutput.tail(out));
        }
        return new LoadResult(Double.parseDouble(finished.group(3)), succeeded, Double.NaN, Double.NaN, errors, non2xx, Double.NaN);
    }
}
