package dev.unicorn.http1;

import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import static dev.unicorn.http1.ParserCase.accepts;
import static dev.unicorn.http1.ParserCase.rejects;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser's rules, one behaviour per row. Every row is fed in one buffer, byte by byte,
 * cut in two at every byte boundary (sampled for long inputs) and cut at random places; every
 * way must give the same events (Body slicing aside) and the expected outcome.
 */
class Http1ParserTableTest {
    private static final String H = "Host: a\r\n";
    private static final String POST = "POST /p HTTP/1.1\r\nHost: a\r\n";
    private static final String CHUNKED = POST + "Transfer-Encoding: chunked\r\n\r\n";

    static List<ParserCase> cases() {
        List<ParserCase> t = new ArrayList<>();
        requestLine(t);
        targets(t);
        versions(t);
        fields(t);
        limits(t);
        endOfStream(t);
        expectAndScheme(t);
        framing(t);
        smuggling(t);
        chunked(t);
        pipelines(t);
        proxyProtocol(t);
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void behavesTheSameWhateverTheSplit(ParserCase c) {
        ParserRun.Setup setup = c.setup();
        ParserRun whole = ParserRun.whole(setup, c.input);
        c.verify(whole);
        assertSame(c, whole, ParserRun.byteByByte(setup, c.input), "byte by byte");
        int n = c.input.length;
        int step = n <= 1500 ? 1 : n / 300;
        for (int cut = 1; cut < n; cut += step) {
            assertSame(c, whole, ParserRun.run(setup, c.input, new int[] {cut}), "cut at " + cut);
        }
        Random random = new Random(c.name.hashCode());
        for (int k = 0; k < 20 && n > 2; k++) {
            int[] cuts = random.ints(1 + random.nextInt(6), 1, n).distinct().sorted().toArray();
            assertSame(c, whole, ParserRun.run(setup, c.input, cuts), "cuts at " + Arrays.toString(cuts));
        }
    }

    private static void assertSame(ParserCase c, ParserRun whole, ParserRun split, String how) {
        assertThat(split.transcript).as(how).isEqualTo(whole.transcript);
        c.verify(split);
    }

    // ------------------------------------------------------------------ checks

    static Consumer<ParserRun> head(Consumer<Http1Event.RequestHead> check) {
        return r -> check.accept(r.head());
    }

    static Consumer<ParserRun> target(String path, String query, String fragment) {
        return head(h -> {
            assertThat(h.path()).as("path").isEqualTo(path);
            assertThat(h.query()).as("query").isEqualTo(query);
            assertThat(h.fragment()).as("fragment").isEqualTo(fragment);
        });
    }

    static Consumer<ParserRun> body(String expected) {
        return r -> assertThat(r.only().body()).isEqualTo(expected);
    }

    static Consumer<ParserRun> fields(String... nameValue) {
        return head(h -> assertThat(list(h.headers())).containsExactly(nameValue));
    }

    static Consumer<ParserRun> trailers(String... nameValue) {
        return r -> {
            assertThat(r.only().trailers.isReadOnly()).isTrue();
            assertThat(list(r.only().trailers)).containsExactly(nameValue);
        };
    }

    static List<String> list(Headers h) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < h.size(); i++) {
            out.add(h.name(i) + ": " + h.value(i));
        }
        return out;
    }

    static Consumer<ParserRun> keepAlive(boolean expected) {
        return head(h -> assertThat(h.keepAlive()).as("keepAlive").isEqualTo(expected));
    }

    static Consumer<ParserRun> scheme(String expected) {
        return head(h -> assertThat(h.scheme()).isEqualTo(expected));
    }

    static Consumer<ParserRun> paths(String... paths) {
        return r -> assertThat(r.exchanges.stream().map(x -> x.head.path())).containsExactly(paths);
    }

    static Consumer<ParserRun> proxy(String srcIp, int srcPort, String dstIp, int dstPort) {
        return r -> {
            assertThat(r.exchanges).isNotEmpty();
            for (ParserRun.Exchange x : r.exchanges) {
                ProxyInfo p = x.head.proxy();
                assertThat(p).isNotNull();
                assertThat(p.source()).isEqualTo(new InetSocketAddress(ip(srcIp), srcPort));
                assertThat(p.destination()).isEqualTo(new InetSocketAddress(ip(dstIp), dstPort));
                assertThat(p.source().isUnresolved()).isFalse();
            }
        };
    }

    static Consumer<ParserRun> noProxy() {
        return r -> r.exchanges.forEach(x -> assertThat(x.head.proxy()).isNull());
    }

    private static java.net.InetAddress ip(String literal) {
        try {
            return java.net.InetAddress.getByName(literal); // literals only: no lookup happens
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    /** A GET request line of exactly {@code length} bytes (CRLF excluded). */
    static String requestLineOf(int length) {
        return "GET /" + repeat('a', length - 14) + " HTTP/1.1";
    }

    /** A field line of exactly {@code size} bytes, CRLF included. */
    static String fieldOf(int size) {
        return "X: " + repeat('v', size - 5) + "\r\n";
    }

    // ------------------------------------------------------------------ request line

    static void requestLine(List<ParserCase> t) {
        t.add(accepts("accepts a minimal GET", "GET / HTTP/1.1\r\n" + H + "\r\n", head(h -> {
            assertThat(h.method()).isEqualTo("GET");
            assertThat(h.target()).isEqualTo("/");
            assertThat(h.version()).isEqualTo(HttpVersion.HTTP_1_1);
            assertThat(h.contentLength()).isZero();
            assertThat(h.chunked()).isFalse();
            assertThat(h.expectContinue()).isFalse();
            assertThat(h.keepAlive()).isTrue();
            assertThat(h.scheme()).isEqualTo("http");
            assertThat(h.proxy()).isNull();
            assertThat(h.headers().isReadOnly()).isTrue();
        }).andThen(r -> assertThat(r.transcript).hasSize(3).last().isEqualTo("CLOSED"))
          .andThen(r -> assertThat(r.only().trailers.isEmpty()).isTrue())));
        t.add(accepts("ignores empty lines before the request line", "\r\n\r\nGET / HTTP/1.1\r\n" + H + "\r\n",
                paths("/")));
        t.add(rejects("rejects a bare LF before the request line", "\nGET / HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects more empty lines than limitRequestLine allows",
                "\r\n".repeat(11) + "GET / HTTP/1.1\r\n" + H + "\r\n", 400).with(o -> o.withLimitRequestLine(20)));
        t.add(rejects("rejects a request line ended by a bare LF", "GET / HTTP/1.1\n" + H + "\r\n", 400));
        t.add(rejects("rejects a bare CR inside the request line", "GET /\r HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects two spaces after the method", "GET  / HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects two spaces before the version", "GET /  HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a space after the version", "GET / HTTP/1.1 \r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a request line without version", "GET /\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a request line without target", "GET HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects an empty request line after the method", "GET\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a tab as separator", "GET\t/ HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a lowercase method", "get / HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a two-letter method", "GE / HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a method of 21 characters", repeat('A', 21) + " / HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(accepts("accepts a method of 20 characters", repeat('A', 20) + " / HTTP/1.1\r\n" + H + "\r\n",
                head(h -> assertThat(h.method()).isEqualTo(repeat('A', 20)))));
        t.add(rejects("rejects a hash in the method", "GE#T / HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a colon in the method", "GET: / HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a NUL in the method", "GET\0 / HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a non-ASCII method", "GET\u00df / HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(accepts("accepts a lowercase method when unconventional methods are permitted",
                "get / HTTP/1.1\r\n" + H + "\r\n", head(h -> assertThat(h.method()).isEqualTo("get")))
                .with(o -> o.withPermitUnconventionalHttpMethod(true)));
        t.add(accepts("upper-cases the method when casefolding is on", "-blargh / HTTP/1.1\r\n" + H + "\r\n",
                head(h -> assertThat(h.method()).isEqualTo("-BLARGH")))
                .with(o -> o.withPermitUnconventionalHttpMethod(true).withCasefoldHttpMethod(true)));
        t.add(rejects("rejects a PROXY line when the PROXY protocol is off",
                "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\nGET / HTTP/1.1\r\n" + H + "\r\n", 400));
    }

    static void targets(List<ParserCase> t) {
        t.add(accepts("splits path, query and fragment", "GET /a/b?x=1&y=2#frag HTTP/1.1\r\n" + H + "\r\n",
                target("/a/b", "x=1&y=2", "frag")));
        t.add(accepts("gives an empty query after a lone question mark", "GET /a? HTTP/1.1\r\n" + H + "\r\n",
                target("/a", "", "")));
        t.add(accepts("keeps a question mark inside the fragment", "GET /a#f?x HTTP/1.1\r\n" + H + "\r\n",
                target("/a", "", "f?x")));
        t.add(accepts("keeps repeated slashes in the path", "GET ///x HTTP/1.1\r\n" + H + "\r\n",
                target("///x", "", "")));
        t.add(accepts("keeps raw UTF-8 bytes of the target as latin-1", "GET /\u00c3\u00a0%20k HTTP/1.1\r\n" + H + "\r\n",
                target("/\u00c3\u00a0%20k", "", "")));
        t.add(accepts("accepts quotes in the target", "GET /with_\"q\"?f=\"b\" HTTP/1.1\r\n" + H + "\r\n",
                target("/with_\"q\"", "f=\"b\"", "")));
        t.add(rejects("rejects a control character in the target", "GET /a\u0001b HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects DEL in the target", "GET /a\u007fb HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a relative target", "GET foo/bar HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects asterisk-form with GET", "GET * HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(accepts("accepts asterisk-form with OPTIONS", "OPTIONS * HTTP/1.1\r\n" + H + "\r\n", target("*", "", "")));
        t.add(accepts("takes path and query of an absolute-form target",
                "GET http://example.com/foo?q=1#f HTTP/1.1\r\n" + H + "\r\n", target("/foo", "q=1", "f")));
        t.add(accepts("gives an empty path for an absolute-form target without one",
                "GET http://example.com HTTP/1.1\r\n" + H + "\r\n", target("", "", "")));
        t.add(accepts("accepts an IPv6 host and port in absolute-form",
                "GET http://[::1]:8080/foo HTTP/1.1\r\n" + H + "\r\n", target("/foo", "", "")));
        t.add(accepts("accepts userinfo in absolute-form",
                "GET http://user:pass@example.com:8080/foo?q=1 HTTP/1.1\r\n" + H + "\r\n", target("/foo", "q=1", "")));
        t.add(rejects("rejects an absolute-form target with an empty host", "GET http:///foo HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a malformed absolute-form authority", "PUT s://]ufd/: HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a malformed IPv6 literal", "GET http://[::g]/ HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a non-numeric port", "GET http://a:8x/ HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(accepts("accepts authority-form with CONNECT and uses the target as path",
                "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", target("example.com:443", "", "")));
        t.add(accepts("accepts an IPv6 authority with CONNECT", "CONNECT [::1]:443 HTTP/1.1\r\n" + H + "\r\n",
                target("[::1]:443", "", "")));
        t.add(rejects("rejects authority-form without port", "CONNECT example.com HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects authority-form with GET", "GET example.com:443 HTTP/1.1\r\n" + H + "\r\n", 400));
    }

    static void versions(List<ParserCase> t) {
        t.add(rejects("rejects a three-digit version", "GET / HTTP/111\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a two-digit minor version", "GET / HTTP/0.99\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a protocol other than HTTP", "GET / FTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a lowercase protocol name", "GET / http/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a very long version", "GET / HTTP/" + repeat('1', 90) + ".1\r\n" + H + "\r\n", 400));
        t.add(rejects("answers 505 to HTTP/2.0", "GET / HTTP/2.0\r\n" + H + "\r\n", 505));
        t.add(rejects("answers 505 to HTTP/1.2", "GET / HTTP/1.2\r\n" + H + "\r\n", 505));
        t.add(rejects("answers 505 to HTTP/0.9", "GET / HTTP/0.9\r\n" + H + "\r\n", 505));
        t.add(accepts("accepts HTTP/1.2 when unconventional versions are permitted", "GET / HTTP/1.2\r\n" + H + "\r\n",
                head(h -> assertThat(h.version()).isEqualTo(new HttpVersion(1, 2))))
                .with(o -> o.withPermitUnconventionalHttpVersion(true)));
        t.add(accepts("accepts HTTP/1.0 without Host and does not keep it alive", "GET / HTTP/1.0\r\n\r\n",
                head(h -> {
                    assertThat(h.version()).isEqualTo(HttpVersion.HTTP_1_0);
                    assertThat(h.keepAlive()).isFalse();
                })));
    }

    // ------------------------------------------------------------------ fields

    static void fields(List<ParserCase> t) {
        t.add(accepts("keeps fields in wire order with their spelling and duplicates",
                "GET / HTTP/1.1\r\nhost: a\r\nIf-Match: x\r\nACCEPT: */*\r\nIf-Match: y\r\n\r\n",
                fields("host: a", "If-Match: x", "ACCEPT: */*", "If-Match: y")));
        t.add(accepts("trims spaces and tabs around values", "GET / HTTP/1.1\r\n" + H + "Name: \t value \t \r\n\r\n",
                fields("Host: a", "Name: value")));
        t.add(accepts("keeps spaces inside values", "GET / HTTP/1.1\r\n" + H + "Name: a  b\r\n\r\n",
                fields("Host: a", "Name: a  b")));
        t.add(accepts("accepts an empty value", "GET / HTTP/1.1\r\n" + H + "Empty:\r\n\r\n", fields("Host: a", "Empty: ")));
        t.add(accepts("accepts obs-text in values as latin-1", "GET / HTTP/1.1\r\n" + H + "X: caf\u00c3\u00a9\r\n\r\n",
                fields("Host: a", "X: caf\u00c3\u00a9")));
        t.add(accepts("accepts every token character in names", "GET / HTTP/1.1\r\n" + H + "X.C|p!#$%&'*+-^`~9: ok\r\n\r\n",
                fields("Host: a", "X.C|p!#$%&'*+-^`~9: ok")));
        t.add(rejects("rejects NUL in a value", "GET / HTTP/1.1\r\n" + H + "X: a\0b\r\n\r\n", 400));
        t.add(rejects("rejects BEL in a value", "GET / HTTP/1.1\r\n" + H + "X: a\u0007b\r\n\r\n", 400));
        t.add(rejects("rejects DEL in a value", "GET / HTTP/1.1\r\n" + H + "X: a\u007fb\r\n\r\n", 400));
        t.add(rejects("rejects a bare CR in a value", "GET / HTTP/1.1\r\n" + H + "X: a\rb\r\n\r\n", 400));
        t.add(rejects("rejects a bare LF in a value", "GET / HTTP/1.1\r\n" + H + "X: a\nContent-Length: 2\r\n\r\n", 400));
        t.add(rejects("rejects a field line ended by a bare LF", "GET / HTTP/1.1\r\n" + H + "X: a\n\r\n", 400));
        t.add(rejects("rejects NUL in a name", "GET / HTTP/1.1\r\n" + H + "ba\0z: bar\r\n\r\n", 400));
        t.add(rejects("rejects a space before the colon", "GET / HTTP/1.1\r\n" + H + "X-A : b\r\n\r\n", 400));
        t.add(rejects("rejects a tab before the colon", "GET / HTTP/1.1\r\n" + H + "X-A\t: b\r\n\r\n", 400));
        t.add(accepts("strips whitespace before the colon when asked", "GET / HTTP/1.1\r\n" + H + "X-A \t: b\r\n\r\n",
                fields("Host: a", "X-A: b")).with(o -> o.withStripHeaderSpaces(true)));
        t.add(rejects("rejects a space inside a name even when stripping", "GET / HTTP/1.1\r\n" + H + "X A: b\r\n\r\n", 400)
                .with(o -> o.withStripHeaderSpaces(true)));
        t.add(rejects("rejects a field line without colon", "GET / HTTP/1.1\r\n" + H + "NoColon\r\n\r\n", 400));
        t.add(rejects("rejects an empty field name", "GET / HTTP/1.1\r\n" + H + ": x\r\n\r\n", 400));
        t.add(rejects("rejects a separator character in a name", "GET / HTTP/1.1\r\n" + H + "X(y): z\r\n\r\n", 400));
        t.add(rejects("rejects a non-ASCII name", "GET / HTTP/1.1\r\n" + H + "Content-Length\u00c3\u009f: 3\r\n\r\n", 400));
        t.add(rejects("rejects obs-fold by default", "GET / HTTP/1.1\r\nLong: one\r\n two\r\n" + H + "\r\n", 400));
        t.add(accepts("joins obs-fold continuation lines with one space when permitted",
                "GET / HTTP/1.1\r\nLong: one\r\n  two \r\n\tthree\r\n" + H + "\r\n",
                fields("Long: one two three", "Host: a")).with(o -> o.withPermitObsoleteFolding(true)));
        t.add(rejects("rejects obs-fold before any field even when permitted", "GET / HTTP/1.1\r\n two\r\n" + H + "\r\n", 400)
                .with(o -> o.withPermitObsoleteFolding(true)));
        t.add(rejects("rejects a control character in a folded line", "GET / HTTP/1.1\r\nL: a\r\n b\u0001\r\n" + H + "\r\n", 400)
                .with(o -> o.withPermitObsoleteFolding(true)));
        t.add(rejects("rejects a second Host", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400));
        t.add(rejects("rejects a second Content-Type", "GET / HTTP/1.1\r\n" + H + "Content-Type: a/b\r\nContent-Type: c/d\r\n\r\n", 400));
        t.add(rejects("rejects an HTTP/1.1 request without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400));
        t.add(accepts("accepts an HTTP/1.1 request without Host when not required", "GET / HTTP/1.1\r\n\r\n",
                fields()).with(o -> o.withRequireHostHeader(false)));
        t.add(accepts("drops underscore fields by default", "GET / HTTP/1.1\r\n" + H + "X_Forwarded_For: 1\r\nX-B: 2\r\n\r\n",
                fields("Host: a", "X-B: 2")));
        t.add(rejects("refuses underscore fields when the header map says so", "GET / HTTP/1.1\r\n" + H + "X_A: 1\r\n\r\n", 400)
                .with(o -> o.withHeaderMap(HeaderMapPolicy.REFUSE)));
        t.add(accepts("keeps underscore fields when the header map is dangerous", "GET / HTTP/1.1\r\n" + H + "X_A: 1\r\n\r\n",
                fields("Host: a", "X_A: 1")).with(o -> o.withHeaderMap(HeaderMapPolicy.DANGEROUS)));
        t.add(accepts("keeps a forwarder header from a trusted peer", "GET / HTTP/1.1\r\n" + H + "script_name: /app\r\n\r\n",
                fields("Host: a", "script_name: /app")).trusted().with(o -> o.withHeaderMap(HeaderMapPolicy.REFUSE)));
        t.add(accepts("drops a forwarder header from an untrusted peer", "GET / HTTP/1.1\r\n" + H + "SCRIPT_NAME: /app\r\n\r\n",
                fields("Host: a")));
        t.add(accepts("keeps every underscore field from a trusted peer with forwarder *",
                "GET / HTTP/1.1\r\n" + H + "X_Any: 1\r\n\r\n", fields("Host: a", "X_Any: 1"))
                .trusted().with(o -> o.withForwarderHeaders(Set.of("*"))));
        t.add(accepts("drops a trusted peer's underscore field not in forwarderHeaders",
                "GET / HTTP/1.1\r\n" + H + "X_Other: 1\r\n\r\n", fields("Host: a")).trusted());
        t.add(accepts("does not let a dropped Transfer_Encoding frame the body",
                "POST / HTTP/1.1\r\n" + H + "Transfer_Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc",
                body("abc").andThen(head(h -> assertThat(h.chunked()).isFalse()))));
    }

    // ------------------------------------------------------------------ limits

    static void limits(List<ParserCase> t) {
        t.add(accepts("accepts a request line of exactly limitRequestLine bytes", requestLineOf(40) + "\r\n" + H + "\r\n",
                paths("/" + repeat('a', 26))).with(o -> o.withLimitRequestLine(40)));
        t.add(rejects("answers 414 to a request line one byte over the limit", requestLineOf(41) + "\r\n" + H + "\r\n", 414)
                .with(o -> o.withLimitRequestLine(40)));
        t.add(rejects("answers 414 before the end of an overlong request line arrives", requestLineOf(41), 414)
                .with(o -> o.withLimitRequestLine(40)).noEof());
        t.add(rejects("answers 414 to a request line over the default limit", requestLineOf(4095) + "\r\n" + H + "\r\n", 414));
        t.add(accepts("accepts a request line at the default limit", requestLineOf(4094) + "\r\n" + H + "\r\n",
                r -> assertThat(r.head().target()).hasSize(4094 - 13)));
        t.add(accepts("accepts a field line of exactly limitRequestFieldSize bytes with CRLF",
                "GET / HTTP/1.1\r\n" + H + fieldOf(30) + "\r\n", fields("Host: a", "X: " + repeat('v', 25)))
                .with(o -> o.withLimitRequestFieldSize(30)));
        t.add(rejects("answers 431 to a field line one byte over limitRequestFieldSize",
                "GET / HTTP/1.1\r\n" + H + fieldOf(31) + "\r\n", 431).with(o -> o.withLimitRequestFieldSize(30)));
        t.add(rejects("answers 431 before the end of an overlong field line arrives",
                "GET / HTTP/1.1\r\n" + H + fieldOf(31), 431).with(o -> o.withLimitRequestFieldSize(30)).noEof());
        t.add(rejects("answers 431 to a field line over the default limit", "GET / HTTP/1.1\r\n" + H + fieldOf(8191) + "\r\n", 431));
        t.add(accepts("accepts a field line at the default limit", "GET / HTTP/1.1\r\n" + H + fieldOf(8190) + "\r\n",
                r -> assertThat(r.head().headers().get("X")).hasSize(8185)));
        t.add(accepts("counts obs-fold lines toward the field size, at the limit",
                "GET / HTTP/1.1\r\n" + H + "X: abc\r\n defgh\r\n\r\n", fields("Host: a", "X: abc defgh"))
                .with(o -> o.withPermitObsoleteFolding(true).withLimitRequestFieldSize(8 + 8)));
        t.add(rejects("answers 431 when obs-fold lines push a field over the size limit",
                "GET / HTTP/1.1\r\n" + H + "X: abc\r\n defghi\r\n\r\n", 431)
                .with(o -> o.withPermitObsoleteFolding(true).withLimitRequestFieldSize(8 + 8)));
        t.add(accepts("accepts exactly limitRequestFields fields", "GET / HTTP/1.1\r\n" + H + "A: 1\r\nB: 2\r\n\r\n",
                fields("Host: a", "A: 1", "B: 2")).with(o -> o.withLimitRequestFields(3)));
        t.add(rejects("answers 431 to one field over limitRequestFields", "GET / HTTP/1.1\r\n" + H + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431)
                .with(o -> o.withLimitRequestFields(3)));
        t.add(rejects("answers 431 to 101 fields by default", "GET / HTTP/1.1\r\n" + H + "X: y\r\n".repeat(100) + "\r\n", 431));
        t.add(accepts("does not count dropped underscore fields toward limitRequestFields",
                "GET / HTTP/1.1\r\n" + H + "A_1: 1\r\nA_2: 2\r\nB: 2\r\n\r\n", fields("Host: a", "B: 2"))
                .with(o -> o.withLimitRequestFields(2)));
        t.add(rejects("answers 431 when the whole head is over fields*(size+2)+line+4",
                // max head = 2 * (20 + 2) + 30 + 4 = 78; dropped fields do not count but do take room
                "GET / HTTP/1.1\r\n" + H + "A_1: 1\r\nA_2: 2\r\nA_3: 3\r\nA_4: 4\r\nA_5: 5\r\nA_6: 6\r\nA_7: 7\r\n\r\n", 431)
                .with(o -> o.withLimitRequestFields(2).withLimitRequestFieldSize(20).withLimitRequestLine(30)));
        t.add(accepts("accepts a head just under fields*(size+2)+line+4",
                "GET / HTTP/1.1\r\n" + H + "A_1: 1\r\nA_2: 2\r\nA_3: 3\r\nA_4: 4\r\nA_5: 5\r\n\r\n", fields("Host: a"))
                .with(o -> o.withLimitRequestFields(2).withLimitRequestFieldSize(20).withLimitRequestLine(30)));
        t.add(accepts("accepts a Content-Length equal to limitRequestBody",
                POST + "Content-Length: 5\r\n\r\nhello", body("hello")).with(o -> o.withLimitRequestBody(5)));
        t.add(rejects("answers 413 to a Content-Length over limitRequestBody",
                POST + "Content-Length: 6\r\n\r\nhello!", 413).with(o -> o.withLimitRequestBody(5)));
        t.add(accepts("accepts a chunked body of exactly limitRequestBody bytes",
                CHUNKED + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", body("abcde")).with(o -> o.withLimitRequestBody(5)));
        t.add(rejects("answers 413 when chunks add up to more than limitRequestBody",
                CHUNKED + "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n", 413).afterHeads(1)
                .and(body("abc")).with(o -> o.withLimitRequestBody(5)));
        t.add(accepts("accepts a zero limitRequestBody for requests without body", "GET / HTTP/1.1\r\n" + H + "\r\n",
                paths("/")).with(o -> o.withLimitRequestBody(0)));
    }

    static void endOfStream(List<ParserCase> t) {
        t.add(accepts("reports a clean close after a complete request", "GET / HTTP/1.1\r\n" + H + "\r\n",
                r -> assertThat(r.transcript.getLast()).isEqualTo("CLOSED")));
        t.add(accepts("treats trailing empty lines before EOF as a clean close", "GET / HTTP/1.1\r\n" + H + "\r\n\r\n",
                r -> assertThat(r.closed).isTrue()));
        t.add(rejects("closes silently on EOF inside the request line", "GET / HT", 0));
        t.add(rejects("closes silently on EOF after the request line", "GET / HTTP/1.1\r\n", 0));
        t.add(rejects("closes silently on EOF inside a field", "GET / HTTP/1.0\r\nbaz", 0));
        t.add(rejects("closes silently on EOF between CR and LF of the head end", "GET / HTTP/1.1\r\n" + H + "\r", 0));
        t.add(rejects("closes silently on EOF after a lone CR", "\r", 0));
        t.add(rejects("answers 400 to EOF inside a Content-Length body", POST + "Content-Length: 5\r\n\r\nhel", 400)
                .afterHeads(1).and(body("hel")));
        t.add(accepts("waits for the rest of a body when the peer keeps the connection open",
                POST + "Content-Length: 5\r\n\r\nhel", r -> {
                    assertThat(r.only().complete).isFalse();
                    assertThat(r.only().body()).isEqualTo("hel");
                }).noEof());
    }

    // ------------------------------------------------------------------ Expect and scheme

    static void expectAndScheme(List<ParserCase> t) {
        t.add(accepts("flags Expect: 100-continue on HTTP/1.1", POST + "Expect: 100-Continue\r\nContent-Length: 1\r\n\r\nx",
                head(h -> assertThat(h.expectContinue()).isTrue())));
        t.add(rejects("answers 417 to another expectation", POST + "Expect: 200-ok\r\n\r\n", 417));
        t.add(accepts("ignores Expect on HTTP/1.0", "POST / HTTP/1.0\r\nExpect: whatever\r\n\r\n",
                head(h -> assertThat(h.expectContinue()).isFalse())));
        t.add(accepts("does not flag 100-continue on HTTP/1.0", "POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n",
                head(h -> assertThat(h.expectContinue()).isFalse())));
        t.add(accepts("uses http by default", "GET / HTTP/1.1\r\n" + H + "\r\n", scheme("http")));
        t.add(accepts("uses https on TLS", "GET / HTTP/1.1\r\n" + H + "\r\n", scheme("https")).tls());
        t.add(accepts("believes X-Forwarded-Proto from a trusted peer", "GET / HTTP/1.1\r\n" + H + "X-Forwarded-Proto: https\r\n\r\n",
                scheme("https")).trusted());
        t.add(accepts("ignores X-Forwarded-Proto from an untrusted peer", "GET / HTTP/1.1\r\n" + H + "X-Forwarded-Proto: https\r\n\r\n",
                scheme("http")));
        t.add(accepts("downgrades to http when a trusted secure header has another value",
                "GET / HTTP/1.1\r\n" + H + "X-Forwarded-Proto: http\r\n\r\n", scheme("http")).trusted().tls());
        t.add(accepts("matches secure header names in any case and values exactly",
                "GET / HTTP/1.1\r\n" + H + "x-forwarded-ssl: ON\r\n\r\n", scheme("http")).trusted().tls());
        t.add(accepts("accepts agreeing secure headers", "GET / HTTP/1.1\r\n" + H
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Ssl: on\r\n\r\n", scheme("https")).trusted());
        t.add(rejects("rejects disagreeing secure headers from a trusted peer", "GET / HTTP/1.1\r\n" + H
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Ssl: off\r\n\r\n", 400).trusted());
        t.add(accepts("uses configured secure scheme headers", "GET / HTTP/1.1\r\n" + H + "Front-End-Https: yes\r\n\r\n",
                scheme("https")).trusted().with(o -> o.withSecureSchemeHeaders(Map.of("front-end-https", "yes"))));
    }

    // ------------------------------------------------------------------ framing

    static void framing(List<ParserCase> t) {
        t.add(accepts("delivers a Content-Length body", POST + "Content-Length: 5\r\n\r\nhello",
                body("hello").andThen(head(h -> assertThat(h.contentLength()).isEqualTo(5)))));
        t.add(accepts("treats Content-Length 0 as no body", POST + "Content-Length: 0\r\n\r\n", body("")));
        t.add(accepts("reads no body without Content-Length or Transfer-Encoding",
                "POST /a HTTP/1.1\r\n" + H + "\r\nGET /b HTTP/1.1\r\n" + H + "\r\n", paths("/a", "/b")));
        t.add(accepts("accepts leading zeros in Content-Length", POST + "Content-Length: 005\r\n\r\nhello", body("hello")));
        t.add(accepts("accepts an 18-digit Content-Length", POST + "Content-Length: 999999999999999999\r\n\r\nab",
                head(h -> assertThat(h.contentLength()).isEqualTo(999_999_999_999_999_999L))).noEof());
        t.add(rejects("rejects a 19-digit Content-Length", POST + "Content-Length: 1000000000000000000\r\n\r\n", 400));
        for (String bad : new String[] {"+1", "-0", "-1", "0_1", "5, 5", "0 1", "bla", "", "0x5", "1e3", "\u00b9"}) {
            t.add(rejects("rejects Content-Length '" + bad + "'", POST + "Content-Length: " + bad + "\r\n\r\nhello", 400));
        }
        t.add(rejects("rejects two equal Content-Length fields", POST + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400));
        t.add(rejects("rejects two different Content-Length fields", POST + "Content-Length: 3\r\nContent-Length: 2\r\n\r\nxyz", 400));
        t.add(accepts("de-chunks a chunked body", CHUNKED + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                body("hello world").andThen(head(h -> {
                    assertThat(h.chunked()).isTrue();
                    assertThat(h.contentLength()).isEqualTo(-1);
                    assertThat(h.keepAlive()).isTrue();
                }))));
        t.add(accepts("reads Transfer-Encoding case-insensitively", POST + "Transfer-Encoding: Chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
                body("x")));
        t.add(accepts("ignores identity before chunked", POST + "Transfer-Encoding: identity, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
                body("x").andThen(keepAlive(true))));
        t.add(accepts("treats a lone identity as no transfer coding", POST + "Transfer-Encoding: identity\r\nContent-Length: 2\r\n\r\nab",
                body("ab")));
        t.add(accepts("passes gzip before chunked through undecoded and closes afterwards",
                POST + "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n\u001f\u008b\r\n0\r\n\r\n",
                body("\u001f\u008b").andThen(keepAlive(false))));
        t.add(accepts("accepts codings spread over several Transfer-Encoding fields",
                POST + "Transfer-Encoding: deflate\r\nTransfer-Encoding: x-gzip, compress\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
                body("x").andThen(keepAlive(false))));
        t.add(accepts("accepts OWS around transfer codings", POST + "Transfer-Encoding: \tchunked \r\n\r\n1\r\nx\r\n0\r\n\r\n",
                body("x")));
        t.add(rejects("rejects a coding after chunked", POST + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400));
        t.add(rejects("rejects identity after chunked", POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n", 400));
        t.add(rejects("rejects a coding without chunked", POST + "Transfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nab", 400));
        t.add(rejects("answers 501 to an unknown transfer coding", POST + "Transfer-Encoding: br, chunked\r\n\r\n", 501));
        t.add(rejects("rejects an empty Transfer-Encoding", POST + "Transfer-Encoding:\r\n\r\n", 400));
        t.add(rejects("rejects an empty element in Transfer-Encoding", POST + "Transfer-Encoding: chunked,\r\n\r\n", 400));
        t.add(rejects("rejects chunked on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400));
        t.add(accepts("closes after Connection: close", "GET / HTTP/1.1\r\n" + H + "Connection: close\r\n\r\n", keepAlive(false)));
        t.add(accepts("finds close in a Connection token list", "GET / HTTP/1.1\r\n" + H + "Connection: keep-alive, Close\r\n\r\n",
                keepAlive(false)));
        t.add(accepts("finds close in a second Connection field", "GET / HTTP/1.1\r\n" + H + "Connection: upgrade\r\nConnection: close\r\n\r\n",
                keepAlive(false)));
        t.add(accepts("does not mistake closed for close", "GET / HTTP/1.1\r\n" + H + "Connection: closed\r\n\r\n", keepAlive(true)));
        t.add(accepts("keeps HTTP/1.0 alive with Connection: keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
                keepAlive(true)));
        t.add(accepts("lets close win over keep-alive on HTTP/1.0", "GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
                keepAlive(false)));
    }

    static void smuggling(List<ParserCase> t) {
        t.add(rejects("rejects CL.TE: Content-Length before chunked", POST + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400));
        t.add(rejects("rejects TE.CL: chunked before Content-Length", POST + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400));
        t.add(rejects("rejects TE.TE: a space before the colon", POST + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400));
        t.add(rejects("rejects TE.TE: xchunked", POST + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 501));
        t.add(rejects("rejects TE.TE: chunked twice in one field", POST + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400));
        t.add(rejects("rejects TE.TE: chunked in two fields", POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400));
        t.add(rejects("rejects TE.TE: identity, chunked, identity, chunked",
                POST + "Transfer-Encoding: identity, chunked, identity, chunked\r\n\r\n0\r\n\r\n", 400));
        t.add(rejects("rejects TE.TE: a tab-prefixed chunked with Content-Length",
                POST + "Content-Length: 12\r\nTransfer-Encoding: \tchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400));
        t.add(rejects("rejects TE.TE: a folded chunked", POST + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400));
        t.add(rejects("rejects TE.TE: a quoted chunked", POST + "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n", 501));
        t.add(rejects("rejects TE.TE: chunked with a NUL", POST + "Transfer-Encoding: chunked\0\r\n\r\n0\r\n\r\n", 400));
        t.add(rejects("rejects TE.TE: a vertical tab before chunked", POST + "Transfer-Encoding:\u000bchunked\r\n\r\n0\r\n\r\n", 400));
        t.add(rejects("rejects a list-form Content-Length", POST + "Content-Length: 5, 5\r\n\r\nhello", 400));
        t.add(rejects("rejects a bare CR smuggling a field", POST + "X: y\rContent-Length: 5\r\n\r\nhello", 400));
        t.add(rejects("rejects a bare LF smuggling a request",
                "GET / HTTP/1.1\r\nHost: x\r\nNewline: a\nContent-Length: 26\r\nGET / HTTP/1.1\nHost: x\r\n\r\n", 400));
        t.add(rejects("rejects a NUL in the request line", "GET\0PROXY /foo HTTP/1.1\r\n" + H + "\r\n", 400));
        t.add(rejects("rejects a body smuggled behind a chunk with bad size",
                CHUNKED + "5\r\nhello\r\n6_0\r\n world\r\n0\r\n\r\nPOST /after HTTP/1.1\r\n" + H + "\r\n", 400)
                .afterHeads(1).and(body("hello")));
    }

    // ------------------------------------------------------------------ chunked

    static void chunked(List<ParserCase> t) {
        t.add(accepts("accepts a last chunk of several zeros", CHUNKED + "5\r\nhello\r\n000\r\n\r\n", body("hello")));
        t.add(accepts("accepts uppercase hex and leading zeros", CHUNKED + "0A\r\n0123456789\r\n0\r\n\r\n", body("0123456789")));
        t.add(accepts("accepts 16 hex digits", CHUNKED + "0000000000000005\r\nhello\r\n0\r\n\r\n", body("hello")));
        t.add(accepts("accepts chunk extensions with BWS, tokens and quoted strings",
                CHUNKED + "5 \t; a ; b = c;d=\"x \\\"y\\\" z\"\r\nhello\r\n0;last\r\n\r\n", body("hello")));
        t.add(accepts("accepts a chunk-size line of exactly 4096 bytes",
                CHUNKED + "5;x=" + repeat('a', 4096 - 4) + "\r\nhello\r\n0\r\n\r\n", body("hello")));
        t.add(rejects("rejects a chunk-size line of 4097 bytes",
                CHUNKED + "5;x=" + repeat('a', 4097 - 4) + "\r\nhello\r\n0\r\n\r\n", 400).afterHeads(1));
        t.add(rejects("rejects an endless chunk extension before its end arrives",
                CHUNKED + "5;x=" + repeat('a', 5000), 400).afterHeads(1).noEof());
        t.add(rejects("rejects 17 hex digits", CHUNKED + "00000000000000005\r\nhello\r\n0\r\n\r\n", 400).afterHeads(1));
        t.add(rejects("rejects a chunk size of 0xFFFFFFFFFFFFFFFF", CHUNKED + "FFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n", 400).afterHeads(1));
        t.add(rejects("rejects a chunk size that overflows a long by far", CHUNKED + "1" + repeat('0', 40) + "\r\n", 400).afterHeads(1));
        t.add(accepts("streams a chunk of the largest size without error",
                CHUNKED + "7FFFFFFFFFFFFFFF\r\nabc", r -> assertThat(r.only().body()).isEqualTo("abc")).noEof());
        t.add(rejects("answers 413 to a huge chunk size when the body is limited",
                CHUNKED + "7FFFFFFFFFFFFFFF\r\nabc", 413).afterHeads(1).with(o -> o.withLimitRequestBody(1000)));
        for (String bad : new String[] {"-5", "+5", " 5", "5 ", "", "6_0", "0x5", "5;", "5; ", "5;=x", "5;a=", "5;a=\"x",
            "5;a=\"\u0001\"", "5;a=b c", "5;a b", "g"}) {
            t.add(rejects("rejects the chunk-size line '" + bad + "'", CHUNKED + bad + "\r\nhello\r\n0\r\n\r\n", 400).afterHeads(1));
        }
        t.add(rejects("rejects a bare CR in a chunk extension", CHUNKED + "5;ext=val\rue\r\nhello\r\n0\r\n\r\n", 400).afterHeads(1));
        t.add(rejects("rejects a bare LF after the chunk size", CHUNKED + "5\n;\r\nhello\r\n0\r\n\r\n", 400).afterHeads(1));
        t.add(rejects("rejects chunk data not followed by CRLF", CHUNKED + "5\r\nhelloX\r\n0\r\n\r\n", 400)
                .afterHeads(1).and(body("hello")));
        t.add(rejects("rejects chunk data followed by CR and another byte", CHUNKED + "5\r\nhello\rX0\r\n\r\n", 400).afterHeads(1));
        t.add(rejects("answers 400 to EOF inside chunk data", CHUNKED + "5\r\nhel", 400).afterHeads(1).and(body("hel")));
        t.add(rejects("answers 400 to EOF inside a chunk-size line", CHUNKED + "5", 400).afterHeads(1));
        t.add(rejects("answers 400 to EOF before the final CRLF", CHUNKED + "0\r\n", 400).afterHeads(1));
        t.add(rejects("answers 400 to EOF inside the trailers", CHUNKED + "0\r\nVary: *\r\n", 400).afterHeads(1));
        t.add(accepts("delivers trailers in order", CHUNKED + "5\r\nhello\r\n0\r\nVary: *\r\nContent-Type: text/plain\r\n\r\n",
                body("hello").andThen(trailers("Vary: *", "Content-Type: text/plain"))));
        t.add(accepts("drops underscore trailers", CHUNKED + "0\r\nX_A: 1\r\nX-B: 2\r\n\r\n", trailers("X-B: 2")));
        for (String name : new String[] {"Host", "content-length", "Transfer-Encoding", "Trailer", "Authorization", "TE"}) {
            t.add(rejects("rejects " + name + " in trailers", CHUNKED + "5\r\nhello\r\n0\r\n" + name + ": x\r\n\r\n", 400).afterHeads(1));
        }
        t.add(rejects("rejects obs-fold in trailers", CHUNKED + "0\r\nA: b\r\n c\r\n\r\n", 400).afterHeads(1));
        t.add(rejects("answers 431 to a trailer line over the field size", CHUNKED + "0\r\n" + fieldOf(31) + "\r\n", 431)
                .afterHeads(1).with(o -> o.withLimitRequestFieldSize(30)));
        t.add(rejects("answers 431 to more trailers than limitRequestFields", CHUNKED + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431)
                .afterHeads(1).with(o -> o.withLimitRequestFields(2)));
        t.add(rejects("rejects a control character in a trailer value", CHUNKED + "0\r\nA: \u0001\r\n\r\n", 400).afterHeads(1));
    }

    // ------------------------------------------------------------------ pipelines

    static void pipelines(List<ParserCase> t) {
        t.add(accepts("parses a pipeline mixing Content-Length, chunked and no body",
                "POST /1 HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabc"
                        + "POST /2 HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n2\r\nde\r\n1;x\r\nf\r\n0\r\nT: 1\r\n\r\n"
                        + "GET /3 HTTP/1.1\r\n" + H + "\r\n"
                        + "PUT /4 HTTP/1.1\r\n" + H + "Content-Length: 2\r\n\r\ngh",
                paths("/1", "/2", "/3", "/4").andThen(r -> {
                    assertThat(r.exchanges.stream().map(ParserRun.Exchange::body)).containsExactly("abc", "def", "", "gh");
                    assertThat(list(r.exchanges.get(1).trailers)).containsExactly("T: 1");
                })));
        t.add(accepts("keeps parsing after an HTTP/1.0 request (the server decides to close)",
                "GET /first HTTP/1.0\r\n\r\nGET /second HTTP/1.1\r\n" + H + "\r\n", paths("/first", "/second")));
        t.add(accepts("keeps a body that looks like a request as body",
                "GET /first HTTP/1.0\r\nContent-Length: 24\r\n\r\nGET /second HTTP/1.1\r\n\r\n",
                body("GET /second HTTP/1.1\r\n\r\n")));
        t.add(accepts("ignores an empty line between pipelined requests",
                "POST /a HTTP/1.1\r\n" + H + "Content-Length: 1\r\n\r\nx\r\nGET /b HTTP/1.1\r\n" + H + "\r\n", paths("/a", "/b")));
        t.add(rejects("fails the second request of a pipeline after handing out the first",
                "GET /a HTTP/1.1\r\n" + H + "\r\nGET /b HTTP/1.1\r\nX : y\r\n\r\n", 400).afterHeads(1));
        t.add(rejects("closes silently when a pipeline ends inside a head",
                "GET /a HTTP/1.1\r\n" + H + "\r\nGET /b HT", 0).afterHeads(1));
    }

    // ------------------------------------------------------------------ PROXY protocol

    static String v2(int verCmd, int famProto, int... payload) {
        StringBuilder sb = new StringBuilder("\r\n\r\n\0\r\nQUIT\n");
        sb.append((char) verCmd).append((char) famProto).append((char) (payload.length >> 8)).append((char) (payload.length & 0xff));
        for (int b : payload) {
            sb.append((char) (b & 0xff));
        }
        return sb.toString();
    }

    private static final int[] V4_ADDRESSES = {192, 168, 1, 10, 192, 168, 1, 1, 0x30, 0x39, 0x01, 0xbb};
    private static final String GET = "GET / HTTP/1.1\r\n" + H + "\r\n";

    static int[] v6Addresses() {
        int[] a = new int[36];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = 0xb8;
        a[15] = 1;
        a[16] = 0x20;
        a[17] = 0x01;
        a[18] = 0x0d;
        a[19] = 0xb8;
        a[31] = 2;
        a[32] = 0xd4;
        a[33] = 0x31;
        a[34] = 0x00;
        a[35] = 0x50;
        return a;
    }

    static void proxyProtocol(List<ParserCase> t) {
        ProxyProtocolMode auto = ProxyProtocolMode.AUTO;
        t.add(accepts("reads a PROXY v1 TCP4 header and repeats it for every request",
                "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n" + GET + GET,
                proxy("192.168.0.1", 56324, "192.168.0.11", 443).andThen(paths("/", "/")))
                .with(o -> o.withProxyProtocol(auto)));
        t.add(accepts("reads a PROXY v1 TCP6 header", "PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 1 65535\r\n" + GET,
                proxy("2001:db8::1", 1, "::ffff:10.0.0.1", 65535)).with(o -> o.withProxyProtocol(ProxyProtocolMode.V1)));
        t.add(accepts("accepts PROXY UNKNOWN without addresses", "PROXY UNKNOWN\r\n" + GET, noProxy())
                .with(o -> o.withProxyProtocol(auto)));
        t.add(accepts("accepts a connection without PROXY header in auto mode", GET, noProxy())
                .with(o -> o.withProxyProtocol(auto)));
        t.add(accepts("skips empty lines that start like a v2 signature in auto mode", "\r\n\r\n" + GET, noProxy())
                .with(o -> o.withProxyProtocol(auto)));
        t.add(accepts("closes cleanly when a connection sends nothing in V1 mode", "", r -> assertThat(r.closed).isTrue())
                .with(o -> o.withProxyProtocol(ProxyProtocolMode.V1)));
        t.add(rejects("rejects a v1 header with a truncated address", "PROXY TCP4 192.168.0.1 192.16...\r\n" + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a v1 header with bad ports", "PROXY TCP4 192.168.0.1 192.168.0.11 65iii 100000\r\n" + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a v1 port over 65535", "PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n" + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a v1 host name instead of an address", "PROXY TCP4 not-an-ip 192.168.0.11 56324 443\r\n" + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects an IPv6 address on TCP4", "PROXY TCP4 ::1 ::1 1 2\r\n" + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects an IPv4 address on TCP6", "PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n" + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a v1 header with five fields", "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n" + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a v1 header with a double space", "PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n" + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects an unknown v1 protocol", "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n" + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a v1 line longer than 107 bytes", "PROXY UNKNOWN " + repeat('x', 100) + "\r\n" + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a v1 line ended by a bare LF", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n" + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("answers 403 to a PROXY header from a peer not allowed to send one",
                "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n" + GET, 403).with(o -> o.withProxyProtocol(auto)).proxyNotAllowed());
        t.add(rejects("requires a header in V1 mode", GET, 400).with(o -> o.withProxyProtocol(ProxyProtocolMode.V1)));
        t.add(rejects("rejects a v2 header in V1 mode", v2(0x21, 0x11, V4_ADDRESSES) + GET, 400)
                .with(o -> o.withProxyProtocol(ProxyProtocolMode.V1)));
        t.add(rejects("rejects a v1 header in V2 mode", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n" + GET, 400)
                .with(o -> o.withProxyProtocol(ProxyProtocolMode.V2)));
        t.add(rejects("closes silently on EOF inside a PROXY header", "PROXY TCP4 1.2.3.4", 0)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(accepts("reads a PROXY v2 IPv4 header", v2(0x21, 0x11, V4_ADDRESSES) + GET + GET,
                proxy("192.168.1.10", 12345, "192.168.1.1", 443)).with(o -> o.withProxyProtocol(ProxyProtocolMode.V2)));
        t.add(accepts("reads a PROXY v2 IPv6 header", v2(0x21, 0x21, v6Addresses()) + GET,
                proxy("2001:db8::1", 54321, "2001:db8::2", 80)).with(o -> o.withProxyProtocol(auto)));
        int[] withTlv = Arrays.copyOf(V4_ADDRESSES, 12 + 7);
        System.arraycopy(new int[] {0x04, 0x00, 0x04, 'a', 'b', 'c', 'd'}, 0, withTlv, 12, 7);
        t.add(accepts("skips PROXY v2 TLVs", v2(0x21, 0x11, withTlv) + GET, proxy("192.168.1.10", 12345, "192.168.1.1", 443))
                .with(o -> o.withProxyProtocol(auto)));
        t.add(accepts("gives no addresses for a PROXY v2 LOCAL command", v2(0x20, 0x00) + GET, noProxy())
                .with(o -> o.withProxyProtocol(auto)));
        t.add(accepts("gives no addresses for a PROXY v2 UNSPEC family", v2(0x21, 0x00, 1, 2, 3) + GET, noProxy())
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a PROXY v2 version other than 2", v2(0x11, 0x11, V4_ADDRESSES) + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects an unknown PROXY v2 command", v2(0x22, 0x11, V4_ADDRESSES) + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a PROXY v2 DGRAM transport", v2(0x21, 0x12, V4_ADDRESSES) + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a PROXY v2 length too short for the addresses", v2(0x21, 0x11, 1, 2, 3, 4) + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a PROXY v2 IPv6 length too short", v2(0x21, 0x21, V4_ADDRESSES) + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("rejects a PROXY v2 UNIX family", v2(0x21, 0x31, new int[216]) + GET, 400)
                .with(o -> o.withProxyProtocol(auto)));
        t.add(rejects("answers 403 to a PROXY v2 header from a peer not allowed", v2(0x21, 0x11, V4_ADDRESSES) + GET, 403)
                .with(o -> o.withProxyProtocol(auto)).proxyNotAllowed());
        t.add(rejects("closes silently on EOF inside a PROXY v2 header", v2(0x21, 0x11, V4_ADDRESSES).substring(0, 20), 0)
                .with(o -> o.withProxyProtocol(auto)));
    }
}
