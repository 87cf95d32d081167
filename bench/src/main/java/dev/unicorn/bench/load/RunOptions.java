package dev.unicorn.bench.load;

import dev.unicorn.bench.peers.Peer;
import dev.unicorn.bench.peers.Peers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of {@link LoadRun}.
 *
 * @param quick           {@code --quick}: 1 repetition, 3 s per load point
 * @param reps            {@code --reps N}: repetitions of every load point (default 3)
 * @param seconds         {@code --duration S}: seconds per load point (default 10)
 * @param warmupSeconds   {@code --warmup S}: seconds of plaintext load before measuring (default 5)
 * @param servers         {@code --servers a,b}: which servers, in order (default all)
 * @param jar             {@code --jar PATH}: the shaded jar the servers run from
 * @param docs            {@code --docs DIR}: where benchmarks.md and benchmarks.svg go
 * @param logs            {@code --logs DIR}: raw tool output and server logs
 * @param basePort        {@code --port P}: first port; every server start takes the next one
 * @param idleConnections {@code --idle N}: connections for the idle-memory point (default 10000)
 * @param startupRounds   {@code --startup-rounds N}: in-process starts per warm start-up measurement (default 20)
 * @param noiseRetries    {@code --noise-retries N}: extra tries of a load point disturbed by other processes (default 1)
 */
record RunOptions(boolean quick, int reps, int seconds, int warmupSeconds, List<Peer> servers, Path jar,
                  Path docs, Path logs, int basePort, int idleConnections, int startupRounds,
                  int noiseRetries) {

    static RunOptions parse(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        int reps = quick ? 1 : 3;
        int seconds = quick ? 3 : 10;
        int warmup = quick ? 3 : 5;
        List<Peer> servers = Peers.all();
        Path jar = Path.of("bench/target/benchmarks.jar");
        Path docs = Path.of("docs");
        Path logs = Path.of("bench/target/load-logs");
        int port = 18100;
        int idle = 10_000;
        int rounds = 20;
        int retries = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--quick")) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--reps" -> reps = Integer.parseInt(v);
                case "--duration" -> seconds = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--servers" -> servers = Arrays.stream(v.split(",")).map(String::strip).map(Peers::named).toList();
                case "--jar" -> jar = Path.of(v);
                case "--docs" -> docs = Path.of(v);
                case "--logs" -> logs = Path.of(v);
                case "--port" -> port = Integer.parseInt(v);
                case "--idle" -> idle = Integer.parseInt(v);
                case "--startup-rounds" -> rounds = Integer.parseInt(v);
                case "--noise-retries" -> retries = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a + "; known: --quick --reps --duration "
                        + "--warmup --servers --jar --docs --logs --port --idle --startup-rounds --noise-retries");
            }
        }
        if (reps < 1 || seconds < 1 || warmup < 0 || idle < 1 || rounds < 1 || retries < 0) {
            throw new IllegalArgumentException("reps, duration, idle and startup-rounds must be positive");
        }
        return new RunOptions(quick, reps, seconds, warmup, servers, jar, docs, logs, port, idle, rounds, retries);
    }
}
