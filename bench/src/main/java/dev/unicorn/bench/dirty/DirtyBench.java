package dev.unicorn.bench.dirty;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import dev.unicorn.dirty.DirtyArbiter;
import dev.unicorn.dirty.DirtyClient;
import dev.unicorn.dirty.DirtyHooks;
import dev.unicorn.dirty.InProcessDirty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Measures the dirty arbiter ({@code docs/dirty.md}, "Measured"): round-trip latency of a small
 * call (p50, p99, one caller), and calls per second of a 10 ms task ({@code Thread.sleep}) with
 * 4 workers and 100 concurrent callers, on child JVMs ({@code dirtyThreads} 1, as gunicorn
 * measures, and 8) and on the in-process executor with the same threads, in one run.
 *
 * <pre>
 * bin/mvn -B -q -Denforcer.skip -DskipTests -pl bench -am package
 * $(bin/java-home)/bin/java -cp bench/target/benchmarks.jar dev.unicorn.bench.dirty.DirtyBench [calls]
 * </pre>
 */
public final class DirtyBench {
    private static final String APP = BenchApp.class.getName();

    private DirtyBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        System.out.printf(Locale.ROOT, "%d processors, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        for (int threads : new int[] {1, 8}) {
            Config config = config(threads);
            try (DirtyArbiter arbiter = DirtyArbiter.start(config, DirtyHooks.NONE)) {
                if (!arbiter.awaitReady(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("workers not ready");
                }
                report("child JVMs, 4 workers x " + threads + " thread(s)", arbiter.client(), calls);
            }
            try (InProcessDirty inProcess = InProcessDirty.start(config)) {
                report("in-process, 4 x " + threads + " thread(s)  ", inProcess.client(), calls);
            }
        }
    }

    private static Config config(int threads) {
        return Config.builder()
                .set(Settings.NAME, "bench")
                .set(Settings.DIRTY_APPS, List.of(APP))
                .set(Settings.DIRTY_WORKERS, 4)
                .set(Settings.DIRTY_THREADS, threads)
                .set(Settings.DIRTY_TIMEOUT, Duration.ofSeconds(60))
                .build();
    }

    private static void report(String label, DirtyClient client, int calls) throws Exception {
        // latency: one caller, small call, after a warm-up of the same size
        latencies(client, calls);
        long[] lat = latencies(client, calls);
        Arrays.sort(lat);
        // throughput: 100 callers in flight, 10 ms task
        throughput(client, Math.max(200, calls / 4));
        double perSecond = throughput(client, calls);
        System.out.printf(Locale.ROOT, "%s  small call p50 %7.1f us  p99 %7.1f us   10 ms task, 100 in flight: %7.0f calls/s%n",
                label, lat[lat.length / 2] / 1e3, lat[(int) (lat.length * 0.99)] / 1e3, perSecond);
    }

    private static long[] latencies(DirtyClient client, int calls) {
        long[] out = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            client.call(APP, "ping", "x");
            out[i] = System.nanoTime() - t0;
        }
        return out;
    }

    private static double throughput(DirtyClient client, int calls) throws InterruptedException {
        Semaphore inFlight = new Semaphore(100);
        List<CompletableFuture<Object>> all = new ArrayList<>(calls);
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            inFlight.acquire();
            CompletableFuture<Object> f = client.callAsync(APP, "sleep", 10L);
            f.whenComplete((v, e) -> inFlight.release());
            all.add(f);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return calls / ((System.nanoTime() - t0) / 1e9);
    }
}
