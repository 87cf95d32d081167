package dev.unicorn.examples.tls;

import static dev.unicorn.examples.tls.TlsServers.pem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.CertReqs;
import dev.unicorn.examples.ExternalCommand;
import dev.unicorn.servlet.ServletApp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A servlet behind TLS sees what Servlet 6.1 §3.10 promises: {@code isSecure}, the cipher suite, its key size and the client's certificates. */
class ServletTlsTest {
    /** Prints what the servlet sees of the connection's security, one fact per line. */
    private static final class SecurityReport extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            X509Certificate[] chain = (X509Certificate[]) req.getAttribute("jakarta.servlet.request.X509Certificate");
            List<String> names = Collections.list(req.getAttributeNames()).stream()
                    .filter(n -> n.startsWith("jakarta.servlet.request.")).sorted().toList();
            resp.setContentType("text/plain");
            resp.getWriter().print("secure=" + req.isSecure() + " scheme=" + req.getScheme() + " port=" + req.getServerPort()
                    + "\ncipher=" + req.getAttribute("jakarta.servlet.request.cipher_suite")
                    + "\nkeySize=" + req.getAttribute("jakarta.servlet.request.key_size")
                    + "\nsubject=" + (chain == null ? "none" : chain[0].getSubjectX500Principal().getName())
                    + "\nnames=" + names);
        }
    }

    @BeforeAll
    static void curlIsInstalled() {
        Assumptions.assumeTrue(ExternalCommand.onPath("curl"), "curl is not on PATH");
    }

    private static RunningServer start() {
        return new Unicorn(ServletApp.of(new SecurityReport())).externalConfig(false).bind("127.0.0.1:0").name("servlet-tls")
                .certfile(pem("server-rsa-chain.pem")).keyfile(pem("server-rsa.key"))
                .certReqs(CertReqs.OPTIONAL).caCerts(pem("ca.pem")).start();
    }

    private static String curl(RunningServer server, String... options) {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--http1.1", "--tls-max", "1.3",
                "--ciphers", "ECDHE-RSA-AES256-GCM-SHA384", "--tls13-ciphers", "TLS_AES_256_GCM_SHA384",
                "--cacert", pem("ca.pem")));
        command.addAll(List.of(options));
        command.add("https://localhost:" + server.port() + "/report");
        return ExternalCommand.run(30, command).succeeded().stdout();
    }

    @Test
    void theServletSeesTheClientCertificateChainTheCipherSuiteAndItsKeySize() {
        try (RunningServer server = start()) {
            assertThat(curl(server, "--cert", pem("client.pem"), "--key", pem("client.key"))).isEqualTo(
                    "secure=true scheme=https port=" + server.port() + "\n"
                    + "cipher=TLS_AES_256_GCM_SHA384\n"
                    + "keySize=256\n"
                    + "subject=CN=alice,O=Unicorn Test\n"
                    + "names=[jakarta.servlet.request.X509Certificate, jakarta.servlet.request.cipher_suite, "
                    + "jakarta.servlet.request.key_size]");
        }
    }

    @Test
    void withoutAClientCertificateTheCertificateAttributeIsAbsent() {
        try (RunningServer server = start()) {
            assertThat(curl(server)).isEqualTo(
                    "secure=true scheme=https port=" + server.port() + "\n"
                    + "cipher=TLS_AES_256_GCM_SHA384\n"
                    + "keySize=256\n"
                    + "subject=none\n"
                    + "names=[jakarta.servlet.request.cipher_suite, jakarta.servlet.request.key_size]");
        }
    }
}
