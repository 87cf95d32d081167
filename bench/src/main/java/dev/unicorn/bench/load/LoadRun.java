package dev.unicorn.bench.load;

import dev.unicorn.bench.peers.Peer;
import dev.unicorn.bench.peers.PeerServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load comparison: runs every server in turn under the same load points and writes
 * {@code docs/benchmarks.md} and {@code docs/benchmarks.svg}. Run through {@code bench/load.sh}.
 *
 * <p>Each server runs in its own JVM pinned to core 0 ({@code taskset -c 0}); wrk, h2load and
 * this runner are on core 1. Per server: start-up from spawn to first 200 (once per
 * repetition), warm start-up in one JVM ({@code PeerServer ... startup=20}), then one long-lived
 * server: warm-up, then per repetition every load point; then per repetition a fresh server for
 * the idle-memory point. A server or load point that fails is recorded as failed and the run
 * goes on.
 */
public final class LoadRun {
    /** Unicorn's entries are named {@code unicorn-<workerModel>}; every other server is a peer. */
    static final String UNICORN_PREFIX = "unicorn-";
    /** The Unicorn entry the targets are judged on: the default worker model. */
    static final String PRIMARY = "unicorn-virtual";
    static final int PIPELINE_DEPTH = 16;
    /** Plaintext load given to a fresh server before its idle-memory sample, so its code is warm. */
    static final int IDLE_WARMUP_SECONDS = 2;
    static final String SCRIPT_DIR_IN_REPO = "bench/src/main/resources/dev/unicorn/bench/load";
    private static final Pattern STARTUP = Pattern.compile("STARTUP median=([0-9.]+)");

    private final RunOptions options;
    private final boolean taskset;
    private final boolean h2load;
    private final Path scripts;
    private final String javaBin;
    private int nextPort;
    private volatile ServerProcess current;

    private LoadRun(RunOptions options, boolean taskset, boolean h2load, Path scripts) {
        this.options = options;
        this.taskset = taskset;
        this.h2load = h2load;
        this.scripts = scripts;
        this.javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.nextPort = options.basePort();
    }

    public static void main(String[] args) throws Exception {
        RunOptions options = RunOptions.parse(args);
        if (!Exec.onPath("wrk")) {
            System.err.println("wrk is not installed (apt-get install -y wrk)");
            System.exit(1);
        }
        boolean taskset = Exec.onPath("taskset");
        boolean h2load = Exec.onPath("h2load");
        if (!taskset) {
            System.out.println("NOTE: taskset not found; servers and load generators run unpinned");
        }
        if (!h2load) {
            System.out.println("NOTE: h2load not found (apt-get install -y nghttp2-client); h2c points are skipped");
        }
        Files.createDirectories(options.logs().resolve("tmp"));
        Path scripts = extractScripts(options.logs());
        LoadRun run = new LoadRun(options, taskset, h2load, scripts);
        Runtime.getRuntime().addShutdownHook(new Thread(run::killCurrent, "kill-server"));

        Machine machine = Machine.probe(h2load, taskset);
        List<ServerResults> results = new ArrayList<>();
        for (Peer peer : options.servers()) {
            String version = peer.version();
            if (isUnicorn(peer.name())) {
                version += " (git " + Exec.firstLine(List.of("git", "describe", "--always", "--dirty")) + ")";
            }
            ServerResults r = new ServerResults(peer.name(), version, peer.configuration());
            results.add(r);
            log("== " + peer.name() + " (" + version + ")");
            try {
                run.measure(peer, r);
            } catch (Exception e) {
                r.failure = describe(e);
                log("   FAILED: " + r.failure);
            } finally {
                run.killCurrent();
            }
        }
        Report report = new Report(options, machine, results, run.commands());
        Files.createDirectories(options.docs());
        Files.writeString(options.docs().resolve("benchmarks.md"), report.markdown());
        Files.writeString(options.docs().resolve("benchmarks.svg"), new RatioChart(results).svg());
        Files.writeString(options.logs().resolve("results.tsv"), report.tsv());
        System.out.println();
        System.out.println(report.summary());
        log("wrote " + options.docs().resolve("benchmarks.md") + " and benchmarks.svg; raw output in " + options.logs());
    }

    /** True for Unicorn's own entries (one per worker model), false for the peers it is compared with. */
    static boolean isUnicorn(String server) {
        return server.startsWith(UNICORN_PREFIX);
    }

    private void measure(Peer peer, ServerResults r) throws Exception {
        Path logs = options.logs().resolve(peer.name());
        Files.createDirectories(logs);

        for (int rep = 0; rep < options.reps(); rep++) {
            int port = nextPort++;
            try (ServerProcess s = start(peer.name(), port, logs.resolve("cold-start-" + rep + ".log"))) {
                double ms = s.millisToFirstResponse(Duration.ofSeconds(60));
                s.awaitReady(Duration.ofSeconds(30));
                r.coldStartMillis.add(ms);
                log(String.format(Locale.ROOT, "   start-up (spawn to first 200): %.0f ms", ms));
            } finally {
                current = null;
            }
        }
        for (int rep = 0; rep < options.reps(); rep++) {
            try {
                String out = Exec.run(serverCommand(peer.name(), nextPort++, "startup=" + options.startupRounds()),
                        Duration.ofSeconds(300), logs.resolve("warm-start-" + rep + ".log"));
                Matcher m = STARTUP.matcher(out);
                if (!m.find()) {
                    throw new IOException("no STARTUP line: " + WrkOutput.tail(out));
                }
                r.warmStartMillis.add(Double.parseDouble(m.group(1)));
                log("   warm start (median of " + options.startupRounds() + "): " + m.group(1) + " ms");
            } catch (IOException e) {
                r.notes.put("warm start", describe(e));
                log("   warm start FAILED: " + describe(e));
                break;
            }
        }

        int port = nextPort++;
        try (ServerProcess s = start(peer.name(), port, logs.resolve("server.log"))) {
            s.awaitReady(Duration.ofSeconds(60));
            String base = "http://127.0.0.1:" + port;
            boolean h2c = h2load && probeH2c(r, base, logs);
            if (options.warmupSeconds() > 0) {
                // every point once, unmeasured: on one core the JIT needs more than a plaintext warm-up to
                // reach the code paths of echo, pipelining and h2c (a first repetition came out 3x slower)
                for (Scenario sc : Scenario.values()) {
                    Path out = logs.resolve("warmup-" + sc.name().toLowerCase(Locale.ROOT) + ".txt");
                    if (sc.tool == Scenario.Tool.WRK) {
                        loadTool(wrk(sc, base, scripts, options.warmupSeconds()),
                                Duration.ofSeconds(options.warmupSeconds() + 30), out);
                    } else if (h2c) {
                        loadTool(h2loadCommand(base, 10, sc.streams(), 20_000), Duration.ofSeconds(120), out);
                    }
                }
            }
            Map<Scenario, Double> h2Rate = new EnumMap<>(Scenario.class);
            for (int rep = 0; rep < options.reps(); rep++) {
                for (Scenario sc : Scenario.values()) {
                    if (sc.tool == Scenario.Tool.H2LOAD && !h2c) {
                        continue;
                    }
                    if (!s.alive()) {
                        throw new IOException("server died during the run; see " + logs.resolve("server.log"));
                    }
                    try {
                        LoadResult res = runPoint(sc, s, base, h2Rate, logs, rep);
                        r.add(sc, res);
                        log(String.format(Locale.ROOT,
                                "   %-10s rep %d: %,10.0f req/s  p99 %s  errors %d  non-2xx %d  other CPU %.2f cores",
                                sc.label, rep + 1, res.requestsPerSecond(), Report.millis(res.p99Millis()),
                                res.socketErrors(), res.non2xx(), res.foreignCores()));
                    } catch (IOException | RuntimeException e) {
                        r.fail(sc, describe(e));
                        log("   " + sc.label + " rep " + (rep + 1) + " FAILED: " + describe(e));
                    }
                    Thread.sleep(1000); // let closed connections drain before the next point
                }
            }
        } finally {
            current = null;
        }

        // Memory once touched stays resident in a JVM, so each idle-memory sample gets a fresh server.
        for (int rep = 0; rep < options.reps(); rep++) {
            int memPort = nextPort++;
            try (ServerProcess s = start(peer.name(), memPort, logs.resolve("idle-memory-" + rep + ".log"))) {
                s.awaitReady(Duration.ofSeconds(60));
                loadTool(wrk(Scenario.PLAINTEXT, "http://127.0.0.1:" + memPort, scripts, IDLE_WARMUP_SECONDS),
                        Duration.ofSeconds(IDLE_WARMUP_SECONDS + 30), logs.resolve("idle-memory-warmup-" + rep + ".txt"));
                measureIdleMemory(s, memPort, r, logs);
            } catch (IOException e) {
                r.notes.put("idle memory", describe(e));
                log("   idle memory FAILED: " + describe(e));
            } finally {
                current = null;
            }
        }
    }

    /**
     * One repetition of one load point. When other processes used more than
     * {@link Report#NOISY_CORES} meanwhile, the point is run again (up to {@code --noise-retries}
     * times) and the least disturbed try is kept.
     */
    private LoadResult runPoint(Scenario sc, ServerProcess s, String base, Map<Scenario, Double> h2Rate, Path logs,
                                int rep) throws IOException, InterruptedException {
        LoadResult kept = null;
        for (int attempt = 0; attempt <= options.noiseRetries(); attempt++) {
            if (attempt > 0) {
                log(String.format(Locale.ROOT, "   %-10s rep %d: other processes used %.2f cores; running it again",
                        sc.label, rep + 1, kept.foreignCores()));
                Thread.sleep(1000);
            }
            Path out = logs.resolve(sc.name().toLowerCase(Locale.ROOT) + "-" + rep
                    + (attempt > 0 ? "-retry" + attempt : "") + ".txt");
            CpuAccounting.Snapshot cpu = CpuAccounting.snapshot(s.pid());
            LoadResult res = sc.tool == Scenario.Tool.WRK
                    ? WrkOutput.parse(loadTool(wrk(sc, base, scripts, options.seconds()),
                            Duration.ofSeconds(options.seconds() + 30), out))
                    : runH2load(sc, base, h2Rate, out);
            res = res.withForeignCores(CpuAccounting.foreignCores(cpu, CpuAccounting.snapshot(s.pid())));
            if (kept == null || res.foreignCores() < kept.foreignCores()) {
                kept = res;
            }
            if (!(kept.foreignCores() > Report.NOISY_CORES)) {
                break;
            }
        }
        return kept;
    }

    private ServerProcess start(String name, int port, Path log) throws IOException {
        ServerProcess s = ServerProcess.spawn(serverCommand(name, port), port, log);
        current = s;
        return s;
    }

    private boolean probeH2c(ServerResults r, String base, Path logs) throws InterruptedException {
        try {
            H2loadOutput.parse(loadTool(h2loadCommand(base, 1, 1, 1000), Duration.ofSeconds(30), logs.resolve("h2c-probe.txt")));
            return true;
        } catch (IOException | RuntimeException e) {
            r.notes.put("h2c", "not measured: the server does not answer HTTP/2 with prior knowledge ("
                    + String.join(":", Arrays.asList(describe(e).split(":", 3)).subList(0, 2)).strip()
                    + "; see h2c-probe.txt)");
            log("   h2c: not supported, skipped");
            return false;
        }
    }

    /** h2load counts requests, not time: a first short run estimates the rate, so later runs last about the duration. */
    private LoadResult runH2load(Scenario sc, String base, Map<Scenario, Double> rate, Path out)
            throws IOException, InterruptedException {
        if (!rate.containsKey(sc)) {
            LoadResult probe = H2loadOutput.parse(loadTool(h2loadCommand(base, 10, sc.streams(), 20_000),
                    Duration.ofSeconds(120), out.resolveSibling(out.getFileName() + ".estimate")));
            rate.put(sc, probe.requestsPerSecond());
        }
        long n = Math.max(20_000, Math.round(rate.get(sc) * options.seconds()));
        LoadResult res = H2loadOutput.parse(loadTool(h2loadCommand(base, 10, sc.streams(), n),
                Duration.ofSeconds(options.seconds() * 4L + 60), out));
        rate.put(sc, res.requestsPerSecond());
        return res;
    }

    /**
     * RSS before and after opening the idle connections, each sample taken after a full GC
     * ({@code jcmd GC.run}, which also lets G1 shrink the heap) so garbage left by the load
     * points does not count as connection memory.
     */
    private void measureIdleMemory(ServerProcess s, int port, ServerResults r, Path logs)
            throws IOException, InterruptedException {
        Thread.sleep(1000);
        long before = settledRss(s, logs);
        try (IdleConnections idle = IdleConnections.open(port, options.idleConnections())) {
            Thread.sleep(1000);
            long after = settledRss(s, logs);
            double perConnection = (after - before) / (double) idle.size();
            r.idleKiBPerConnection.add(perConnection);
            log(String.format(Locale.ROOT, "   idle memory: RSS %,d -> %,d KiB with %,d connections: %.1f KiB each",
                    before, after, idle.size(), perConnection));
        }
    }

    private long settledRss(ServerProcess s, Path logs) throws IOException, InterruptedException {
        Exec.run(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(s.pid()),
                "GC.run"), Duration.ofSeconds(60), logs.resolve("jcmd-gc.txt"));
        Thread.sleep(1000);
        return s.rssKiB();
    }

    private String loadTool(List<String> command, Duration timeout, Path out) throws IOException, InterruptedException {
        List<String> pinned = new ArrayList<>();
        if (taskset) {
            pinned.addAll(List.of("taskset", "-c", "1"));
        }
        pinned.addAll(command);
        return Exec.run(pinned, timeout, out);
    }

    List<String> serverCommand(String name, int port, String... extra) {
        List<String> c = new ArrayList<>();
        if (taskset) {
            c.addAll(List.of("taskset", "-c", "0"));
        }
        // servers' temporary files (Tomcat's base directory) stay under the logs, not in /tmp
        Path tmp = options.logs().resolve("tmp").toAbsolutePath();
        c.addAll(List.of(javaBin, "-Xmx1g", "-Djava.io.tmpdir=" + tmp, "-cp",
                options.jar().toString(), PeerServer.class.getName(), name,
                Integer.toString(port)));
        c.addAll(List.of(extra));
        return c;
    }

    static List<String> wrk(Scenario sc, String base, Path scripts, int seconds) {
        List<String> c = new ArrayList<>(List.of("wrk", "-t1", "-c" + (sc == Scenario.SLEEP ? 256 : 50),
                "-d" + seconds + "s", "--latency"));
        switch (sc) {
            case PLAINTEXT -> c.add(base + "/plaintext");
            case PIPELINED -> c.addAll(List.of("-s", scripts.resolve("pipeline.lua").toString(), base + "/plaintext",
                    "--", Integer.toString(PIPELINE_DEPTH)));
            case ECHO -> c.addAll(List.of("-s", scripts.resolve("echo.lua").toString(), base + "/echo"));
            case SLEEP -> c.add(base + "/sleep");
            default -> throw new IllegalArgumentException(sc + " is not a wrk point");
        }
        return c;
    }

    static List<String> h2loadCommand(String base, int connections, int streams, long requests) {
        return List.of("h2load", "-c" + connections, "-m" + streams, "-n" + requests, base + "/plaintext");
    }

    /** The commands of this run, for the report, with the port as {@code $PORT}. */
    private Map<String, String> commands() {
        String base = "http://127.0.0.1:$PORT";
        Path repoScripts = Path.of(SCRIPT_DIR_IN_REPO);
        String pin1 = taskset ? "taskset -c 1 " : "";
        Map<String, String> c = new LinkedHashMap<>();
        List<String> server = serverCommand("<server>", 0);
        server.set(server.size() - 1, "$PORT");
        c.put("server", shown(server));
        c.put("warm start", shown(serverCommand("<server>", 0, "startup=" + options.startupRounds()))
                .replace(" 0 startup", " $PORT startup"));
        c.put("warm-up", "# each point below once, with -d" + options.warmupSeconds() + "s (h2load: -n20000), not measured");
        for (Scenario sc : Scenario.values()) {
            if (sc.tool == Scenario.Tool.WRK) {
                c.put(sc.label, pin1 + String.join(" ", wrk(sc, base, repoScripts, options.seconds())));
            } else {
                c.put(sc.label, pin1 + String.join(" ", h2loadCommand(base, 10, sc.streams(), 0))
                        .replace("-n0", "-n<rate x " + options.seconds() + " s>"));
            }
        }
        return c;
    }

    /** A server command as the report shows it: {@code java} on the PATH, the jar where the build puts it. */
    private String shown(List<String> command) {
        return String.join(" ", command).replace(javaBin, "java")
                .replace(" -Djava.io.tmpdir=" + options.logs().resolve("tmp").toAbsolutePath(), "")
                .replace(options.jar().toString(), "bench/target/benchmarks.jar");
    }

    private static Path extractScripts(Path dir) throws IOException {
        for (String name : List.of("pipeline.lua", "echo.lua")) {
            try (InputStream in = LoadRun.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("missing resource " + name + " next to " + LoadRun.class.getName());
                }
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir.toAbsolutePath();
    }

    private void killCurrent() {
        ServerProcess s = current;
        if (s != null) {
            s.close();
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static void log(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
