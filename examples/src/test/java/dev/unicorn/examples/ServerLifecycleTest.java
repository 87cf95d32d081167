package dev.unicorn.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.ConfigException;
import dev.unicorn.http.HttpApp;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Starting, binding, limiting and stopping servers, observed through real sockets. */
class ServerLifecycleTest {
    private static final String GET_CLOSE = "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

    private static Unicorn unicorn(HttpApp app) {
        return new Unicorn(app).externalConfig(false).bind("127.0.0.1:0").name("lifecycle");
    }

    private static HttpApp answering(String text) {
        return (req, res) -> res.send(200, "text/plain", text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void portZeroBindsAFreePortThatAddressesReport() {
        try (RunningServer server = unicorn(answering("hi")).start()) {
            assertThat(server.addresses()).singleElement().isInstanceOfSatisfying(InetSocketAddress.class, a -> {
                assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
                assertThat(a.getPort()).isPositive().isEqualTo(server.port());
            });
            assertThat(server.uri().toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
            try (RawClient client = RawClient.connect("127.0.0.1", server.port())) {
                assertThat(client.send(GET_CLOSE).readResponse().bodyText()).isEqualTo("hi");
            }
        }
    }

    @Test
    void twoServersInOneJvmServeTheirOwnApplicationsAndStopIndependently() {
        try (RunningServer one = unicorn(answering("one")).name("one").start();
             RunningServer two = unicorn(answering("two")).name("two").start()) {
            assertThat(one.port()).isNotEqualTo(two.port());
            assertThat(body(one)).isEqualTo("one");
            assertThat(body(two)).isEqualTo("two");
            one.close();
            assertThat(one.isStopped()).isTrue();
            assertThat(two.isStopped()).isFalse();
            assertThat(body(two)).isEqualTo("two");
        }
    }

    @Test
    void bindingAPortAlreadyTakenFailsWithAnUncheckedIOExceptionNamingTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            Unicorn unicorn = new Unicorn(answering("x")).externalConfig(false).bind(address);
            assertThatThrownBy(unicorn::start).isInstanceOf(UncheckedIOException.class).hasMessageContaining(address);
        }
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                Arguments.of("workers", "0", (Consumer<Unicorn>) u -> u.workers(0)),
                Arguments.of("limitRequestLine", "-1", (Consumer<Unicorn>) u -> u.limitRequestLine(-1)),
                Arguments.of("bind", "nonsense:xx", (Consumer<Unicorn>) u -> u.bind("nonsense:xx")));
    }

    @ParameterizedTest(name = "{0} = {1} fails start() with a ConfigException naming the setting and the value")
    @MethodSource("invalidSettings")
    void anInvalidSettingFailsStartWithAConfigExceptionNamingSettingAndValue(String setting, String value,
                                                                            Consumer<Unicorn> configure) {
        Unicorn unicorn = new Unicorn(answering("x")).externalConfig(false).bind("127.0.0.1:0");
        configure.accept(unicorn);
        assertThatThrownBy(unicorn::start).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems()).singleElement().asString().contains(setting).contains(value);
            assertThat(e.getMessage()).contains(setting).contains(value);
        });
    }

    @Test
    void gracefulStopFinishesAnInFlightSlowRequestWhileRefusingNewConnections() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch refusalSeen = new CountDownLatch(1);
        HttpApp slow = (req, res) -> {
            entered.countDown();
            refusalSeen.await(10, TimeUnit.SECONDS);
            Thread.sleep(500);
            res.send(200, "text/plain", "slow done".getBytes(StandardCharsets.US_ASCII));
        };
        RunningServer server = unicorn(slow).gracefulTimeout(Duration.ofSeconds(10)).start();
        try (RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(entered.await(5, TimeUnit.SECONDS)).as("the application was called").isTrue();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
            try {
                assertThat(refusesConnections(server.port(), Duration.ofSeconds(5)))
                        .as("new connections refused once the stop began").isTrue();
                assertThat(stopping).as("stop() waits for the in-flight request").isNotDone();
            } finally {
                refusalSeen.countDown();
            }
            RawResponse response = client.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("slow done");
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(client.timeout(Duration.ofSeconds(3)).readAll()).as("bytes before the close").isEmpty();
            // our half-close ends the server's lingering read at once, as a real client's close would
            client.shutdownOutput();
            stopping.get(15, TimeUnit.SECONDS);
            assertThat(server.isStopped()).isTrue();
        } finally {
            server.close();
        }
    }

    @Test
    void quickCloseClosesAnIdleKeepAliveConnection() {
        RunningServer server = unicorn(answering("hi")).keepalive(Duration.ofSeconds(30)).start();
        try (RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            RawResponse response = client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertThat(response.header("Connection")).as("kept alive").isNull();
            server.close();
            // readAll() returns only at the end of stream and fails if the connection stays open
            assertThat(client.timeout(Duration.ofSeconds(3)).readAll()).isEmpty();
        } finally {
            server.close();
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheKeepaliveTimeout() {
        try (RunningServer server = unicorn(answering("hi")).keepalive(Duration.ofSeconds(1)).start();
             RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            RawResponse response = client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            long idleSince = System.nanoTime();
            assertThat(response.header("Connection")).as("kept alive").isNull();
            assertThat(client.timeout(Duration.ofSeconds(5)).readAll()).as("bytes before the close").isEmpty();
            Duration idle = Duration.ofNanos(System.nanoTime() - idleSince);
            assertThat(idle).isBetween(Duration.ofMillis(500), Duration.ofSeconds(3));
        }
    }

    @Test
    void aThirdConnectionWaitsUntilOneOfTwoAdmittedConnectionsCloses() throws Exception {
        try (RunningServer server = unicorn(answering("hi")).workerConnections(2).workers(1)
                .keepalive(Duration.ofSeconds(30)).start();
             RawClient first = RawClient.connect("127.0.0.1", server.port());
             RawClient second = RawClient.connect("127.0.0.1", server.port());
             RawClient third = RawClient.connect("127.0.0.1", server.port())) {
            String get = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
            assertThat(first.send(get).readResponse().status()).isEqualTo(200);
            assertThat(second.send(get).readResponse().status()).isEqualTo(200);
            third.send(get).timeout(Duration.ofMillis(700));
            assertThatThrownBy(third::readResponse).as("no answer while two connections are held")
                    .isInstanceOf(UncheckedIOException.class).hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
            first.close();
            assertThat(third.timeout(Duration.ofSeconds(5)).readResponse().bodyText()).isEqualTo("hi");
        }
    }

    @Test
    void bindingIpv6LoopbackWithPortZeroServes() throws IOException {
        Assumptions.assumeTrue(ipv6LoopbackAvailable(), "IPv6 loopback is not available");
        try (RunningServer server = new Unicorn(answering("v6")).externalConfig(false).bind("[::1]:0").name("v6").start()) {
            SocketAddress bound = server.addresses().get(0);
            assertThat(bound).isInstanceOfSatisfying(InetSocketAddress.class, a -> {
                assertThat(a.getAddress()).isInstanceOf(Inet6Address.class);
                assertThat(a.getAddress().isLoopbackAddress()).isTrue();
                assertThat(a.getPort()).isPositive();
            });
            assertThat(server.uri().getHost()).startsWith("[").endsWith("]");
            try (RawClient client = RawClient.connect(new InetSocketAddress(InetAddress.getByName("::1"), server.port()))) {
                RawResponse response = client.send("GET / HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n").readResponse();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo("v6");
            }
        }
    }

    private static boolean ipv6LoopbackAvailable() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String body(RunningServer server) {
        try (RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            return client.send(GET_CLOSE).readResponse().bodyText();
        }
    }

    /** Tries to connect until a connection is refused (true) or {@code within} passes (false). */
    private static boolean refusesConnections(int port, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            } catch (ConnectException e) {
                return true;
            } catch (IOException e) {
                // a timeout or reset: not a clear refusal, try again
            }
            Thread.sleep(20);
        }
        return false;
    }
}
