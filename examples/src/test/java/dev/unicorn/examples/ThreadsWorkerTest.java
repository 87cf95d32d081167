package dev.unicorn.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.HttpApp;
import dev.unicorn.test.Await;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The {@code threads} model: a selector thread per worker parks connections that wait for a
 * request, and a pool of {@code threads} platform threads runs requests.
 */
class ThreadsWorkerTest {
    private static final HttpApp HELLO = (req, res) ->
            res.send(200, "text/plain", ("hello " + req.path()).getBytes(StandardCharsets.US_ASCII));
    private static final String GET = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final String GET_CLOSE = "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

    private static Unicorn unicorn(HttpApp app) {
        return new Unicorn(app).externalConfig(false).bind("127.0.0.1:0").name("threads")
                .workerModel(WorkerModelKind.THREADS);
    }

    private static void await(BooleanSupplier condition, Duration limit) throws InterruptedException {
        Await.until(condition, limit);
    }

    private static int connections(RunningServer server) {
        return server.stats().workers().stream().mapToInt(w -> w.connections()).sum();
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void servesSeveralRequestsOnOneKeptAliveConnection() {
        try (RunningServer server = unicorn(HELLO).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            for (int i = 0; i < 3; i++) {
                RawResponse response = client.send("GET /" + i + " HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("Connection")).as("kept alive").isNull();
                assertThat(response.bodyText()).isEqualTo("hello /" + i);
            }
        }
    }

    @Test
    void wrkWithFiftyKeptAliveConnectionsOnTwoPoolThreadsSeesNoErrors() {
        Assumptions.assumeTrue(ExternalCommand.onPath("wrk"), "wrk is not on PATH");
        try (RunningServer server = unicorn(HelloServer.app()).threads(2).start()) {
            String report = ExternalCommand.run(60, List.of("wrk", "-t1", "-c50", "-d2s",
                    "http://127.0.0.1:" + server.port() + "/")).succeeded().stdout();
            assertThat(report).as(report).doesNotContain("Socket errors").doesNotContain("Non-2xx or 3xx responses");
            Matcher m = Pattern.compile("(?m)^\\s*(\\d+) requests in ").matcher(report);
            assertThat(m.find()).as("a request count in:%n%s", report).isTrue();
            assertThat(Long.parseLong(m.group(1))).as(report).isGreaterThan(1000);
        }
    }

    @Test
    void answersSixteenRequestsPipelinedInOneWriteInOrder() {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            requests.append("GET /").append(i).append(" HTTP/1.1\r\nHost: t\r\n\r\n");
        }
        try (RunningServer server = unicorn(HELLO).threads(2).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            client.send(requests.toString());
            for (int i = 0; i < 16; i++) {
                assertThat(client.readResponse().bodyText()).isEqualTo("hello /" + i);
            }
            assertThat(client.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().bodyText())
                    .as("the connection is parked and served again").isEqualTo("hello /after");
        }
    }

    @Test
    void runsRequestsOnNamedPoolThreadsBesideASelectorThread() {
        HttpApp app = (req, res) -> res.send(200, "text/plain", Thread.currentThread().getName().getBytes(StandardCharsets.US_ASCII));
        try (RunningServer server = unicorn(app).name("named").threads(3).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            assertThat(client.send(GET_CLOSE).readResponse().bodyText()).matches("named-w1-pool-[123]");
            assertThat(threadAlive("named-w1-selector")).isTrue();
            assertThat(threadAlive("named-w1-pool-4")).as("exactly threads pool threads").isFalse();
        }
    }

    @Test
    void idleKeptAliveConnectionsDoNotOccupyPoolThreads() throws Exception {
        List<RawClient> idle = new ArrayList<>();
        try (RunningServer server = unicorn(HELLO).threads(2).keepalive(Duration.ofSeconds(30)).start()) {
            try {
                for (int i = 0; i < 50; i++) {
                    RawClient c = RawClient.connect("127.0.0.1", server.port());
                    idle.add(c);
                    assertThat(c.send(GET).readResponse().header("Connection")).as("kept alive").isNull();
                }
                long start = System.nanoTime();
                for (int i = 0; i < 10; i++) {
                    try (RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(2))) {
                        assertThat(c.send(GET_CLOSE).readResponse().status()).isEqualTo(200);
                    }
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                await(() -> connections(server) == 50, Duration.ofSeconds(2)); // the 50 idle ones stay open
                assertThat(idle.get(0).send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().bodyText())
                        .isEqualTo("hello /again");
            } finally {
                idle.forEach(RawClient::close);
            }
        }
    }

    @Test
    void acceptingPausesAtWorkerConnectionsAndResumesWhenOneCloses() throws Exception {
        try (RunningServer server = unicorn(HELLO).workerConnections(3).threads(1).start();
             RawClient first = RawClient.connect("127.0.0.1", server.port());
             RawClient second = RawClient.connect("127.0.0.1", server.port());
             RawClient third = RawClient.connect("127.0.0.1", server.port())) {
            await(() -> connections(server) == 3, Duration.ofSeconds(2));
            try (RawClient fourth = RawClient.connect("127.0.0.1", server.port())) {
                fourth.send(GET_CLOSE).timeout(Duration.ofMillis(700));
                assertThatThrownBy(fourth::readResponse).as("no answer while three connections are open")
                        .isInstanceOf(UncheckedIOException.class).hasRootCauseInstanceOf(SocketTimeoutException.class);
                assertThat(connections(server)).isEqualTo(3);
                first.close();
                assertThat(fourth.timeout(Duration.ofSeconds(3)).readResponse().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aSilentNewConnectionIsClosedAfterTheFirstByteDeadline() throws Exception {
        try (RunningServer server = unicorn(HELLO).keepalive(Duration.ofSeconds(1)).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            long start = System.nanoTime();
            assertThat(client.timeout(Duration.ofSeconds(10)).readAll()).as("bytes before the close").isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
            await(() -> connections(server) == 0, Duration.ofSeconds(1));
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheKeepaliveTimeout() throws Exception {
        try (RunningServer server = unicorn(HELLO).keepalive(Duration.ofSeconds(1)).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            assertThat(client.send(GET).readResponse().header("Connection")).as("kept alive").isNull();
            long idleSince = System.nanoTime();
            assertThat(client.timeout(Duration.ofSeconds(5)).readAll()).as("bytes before the close").isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - idleSince)).isBetween(Duration.ofMillis(800), Duration.ofMillis(2500));
            await(() -> connections(server) == 0, Duration.ofSeconds(1));
        }
    }

    @Test
    void clientsTricklingTheirHeadsDoNotHoldTheOnlyPoolThread() throws Exception {
        byte[] head = "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (RunningServer server = unicorn(HELLO).threads(1).start()) {
            List<RawClient> slow = new ArrayList<>();
            AtomicBoolean trickling = new AtomicBoolean(true);
            CompletableFuture<Void> trickler = null;
            try {
                for (int i = 0; i < 20; i++) {
                    slow.add(RawClient.connect("127.0.0.1", server.port()));
                }
                trickler = CompletableFuture.runAsync(() -> {
                    for (int b = 0; b < head.length - 1 && trickling.get(); b++) {
                        for (RawClient c : slow) {
                            c.send(new byte[] {head[b]});
                        }
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                Thread.sleep(500); // every slow client has started its head
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    try (RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(2))) {
                        assertThat(c.send("GET /fast HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                                .readResponse().bodyText()).isEqualTo("hello /fast");
                    }
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
                    Thread.sleep(100);
                }
                assertThat(connections(server)).as("the slow clients are parked, not dropped").isEqualTo(20);
            } finally {
                trickling.set(false);
                if (trickler != null) {
                    trickler.get(5, TimeUnit.SECONDS);
                }
                slow.forEach(RawClient::close);
            }
        }
    }

    @Test
    void aClientStallingInsideItsBodyIsClosedAfterTheTimeoutFreeingItsPoolThread() throws Exception {
        HttpApp app = (req, res) -> {
            byte[] body = req.body().readAllBytes();
            res.send(200, "text/plain", ("read " + body.length).getBytes(StandardCharsets.US_ASCII));
        };
        try (RunningServer server = unicorn(app).threads(1).timeout(Duration.ofSeconds(1)).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n" + "x".repeat(50));
            long start = System.nanoTime();
            String transcript = client.timeout(Duration.ofSeconds(5)).readUntilClosed();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
            // The read deadline closes the connection, unless the arbiter's abort of the request (same
            // timeout, checked once a second) came first and could still answer 503.
            assertThat(transcript).satisfiesAnyOf(
                    t -> assertThat(t).isEmpty(),
                    t -> assertThat(t).startsWith("HTTP/1.1 503 "));
            try (RawClient next = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(3))) {
                assertThat(next.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                        .readResponse().bodyText()).isEqualTo("read 2");
            }
        }
    }

    @Test
    void gracefulStopFinishesAnInFlightRequestAndClosesIdleConnectionsAtOnce() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        HttpApp app = (req, res) -> {
            if (req.path().equals("/slow")) {
                entered.countDown();
                Thread.sleep(800);
            }
            res.send(200, "text/plain", ("done " + req.path()).getBytes(StandardCharsets.US_ASCII));
        };
        RunningServer server = unicorn(app).threads(2).keepalive(Duration.ofSeconds(30))
                .gracefulTimeout(Duration.ofSeconds(10)).start();
        try (RawClient idle = RawClient.connect("127.0.0.1", server.port());
             RawClient busy = RawClient.connect("127.0.0.1", server.port())) {
            assertThat(idle.send(GET).readResponse().header("Connection")).as("kept alive").isNull();
            busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
            long start = System.nanoTime();
            assertThat(idle.timeout(Duration.ofSeconds(3)).readAll()).as("the idle connection closes").isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("at once").isLessThan(Duration.ofMillis(500));
            assertThat(stopping).as("stop() waits for the in-flight request").isNotDone();
            RawResponse response = busy.readResponse();
            assertThat(response.bodyText()).isEqualTo("done /slow");
            assertThat(response.header("Connection")).isEqualTo("close");
            busy.shutdownOutput(); // ends the server's lingering read at once, as a real client's close would
            stopping.get(5, TimeUnit.SECONDS);
            assertThat(server.isStopped()).isTrue();
        } finally {
            server.close();
        }
    }

    @Test
    void quickStopClosesParkedAndBusyConnectionsWithoutWaiting() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        HttpApp app = (req, res) -> {
            if (req.path().equals("/slow")) {
                entered.countDown();
                Thread.sleep(10_000);
            }
            res.send(200, "text/plain", "ok".getBytes(StandardCharsets.US_ASCII));
        };
        RunningServer server = unicorn(app).keepalive(Duration.ofSeconds(30)).start();
        try (RawClient idle = RawClient.connect("127.0.0.1", server.port());
             RawClient busy = RawClient.connect("127.0.0.1", server.port())) {
            assertThat(idle.send(GET).readResponse().status()).isEqualTo(200);
            busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            server.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(idle.closesWithin(Duration.ofSeconds(2))).isTrue();
            assertThat(busy.closesWithin(Duration.ofSeconds(2))).isTrue();
        } finally {
            server.close();
        }
    }

    @Test
    void aPoolThreadStuckPastTheTimeoutIsReplacedAtOnceAndEndsWhenTheApplicationReturns() throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        AtomicReference<Thread> stuckThread = new AtomicReference<>();
        HttpApp app = (req, res) -> {
            if (req.path().equals("/stuck")) {
                stuckThread.set(Thread.currentThread());
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!release.get() && System.nanoTime() < until) {
                    Thread.onSpinWait(); // ignores the interrupt, as a CPU-bound handler would
                }
            }
            res.send(200, "text/plain", "ok".getBytes(StandardCharsets.US_ASCII));
        };
        try (RunningServer server = unicorn(app).name("stuck").threads(1).timeout(Duration.ofSeconds(1)).start();
             RawClient stuck = RawClient.connect("127.0.0.1", server.port())) {
            RawResponse response = stuck.send("GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertThat(response.status()).isEqualTo(503);
            assertThat(stuckThread.get().getName()).isEqualTo("stuck-w1-pool-1");
            assertThat(stuckThread.get().isAlive()).isTrue();
            assertThat(threadAlive("stuck-w1-pool-2")).as("a replacement pool thread").isTrue();
            await(() -> server.stats().abandonedThreads() == 1, Duration.ofSeconds(3));
            try (RawClient other = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(3))) {
                assertThat(other.send(GET_CLOSE).readResponse().status()).isEqualTo(200);
            }
            release.set(true);
            stuckThread.get().join(3000);
            assertThat(stuckThread.get().isAlive()).as("the aborted thread ends instead of serving again").isFalse();
            await(() -> server.stats().abandonedThreads() == 0, Duration.ofSeconds(3));
        }
    }

    @Test
    void keepAliveStopsOnceIdleConnectionsReachWorkerConnectionsMinusThreads() throws Exception {
        try (RunningServer server = unicorn(HELLO).workerConnections(4).threads(2).keepalive(Duration.ofSeconds(30)).start();
             RawClient first = RawClient.connect("127.0.0.1", server.port());
             RawClient second = RawClient.connect("127.0.0.1", server.port());
             RawClient third = RawClient.connect("127.0.0.1", server.port())) {
            assertThat(first.send(GET).readResponse().header("Connection")).isNull();
            assertThat(second.send(GET).readResponse().header("Connection")).isNull();
            Thread.sleep(100); // the selector thread parks the second connection once its response is written
            RawResponse response = third.send(GET).readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Connection")).as("two idle connections fill the capacity of 4 - 2").isEqualTo("close");
            assertThat(third.closesWithin(Duration.ofSeconds(3))).isTrue();
            assertThat(first.send(GET).readResponse().header("Connection"))
                    .as("a parked connection is served again; with it busy, one idle connection is below the capacity")
                    .isNull();
        }
    }
}
