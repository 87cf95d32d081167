package dev.unicorn.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 9113 §8.2 and §8.3: malformed requests are stream errors of type PROTOCOL_ERROR (§8.1.1). */
class RequestValidationTest {
    private static final String M = ":method: GET";
    private static final String S = ":scheme: https";
    private static final String P = ":path: /";
    private static final String A = ":authority: example.com";

    static List<Arguments> malformed() {
        return List.of(
                Arguments.of("an uppercase field name", new String[] {M, S, P, A, "X-Upper: 1"}),
                Arguments.of("a field name with a space", new String[] {M, S, P, A, "x bad: 1"}),
                Arguments.of("connection", new String[] {M, S, P, A, "connection: close"}),
                Arguments.of("keep-alive", new String[] {M, S, P, A, "keep-alive: 5"}),
                Arguments.of("proxy-connection", new String[] {M, S, P, A, "proxy-connection: close"}),
                Arguments.of("transfer-encoding", new String[] {M, S, P, A, "transfer-encoding: chunked"}),
                Arguments.of("upgrade", new String[] {M, S, P, A, "upgrade: websocket"}),
                Arguments.of("te other than trailers", new String[] {M, S, P, A, "te: gzip"}),
                Arguments.of("a pseudo-header after a regular field", new String[] {M, S, A, "accept: */*", P}),
                Arguments.of("a repeated :method", new String[] {M, M, S, P, A}),
                Arguments.of("a repeated :path", new String[] {M, S, P, P, A}),
                Arguments.of("a missing :method", new String[] {S, P, A}),
                Arguments.of("a missing :scheme", new String[] {M, P, A}),
                Arguments.of("a missing :path", new String[] {M, S, A}),
                Arguments.of("an empty :path", new String[] {M, S, ":path: ", A}),
                Arguments.of("a :path not starting with /", new String[] {M, S, ":path: index.html", A}),
                Arguments.of("* for a method other than OPTIONS", new String[] {M, S, ":path: *", A}),
                Arguments.of(":status in a request", new String[] {M, S, P, A, ":status: 200"}),
                Arguments.of("an unknown pseudo-header", new String[] {M, S, P, A, ":protocol: websocket"}),
                Arguments.of("CONNECT with :path", new String[] {":method: CONNECT", A, P}),
                Arguments.of("CONNECT without :authority", new String[] {":method: CONNECT"}),
                Arguments.of("host differing from :authority", new String[] {M, S, P, A, "host: other.com"}),
                Arguments.of("two host fields", new String[] {M, S, P, "host: a", "host: a"}),
                Arguments.of("a non-numeric content-length", new String[] {M, S, P, A, "content-length: 1x"}),
                Arguments.of("conflicting content-lengths", new String[] {M, S, P, A, "content-length: 1", "content-length: 2"}),
                Arguments.of("content-length with END_STREAM on HEADERS", new String[] {M, S, P, A, "content-length: 3"}),
                Arguments.of("a NUL in a value", new String[] {M, S, P, A, "x: a\u0000b"}),
                Arguments.of("a CR in a value", new String[] {M, S, P, A, "x: a\rb"}),
                Arguments.of("a control character in a value", new String[] {M, S, P, A, "x: a\u0001b"}),
                Arguments.of("a leading space in a value", new String[] {M, S, P, A, "x:  a"}),
                Arguments.of("a trailing tab in a value", new String[] {M, S, P, A, "x: a\t"}),
                Arguments.of("an empty field name", new String[] {M, S, P, A, ": x"}),
                Arguments.of("a space in :path", new String[] {M, S, ":path: /a b", A}),
                Arguments.of("a control character in :path", new String[] {M, S, ":path: /a\u0001", A}),
                Arguments.of("DEL in a value", new String[] {M, S, P, A, "x: a\u007fb"}));
    }

    @ParameterizedTest(name = "a request with {0} is reset with PROTOCOL_ERROR")
    @MethodSource("malformed")
    void aMalformedRequestIsResetWithProtocolErrorAndNeverReachesTheApplication(String what, String[] fields) {
        TestClient c = new TestClient().open();
        assertThat(c.send(c.headers(1, true, fields))).isEmpty();
        assertThat(c.read()).containsExactly("RST_STREAM 1 PROTOCOL_ERROR");
        // the connection and its HPACK context carry on
        assertThat(c.send(c.headers(3, true, TestClient.get("/next")))).hasSize(1);
    }

    private static List<String> accept(String... fields) {
        TestClient c = new TestClient().open();
        List<String> events = new ArrayList<>(c.send(c.headers(1, true, fields)));
        assertThat(c.read()).isEmpty();
        return events;
    }

    @Test
    void authorityBecomesTheHostField() {
        assertThat(accept(M, S, P, A, "accept: */*")).containsExactly(
                "REQUEST 1 GET https example.com / [host: example.com, accept: */*] END");
    }

    @Test
    void aHostEqualToTheAuthorityIsKeptOnce() {
        assertThat(accept(M, S, P, A, "host: example.com")).containsExactly(
                "REQUEST 1 GET https example.com / [host: example.com] END");
    }

    @Test
    void aHostWithoutAuthorityIsKept() {
        assertThat(accept(M, S, P, "host: example.com")).containsExactly(
                "REQUEST 1 GET https null / [host: example.com] END");
    }

    @Test
    void teTrailersIsAllowed() {
        assertThat(accept(M, S, P, A, "te: trailers")).hasSize(1);
    }

    @Test
    void cookieCrumbsAreJoinedWithSemicolons() {
        assertThat(accept(M, S, P, A, "cookie: a=1", "accept: */*", "cookie: b=2")).containsExactly(
                "REQUEST 1 GET https example.com / [host: example.com, cookie: a=1; b=2, accept: */*] END");
    }

    @Test
    void optionsAsteriskIsAllowed() {
        assertThat(accept(":method: OPTIONS", S, ":path: *", A)).containsExactly(
                "REQUEST 1 OPTIONS https example.com * [host: example.com] END");
    }

    @Test
    void connectCarriesOnlyTheAuthority() {
        TestClient c = new TestClient().open();
        assertThat(c.send(c.headers(1, false, ":method: CONNECT", ":authority: example.com:443"))).containsExactly(
                "REQUEST 1 CONNECT null example.com:443 null [host: example.com:443]");
    }

    @Test
    void obsTextAndInnerWhitespaceInValuesAreAllowed() {
        assertThat(accept(M, S, P, A, "x: caf\u00e9 au\tlait")).hasSize(1);
    }

    @Test
    void pathAndQueryAreSplitForTheApplication() {
        TestClient c = new TestClient().open();
        List<Http2Request> seen = new ArrayList<>();
        for (Http2Event e : c.conn.receive(java.nio.ByteBuffer.wrap(c.headers(1, true, M, S, ":path: /p/q?x=1&y", A)))) {
            seen.add(((Http2Event.RequestHeaders) e).request());
        }
        assertThat(seen).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/p/q");
            assertThat(r.query()).isEqualTo("x=1&y");
            assertThat(r.target()).isEqualTo("/p/q?x=1&y");
        });
    }

    @Test
    void aHeaderListOverTheLimitIsAnswered431AndTheConnectionCarriesOn() {
        TestClient c = new TestClient(Http2Options.defaults().withMaxHeaderListSize(200)).open();
        assertThat(c.send(c.headers(1, false, M, S, P, A, "x-big: " + "v".repeat(200)))).isEmpty();
        assertThat(c.read()).containsExactly("HEADERS 1 [:status: 431] END", "RST_STREAM 1 NO_ERROR");
        // the big field entered both HPACK tables; the next block refers to the table and decodes
        assertThat(c.send(c.headers(3, true, TestClient.get("/")))).containsExactly(
                "REQUEST 3 GET https example.com / [host: example.com] END");
    }
}
