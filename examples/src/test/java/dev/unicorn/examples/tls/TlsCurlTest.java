package dev.unicorn.examples.tls;

import static dev.unicorn.examples.tls.TlsServers.pem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.RunningServer;
import dev.unicorn.config.CertReqs;
import dev.unicorn.config.HttpProtocol;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.examples.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** curl over HTTPS against every worker model: the handshake, ALPN, client certificates, bodies both ways. */
class TlsCurlTest {
    @BeforeAll
    static void curlIsInstalled() {
        Assumptions.assumeTrue(ExternalCommand.onPath("curl"), "curl is not on PATH");
    }

    private static ExternalCommand curl(RunningServer server, String path, String... options) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-v", "--http1.1", "--cacert", pem("ca.pem")));
        command.addAll(List.of(options));
        command.add("https://localhost:" + server.port() + path);
        return ExternalCommand.run(30, command);
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void curlGetsTheAnswerOverTls13WithSchemeHttpsAndAlpnHttp11(WorkerModelKind model) {
        try (RunningServer server = TlsServers.start(model, u -> u)) {
            ExternalCommand curl = curl(server, "/info").succeeded();
            assertThat(curl.stdout()).isEqualTo("https TLSv1.3 http/1.1 - 127.0.0.1");
            assertThat(curl.stderr()).contains("ALPN: server accepted http/1.1").contains("SSL connection using TLSv1.3");
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void theAppSeesTheClientCertificateSubjectWhenCertReqsIsRequired(WorkerModelKind model) {
        try (RunningServer server = TlsServers.start(model, u -> u.certReqs(CertReqs.REQUIRED).caCerts(pem("ca.pem")))) {
            ExternalCommand curl = curl(server, "/info", "--cert", pem("client.pem"), "--key", pem("client.key")).succeeded();
            assertThat(curl.stdout()).isEqualTo("https TLSv1.3 http/1.1 CN=alice,O=Unicorn Test 127.0.0.1");
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void certReqsRequiredRefusesAClientWithoutACertificate(WorkerModelKind model) {
        try (RunningServer server = TlsServers.start(model, u -> u.certReqs(CertReqs.REQUIRED).caCerts(pem("ca.pem")))) {
            ExternalCommand curl = curl(server, "/info");
            assertThat(curl.exitCode()).as("curl's exit status; stderr:%n%s", curl.stderr()).isIn(35, 56);
            assertThat(curl.stdout()).isEmpty();
            assertThat(server.stats().workers().stream().mapToLong(w -> w.requests()).sum()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void anUploadOf300KilobytesIsEchoedAndAOneMebibyteResponseArrivesWhole(WorkerModelKind model, @TempDir Path dir)
            throws Exception {
        byte[] upload = new byte[300_000];
        new Random(7).nextBytes(upload);
        Path file = Files.write(dir.resolve("upload.bin"), upload);
        Path echoed = dir.resolve("echoed.bin");
        Path big = dir.resolve("big.bin");
        try (RunningServer server = TlsServers.start(model, u -> u)) {
            curl(server, "/echo", "--data-binary", "@" + file, "-H", "Content-Type: application/octet-stream",
                    "-o", echoed.toString()).succeeded();
            curl(server, "/big", "-o", big.toString()).succeeded();
        }
        assertThat(Files.readAllBytes(echoed)).isEqualTo(upload);
        assertThat(Files.readAllBytes(big)).isEqualTo(TlsServers.big());
    }

    @ParameterizedTest
    @EnumSource(value = WorkerModelKind.class, names = {"VIRTUAL", "THREADS", "ASYNC"})
    void twoRequestsShareOneKeptAliveTlsConnection(WorkerModelKind model) {
        try (RunningServer server = TlsServers.start(model, u -> u)) {
            String url = "https://localhost:" + server.port();
            ExternalCommand curl = ExternalCommand.run(30, List.of("curl", "-sS", "-v", "--http1.1", "--cacert", pem("ca.pem"),
                    url + "/info", url + "/info")).succeeded();
            assertThat(curl.stdout()).isEqualTo("https TLSv1.3 http/1.1 - 127.0.0.1".repeat(2));
            assertThat(curl.stderr()).contains("Re-using existing connection");
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void certReqsOptionalServesAClientWithoutACertificateAndShowsNoSubject(WorkerModelKind model) {
        try (RunningServer server = TlsServers.start(model, u -> u.certReqs(CertReqs.OPTIONAL).caCerts(pem("ca.pem")))) {
            assertThat(curl(server, "/info").succeeded().stdout()).isEqualTo("https TLSv1.3 http/1.1 - 127.0.0.1");
            assertThat(curl(server, "/info", "--cert", pem("client.pem"), "--key", pem("client.key")).succeeded().stdout())
                    .isEqualTo("https TLSv1.3 http/1.1 CN=alice,O=Unicorn Test 127.0.0.1");
        }
    }

    @Test
    void aClientCertificateTheCaDidNotSignIsRefused() {
        try (RunningServer server = TlsServers.start(WorkerModelKind.VIRTUAL,
                u -> u.certReqs(CertReqs.OPTIONAL).caCerts(pem("ca.pem")))) {
            ExternalCommand curl = curl(server, "/info", "--cert", pem("stranger.pem"), "--key", pem("stranger.key"));
            assertThat(curl.exitCode()).as("curl's exit status; stderr:%n%s", curl.stderr()).isIn(35, 56);
            assertThat(curl.stdout()).isEmpty();
        }
    }

    @Test
    void withHttpProtocolsH2H1CurlOfferingH2IsServedHttp11UntilHttp2IsAvailable() {
        try (RunningServer server = TlsServers.start(WorkerModelKind.VIRTUAL,
                u -> u.httpProtocols(HttpProtocol.H2, HttpProtocol.H1))) {
            ExternalCommand curl = ExternalCommand.run(30, List.of("curl", "-sS", "-v", "--http2", "--cacert", pem("ca.pem"),
                    "https://localhost:" + server.port() + "/info")).succeeded();
            assertThat(curl.stderr()).contains("ALPN: offers h2,http/1.1").contains("ALPN: server accepted http/1.1");
            assertThat(curl.stdout()).isEqualTo("https TLSv1.3 http/1.1 - 127.0.0.1");
        }
    }
}
