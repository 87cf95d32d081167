package dev.unicorn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** curl, a real HTTP/1.1 client, against the example applications over TCP and a Unix socket. */
class CurlTest {
    @BeforeAll
    static void curlIsInstalled() {
        // CI installs curl (.ci/run); a developer machine without it skips these tests
        Assumptions.assumeTrue(ExternalCommand.onPath("curl"), "curl is not on PATH");
    }

    @Test
    void curlGetsHelloWorldWithStatus200() {
        try (RunningServer server = start(HelloServer.app(), "127.0.0.1:0")) {
            ExternalCommand curl = ExternalCommand.run(30,
                    List.of("curl", "-sS", "-i", "http://127.0.0.1:" + server.port() + "/")).succeeded();
            assertThat(curl.stdout()).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(curl.stdout()).contains("\r\nContent-Length: 14\r\n");
            assertThat(curl.stdout()).endsWith("\r\n\r\nHello, World!\n");
        }
    }

    @Test
    void curlUploadOf200KilobytesWithExpectContinueRoundTripsThroughTheEchoApp(@TempDir Path dir) throws Exception {
        byte[] upload = new byte[200_000];
        new Random(42).nextBytes(upload);
        Path file = Files.write(dir.resolve("upload.bin"), upload);
        Path headers = dir.resolve("headers.txt");
        Path body = dir.resolve("body.json");
        try (RunningServer server = start(EchoServer.app(), "127.0.0.1:0")) {
            ExternalCommand.run(30, List.of("curl", "-sS", "--http1.1", "-H", "Expect: 100-continue",
                    "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + file,
                    "-D", headers.toString(), "-o", body.toString(),
                    "http://127.0.0.1:" + server.port() + "/upload")).succeeded();
        }
        // curl waited for the interim response the server sends when the application reads the body
        assertThat(Files.readString(headers)).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n");
        JsonNode echo = new ObjectMapper().readTree(Files.readAllBytes(body));
        assertThat(echo.get("method").asString()).isEqualTo("POST");
        assertThat(echo.get("target").asString()).isEqualTo("/upload");
        assertThat(Base64.getDecoder().decode(echo.get("body").asString())).isEqualTo(upload);
    }

    @Test
    void curlGetsHelloWorldOverAUnixSocket(@TempDir Path dir) {
        Path socket = dir.resolve("u.sock");
        try (RunningServer server = start(HelloServer.app(), "unix:" + socket)) {
            assertThat(server.addresses()).containsExactly(UnixDomainSocketAddress.of(socket));
            ExternalCommand curl = ExternalCommand.run(30, List.of("curl", "-sS", "-i", "--unix-socket", socket.toString(),
                    "http://localhost/")).succeeded();
            assertThat(curl.stdout()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nHello, World!\n");
        }
    }

    private static RunningServer start(dev.unicorn.http.HttpApp app, String bind) {
        return new Unicorn(app).externalConfig(false).bind(bind).name("curl").start();
    }
}
