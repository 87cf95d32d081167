package dev.unicorn.examples.tls;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.AsyncExchange;
import dev.unicorn.http.AsyncHttpApp;
import dev.unicorn.http.BodyReader;
import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpApp;
import dev.unicorn.http.RequestHead;
import dev.unicorn.http.TlsSession;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS tests' material (the PEM files of {@code core/src/test/resources/tls}, see its
 * README) and one application in both forms, blocking and non-blocking, so every worker model
 * serves the same answers:
 *
 * <ul>
 *   <li>{@code /info}: {@code scheme protocol alpn subject client-host}, as the request saw them;
 *   <li>{@code /echo}: the request body;
 *   <li>{@code /big}: {@link #BIG} bytes of a known pattern.
 * </ul>
 */
final class TlsServers {
    static final Path DIR = Path.of("../core/src/test/resources/tls").toAbsolutePath().normalize();
    static final int BIG = 1 << 20;

    private TlsServers() {
    }

    static String pem(String name) {
        return DIR.resolve(name).toString();
    }

    /** A server on a free port of 127.0.0.1 with the RSA certificate and {@code model}, further set up by {@code more}. */
    static RunningServer start(WorkerModelKind model, UnaryOperator<Unicorn> more) {
        Unicorn u = model == WorkerModelKind.ASYNC ? new Unicorn(asyncApp()) : new Unicorn(app());
        u.externalConfig(false).bind("127.0.0.1:0").name("tls").workerModel(model)
                .certfile(pem("server-rsa-chain.pem")).keyfile(pem("server-rsa.key"));
        return more.apply(u).start();
    }

    static String info(RequestHead request) {
        TlsSession tls = request.tlsSession();
        String host = request.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "local";
        if (tls == null) {
            return request.scheme() + " - - - " + host;
        }
        return request.scheme() + " " + tls.protocol() + " " + (tls.applicationProtocol().isEmpty() ? "-"
                : tls.applicationProtocol()) + " " + (tls.peerSubject() == null ? "-" : tls.peerSubject()) + " " + host;
    }

    static byte[] big() {
        byte[] b = new byte[BIG];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    static HttpApp app() {
        byte[] big = big();
        return (request, response) -> {
            switch (request.path()) {
                case "/info" -> response.send(200, "text/plain", info(request).getBytes(StandardCharsets.UTF_8));
                case "/echo" -> {
                    try (InputStream in = request.body()) {
                        response.send(200, "application/octet-stream", in.readAllBytes());
                    }
                }
                case "/big" -> response.send(200, "application/octet-stream", big);
                default -> response.send(404, "text/plain", new byte[0]);
            }
        };
    }

    static AsyncHttpApp asyncApp() {
        byte[] big = big();
        return exchange -> {
            switch (exchange.path()) {
                case "/info" -> exchange.response().send(200, "text/plain", info(exchange).getBytes(StandardCharsets.UTF_8));
                case "/echo" -> echo(exchange);
                case "/big" -> exchange.response().send(200, "application/octet-stream", big);
                default -> exchange.response().send(404, "text/plain", new byte[0]);
            }
        };
    }

    private static void echo(AsyncExchange exchange) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        exchange.readBody(new BodyReader() {
            @Override
            public CompletionStage<?> onData(ByteBuffer data) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                body.writeBytes(b);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void onEnd(Headers trailers) {
                exchange.response().send(200, "application/octet-stream", body.toByteArray());
            }

            @Override
            public void onError(Throwable error) {
                exchange.fail(error);
            }
        });
    }

    /** A client context trusting the test CA, for the JDK's clients. */
    static SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = java.nio.file.Files.newInputStream(DIR.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
