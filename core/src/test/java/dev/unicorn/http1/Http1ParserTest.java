package dev.unicorn.http1;

import dev.unicorn.http.BadRequestException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parser's contract with its caller: event order, buffering, and life after an error. */
class Http1ParserTest {
    private static Http1Parser parser() {
        return new Http1Parser(ParserOptions.defaults(), false, false, "http");
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void asksForDataBeforeAnyByteArrives() throws Exception {
        Http1Parser p = parser();
        assertThat(p.next()).isSameAs(Http1Event.NEED_DATA);
        assertThat(p.hasBufferedData()).isFalse();
    }

    @Test
    void reportsTheSharedClosedEventOnEofAtARequestBoundary() throws Exception {
        Http1Parser p = parser();
        p.receiveEof();
        assertThat(p.next()).isSameAs(Http1Event.ConnectionClosed.INSTANCE);
    }

    @Test
    void keepsPipelinedBytesBufferedAfterEndOfMessage() throws Exception {
        Http1Parser p = parser();
        p.receive(bytes("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertThat(p.next()).isInstanceOf(Http1Event.RequestHead.class);
        assertThat(p.next()).isInstanceOf(Http1Event.EndOfMessage.class);
        assertThat(p.hasBufferedData()).isTrue();
        assertThat(((Http1Event.RequestHead) p.next()).path()).isEqualTo("/b");
        assertThat(p.next()).isInstanceOf(Http1Event.EndOfMessage.class);
        assertThat(p.hasBufferedData()).isFalse();
        assertThat(p.next()).isSameAs(Http1Event.NEED_DATA);
    }

    @Test
    void consumesTheWholeInputBufferOnReceive() {
        Http1Parser p = parser();
        ByteBuffer in = bytes("GET / HTTP/1.1\r\n");
        p.receive(in);
        assertThat(in.hasRemaining()).isFalse();
        assertThat(p.hasBufferedData()).isTrue();
    }

    @Test
    void handsOutBodyBytesAsReadOnlySlicesOfWhatIsBuffered() throws Exception {
        Http1Parser p = parser();
        p.receive(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello"));
        assertThat(p.next()).isInstanceOf(Http1Event.RequestHead.class);
        Http1Event.Body body = (Http1Event.Body) p.next();
        assertThat(body.data().isReadOnly()).isTrue();
        assertThat(StandardCharsets.ISO_8859_1.decode(body.data()).toString()).isEqualTo("hello");
        assertThat(p.next()).isSameAs(Http1Event.NEED_DATA);
        p.receive(bytes("world"));
        Http1Event.Body more = (Http1Event.Body) p.next();
        assertThat(StandardCharsets.ISO_8859_1.decode(more.data()).toString()).isEqualTo("world");
        assertThat(p.next()).isInstanceOf(Http1Event.EndOfMessage.class);
    }

    @Test
    void streamsALargeBodyFedInPiecesWithoutLosingBytes() throws Exception {
        Http1Parser p = parser();
        int size = 1 << 20;
        p.receive(bytes("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: " + size + "\r\n\r\n"));
        assertThat(p.next()).isInstanceOf(Http1Event.RequestHead.class);
        byte[] piece = new byte[8192];
        long seen = 0;
        long sum = 0;
        for (int sent = 0; sent < size; sent += piece.length) {
            for (int i = 0; i < piece.length; i++) {
                piece[i] = (byte) (sent + i);
            }
            p.receive(ByteBuffer.wrap(piece));
            Http1Event e;
            while ((e = p.next()) instanceof Http1Event.Body b) {
                while (b.data().hasRemaining()) {
                    assertThat(b.data().get()).isEqualTo((byte) seen);
                    seen++;
                    sum++;
                }
            }
            if (sent + piece.length < size) {
                assertThat(e).isSameAs(Http1Event.NEED_DATA);
            } else {
                assertThat(e).isInstanceOf(Http1Event.EndOfMessage.class);
            }
        }
        assertThat(sum).isEqualTo(size);
    }

    @Test
    void isDeadAfterRejectingInput() {
        Http1Parser p = parser();
        p.receive(bytes("GET / HTTP/1.1\r\nX : y\r\n\r\n"));
        assertThatThrownBy(p::next).isInstanceOf(BadRequestException.class)
                .satisfies(e -> assertThat(((BadRequestException) e).status()).isEqualTo(400));
        assertThatThrownBy(p::next).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesBytesAfterTheEndOfTheStream() {
        Http1Parser p = parser();
        p.receiveEof();
        assertThatThrownBy(() -> p.receive(bytes("x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void namesTheProblemInOneLine() {
        Http1Parser p = parser();
        p.receive(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertThatThrownBy(p::next).isInstanceOf(BadRequestException.class)
                .hasMessage("both Content-Length and Transfer-Encoding");
    }

    @Test
    void scansAHugeHeadArrivingByteByByteInLinearTime() throws Exception {
        // 1 MiB of field value, fed one byte at a time: quadratic rescanning would take minutes.
        ParserOptions o = ParserOptions.defaults().withLimitRequestFieldSize(2 << 20);
        Http1Parser p = new Http1Parser(o, false, false, "http");
        byte[] head = ("GET / HTTP/1.1\r\nHost: a\r\nX: " + "v".repeat(1 << 20) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer one = ByteBuffer.allocate(1);
        Http1Event e = Http1Event.NEED_DATA;
        for (byte b : head) {
            one.clear();
            one.put(b).flip();
            p.receive(one);
            e = p.next();
        }
        assertThat(e).isInstanceOf(Http1Event.RequestHead.class);
        assertThat(((Http1Event.RequestHead) e).headers().get("X")).hasSize(1 << 20);
    }

    @Test
    void readsZeroLimitsAsGunicornDoes() throws Exception {
        // limit_request_line 0 = unlimited, limit_request_fields 0 = 32768, limit_request_field_size 0 = 8190
        ParserOptions o = ParserOptions.defaults().withLimitRequestLine(0).withLimitRequestFields(0)
                .withLimitRequestFieldSize(0);
        Http1Parser p = new Http1Parser(o, false, false, "http");
        p.receive(bytes("GET /" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: a\r\n" + "X: y\r\n".repeat(200)
                + "Big: " + "v".repeat(8183) + "\r\n\r\n"));
        Http1Event.RequestHead h = (Http1Event.RequestHead) p.next();
        assertThat(h.headers().size()).isEqualTo(202);
        Http1Parser tooBig = new Http1Parser(o, false, false, "http");
        tooBig.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\nBig: " + "v".repeat(8184) + "\r\n\r\n"));
        assertThatThrownBy(tooBig::next).isInstanceOf(BadRequestException.class)
                .satisfies(e -> assertThat(((BadRequestException) e).status()).isEqualTo(431));
    }

    @Test
    void defaultsMatchGunicorn() {
        ParserOptions d = ParserOptions.defaults();
        assertThat(d.limitRequestLine()).isEqualTo(4094);
        assertThat(d.limitRequestFields()).isEqualTo(100);
        assertThat(d.limitRequestFieldSize()).isEqualTo(8190);
        assertThat(d.limitRequestBody()).isEqualTo(-1);
        assertThat(d.requireHostHeader()).isTrue();
        assertThat(d.headerMap()).isEqualTo(HeaderMapPolicy.DROP);
        assertThat(d.secureSchemeHeaders()).containsEntry("X-FORWARDED-PROTO", "https").hasSize(3);
        assertThat(d.forwarderHeaders()).containsExactlyInAnyOrder("SCRIPT_NAME", "PATH_INFO");
        assertThat(d.proxyProtocol()).isEqualTo(ProxyProtocolMode.OFF);
    }
}
