package dev.unicorn.uwsgi;

import static dev.unicorn.uwsgi.UwsgiServer.readResponse;
import static dev.unicorn.uwsgi.UwsgiServer.readToEnd;
import static dev.unicorn.uwsgi.UwsgiServer.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import dev.unicorn.http.AsyncExchange;
import dev.unicorn.http.AsyncHttpApp;
import dev.unicorn.http.BodyReader;
import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpApp;
import dev.unicorn.http.HttpVersion;
import dev.unicorn.http.RequestHead;
import dev.unicorn.net.IpAllowList;
import dev.unicorn.server.ServerContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * uWSGI packets served end to end by core's connections through {@link UwsgiProtocol}, over a
 * real loopback socket, with each of the two drivers the worker models use: the blocking
 * {@code Http1Connection} and the non-blocking {@code Http1AsyncConnection}. Each case checks
 * what the application saw of a packet and the exact bytes of the response as nginx's uwsgi
 * module reads them: HTTP/1.1-formatted, never chunked, never a 1xx, closed after a body of
 * unknown length, kept open after one of known length.
 */
class UwsgiConnectionTest {
    /** What the application saw of one request. */
    record Seen(String method, String target, String path, String query, HttpVersion version, Headers headers,
                String body, SocketAddress remote, SocketAddress local, String scheme) {
        static Seen of(RequestHead r, String body) {
            return new Seen(r.method(), r.target(), r.path(), r.query(), r.version(), r.headers(), body,
                    r.remoteAddress(), r.localAddress(), r.scheme());
        }
    }

    /** The connection driver serving the test's listener. */
    enum Driver {
        BLOCKING {
            @Override
            UwsgiServer start(BlockingQueue<Seen> seen, Config config, Function<ServerContext, UwsgiProtocol> protocol) {
                return UwsgiServer.blocking(blockingApp(seen), config, protocol);
            }
        },
        ASYNC {
            @Override
            UwsgiServer start(BlockingQueue<Seen> seen, Config config, Function<ServerContext, UwsgiProtocol> protocol) {
                return UwsgiServer.async(asyncApp(seen), config, protocol);
            }
        };

        abstract UwsgiServer start(BlockingQueue<Seen> seen, Config config, Function<ServerContext, UwsgiProtocol> protocol);
    }

    static final String OK_HELLO = "HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
    /** The answer to {@link #NEXT}: it closes, so a test can read everything to the end. */
    static final String NEXT_RESPONSE = "HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnext";
    /** A packet behind the one under test: its response arriving intact proves the first carried no stray bytes. */
    static final byte[] NEXT = Packet.get("/next").bytes();
    /** Larger than the 16 KiB staging buffer: a response writing it commits before its length is known. */
    static final String LARGE = "x".repeat(20_000);

    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private UwsgiServer server;

    /** The blocking application every test runs, routed by path; it reads the whole body first. */
    static HttpApp blockingApp(BlockingQueue<Seen> seen) {
        return (req, res) -> {
            String body = new String(req.body().readAllBytes(), StandardCharsets.ISO_8859_1);
            seen.add(Seen.of(req, body));
            switch (req.path()) {
                case "/hello", "/search" -> res.send(200, "text/plain", bytes("hello"));
                case "/echo" -> res.send(200, "text/plain", bytes(body));
                case "/next" -> {
                    res.headers().set("Connection", "close");
                    res.send(200, "text/plain", bytes("next"));
                }
                case "/stream" -> {
                    res.headers().set("Content-Type", "text/plain");
                    res.body().write(bytes(LARGE));
                    res.body().write(bytes("end"));
                }
                case "/no-content" -> res.status(204);
                case "/not-modified" -> {
                    res.status(304).headers().set("ETag", "\"v1\"");
                    res.body().write(bytes("must not be sent"));
                }
                case "/hints" -> {
                    res.earlyHints(Headers.of("Link", "</style.css>; rel=preload"));
                    res.send(200, "text/plain", bytes("hello"));
                }
                case "/trailers" -> {
                    res.trailers(Headers.of("X-Checksum", "abc"));
                    res.headers().set("Content-Type", "text/plain");
                    res.body().write(bytes("hello"));
                }
                default -> res.send(404, "text/plain", bytes("no"));
            }
        };
    }

    /** The same application, non-blocking. */
    static AsyncHttpApp asyncApp(BlockingQueue<Seen> seen) {
        return x -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            x.readBody(new BodyReader() {
                @Override
                public CompletionStage<?> onData(ByteBuffer data) {
                    byte[] b = new byte[data.remaining()];
                    data.get(b);
                    body.writeBytes(b);
                    return null;
                }

                @Override
                public void onEnd(Headers trailers) {
                    String text = body.toString(StandardCharsets.ISO_8859_1);
                    seen.add(Seen.of(x, text));
                    respond(x, text);
                }

                @Override
                public void onError(Throwable error) {
                }
            });
        };
    }

    private static void respond(AsyncExchange x, String body) {
        var res = x.response();
        switch (x.path()) {
            case "/hello", "/search" -> res.send(200, "text/plain", bytes("hello"));
            case "/echo" -> res.send(200, "text/plain", bytes(body));
            case "/next" -> {
                res.headers().set("Connection", "close");
                res.send(200, "text/plain", bytes("next"));
            }
            case "/stream" -> {
                res.headers().set("Content-Type", "text/plain");
                res.write(ByteBuffer.wrap(bytes(LARGE)));
                res.write(ByteBuffer.wrap(bytes("end")));
                res.end();
            }
            case "/no-content" -> res.status(204).end();
            case "/not-modified" -> {
                res.status(304).headers().set("ETag", "\"v1\"");
                res.write(ByteBuffer.wrap(bytes("must not be sent")));
                res.end();
            }
            case "/hints" -> {
                res.earlyHints(Headers.of("Link", "</style.css>; rel=preload"));
                res.send(200, "text/plain", bytes("hello"));
            }
            case "/trailers" -> {
                res.trailers(Headers.of("X-Checksum", "abc"));
                res.headers().set("Content-Type", "text/plain");
                res.write(ByteBuffer.wrap(bytes("hello")));
                res.end();
            }
            default -> res.send(404, "text/plain", bytes("no"));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private Socket start(Driver driver) throws IOException {
        return start(driver, Config.defaults(), UwsgiProtocol::forServer);
    }

    private Socket start(Driver driver, Config config, Function<ServerContext, UwsgiProtocol> protocol) throws IOException {
        server = driver.start(seen, config, protocol);
        return server.connect();
    }

    private Seen next() throws InterruptedException {
        Seen s = seen.poll(10, TimeUnit.SECONDS);
        assertThat(s).as("a request reached the application").isNotNull();
        return s;
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource
    void servesAGetWithQueryAsTheRequestTheClientSentNginx(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/search?q=a%20b&x=1", "QUERY_STRING", "q=a%20b&x=1",
                "PATH_INFO", "/search", "SERVER_PROTOCOL", "HTTP/1.1", "REQUEST_SCHEME", "https",
                "REMOTE_ADDR", "203.0.113.9", "REMOTE_PORT", "51000", "SERVER_NAME", "example.com", "SERVER_PORT", "443",
                "CONTENT_TYPE", "", "CONTENT_LENGTH", "", "HTTP_HOST", "example.com", "HTTP_ACCEPT", "*/*").bytes());

        assertThat(readResponse(s)).isEqualTo(OK_HELLO);
        Seen r = next();
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.target()).isEqualTo("/search?q=a%20b&x=1");
        assertThat(r.path()).isEqualTo("/search");
        assertThat(r.query()).isEqualTo("q=a%20b&x=1");
        assertThat(r.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(r.headers().toString()).isEqualTo("[host: example.com, accept: */*]");
        assertThat(r.scheme()).isEqualTo("https");
        assertThat(r.remote()).isEqualTo(new InetSocketAddress("203.0.113.9", 51000));
        assertThat(r.local()).isEqualTo(InetSocketAddress.createUnresolved("example.com", 443));
    }

    @ParameterizedTest
    @EnumSource
    void reportsTheServerAddressAsAnIpWhenServerNameIsOne(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/hello", "REMOTE_ADDR", "::1", "REMOTE_PORT", "6000",
                "SERVER_NAME", "192.0.2.80", "SERVER_PORT", "8443").bytes());

        assertThat(readResponse(s)).isEqualTo(OK_HELLO);
        Seen r = next();
        assertThat(r.remote()).isEqualTo(new InetSocketAddress("::1", 6000));
        assertThat(r.local()).isEqualTo(new InetSocketAddress("192.0.2.80", 8443));
    }

    @ParameterizedTest
    @EnumSource
    void reportsTheSocketAddressesWhenThePacketNamesNoClient(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.get("/hello").bytes());

        assertThat(readResponse(s)).isEqualTo(OK_HELLO);
        Seen r = next();
        assertThat(r.remote()).isEqualTo(s.getLocalSocketAddress());
        assertThat(r.local()).isEqualTo(s.getRemoteSocketAddress());
        assertThat(r.scheme()).isEqualTo("http");
    }

    @ParameterizedTest
    @EnumSource
    void deliversAPostBodyOfContentLengthBytesToTheApplication(Driver driver) throws Exception {
        byte[] body = new byte[300_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        Socket s = start(driver);
        send(s, Packet.of("REQUEST_METHOD", "POST", "REQUEST_URI", "/echo", "CONTENT_TYPE", "text/plain").body(text).bytes());

        assertThat(readResponse(s)).isEqualTo("HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 300000\r\n\r\n" + text);
        Seen r = next();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.body()).isEqualTo(text);
        assertThat(r.headers().toString()).isEqualTo("[content-type: text/plain, content-length: 300000]");
    }

    @ParameterizedTest
    @EnumSource
    void answersHeadWithTheHeadAloneAndKeepsTheConnection(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.of("REQUEST_METHOD", "HEAD", "REQUEST_URI", "/hello").bytes(), NEXT);

        assertThat(readToEnd(s)).isEqualTo("HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\n" + NEXT_RESPONSE);
        assertThat(next().method()).isEqualTo("HEAD");
    }

    @ParameterizedTest
    @EnumSource
    void answers204WithoutABodyAndKeepsTheConnection(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.get("/no-content").bytes(), NEXT);

        assertThat(readToEnd(s)).isEqualTo("HTTP/1.1 204 No Content\r\nServer: unicorn\r\nDate: <date>\r\n\r\n"
                + NEXT_RESPONSE);
    }

    @ParameterizedTest
    @EnumSource
    void answers304WithoutTheBodyTheApplicationWroteAndKeepsTheConnection(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.get("/not-modified").bytes(), NEXT);

        assertThat(readToEnd(s)).isEqualTo("HTTP/1.1 304 Not Modified\r\nServer: unicorn\r\nDate: <date>\r\n"
                + "ETag: \"v1\"\r\n\r\n" + NEXT_RESPONSE);
    }

    @ParameterizedTest
    @EnumSource
    void delimitsAStreamedBodyWithoutContentLengthByClosingNeverByChunking(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/stream", "SERVER_PROTOCOL", "HTTP/1.1").bytes(), NEXT);

        assertThat(readToEnd(s)).isEqualTo("HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\n"
                + "Content-Type: text/plain\r\nConnection: close\r\n\r\n" + LARGE + "end");
        assertThat(next().version()).as("the application sees the client's version").isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(seen.poll(200, TimeUnit.MILLISECONDS)).as("the packet behind the streamed response").isNull();
    }

    @ParameterizedTest
    @EnumSource
    void delimitsAStreamedBodyByClosingForAnHttp2ClientOfNginx(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/stream", "SERVER_PROTOCOL", "HTTP/2.0").bytes());

        assertThat(readToEnd(s)).isEqualTo("HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\n"
                + "Content-Type: text/plain\r\nConnection: close\r\n\r\n" + LARGE + "end");
        assertThat(next().version()).isEqualTo(HttpVersion.of(2, 0));
    }

    @ParameterizedTest
    @EnumSource
    void keepsTheConnectionForTwoPacketsWhenTheLengthIsKnown(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.get("/hello").bytes());
        assertThat(readResponse(s)).isEqualTo(OK_HELLO);
        send(s, Packet.of("REQUEST_METHOD", "POST", "REQUEST_URI", "/echo").body("again").bytes());
        assertThat(readResponse(s)).isEqualTo(OK_HELLO.replace("hello", "again"));

        s.shutdownOutput(); // nginx is done with the connection: a clean end between packets
        assertThat(readToEnd(s)).isEmpty();
        assertThat(next().path()).isEqualTo("/hello");
        assertThat(next().body()).isEqualTo("again");
    }

    @ParameterizedTest
    @EnumSource
    void keepsTheConnectionForAnHttp10ClientWithoutAKeepAliveLine(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/hello", "SERVER_PROTOCOL", "HTTP/1.0").bytes(), NEXT);

        assertThat(readToEnd(s)).isEqualTo(OK_HELLO + NEXT_RESPONSE);
        assertThat(next().version()).isEqualTo(HttpVersion.HTTP_1_0);
    }

    @ParameterizedTest
    @EnumSource
    void neverSends100ContinueForAnExpectHeader(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.of("REQUEST_METHOD", "POST", "REQUEST_URI", "/echo", "HTTP_EXPECT", "100-continue")
                .body("hello").bytes(), NEXT);

        assertThat(readToEnd(s)).isEqualTo(OK_HELLO + NEXT_RESPONSE);
        Seen r = next();
        assertThat(r.headers().get("Expect")).isEqualTo("100-continue");
        assertThat(r.body()).isEqualTo("hello");
    }

    @ParameterizedTest
    @EnumSource
    void neverSendsEarlyHints(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.get("/hints").bytes(), NEXT);

        assertThat(readToEnd(s)).isEqualTo(OK_HELLO + NEXT_RESPONSE);
    }

    @ParameterizedTest
    @EnumSource
    void dropsTrailersAndKeepsTheLengthOfAFinishedBody(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.get("/trailers").bytes(), NEXT);

        assertThat(readToEnd(s)).isEqualTo(OK_HELLO + NEXT_RESPONSE);
    }

    @ParameterizedTest
    @EnumSource
    void answersAPacketWithoutRequestMethodWith400(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.of("REQUEST_URI", "/").bytes(), NEXT);

        assertThat(readToEnd(s)).isEqualTo(error(400, "Bad Request", "uWSGI packet without REQUEST_METHOD"));
        assertThat(seen).isEmpty();
    }

    @ParameterizedTest
    @EnumSource
    void answersATruncatedVariableWith400(Driver driver) throws Exception {
        Socket s = start(driver);
        byte[] packet = Packet.get("/").bytes();
        byte[] truncated = Packet.concat(new byte[] {0, (byte) (packet.length - 4 + 1), 0, 0},
                Arrays.copyOfRange(packet, 4, packet.length), new byte[] {5});
        send(s, truncated);

        assertThat(readToEnd(s)).isEqualTo(error(400, "Bad Request", "invalid uWSGI packet: truncated key size"));
    }

    @ParameterizedTest
    @EnumSource
    void answersAPeerOutsideUwsgiAllowIpsWith403(Driver driver) throws Exception {
        Socket s = start(driver, Config.defaults(), ctx -> new UwsgiProtocol(UwsgiOptions.defaults()
                .withHttp(ctx.parserOptions()).withAllowIps(IpAllowList.parse("192.0.2.0/24"))));
        send(s, Packet.get("/hello").bytes());

        assertThat(readToEnd(s)).isEqualTo(error(403, "Forbidden", "uWSGI request from a peer not in uwsgiAllowIps"));
        assertThat(seen).isEmpty();
    }

    @ParameterizedTest
    @EnumSource
    void answersABodyOverLimitRequestBodyWith413BeforeReadingIt(Driver driver) throws Exception {
        Socket s = start(driver, Config.builder().set(Settings.LIMIT_REQUEST_BODY, 4L).build(), UwsgiProtocol::forServer);
        send(s, Packet.of("REQUEST_METHOD", "POST", "REQUEST_URI", "/echo").body("hello").bytes());

        assertThat(readToEnd(s)).isEqualTo(error(413, "Content Too Large", "CONTENT_LENGTH 5 over limitRequestBody"));
        assertThat(seen).isEmpty();
    }

    @ParameterizedTest
    @EnumSource
    void answersMoreVariablesThanUwsgiMaxVarsWith431(Driver driver) throws Exception {
        Socket s = start(driver, Config.defaults(), ctx -> new UwsgiProtocol(UwsgiOptions.defaults()
                .withHttp(ctx.parserOptions()).withMaxVars(2)));
        send(s, Packet.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/", "HTTP_HOST", "example.com").bytes());

        assertThat(readToEnd(s)).isEqualTo(error(431, "Request Header Fields Too Large",
                "uWSGI packet with more than uwsgiMaxVars (2) variables"));
    }

    @ParameterizedTest
    @EnumSource
    void answersAnotherPacketTypeWith501(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, Packet.get("/hello").modifier1(111).bytes());

        assertThat(readToEnd(s)).isEqualTo(error(501, "Not Implemented", "unsupported uWSGI modifier1 111"));
    }

    @ParameterizedTest
    @EnumSource
    void answersHttpSentToTheUwsgiListenerWith501NamingTheMistake(Driver driver) throws Exception {
        Socket s = start(driver);
        send(s, bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));

        assertThat(readToEnd(s)).isEqualTo(error(501, "Not Implemented",
                "unsupported uWSGI modifier1 71 (HTTP sent to a uWSGI listener?)"));
    }

    /** The server's own answer to a rejected packet: HTTP/1.1, a one-line body, and the close. */
    static String error(int status, String reason, String message) {
        String body = status + " " + reason + ": " + message + "\n";
        return "HTTP/1.1 " + status + " " + reason + "\r\nServer: unicorn\r\nDate: <date>\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body;
    }
}
