package dev.unicorn.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codec against real HTTP/2 clients (curl, nghttp, h2load) over a real socket, through the
 * test-only {@link LoopbackServer} (h2c with prior knowledge).
 */
class RealClientTest {
    private static LoopbackServer server;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        server = new LoopbackServer();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    private record Result(int exit, String out) {
    }

    private static Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void curlWithPriorKnowledgeGetsTheBodyOverHttp2() throws Exception {
        Result r = run("curl", "-sS", "--http2-prior-knowledge", "-w", "|%{http_version} %{response_code}", base + "/hello");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("hello\n|2 200");
    }

    @Test
    void curlUploadsAndGetsBackABodyLargerThanEveryWindow(@TempDir Path dir) throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 7]; // beyond the 64 KiB stream and 1 MiB connection windows
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        Path in = Files.write(dir.resolve("in"), body);
        Path out = dir.resolve("out");
        Result r = run("curl", "-sS", "--http2-prior-knowledge", "--data-binary", "@" + in, "-o", out.toString(),
                "-w", "%{http_version} %{response_code}", base + "/echo");
        assertThat(r.out()).isEqualTo("2 200");
        assertThat(Files.readAllBytes(out)).isEqualTo(body);
    }

    @Test
    void nghttpFetchesSeveralStreamsOnOneConnection() throws Exception {
        // nghttp first sends PRIORITY frames on idle streams 3..11 (its priority tree), then the requests
        Result r = run("nghttp", "-v", "-n", base + "/hello", base + "/a", base + "/b");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out().split(":status: 200", -1)).as(r.out()).hasSize(4);
        assertThat(r.out()).doesNotContain("RST_STREAM", "recv GOAWAY");
    }

    @Test
    void h2loadCompletesEveryRequestWithoutError() throws Exception {
        Result r = run("h2load", "-n", "2000", "-c", "4", "-m", "10", base + "/hello");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored");
    }

    @Test
    void h2loadUploadsConcurrentlyWithoutError(@TempDir Path dir) throws Exception {
        Path data = Files.write(dir.resolve("data"), new byte[200_000]);
        List<String> cmd = new ArrayList<>(List.of("h2load", "-n", "100", "-c", "2", "-m", "8", "-d", data.toString(),
                base + "/echo"));
        Result r = run(cmd.toArray(String[]::new));
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("requests: 100 total, 100 started, 100 done, 100 succeeded, 0 failed, 0 errored");
    }
}
