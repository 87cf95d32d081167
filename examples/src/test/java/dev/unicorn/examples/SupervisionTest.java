package dev.unicorn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.AsyncHttpApp;
import dev.unicorn.http.HttpApp;
import dev.unicorn.http.HttpRequest;
import dev.unicorn.test.Await;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import dev.unicorn.workers.ServerHooks;
import dev.unicorn.workers.ServerStats;
import dev.unicorn.workers.WorkerStats;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The arbiter's supervision: timeouts, recycling, scaling, reload and hooks, on every model. */
class SupervisionTest {
    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    private static Unicorn unicorn(HttpApp app, WorkerModelKind model) {
        return new Unicorn(app).externalConfig(false).bind("127.0.0.1:0").workerModel(model);
    }

    /** A server answering 200 "ok" on {@code model}: the blocking application, or its non-blocking twin on async. */
    private static Unicorn okServer(WorkerModelKind model) {
        if (model == WorkerModelKind.ASYNC) {
            AsyncHttpApp app = ex -> ex.response().send(200, "text/plain", OK);
            return new Unicorn(app).externalConfig(false).bind("127.0.0.1:0").workerModel(model);
        }
        return unicorn((req, res) -> res.send(200, "text/plain", OK), model);
    }

    private static RawResponse get(RunningServer server, String path) {
        try (RawClient c = RawClient.connect("127.0.0.1", server.port())) {
            return c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").readResponse();
        }
    }

    private static void await(BooleanSupplier condition, Duration limit) throws InterruptedException {
        Await.until(condition, limit);
    }

    private static boolean firstWorkerServing(RunningServer server) {
        return server.stats().workers().stream().anyMatch(w -> w.id() == 1 && w.state().equals("serving"));
    }

    private static long serving(ServerStats stats) {
        return stats.workers().stream().filter(w -> w.state().equals("serving")).count();
    }

    // The async model's version (an exchange that never ends) is in AsyncWorkerTest: a blocking sleep would stall its loop.
    @ParameterizedTest
    @EnumSource(value = WorkerModelKind.class, mode = EnumSource.Mode.EXCLUDE, names = "ASYNC")
    void aRequestStuckPastTheTimeoutGets503AndItsWorkerIsReplaced(WorkerModelKind model) throws Exception {
        HttpApp app = (req, res) -> {
            if (req.path().equals("/stuck")) {
                Thread.sleep(30_000);
            }
            res.send(200, "text/plain", OK);
        };
        try (RunningServer server = unicorn(app, model).workers(2).timeout(Duration.ofSeconds(1)).start();
             RawClient stuck = RawClient.connect("127.0.0.1", server.port())) {
            long start = System.nanoTime();
            stuck.send("GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n");
            Thread.sleep(200);
            assertThat(get(server, "/other").status()).as("another client is served meanwhile").isEqualTo(200);
            RawResponse response = stuck.readResponse();
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
            assertThat(stuck.closesWithin(Duration.ofSeconds(5))).isTrue();
            await(() -> server.stats().aborted() == 1 && server.stats().spawned() == 3
                    && serving(server.stats()) == 2, Duration.ofSeconds(5));
            assertThat(get(server, "/after").status()).isEqualTo(200);
        }
    }

    @Test
    void aRequestStuckAfterItsResponseStartedHasItsConnectionClosed() throws Exception {
        HttpApp app = (req, res) -> {
            res.body().write(OK);
            res.body().flush();
            Thread.sleep(30_000);
        };
        try (RunningServer server = unicorn(app, WorkerModelKind.VIRTUAL).timeout(Duration.ofSeconds(1)).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            String transcript = client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").readUntilClosed();
            assertThat(transcript).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n2\r\nok\r\n");
        }
    }

    @Test
    void timeoutZeroNeverAbortsARequest() throws Exception {
        HttpApp app = (req, res) -> {
            Thread.sleep(1_500);
            res.send(200, "text/plain", OK);
        };
        try (RunningServer server = unicorn(app, WorkerModelKind.VIRTUAL).timeout(Duration.ZERO).start()) {
            assertThat(get(server, "/").status()).isEqualTo(200);
            assertThat(server.stats().aborted()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void aWorkerIsRecycledAfterMaxRequests(WorkerModelKind model) throws Exception {
        try (RunningServer server = okServer(model).maxRequests(3).start()) {
            for (int i = 0; i < 3; i++) {
                assertThat(get(server, "/" + i).status()).isEqualTo(200);
            }
            await(() -> server.stats().recycled() == 1 && serving(server.stats()) == 1, Duration.ofSeconds(5));
            assertThat(server.stats().workers()).extracting(WorkerStats::id).containsExactly(2);
            assertThat(get(server, "/after").status()).isEqualTo(200);
        }
    }

    @Test
    void theLastRequestBeforeRecyclingClosesItsKeepAliveConnection() {
        try (RunningServer server = unicorn((req, res) -> res.send(200, "text/plain", OK), WorkerModelKind.VIRTUAL)
                .maxRequests(2).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            assertThat(client.send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().header("Connection")).isNull();
            assertThat(client.send("GET /2 HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().header("Connection")).isEqualTo("close");
            assertThat(client.closesWithin(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void maxRequestsJitterSpreadsTheLimitWithinItsRange() throws Exception {
        try (RunningServer server = unicorn((req, res) -> res.send(200, "text/plain", OK), WorkerModelKind.VIRTUAL)
                .maxRequests(4).maxRequestsJitter(3).start()) {
            int served = 0;
            while (firstWorkerServing(server) && served < 20) {
                assertThat(get(server, "/" + served).status()).isEqualTo(200);
                served++;
            }
            await(() -> server.stats().recycled() == 1, Duration.ofSeconds(5));
            assertThat(served).isBetween(4, 7);
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void scalingUpAndDownUnderLoadLosesNoRequest(WorkerModelKind model) throws Exception {
        try (RunningServer server = okServer(model).start()) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger served = new AtomicInteger();
            ExecutorService load = Executors.newFixedThreadPool(4);
            List<Future<?>> clients = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(load.submit(() -> {
                    while (running.get()) {
                        try {
                            if (get(server, "/").status() == 200) {
                                served.incrementAndGet();
                            } else {
                                failures.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            server.scale(3);
            await(() -> serving(server.stats()) == 3, Duration.ofSeconds(5));
            assertThat(server.workers()).isEqualTo(3);
            Thread.sleep(300);
            server.scale(1);
            await(() -> server.stats().workers().size() == 1, Duration.ofSeconds(10));
            assertThat(server.stats().workers()).extracting(WorkerStats::id).as("the oldest are removed first").containsExactly(3);
            server.scale(0);
            Thread.sleep(1_200);
            assertThat(server.workers()).as("never below one").isEqualTo(1);
            running.set(false);
            for (Future<?> f : clients) {
                f.get();
            }
            load.shutdown();
            assertThat(failures.get()).isZero();
            assertThat(served.get()).isPositive();
        }
    }

    @Test
    void reloadServesANewApplicationWithoutLosingARequest() throws Exception {
        AtomicInteger generation = new AtomicInteger();
        Supplier<HttpApp> factory = () -> {
            byte[] body = ("generation " + generation.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
            return (req, res) -> res.send(200, "text/plain", body);
        };
        try (RunningServer server = new Unicorn(factory).externalConfig(false).bind("127.0.0.1:0").workers(2).start()) {
            assertThat(get(server, "/").bodyText()).isEqualTo("generation 1");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger failures = new AtomicInteger();
            ExecutorService load = Executors.newFixedThreadPool(2);
            List<Future<?>> clients = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 2; i++) {
                clients.add(load.submit(() -> {
                    while (running.get()) {
                        try {
                            if (get(server, "/").status() != 200) {
                                failures.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            server.reload();
            await(() -> server.stats().reloads() == 1 && server.stats().workers().size() == 2
                    && server.stats().workers().stream().allMatch(w -> w.id() > 2), Duration.ofSeconds(10));
            running.set(false);
            for (Future<?> f : clients) {
                f.get();
            }
            load.shutdown();
            assertThat(failures.get()).isZero();
            assertThat(get(server, "/").bodyText()).isEqualTo("generation 2");
        }
    }

    @Test
    void hooksRunInGunicornsOrderAndAFailingHookIsOnlyLogged() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ServerHooks hooks = new ServerHooks() {
            @Override
            public void onStarting() {
                events.add("onStarting");
            }

            @Override
            public void whenReady(List<SocketAddress> addresses) {
                events.add("whenReady " + addresses.size());
            }

            @Override
            public void workersChanged(int newCount, int oldCount) {
                events.add("workersChanged " + newCount + " " + oldCount);
            }

            @Override
            public void beforeWorkerStart(int workerId) {
                events.add("beforeWorkerStart " + workerId);
            }

            @Override
            public void postWorkerInit(int workerId) {
                events.add("postWorkerInit " + workerId);
            }

            @Override
            public void preRequest(int workerId, HttpRequest request) {
                events.add("preRequest " + workerId + " " + request.path());
                throw new IllegalStateException("a broken hook");
            }

            @Override
            public void postRequest(int workerId, HttpRequest request, int status) {
                events.add("postRequest " + workerId + " " + status);
            }

            @Override
            public void workerInt(int workerId) {
                events.add("workerInt " + workerId);
            }

            @Override
            public void workerExit(int workerId) {
                events.add("workerExit " + workerId);
            }

            @Override
            public void onExit() {
                events.add("onExit");
            }
        };
        RunningServer server = unicorn((req, res) -> res.send(200, "text/plain", OK), WorkerModelKind.VIRTUAL)
                .hooks(hooks).start();
        assertThat(get(server, "/x").status()).isEqualTo(200);
        await(() -> events.contains("postRequest 1 200"), Duration.ofSeconds(5));
        server.close();
        assertThat(events).containsExactly("onStarting", "whenReady 1", "workersChanged 1 0", "beforeWorkerStart 1",
                "postWorkerInit 1", "preRequest 1 /x", "postRequest 1 200", "workerInt 1", "workerExit 1", "onExit");
    }
}
