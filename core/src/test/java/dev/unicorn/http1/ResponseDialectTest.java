package dev.unicorn.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import dev.unicorn.http.BadRequestException;
import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpApp;
import dev.unicorn.http.HttpVersion;
import dev.unicorn.http.TlsSession;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ServerContext;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The decoder seam of {@link Http1Connection}: the decoder a {@link RequestDecoder.Factory}
 * makes serves the connection's requests, its {@link ResponseDialect} shapes the responses, and
 * the addresses a trusted proxy announced become the request's remote and local addresses. Each
 * case serves the bytes of a whole connection from memory and compares the exact bytes written
 * (the Date value masked) with what the application saw.
 */
class ResponseDialectTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);
    private static final Pattern DATE_FIELD = Pattern.compile("(?m)^Date: [^\r\n]*\r\n");
    private static final String NEXT = "GET /next HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final String NEXT_RESPONSE = "HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 4\r\n\r\nnext";

    /** HTTP/1.1 requests answered in the close-delimited dialect, as a gateway protocol's decoder would ask. */
    private static final RequestDecoder.Factory GATEWAY = (ctx, peer, tls) -> new Gateway(
            (Http1Parser) RequestDecoder.HTTP_1_1.create(ctx, peer, tls));

    /** An HTTP/1.1 parser that says its peer takes responses in {@link ResponseDialect#CLOSE_DELIMITED}. */
    private record Gateway(Http1Parser http) implements RequestDecoder {
        @Override
        public void receive(ByteBuffer data) {
            http.receive(data);
        }

        @Override
        public ByteBuffer receiveBuffer(int want) {
            return http.receiveBuffer(want);
        }

        @Override
        public void received(int n) {
            http.received(n);
        }

        @Override
        public void receiveEof() {
            http.receiveEof();
        }

        @Override
        public int suggestedReadSize() {
            return http.suggestedReadSize();
        }

        @Override
        public boolean hasBufferedData() {
            return http.hasBufferedData();
        }

        @Override
        public Http1Event next() throws BadRequestException {
            return http.next();
        }

        @Override
        public ResponseDialect responseDialect() {
            return ResponseDialect.CLOSE_DELIMITED;
        }
    }

    /** What the application saw. */
    private record Seen(String path, HttpVersion version, String body, SocketAddress remote, SocketAddress local) {
    }

    private final List<Seen> seen = new ArrayList<>();

    private final HttpApp app = (req, res) -> {
        String body = new String(req.body().readAllBytes(), StandardCharsets.ISO_8859_1);
        seen.add(new Seen(req.path(), req.version(), body, req.remoteAddress(), req.localAddress()));
        switch (req.path()) {
            case "/stream" -> {
                res.headers().set("Content-Type", "text/plain");
                OutputStream out = res.body();
                out.write(bytes("part1"));
                out.flush();
                out.write(bytes("part2"));
            }
            case "/hints" -> {
                res.earlyHints(Headers.of("Link", "</a.css>; rel=preload"));
                res.send(200, "text/plain", bytes("hello"));
            }
            case "/trailers" -> {
                res.trailers(Headers.of("X-Checksum", "abc"));
                res.headers().set("Content-Type", "text/plain");
                res.body().write(bytes("hello"));
            }
            case "/echo" -> res.send(200, "text/plain", bytes(body));
            case "/next" -> res.send(200, "text/plain", bytes("next"));
            default -> res.send(200, "text/plain", bytes("hello"));
        }
    };

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Serves {@code input} (then the end of the stream) on one connection; returns what was written. */
    private String serve(String input, RequestDecoder.Factory decoders) {
        return serve(input, decoders, Config.defaults());
    }

    private String serve(String input, RequestDecoder.Factory decoders, Config config) {
        MemoryChannel channel = new MemoryChannel(bytes(input));
        new Http1Connection(new ServerContext(app, config), channel, new ConnectionControl(channel), PEER, LOCAL,
                (TlsSession) null, decoders).serve();
        return DATE_FIELD.matcher(channel.written.toString(StandardCharsets.ISO_8859_1)).replaceAll("Date: <date>\r\n");
    }

    @Test
    void chunksABodyOfUnknownLengthForAnHttp11ClientByDefault() {
        assertThat(serve("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT, RequestDecoder.HTTP_1_1)).isEqualTo(
                "HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\nContent-Type: text/plain\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\npart1\r\n5\r\npart2\r\n0\r\n\r\n" + NEXT_RESPONSE);
    }

    @Test
    void delimitsABodyOfUnknownLengthByClosingInTheCloseDelimitedDialect() {
        assertThat(serve("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT, GATEWAY)).isEqualTo(
                "HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\nContent-Type: text/plain\r\n"
                        + "Connection: close\r\n\r\npart1part2");
        assertThat(seen).extracting(Seen::version).containsExactly(HttpVersion.HTTP_1_1);
    }

    @Test
    void keepsTheConnectionOfAnHttp10RequestWithoutAKeepAliveLineInTheCloseDelimitedDialect() {
        String http10 = "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
        String hello = "HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 5\r\n";
        assertThat(serve(http10 + NEXT, RequestDecoder.HTTP_1_1))
                .isEqualTo(hello + "Connection: keep-alive\r\n\r\nhello" + NEXT_RESPONSE);
        assertThat(serve(http10 + NEXT, GATEWAY)).isEqualTo(hello + "\r\nhello" + NEXT_RESPONSE);
        assertThat(seen).extracting(Seen::version).as("/hello then /next, twice")
                .containsExactly(HttpVersion.HTTP_1_0, HttpVersion.HTTP_1_1, HttpVersion.HTTP_1_0, HttpVersion.HTTP_1_1);
    }

    @Test
    void sends100ContinueBeforeReadingTheBodyByDefault() {
        assertThat(serve("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello",
                RequestDecoder.HTTP_1_1)).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n");
    }

    @Test
    void readsTheBodyWithout100ContinueInTheCloseDelimitedDialect() {
        assertThat(serve("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello" + NEXT,
                GATEWAY)).isEqualTo("HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 5\r\n\r\nhello" + NEXT_RESPONSE);
        assertThat(seen).extracting(Seen::body).containsExactly("hello", "");
    }

    @Test
    void sendsNoEarlyHintsInTheCloseDelimitedDialect() {
        assertThat(serve("GET /hints HTTP/1.1\r\nHost: t\r\n\r\n", RequestDecoder.HTTP_1_1))
                .startsWith("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\n");
        assertThat(serve("GET /hints HTTP/1.1\r\nHost: t\r\n\r\n", GATEWAY)).startsWith("HTTP/1.1 200 OK\r\n");
    }

    @Test
    void dropsTrailersAndSendsTheLengthOfAFinishedBodyInTheCloseDelimitedDialect() {
        assertThat(serve("GET /trailers HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT, GATEWAY)).isEqualTo(
                "HTTP/1.1 200 OK\r\nServer: unicorn\r\nDate: <date>\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 5\r\n\r\nhello" + NEXT_RESPONSE);
    }

    @Test
    void reportsTheAddressesOfATrustedProxyHeaderAsRemoteAndLocal() {
        Config v1 = Config.builder().set(Settings.PROXY_PROTOCOL, ProxyProtocolMode.V1).build();
        serve("PROXY TCP4 203.0.113.9 192.0.2.80 51000 443\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n", RequestDecoder.HTTP_1_1, v1);

        assertThat(seen).containsExactly(new Seen("/", HttpVersion.HTTP_1_1, "",
                new InetSocketAddress("203.0.113.9", 51000), new InetSocketAddress("192.0.2.80", 443)));
    }

    @Test
    void reportsTheSocketAddressesWithoutAProxyHeader() {
        serve("GET / HTTP/1.1\r\nHost: t\r\n\r\n", RequestDecoder.HTTP_1_1);

        assertThat(seen).containsExactly(new Seen("/", HttpVersion.HTTP_1_1, "", PEER, LOCAL));
    }

    /** A connection's bytes in memory: reads {@code input} then the end of the stream, keeps what is written. */
    private static final class MemoryChannel implements ByteChannel {
        private final ByteBuffer input;
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private boolean open = true;

        MemoryChannel(byte[] input) {
            this.input = ByteBuffer.wrap(input);
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!input.hasRemaining()) {
                return -1;
            }
            int n = Math.min(dst.remaining(), input.remaining());
            dst.put(input.slice(input.position(), n));
            input.position(input.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            written.writeBytes(b);
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
