package dev.unicorn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.AsyncHttpApp;
import dev.unicorn.http.HttpApp;
import dev.unicorn.test.Await;
import dev.unicorn.test.RawClient;
import dev.unicorn.workers.WorkerStats;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lifecycle operations of a running server (scale, reload, graceful and quick stop) while
 * wrk, a real keep-alive load generator, drives it, on every worker model ({@code async} with a
 * non-blocking application). Each wrk run lasts a few seconds; the operation happens once the
 * application has seen load, and the test checks that the load went on after it.
 *
 * <p>What a graceful stop guarantees is checked exactly: every request the application
 * started reached wrk as a complete response (wrk's count of responses equals the
 * application's count of requests, so none was cut), none was answered with an error status
 * and none timed out. Once the listeners close, wrk's reconnects are refused; a connection
 * the kernel had completed but no worker accepted yet, or a request sent on a kept-alive
 * connection just as its worker closed it, never reached the application and shows as a wrk
 * socket error, which a client retries.
 */
class LifecycleUnderLoadTest {
    private static final Pattern COMPLETED = Pattern.compile("(?m)^\\s*(\\d+) requests in ");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    /**
     * Long enough for a scale or reload to finish under load (drained workers retire at the
     * arbiter's next tick, within a second) on a busy machine; a test fails rather than passes
     * if the load ended first.
     */
    private static final Duration LOAD = Duration.ofSeconds(4);
    /** A stop needs less: after it, wrk only meets refused connections. */
    private static final Duration LOAD_BEFORE_STOP = Duration.ofSeconds(2);

    @BeforeAll
    static void needsWrk() {
        // CI installs wrk (.ci/run); a developer machine without it skips these tests
        Assumptions.assumeTrue(ExternalCommand.onPath("wrk"), "wrk is not on PATH");
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void scalingUpAndDownUnderWrkLoadGivesWrkNoErrorAndOnlySuccesses(WorkerModelKind model) throws Exception {
        Generations app = new Generations();
        try (RunningServer server = app.server(model, "scale").workers(1).start()) {
            underCleanLoad(server, app, () -> {
                server.scale(3);
                Await.until(() -> serving(server) == 3, Duration.ofSeconds(5));
                server.scale(1);
                Await.until(() -> server.stats().workers().size() == 1, Duration.ofSeconds(5));
            });
            assertThat(server.stats().workers()).extracting(WorkerStats::id).as("the oldest are removed first").containsExactly(3);
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void reloadUnderWrkLoadGivesWrkNoErrorAndTheNewApplicationAnswersAfterwards(WorkerModelKind model) throws Exception {
        Generations app = new Generations();
        try (RunningServer server = app.server(model, "reload").workers(2).start()) {
            underCleanLoad(server, app, () -> {
                server.reload();
                Await.until(() -> server.stats().reloads() == 1 && server.stats().workers().size() == 2
                        && server.stats().workers().stream().allMatch(w -> w.id() > 2), Duration.ofSeconds(10));
            });
            try (RawClient client = RawClient.connect("127.0.0.1", server.port())) {
                assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").readResponse().bodyText())
                        .isEqualTo("generation 2");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void aGracefulStopUnderWrkLoadAnswersEveryRequestTheApplicationStartedAndThenRefusesConnections(
            WorkerModelKind model) throws Exception {
        Generations app = new Generations();
        RunningServer server = app.server(model, "graceful").workers(2).gracefulTimeout(Duration.ofSeconds(10)).start();
        try {
            CompletableFuture<WrkReport> wrk = wrk(server, LOAD_BEFORE_STOP);
            app.awaitLoad();
            server.stop();
            assertThat(server.isStopped()).isTrue();
            long started = app.started.get();
            assertThat(refused(server.port())).as("a connection after the stop is refused").isTrue();
            WrkReport report = wrk.get(30, TimeUnit.SECONDS);
            assertThat(report.completed()).as("responses wrk received = requests the application started; %s", report.text())
                    .isEqualTo(started);
            assertThat(report.errors().timeout()).as(report.text()).isZero();
            assertThat(report.non2xx()).as(report.text()).isZero();
        } finally {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void aQuickStopUnderWrkLoadEndsEveryServerThreadAndThenRefusesConnections(WorkerModelKind model) throws Exception {
        Generations app = new Generations();
        String name = "quick-" + model.toString().toLowerCase(Locale.ROOT);
        RunningServer server = app.server(model, name).workers(2).start();
        try {
            CompletableFuture<WrkReport> wrk = wrk(server, LOAD_BEFORE_STOP);
            app.awaitLoad();
            server.close();
            assertThat(server.isStopped()).isTrue();
            long started = app.started.get();
            assertThat(refused(server.port())).as("a connection after the stop is refused").isTrue();
            Await.until(() -> serverThreads(name).isEmpty(), Duration.ofSeconds(5));
            WrkReport report = wrk.get(30, TimeUnit.SECONDS);
            assertThat(report.completed()).as("no response without a request: %s", report.text()).isLessThanOrEqualTo(started);
            assertThat(report.non2xx()).as("a quick stop closes connections, it answers nothing: %s", report.text()).isZero();
        } finally {
            server.close();
        }
    }

    /** What runs under load: a lifecycle operation, done once it returns. */
    @FunctionalInterface
    private interface Operation {
        void run() throws Exception;
    }

    /**
     * Runs {@code operation} once wrk's load reached the application, and checks that wrk saw
     * no socket error and no error status, and that the load went on after the operation.
     */
    private static void underCleanLoad(RunningServer server, Generations app, Operation operation) throws Exception {
        CompletableFuture<WrkReport> wrk = wrk(server, LOAD);
        app.awaitLoad();
        operation.run();
        long afterOperation = app.started.get();
        WrkReport report = wrk.get(30, TimeUnit.SECONDS);
        assertThat(report.errors()).as(report.text()).isEqualTo(new SocketErrors(0, 0, 0, 0));
        assertThat(report.non2xx()).as(report.text()).isZero();
        assertThat(app.started.get()).as("the load went on after the operation").isGreaterThan(afterOperation);
    }

    /**
     * The application of each model as an app factory: every generation answers
     * {@code generation <n>}, and all of them count the requests they start.
     */
    private static final class Generations {
        final AtomicLong started = new AtomicLong();
        private final AtomicInteger generation = new AtomicInteger();

        Unicorn server(WorkerModelKind model, String name) {
            Unicorn unicorn = model == WorkerModelKind.ASYNC
                    ? Unicorn.ofAsync(() -> {
                        byte[] body = nextBody();
                        AsyncHttpApp app = ex -> {
                            started.incrementAndGet();
                            ex.response().send(200, "text/plain", body);
                        };
                        return app;
                    })
                    : new Unicorn(() -> {
                        byte[] body = nextBody();
                        HttpApp app = (req, res) -> {
                            started.incrementAndGet();
                            res.send(200, "text/plain", body);
                        };
                        return app;
                    });
            return unicorn.externalConfig(false).bind("127.0.0.1:0").workerModel(model).name(name);
        }

        private byte[] nextBody() {
            return ("generation " + generation.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
        }

        /** Waits until the application has served some load, so that what follows happens under it. */
        void awaitLoad() throws InterruptedException {
            Await.until(() -> started.get() >= 500, Duration.ofSeconds(10));
        }
    }

    private static long serving(RunningServer server) {
        return server.stats().workers().stream().filter(w -> w.state().equals("serving")).count();
    }

    /** Platform threads named after the server (acceptors, selectors, pools, loops, watchdogs, arbiter) still alive. */
    private static List<String> serverThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(name + "-")).toList();
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts wrk (one thread, 32 keep-alive connections) against {@code server} for {@code duration}. */
    private static CompletableFuture<WrkReport> wrk(RunningServer server, Duration duration) {
        List<String> command = List.of("wrk", "-t1", "-c32", "-d" + duration.toSeconds() + "s",
                "http://127.0.0.1:" + server.port() + "/");
        return CompletableFuture.supplyAsync(() -> WrkReport.parse(ExternalCommand.run(60, command).succeeded().stdout()));
    }

    /** wrk's socket error counts (all zero when wrk prints no "Socket errors" line). */
    record SocketErrors(long connect, long read, long write, long timeout) {
    }

    /** What wrk reported: complete responses, socket errors, responses with a status outside 2xx/3xx. */
    record WrkReport(long completed, SocketErrors errors, long non2xx, String text) {
        static WrkReport parse(String text) {
            Matcher completed = COMPLETED.matcher(text);
            assertThat(completed.find()).as("a request count in:%n%s", text).isTrue();
            Matcher errors = SOCKET_ERRORS.matcher(text);
            SocketErrors socketErrors = errors.find()
                    ? new SocketErrors(Long.parseLong(errors.group(1)), Long.parseLong(errors.group(2)),
                            Long.parseLong(errors.group(3)), Long.parseLong(errors.group(4)))
                    : new SocketErrors(0, 0, 0, 0);
            Matcher non2xx = NON_2XX.matcher(text);
            return new WrkReport(Long.parseLong(completed.group(1)), socketErrors,
                    non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, text);
        }
    }
}
