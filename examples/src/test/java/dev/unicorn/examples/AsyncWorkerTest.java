package dev.unicorn.examples;

import static dev.unicorn.examples.ResponseFramingTest.NEXT;
import static dev.unicorn.examples.ResponseFramingTest.NEXT_RESPONSE;
import static dev.unicorn.examples.ResponseFramingTest.assertServerError;
import static dev.unicorn.examples.ResponseFramingTest.head;
import static dev.unicorn.examples.ResponseFramingTest.masked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.ConfigException;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.AsyncHttpApp;
import dev.unicorn.http.BodyReader;
import dev.unicorn.http.Headers;
import dev.unicorn.test.Await;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import dev.unicorn.workers.ServerHooks;
import dev.unicorn.workers.WorkerStats;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The {@code async} worker model: non-blocking applications run inline on one event loop per worker. */
class AsyncWorkerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);
    private static final ScheduledExecutorService LATER = Executors.newScheduledThreadPool(2);

    @AfterAll
    static void stopScheduler() {
        LATER.shutdownNow();
    }

    private static Unicorn unicorn(AsyncHttpApp app) {
        return new Unicorn(app).externalConfig(false).bind("127.0.0.1:0").workerModel(WorkerModelKind.ASYNC).name("async");
    }

    private static RawResponse get(RunningServer server, String path) {
        try (RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(10))) {
            return c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").readResponse();
        }
    }

    private static void await(BooleanSupplier condition, Duration limit) throws InterruptedException {
        Await.until(condition, limit);
    }

    /** Echoes the body back chunk by chunk: each chunk is written before the next is asked for. */
    private static AsyncHttpApp streamingEcho() {
        return exchange -> {
            exchange.response().headers().set("Content-Type", "application/octet-stream");
            exchange.readBody(new BodyReader() {
                @Override
                public CompletionStage<?> onData(ByteBuffer data) {
                    return exchange.response().write(data);
                }

                @Override
                public void onEnd(Headers trailers) {
                    exchange.response().end();
                }

                @Override
                public void onError(Throwable error) {
                }
            });
        };
    }

    @Test
    void theEchoApplicationDescribesTheRequestAsTheBlockingEchoServerDoes() throws Exception {
        String request = "POST /a/b?x=1 HTTP/1.1\r\nHost: t\r\nX-Test: yes\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
        try (RunningServer async = unicorn(AsyncEchoServer.app()).start();
             RunningServer blocking = new Unicorn(EchoServer.app()).externalConfig(false).bind("127.0.0.1:0").start()) {
            JsonNode a = JSON.readTree(RawClient.connect("127.0.0.1", async.port()).send(request).readResponse().body());
            JsonNode b = JSON.readTree(RawClient.connect("127.0.0.1", blocking.port()).send(request).readResponse().body());
            assertThat(a.get("body").asString()).isEqualTo("aGVsbG8=");
            assertThat(a.get("path").asString()).isEqualTo("/a/b");
            assertThat(a.get("query").asString()).isEqualTo("x=1");
            for (String field : List.of("method", "target", "path", "query", "version", "headers", "body", "trailers", "scheme")) {
                assertThat(a.get(field)).as(field).isEqualTo(b.get(field));
            }
        }
    }

    @Test
    void theEventLoopThreadIsNamedAfterTheServerAndWorker() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        List<String> names = new CopyOnWriteArrayList<>();
        try (RunningServer server = unicorn(ex -> {
            names.add(Thread.currentThread().getName());
            seen.incrementAndGet();
            ex.response().send(200, "text/plain", OK);
        }).start()) {
            assertThat(get(server, "/").status()).isEqualTo(200);
            assertThat(names).containsExactly("async-w1-loop");
        }
    }

    @Test
    void keepAliveServesSixteenPipelinedRequestsInOrder() {
        try (RunningServer server = unicorn(AsyncEchoServer.app()).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(10))) {
            StringBuilder pipeline = new StringBuilder();
            List<String> methods = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String body = "body-" + i;
                pipeline.append("POST /").append(i).append(" HTTP/1.1\r\nHost: t\r\nContent-Length: ")
                        .append(body.length()).append("\r\n\r\n").append(body);
                methods.add("POST");
            }
            client.send(pipeline.toString());
            List<RawResponse> responses = new ArrayList<>();
            for (String method : methods) {
                responses.add(client.readResponse(method));
            }
            for (int i = 0; i < 16; i++) {
                JsonNode echo = JSON.readTree(responses.get(i).body());
                assertThat(echo.get("path").asString()).isEqualTo("/" + i);
                assertThat(new String(java.util.Base64.getDecoder().decode(echo.get("body").asString()),
                        StandardCharsets.US_ASCII)).isEqualTo("body-" + i);
                assertThat(responses.get(i).header("Connection")).isNull();
            }
            RawResponse again = client.send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertThat(JSON.readTree(again.body()).get("path").asString()).as("the connection was kept alive").isEqualTo("/again");
        }
    }

    @Test
    void aFiveMebibyteUploadIsEchoedBackWithBackPressure() throws Exception {
        byte[] upload = new byte[5 * 1024 * 1024];
        new Random(42).nextBytes(upload);
        try (RunningServer server = unicorn(streamingEcho()).start();
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    out.write(("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + upload.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(upload);
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] all = socket.getInputStream().readAllBytes();
            sending.get(20, TimeUnit.SECONDS);
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertThat(text).startsWith("HTTP/1.1 200 OK\r\n").contains("Transfer-Encoding: chunked\r\n");
            byte[] body = ResponseFramingTest.dechunk(text.substring(end + 4)).body().getBytes(StandardCharsets.ISO_8859_1);
            assertThat(body.length).isEqualTo(upload.length);
            assertThat(Arrays.equals(body, upload)).isTrue();
        }
    }

    @Test
    void aResponseCompletedLaterFromAnotherThreadDoesNotHoldUpOtherClients() throws Exception {
        AsyncHttpApp app = ex -> {
            if (ex.path().equals("/slow")) {
                String thread = Thread.currentThread().getName();
                CompletableFuture.supplyAsync(() -> "late from " + thread,
                                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS, LATER))
                        .thenAccept(body -> ex.response().send(200, "text/plain", body.getBytes(StandardCharsets.US_ASCII)));
            } else {
                ex.response().send(200, "text/plain", OK);
            }
        };
        try (RunningServer server = unicorn(app).start();
             RawClient slow = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5));
             RawClient fast = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
            long start = System.nanoTime();
            slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse quick = fast.send("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            long fastMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(quick.bodyText()).isEqualTo("ok");
            List<RawResponse> late = List.of(slow.readResponse(), slow.readResponse());
            long slowMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(late).extracting(RawResponse::bodyText).containsExactly("late from async-w1-loop", "late from async-w1-loop");
            assertThat(fastMillis).as("the other client is served while the slow one waits").isLessThan(slowMillis);
            assertThat(slowMillis).as("two pipelined 50 ms responses, one after the other").isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void continueIsSentWhenTheApplicationFirstAsksForTheBody() {
        try (RunningServer server = unicorn(AsyncEchoServer.app()).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
            client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            assertThat(client.readExactly(25)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            RawResponse response = client.send("abc").readResponse();
            assertThat(JSON.readTree(response.body()).get("body").asString()).isEqualTo("YWJj");
        }
    }

    @Test
    void anApplicationAnsweringWithoutReadingTheBodySendsNoContinueAndCloses() {
        try (RunningServer server = unicorn(ex -> ex.response().send(413, "text/plain", OK)).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
            String transcript = client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n")
                    .readUntilClosed();
            assertThat(masked(transcript)).isEqualTo(head("413 Content Too Large", "Content-Type: text/plain",
                    "Content-Length: 2", "Connection: close") + "ok");
        }
    }

    @Test
    void headAnd204And304ResponsesCarryNoBody() {
        AsyncHttpApp app = ex -> {
            if (ex.path().equals("/next")) {
                ex.response().headers().set("Content-Type", "text/plain");
                ex.response().write(ByteBuffer.wrap("next".getBytes(StandardCharsets.US_ASCII)));
                ex.response().end();
                return;
            }
            int status = Integer.parseInt(ex.path().substring(1));
            ex.response().status(status);
            ex.response().write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            ex.response().end();
        };
        try (RunningServer server = unicorn(app).start()) {
            try (RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
                assertThat(masked(c.send("HEAD /200 HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT).readUntilClosed()))
                        .as("no Content-Length is computed for a body HEAD never sends, as on the blocking models")
                        .isEqualTo(head("200 OK") + NEXT_RESPONSE);
            }
            try (RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
                assertThat(masked(c.send("GET /204 HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT).readUntilClosed()))
                        .isEqualTo(head("204 No Content") + NEXT_RESPONSE);
            }
            try (RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
                assertThat(masked(c.send("GET /304 HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT).readUntilClosed()))
                        .isEqualTo(head("304 Not Modified") + NEXT_RESPONSE);
            }
        }
    }

    @Test
    void aLargeBodyWithoutContentLengthIsChunkedAndEndsWithTrailers() {
        String big = ResponseFramingTest.payload(40_000);
        AsyncHttpApp app = ex -> {
            ex.response().write(ByteBuffer.wrap(big.getBytes(StandardCharsets.ISO_8859_1)));
            ex.response().end(Headers.of("X-Checksum", "42"));
        };
        try (RunningServer server = unicorn(app).start();
             RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
            String transcript = masked(c.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").readUntilClosed());
            String headPart = transcript.substring(0, transcript.indexOf("\r\n\r\n") + 4);
            assertThat(headPart).isEqualTo(head("200 OK", "Transfer-Encoding: chunked", "Connection: close"));
            ResponseFramingTest.Dechunked d = ResponseFramingTest.dechunk(transcript.substring(headPart.length()));
            assertThat(d.body()).isEqualTo(big);
            assertThat(d.trailers()).isEqualTo("X-Checksum: 42\r\n");
        }
    }

    @Test
    void anApplicationThatThrowsGets500() {
        try (RunningServer server = unicorn(ex -> {
            throw new IllegalStateException("boom");
        }).start(); RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
            assertServerError(c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT).readUntilClosed(), 500, "Internal Server Error");
        }
    }

    @Test
    void aFailedBodyStageGets500() {
        AsyncHttpApp app = ex -> ex.readBody(new BodyReader() {
            @Override
            public CompletionStage<?> onData(ByteBuffer data) {
                return CompletableFuture.failedFuture(new IllegalStateException("cannot store"));
            }

            @Override
            public void onEnd(Headers trailers) {
                ex.response().send(200, "text/plain", OK);
            }

            @Override
            public void onError(Throwable error) {
            }
        });
        try (RunningServer server = unicorn(app).start();
             RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
            assertServerError(c.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc").readUntilClosed(),
                    500, "Internal Server Error");
        }
    }

    @Test
    void aFailureAfterTheResponseWasCommittedAbortsTheConnection() {
        AsyncHttpApp app = ex -> {
            ex.response().write(ByteBuffer.wrap(ResponseFramingTest.payload(20_000).getBytes(StandardCharsets.ISO_8859_1)));
            LATER.schedule(() -> ex.fail(new IllegalStateException("late failure")), 50, TimeUnit.MILLISECONDS);
        };
        try (RunningServer server = unicorn(app).start();
             RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
            String transcript = c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").readUntilClosed();
            assertThat(transcript).startsWith("HTTP/1.1 200 OK\r\n").contains("Transfer-Encoding: chunked").doesNotEndWith("0\r\n\r\n");
        }
    }

    @Test
    void aMalformedChunkedBodyGets400() {
        try (RunningServer server = unicorn(AsyncEchoServer.app()).start();
             RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
            assertServerError(c.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").readUntilClosed(),
                    400, "Bad Request");
        }
    }

    @Test
    void aBlockingApplicationOnTheAsyncModelFailsStartNamingTheModelsThatRunIt() {
        Unicorn unicorn = new Unicorn((req, res) -> res.send(200, "text/plain", OK)).externalConfig(false)
                .bind("127.0.0.1:0").workerModel(WorkerModelKind.ASYNC);
        assertThatThrownBy(unicorn::start).isInstanceOf(ConfigException.class)
                .hasMessageContaining("workerModel = async")
                .hasMessageContaining("blocking HttpApp, which the models virtual, sync, threads run");
    }

    @Test
    void anAsyncApplicationOnABlockingModelFailsStartNamingTheAsyncModel() {
        Unicorn unicorn = new Unicorn((AsyncHttpApp) ex -> ex.response().send(200, "text/plain", OK)).externalConfig(false)
                .bind("127.0.0.1:0").workerModel(WorkerModelKind.THREADS);
        assertThatThrownBy(unicorn::start).isInstanceOf(ConfigException.class)
                .hasMessageContaining("workerModel = threads")
                .hasMessageContaining("AsyncHttpApp, which only the model async runs");
    }

    @Test
    void anExchangeThatNeverEndsIsAbortedWith503AfterTheTimeoutAndItsWorkerReplaced() throws Exception {
        AsyncHttpApp app = ex -> {
            if (!ex.path().equals("/stuck")) {
                ex.response().send(200, "text/plain", OK);
            }
        };
        try (RunningServer server = unicorn(app).timeout(Duration.ofSeconds(1)).start();
             RawClient stuck = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(10))) {
            stuck.send("GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n");
            Thread.sleep(200);
            assertThat(get(server, "/other").status()).as("another client is served meanwhile").isEqualTo(200);
            RawResponse response = stuck.readResponse();
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(stuck.closesWithin(Duration.ofSeconds(5))).isTrue();
            await(() -> server.stats().aborted() == 1 && server.stats().spawned() == 2, Duration.ofSeconds(5));
            assertThat(server.stats().abandonedThreads()).as("the event loop is not abandoned").isZero();
            assertThat(get(server, "/after").status()).isEqualTo(200);
        }
    }

    @Test
    void anApplicationBlockingTheEventLoopShowsAsAStaleHeartbeatAndPastTheTimeoutItsWorkerIsAbortedAndReplaced()
            throws Exception {
        CountDownLatch blocking = new CountDownLatch(1);
        AsyncHttpApp app = ex -> {
            if (ex.path().equals("/block")) {
                blocking.countDown();
                try {
                    Thread.sleep(30_000); // what an AsyncHttpApp must never do
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted by the abort", e);
                }
            }
            ex.response().send(200, "text/plain", OK);
        };
        List<String> aborts = new CopyOnWriteArrayList<>();
        ServerHooks hooks = new ServerHooks() {
            @Override
            public void workerAbort(int workerId, String requestLine, Thread thread) {
                aborts.add(workerId + " " + requestLine + " " + thread.getName());
            }
        };
        try (RunningServer server = unicorn(app).timeout(Duration.ofSeconds(2)).hooks(hooks).start();
             RawClient blocked = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(10))) {
            assertThat(server.stats().workers().get(0).lastHeartbeat()).as("a turning loop beats")
                    .isLessThan(Duration.ofSeconds(1));
            blocked.send("GET /block HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(blocking.await(5, TimeUnit.SECONDS)).isTrue();
            await(() -> server.stats().workers().get(0).lastHeartbeat().compareTo(Duration.ofSeconds(1)) > 0,
                    Duration.ofSeconds(5));
            assertThat(server.stats().workers()).as("stalled, but not yet past the timeout")
                    .extracting(WorkerStats::id, WorkerStats::state).containsExactly(tuple(1, "serving"));
            assertThat(blocked.readUntilClosed()).as("its connection is closed without an answer").isEmpty();
            assertThat(aborts).containsExactly("1 GET /block HTTP/1.1 async-w1-loop");
            await(() -> server.stats().aborted() == 1 && server.stats().spawned() == 2, Duration.ofSeconds(5));
            assertThat(get(server, "/after").status()).as("the replacement worker serves").isEqualTo(200);
            await(() -> server.stats().workers().size() == 1 && server.stats().abandonedThreads() == 0,
                    Duration.ofSeconds(5));
            assertThat(server.stats().workers()).extracting(WorkerStats::id).as("the blocked worker retired once its loop ended")
                    .containsExactly(2);
        }
    }

    @Test
    void aWorkerIsRecycledAfterMaxRequests() throws Exception {
        try (RunningServer server = unicorn(ex -> ex.response().send(200, "text/plain", OK)).maxRequests(3).start()) {
            for (int i = 0; i < 3; i++) {
                assertThat(get(server, "/" + i).status()).isEqualTo(200);
            }
            await(() -> server.stats().recycled() == 1 && server.stats().workers().size() == 1
                    && server.stats().workers().get(0).id() == 2, Duration.ofSeconds(5));
            assertThat(get(server, "/after").status()).isEqualTo(200);
        }
    }

    @Test
    void reloadWithAnAsyncFactoryServesTheNewApplication() throws Exception {
        AtomicInteger generation = new AtomicInteger();
        Unicorn unicorn = Unicorn.ofAsync(() -> {
            byte[] body = ("generation " + generation.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
            return ex -> ex.response().send(200, "text/plain", body);
        }).externalConfig(false).bind("127.0.0.1:0").workerModel(WorkerModelKind.ASYNC);
        try (RunningServer server = unicorn.start()) {
            assertThat(get(server, "/").bodyText()).isEqualTo("generation 1");
            server.reload();
            await(() -> server.stats().reloads() == 1 && server.stats().workers().size() == 1
                    && server.stats().workers().get(0).id() == 2, Duration.ofSeconds(10));
            assertThat(get(server, "/").bodyText()).isEqualTo("generation 2");
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterKeepalive() {
        try (RunningServer server = unicorn(ex -> ex.response().send(200, "text/plain", OK))
                .keepalive(Duration.ofMillis(300)).start();
             RawClient c = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
            assertThat(c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status()).isEqualTo(200);
            assertThat(c.closesWithin(Duration.ofSeconds(3))).isTrue();
        }
    }
}
