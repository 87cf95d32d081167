package dev.unicorn.examples.tls;

import static dev.unicorn.examples.tls.TlsServers.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.RunningServer;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.examples.ExternalCommand;
import dev.unicorn.http1.ProxyProtocolMode;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS connections from the JDK's clients, raw sockets and {@code openssl s_client}: ALPN with a
 * client that prefers h2, every key format, the handshake deadline, plain HTTP on a TLS port,
 * old protocol versions, a PROXY header before the handshake.
 */
class TlsConnectionTest {

    private static HttpResponse<String> get(RunningServer server, String path) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(TlsServers.clientContext())
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void theJdkHttpClientOfferingH2AndHttp11GetsHttp11(WorkerModelKind model) throws Exception {
        try (RunningServer server = TlsServers.start(model, u -> u)) {
            HttpResponse<String> response = get(server, "/info");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(response.body()).isEqualTo("https TLSv1.3 http/1.1 - 127.0.0.1");
        }
    }

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource({
        "server-rsa.pem, server-rsa-pkcs1.key, ''",
        "server-rsa.pem, server-rsa-encrypted.key, changeit",
        "server-ec.pem, server-ec.key, ''",
        "server-ec.pem, server-ec-sec1.key, ''",
    })
    void serversWithEveryKeyFormatAnswer(String cert, String key, String password) throws Exception {
        try (RunningServer server = TlsServers.start(WorkerModelKind.VIRTUAL,
                u -> u.certfile(pem(cert)).keyfile(pem(key)).keyPassword(password))) {
            assertThat(get(server, "/info").body()).isEqualTo("https TLSv1.3 http/1.1 - 127.0.0.1");
        }
    }

    @Test
    void theServerUriOfATlsListenerIsHttpsAndAnswers() throws Exception {
        try (RunningServer server = TlsServers.start(WorkerModelKind.VIRTUAL, u -> u)) {
            assertThat(server.uri()).isEqualTo(URI.create("https://127.0.0.1:" + server.port() + "/"));
            HttpClient client = HttpClient.newBuilder().sslContext(TlsServers.clientContext()).build();
            // the certificate names localhost and 127.0.0.1, so the URI as given verifies
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri().resolve("/info")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("https TLSv1.3");
        }
    }

    @Test
    void tls12CanBeChosenAndIsReportedToTheApp() throws Exception {
        try (RunningServer server = TlsServers.start(WorkerModelKind.VIRTUAL, u -> u.tlsProtocols("TLSv1.2"))) {
            assertThat(get(server, "/info").body()).isEqualTo("https TLSv1.2 http/1.1 - 127.0.0.1");
        }
    }

    @Test
    void aServerWithASuppliedSslContextServesTls() throws Exception {
        SSLContext serverContext = javax.net.ssl.SSLContext.getInstance("TLS");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        // the same material, assembled by the application: openssl-made PEM read through Unicorn would be circular,
        // so build the store from the PKCS#8 key with the JDK directly
        byte[] der = java.util.Base64.getMimeDecoder().decode(java.nio.file.Files.readString(java.nio.file.Path.of(pem("server-ec.key")))
                .replaceAll("-----[A-Z ]+-----", "").strip());
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("EC")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
        java.security.cert.Certificate cert;
        try (InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(pem("server-ec.pem")))) {
            cert = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        ks.load(null, null);
        ks.setKeyEntry("k", key, new char[0], new java.security.cert.Certificate[] {cert});
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        serverContext.init(kmf.getKeyManagers(), null, null);
        try (RunningServer server = TlsServers.start(WorkerModelKind.VIRTUAL,
                u -> u.certfile("").keyfile("").sslContext(() -> serverContext))) {
            assertThat(get(server, "/info").body()).isEqualTo("https TLSv1.3 http/1.1 - 127.0.0.1");
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void aSilentClientIsClosedWhenTheHandshakeTimeoutPasses(WorkerModelKind model) throws Exception {
        try (RunningServer server = TlsServers.start(model, u -> u.tlsHandshakeTimeout(Duration.ofMillis(300)));
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000); // a bound for the test, far above the timeout
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void aPlainHttpRequestToATlsPortIsAnswered400AndClosed(WorkerModelKind model) throws Exception {
        try (RunningServer server = TlsServers.start(model, u -> u);
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /info HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 48\r\n"
                            + "Connection: close\r\n\r\nThis port speaks TLS: use https:// to reach it.\n");
        }
    }

    @Test
    void tls11IsRefusedByDefaultWhileTls12IsAccepted() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ExternalCommand.onPath("openssl"), "openssl is not on PATH");
        try (RunningServer server = TlsServers.start(WorkerModelKind.VIRTUAL, u -> u)) {
            String connect = "127.0.0.1:" + server.port();
            // SECLEVEL=0 lets this OpenSSL offer TLS 1.1 at all: the refusal must be the server's
            ExternalCommand old = ExternalCommand.run(30, List.of("openssl", "s_client", "-connect", connect,
                    "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", pem("ca.pem")));
            assertThat(old.exitCode()).isNotZero();
            assertThat(old.stdout() + old.stderr()).contains("alert protocol version");
            ExternalCommand tls12 = ExternalCommand.run(30, List.of("openssl", "s_client", "-connect", connect,
                    "-tls1_2", "-servername", "localhost", "-CAfile", pem("ca.pem"))).succeeded();
            assertThat(tls12.stdout()).contains("Protocol  : TLSv1.2").contains("Verify return code: 0 (ok)");
        }
    }

    @Test
    void theJdkClientWithOnlyTls11EnabledCannotConnect() throws Exception {
        try (RunningServer server = TlsServers.start(WorkerModelKind.VIRTUAL, u -> u);
             SSLSocket socket = (SSLSocket) TlsServers.clientContext().getSocketFactory()
                     .createSocket("localhost", server.port())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(WorkerModelKind.class)
    void aProxyV1HeaderBeforeTheHandshakeGivesTheAppTheProxiedClient(WorkerModelKind model) throws Exception {
        try (RunningServer server = TlsServers.start(model, u -> u.proxyProtocol(ProxyProtocolMode.V1));
             Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write("PROXY TCP4 10.1.2.3 10.0.0.1 5555 443\r\n".getBytes(StandardCharsets.US_ASCII));
            try (SSLSocket tls = (SSLSocket) TlsServers.clientContext().getSocketFactory()
                    .createSocket(raw, "localhost", server.port(), true)) {
                tls.getOutputStream().write("GET /info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String response = new String(tls.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhttps TLSv1.3 - - 10.1.2.3");
            }
        }
    }

    @Test
    void startFailsNamingKeyPasswordWhenItDoesNotDecryptTheKeyAndBindsNothing() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        dev.unicorn.Unicorn unicorn = new dev.unicorn.Unicorn(TlsServers.app()).externalConfig(false)
                .bind("127.0.0.1:" + port).certfile(pem("server-rsa.pem")).keyfile(pem("server-rsa-encrypted.key"))
                .keyPassword("wrong");
        assertThatThrownBy(unicorn::start).isInstanceOf(dev.unicorn.config.ConfigException.class)
                .hasMessage("Invalid setting keyPassword = \"(not shown)\": keyPassword does not decrypt the key (keyfile "
                        + pem("server-rsa-encrypted.key") + ")");
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(java.net.ConnectException.class);
    }

    @ParameterizedTest
    @EnumSource(value = WorkerModelKind.class, names = {"VIRTUAL", "THREADS", "ASYNC"})
    void threePipelinedRequestsInOneTlsRecordAreAnsweredInOrder(WorkerModelKind model) throws Exception {
        // each head is larger than a head read (1 KiB), so decrypted bytes wait in the TLS channel between reads
        String pad = "X-Pad: " + "p".repeat(1500) + "\r\n";
        String get = "GET /info HTTP/1.1\r\nHost: localhost\r\n" + pad + "\r\n";
        String last = "GET /info HTTP/1.1\r\nHost: localhost\r\n" + pad + "Connection: close\r\n\r\n";
        try (RunningServer server = TlsServers.start(model, u -> u);
             SSLSocket tls = (SSLSocket) TlsServers.clientContext().getSocketFactory().createSocket("localhost", server.port())) {
            tls.setSoTimeout(10_000);
            tls.getOutputStream().write((get + get + last).getBytes(StandardCharsets.US_ASCII)); // one record
            String responses = new String(tls.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(responses.split("HTTP/1.1 200 OK\r\n", -1)).hasSize(4);
            assertThat(responses).endsWith("\r\n\r\nhttps TLSv1.3 - - 127.0.0.1");
        }
    }

    @Test
    void aUnixSocketListenerBesideATlsOneStaysPlain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        org.junit.jupiter.api.Assumptions.assumeTrue(ExternalCommand.onPath("curl"), "curl is not on PATH");
        java.nio.file.Path socket = dir.resolve("u.sock");
        try (RunningServer server = TlsServers.start(WorkerModelKind.VIRTUAL, u -> u.bind("127.0.0.1:0", "unix:" + socket))) {
            ExternalCommand curl = ExternalCommand.run(30, List.of("curl", "-sS", "--unix-socket", socket.toString(),
                    "http://localhost/info")).succeeded();
            assertThat(curl.stdout()).isEqualTo("http - - - local");
        }
    }
}
