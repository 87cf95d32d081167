package dev.unicorn.tls;

import static dev.unicorn.tls.TlsContextTest.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TLS channel against the JDK's TLS client over a real loopback socket, blocking and non-blocking. */
class TlsChannelTest {
    private ServerSocketChannel server;
    private TlsContext tls;

    @BeforeEach
    void listen() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        tls = TlsContextTest.create(Map.of("certfile", pem("server-rsa-chain.pem"), "keyfile", pem("server-rsa.key")));
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    static SSLContext client() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(pem("ca.pem")))) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private SSLSocket connect() throws Exception {
        SSLSocket s = (SSLSocket) client().getSocketFactory().createSocket("localhost", server.socket().getLocalPort());
        s.setSoTimeout(10_000);
        return s;
    }

    @Test
    void aBlockingChannelHandshakesThenCarriesBytesBothWaysAndSendsCloseNotify() throws Exception {
        byte[] request = new byte[100_000];
        new Random(1).nextBytes(request);
        try (SSLSocket client = connect()) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    client.getOutputStream().write(request);
                    client.getOutputStream().flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            SocketChannel socket = server.accept();
            TlsChannel channel = tls.newChannel(socket, false);
            assertThat(channel.handshake()).isTrue();
            assertThat(channel.session().protocol()).isEqualTo("TLSv1.3");
            assertThat(channel.session().peerCertificates()).isEmpty();
            ByteBuffer got = ByteBuffer.allocate(request.length);
            while (got.hasRemaining()) {
                assertThat(channel.read(got)).isPositive();
            }
            assertThat(got.array()).isEqualTo(request);
            sent.get(10, TimeUnit.SECONDS);
            ByteBuffer[] reply = {ByteBuffer.wrap("hello ".getBytes(StandardCharsets.US_ASCII)),
                ByteBuffer.wrap(new byte[40_000])};
            assertThat(channel.write(reply, 0, 2)).isEqualTo(40_006);
            channel.shutdownOutput();
            byte[] back = client.getInputStream().readAllBytes(); // ends at our close_notify
            assertThat(back).hasSize(40_006);
            assertThat(new String(back, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("hello ");
            socket.close();
        }
    }

    @Test
    void aNonBlockingChannelHandshakesByReadinessAndWritesEverythingAcrossPartialWrites() throws Exception {
        byte[] response = new byte[1 << 20];
        new Random(2).nextBytes(response);
        try (SSLSocket client = connect(); Selector selector = Selector.open()) {
            CompletableFuture<Void> hello = CompletableFuture.runAsync(() -> {
                try {
                    client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            SocketChannel socket = server.accept();
            socket.configureBlocking(false);
            TlsChannel channel = tls.newChannel(socket, false);
            SelectionKey key = socket.register(selector, SelectionKey.OP_READ);
            while (!channel.handshake()) {
                key.interestOps(channel.handshakeInterest());
                selector.select(1000);
                selector.selectedKeys().clear();
            }
            hello.get(10, TimeUnit.SECONDS);
            ByteBuffer ping = ByteBuffer.allocate(4);
            key.interestOps(SelectionKey.OP_READ);
            while (ping.hasRemaining()) {
                if (channel.read(ping) == 0 && !channel.hasBufferedInput()) {
                    selector.select(1000);
                    selector.selectedKeys().clear();
                }
            }
            assertThat(new String(ping.array(), StandardCharsets.US_ASCII)).isEqualTo("ping");
            // Like an event loop: present the unwritten rest again after each partial write, a copy of it at times.
            // The client starts reading only once the socket pushed back.
            socket.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 8192);
            CompletableFuture<byte[]> received = null;
            ByteBuffer out = ByteBuffer.wrap(response);
            key.interestOps(SelectionKey.OP_WRITE);
            int zeroWrites = 0;
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    zeroWrites++;
                    ByteBuffer copy = ByteBuffer.allocate(out.remaining()).put(out.duplicate()).flip();
                    out = copy;
                    if (received == null) {
                        received = CompletableFuture.supplyAsync(() -> {
                            try {
                                return client.getInputStream().readNBytes(response.length);
                            } catch (IOException e) {
                                throw new RuntimeException(e);
                            }
                        });
                    }
                    selector.select(1000);
                    selector.selectedKeys().clear();
                }
            }
            assertThat(channel.flushPending()).isTrue();
            assertThat(zeroWrites).as("the socket pushed back at least once").isPositive();
            assertThat(received.get(20, TimeUnit.SECONDS)).isEqualTo(response);
            socket.close();
        }
    }

    @Test
    void aPlainHttpRequestIsAnswered400InTheClearAndTheHandshakeFails() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.socket().getLocalPort())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            SocketChannel socket = server.accept();
            TlsChannel channel = tls.newChannel(socket, false);
            assertThatThrownBy(channel::handshake).isInstanceOf(javax.net.ssl.SSLException.class)
                    .hasMessage("plain HTTP on a TLS port");
            socket.close();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 48\r\n"
                            + "Connection: close\r\n\r\nThis port speaks TLS: use https:// to reach it.\n");
        }
    }

    @Test
    void aProxyHeaderBeforeTheHandshakeIsReturnedFirstInTheClear() throws Exception {
        String proxy = "PROXY TCP4 10.1.2.3 10.0.0.1 5555 443\r\n";
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.socket().getLocalPort())) {
            raw.setSoTimeout(10_000);
            OutputStream o = raw.getOutputStream();
            o.write(proxy.getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
                try {
                    SSLSocket s = (SSLSocket) client().getSocketFactory().createSocket(raw, "localhost", 0, false);
                    s.getOutputStream().write("GET".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            SocketChannel socket = server.accept();
            TlsChannel channel = tls.newChannel(socket, true);
            assertThat(channel.handshake()).isTrue();
            ByteBuffer got = ByteBuffer.allocate(proxy.length() + 3);
            while (got.hasRemaining()) {
                assertThat(channel.read(got)).isPositive();
            }
            assertThat(new String(got.array(), StandardCharsets.US_ASCII)).isEqualTo(proxy + "GET");
            client.get(10, TimeUnit.SECONDS);
            socket.close();
        }
    }

    @Test
    void decryptedBytesTheCallerDidNotTakeAreReportedAsBufferedUntilRead() throws Exception {
        try (SSLSocket client = connect()) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    client.getOutputStream().write("0123456789".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            SocketChannel socket = server.accept();
            TlsChannel channel = tls.newChannel(socket, false);
            assertThat(channel.handshake()).isTrue();
            sent.get(10, TimeUnit.SECONDS);
            socket.configureBlocking(false);
            ByteBuffer four = ByteBuffer.allocate(4);
            while (four.hasRemaining()) {
                channel.read(four);
            }
            assertThat(channel.hasBufferedInput()).isTrue();
            ByteBuffer rest = ByteBuffer.allocate(16);
            assertThat(channel.read(rest)).isEqualTo(6);
            assertThat(new String(four.array(), StandardCharsets.US_ASCII) + new String(rest.array(), 0, 6, StandardCharsets.US_ASCII))
                    .isEqualTo("0123456789");
            assertThat(channel.hasBufferedInput()).isFalse();
            assertThat(channel.read(rest)).isZero();
            socket.close();
        }
    }
}
