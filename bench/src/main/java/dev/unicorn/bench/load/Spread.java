package dev.unicorn.bench.load;

import java.util.List;

/** The median of repeated measurements and their range. */
record Spread(double median, double min, double max, int n) {
    /** The spread of the finite values, or {@code null} when there are none. */
    static Spread of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return null;
        }
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Spread(median, v[0], v[n - 1], n);
    }
}
