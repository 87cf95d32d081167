package dev.unicorn.bench.peers;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;

/**
 * Runs one server for the load comparison.
 *
 * <pre>
 * PeerServer &lt;name&gt; &lt;port&gt; [key=value...]
 * </pre>
 *
 * <p>Starts {@code name} (see {@link Peers}) on 127.0.0.1:{@code port}, and once it answers
 * {@code GET /plaintext} with 200 prints exactly {@code READY <port>} on stdout; then serves
 * until the process is terminated (SIGTERM stops the server through a shutdown hook).
 *
 * <p>With {@code startup=N} it instead starts and stops the server {@code N} times in this JVM
 * and prints {@code STARTUP median=<ms> min=<ms> max=<ms> n=<N>}: the time from the start
 * call to the first 200 response, with classes loaded and code warm after the first rounds.
 */
public final class PeerServer {
    /** Options this class reads; the rest go to the peer. */
    static final Set<String> OWN_OPTIONS = Set.of("startup");

    private PeerServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: PeerServer <" + String.join("|", Peers.names())
                    + "> <port> [startup=N] [key=value...]");
            System.exit(2);
        }
        quietLogging();
        Peer peer = Peers.named(args[0]);
        int port = Integer.parseInt(args[1]);
        PeerOptions options = PeerOptions.parse(args, 2);
        int rounds = options.intValue("startup", 0);
        if (rounds > 0) {
            measureWarmStart(peer, port, options, rounds);
        } else {
            serve(peer, port, options);
        }
    }

    /** Access logs off everywhere, and only warnings from the servers' own loggers. */
    private static void quietLogging() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.unicorn.access", "warn");
        System.setProperty("org.jboss.logging.provider", "jdk");
        java.util.logging.Logger.getLogger("").setLevel(Level.WARNING);
    }

    private static void serve(Peer peer, int port, PeerOptions options) throws Exception {
        Peer.Running running = peer.start(port, options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.stop();
            } catch (Exception e) {
                System.err.println("stopping " + peer.name() + ": " + e);
            } finally {
                stopped.countDown();
            }
        }, "peer-stop"));
        FirstResponse.await(port, 30_000);
        System.out.println("READY " + port);
        System.out.flush();
        stopped.await();
    }

    private static void measureWarmStart(Peer peer, int port, PeerOptions options, int rounds) throws Exception {
        double[] millis = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            Peer.Running running = peer.start(port, options);
            try {
                long ready = FirstResponse.await(port, 30_000);
                millis[i] = (ready - start) / 1e6;
            } finally {
                running.stop();
            }
        }
        Arrays.sort(millis);
        double median = rounds % 2 == 1 ? millis[rounds / 2] : (millis[rounds / 2 - 1] + millis[rounds / 2]) / 2;
        System.out.printf(java.util.Locale.ROOT, "STARTUP median=%.2f min=%.2f max=%.2f n=%d%n",
                median, millis[0], millis[rounds - 1], rounds);
    }
}
