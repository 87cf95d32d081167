package dev.unicorn.bench.load;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Everything measured for one server in a run, and what went wrong. */
final class ServerResults {
    final String name;
    final String version;
    final String configuration;
    final Map<Scenario, List<LoadResult>> samples = new EnumMap<>(Scenario.class);
    /** Why a scenario has fewer samples than repetitions (or none), per scenario. */
    final Map<Scenario, List<String>> scenarioFailures = new EnumMap<>(Scenario.class);
    final List<Double> coldStartMillis = new ArrayList<>();
    final List<Double> warmStartMillis = new ArrayList<>();
    final List<Double> idleKiBPerConnection = new ArrayList<>();
    /** Notes about measurements that did not happen (h2c unsupported, memory failed, ...). */
    final Map<String, String> notes = new LinkedHashMap<>();
    /** Set when the server failed as a whole. */
    String failure;

    ServerResults(String name, String version, String configuration) {
        this.name = name;
        this.version = version;
        this.configuration = configuration;
    }

    void add(Scenario s, LoadResult r) {
        samples.computeIfAbsent(s, k -> new ArrayList<>()).add(r);
    }

    void fail(Scenario s, String why) {
        scenarioFailures.computeIfAbsent(s, k -> new ArrayList<>()).add(why);
    }

    Spread spread(Scenario s, ToDoubleFunction<LoadResult> metric) {
        List<LoadResult> rs = samples.get(s);
        return rs == null ? null : Spread.of(rs.stream().map(r -> metric.applyAsDouble(r)).toList());
    }

    Spread throughput(Scenario s) {
        return spread(s, LoadResult::requestsPerSecond);
    }

    Spread p99(Scenario s) {
        return spread(s, LoadResult::p99Millis);
    }

    long errors(Scenario s) {
        return samples.getOrDefault(s, List.of()).stream().mapToLong(LoadResult::socketErrors).sum();
    }

    long non2xx(Scenario s) {
        return samples.getOrDefault(s, List.of()).stream().mapToLong(LoadResult::non2xx).sum();
    }
}
