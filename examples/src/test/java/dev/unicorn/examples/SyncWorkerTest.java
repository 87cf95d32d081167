package dev.unicorn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.HttpApp;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The {@code sync} model: one request per connection, one connection at a time per worker. */
class SyncWorkerTest {
    private static final HttpApp HELLO = (req, res) ->
            res.send(200, "text/plain", ("hello " + req.path()).getBytes(StandardCharsets.US_ASCII));

    private static RunningServer start(HttpApp app, int workers) {
        return new Unicorn(app).externalConfig(false).bind("127.0.0.1:0")
                .workerModel(WorkerModelKind.SYNC).workers(workers).start();
    }

    @Test
    void answersAKeepAliveRequestWithConnectionCloseAndCloses() {
        try (RunningServer server = start(HELLO, 1);
             RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            RawResponse response = client.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(response.bodyText()).isEqualTo("hello /a");
            assertThat(client.closesWithin(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void answersPipelinedRequestsAfterTheFirstByClosing() {
        try (RunningServer server = start(HELLO, 1);
             RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            client.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\nGET /second HTTP/1.1\r\nHost: t\r\n\r\n");
            List<RawResponse> responses = client.readResponses(List.of("GET", "GET"));
            assertThat(responses).extracting(RawResponse::bodyText).containsExactly("hello /first");
        }
    }

    @Test
    void oneWorkerServesOneConnectionAtATime() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        HttpApp app = (req, res) -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            release.await(5, TimeUnit.SECONDS);
            concurrent.decrementAndGet();
            res.send(200, "text/plain", "ok".getBytes(StandardCharsets.US_ASCII));
        };
        try (RunningServer server = start(app, 1);
             RawClient a = RawClient.connect("127.0.0.1", server.port());
             RawClient b = RawClient.connect("127.0.0.1", server.port())) {
            a.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            b.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            Thread.sleep(300);
            release.countDown();
            assertThat(a.readResponse().status()).isEqualTo(200);
            assertThat(b.readResponse().status()).isEqualTo(200);
            assertThat(maxConcurrent.get()).isEqualTo(1);
        }
    }

    @Test
    void twoWorkersServeTwoConnectionsAtOnce() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        HttpApp app = (req, res) -> {
            both.countDown();
            boolean together = both.await(5, TimeUnit.SECONDS);
            res.send(200, "text/plain", String.valueOf(together).getBytes(StandardCharsets.US_ASCII));
        };
        try (RunningServer server = start(app, 2);
             RawClient a = RawClient.connect("127.0.0.1", server.port());
             RawClient b = RawClient.connect("127.0.0.1", server.port())) {
            a.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            b.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(a.readResponse().bodyText()).isEqualTo("true");
            assertThat(b.readResponse().bodyText()).isEqualTo("true");
        }
    }
}
