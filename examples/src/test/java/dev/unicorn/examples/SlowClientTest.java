package dev.unicorn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.test.Await;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.ObjectMapper;

/**
 * Slow clients (slowloris): connections that trickle their request head one byte a second
 * must neither occupy what a normal client needs nor be dropped, on every model that keeps
 * many connections ({@code sync} serves one connection at a time by design).
 */
class SlowClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SLOW_CLIENTS = 500;
    private static final int SECONDS_OF_TRICKLING = 4;

    @ParameterizedTest
    @EnumSource(value = WorkerModelKind.class, names = {"VIRTUAL", "THREADS", "ASYNC"})
    void fiveHundredClientsSendingAHeaderByteASecondDoNotStopANormalClientFromBeingServed(WorkerModelKind model)
            throws Exception {
        Unicorn unicorn = model == WorkerModelKind.ASYNC ? new Unicorn(AsyncEchoServer.app()) : new Unicorn(EchoServer.app());
        try (RunningServer server = unicorn.externalConfig(false).bind("127.0.0.1:0").workerModel(model).workers(1)
                .name("slow").start()) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < SLOW_CLIENTS; i++) {
                    slow.add(new Socket("127.0.0.1", server.port()));
                }
                byte[] head = "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                long start = System.nanoTime();
                for (int second = 0; second < SECONDS_OF_TRICKLING; second++) {
                    for (Socket s : slow) {
                        s.getOutputStream().write(head[second]);
                    }
                    // Bounded by the read timeout: a server whose threads the slow clients hold answers too late.
                    try (RawClient normal = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(3))) {
                        RawResponse response = normal.send("GET /normal HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                                .readResponse();
                        assertThat(response.status()).isEqualTo(200);
                        assertThat(JSON.readTree(response.body()).get("path").asString()).isEqualTo("/normal");
                    }
                    long nextSecond = start + TimeUnit.SECONDS.toNanos(second + 1);
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, nextSecond - System.nanoTime()));
                }
                // every slow client is still connected (the normal clients' connections close as they end)
                Await.until(() -> server.stats().workers().get(0).connections() == SLOW_CLIENTS, Duration.ofSeconds(5));
            } finally {
                for (Socket s : slow) {
                    closeQuietly(s);
                }
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // the test is over
        }
    }
}
