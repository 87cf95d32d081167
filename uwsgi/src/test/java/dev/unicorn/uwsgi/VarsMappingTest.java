package dev.unicorn.uwsgi;

import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpVersion;
import dev.unicorn.http1.Http1Event;
import dev.unicorn.http1.ParserOptions;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a packet's variables become the request head every protocol shares: first the packets a
 * real nginx sent (see {@code nginx/README.md}), then each rule on a packet built for it.
 */
class VarsMappingTest {

    private static Http1Event.RequestHead head(byte[] packet) {
        return UwsgiRun.everySplit(packet).head();
    }

    private static String error(byte[] packet) {
        return error(UwsgiRun::parser, packet);
    }

    private static String error(Supplier<UwsgiParser> parsers, byte[] packet) {
        UwsgiRun r = UwsgiRun.everySplit(parsers, packet);
        assertThat(r.error).as("%s", r.transcript).isNotNull();
        return r.error.status() + " " + r.error.getMessage();
    }

    private static UwsgiParser parser(ParserOptions http) {
        return UwsgiRun.parser(UwsgiOptions.defaults().withHttp(http));
    }

    private static Headers headers(String... pairs) {
        return Headers.of(pairs);
    }

    // ---------------------------------------------------------------- what nginx sends

    @Test
    void mapsTheGetNginxSendsWithEmptyContentTypeAndLengthAsAbsent() {
        Http1Event.RequestHead h = head(Packet.nginx("get-with-query"));
        assertThat(h.method()).isEqualTo("GET");
        assertThat(h.target()).isEqualTo("/hi?a=1&b=%20x");
        assertThat(h.path()).isEqualTo("/hi");
        assertThat(h.query()).isEqualTo("a=1&b=%20x");
        assertThat(h.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(h.headers().toString()).isEqualTo(headers(
                "x-forwarded-for", "127.0.0.1", "x-real-ip", "127.0.0.1", "host", "127.0.0.1:18080",
                "user-agent", "curl/7.88.1", "accept", "*/*").toString());
        assertThat(h.headers().isReadOnly()).isTrue();
        assertThat(h.contentLength()).isZero();
        assertThat(h.chunked()).isFalse();
        assertThat(h.expectContinue()).isFalse();
        assertThat(h.keepAlive()).isTrue();
        assertThat(h.scheme()).isEqualTo("http");
    }

    @Test
    void takesTheClientAndTheServerNginxSawFromTheVariables() {
        Http1Event.RequestHead h = head(Packet.nginx("get-with-query"));
        assertThat(h.proxy().source()).isEqualTo(new InetSocketAddress("127.0.0.1", 37510));
        assertThat(h.proxy().destination().getHostString()).isEqualTo("localhost");
        assertThat(h.proxy().destination().getPort()).isEqualTo(18080);
        assertThat(h.proxy().destination().isUnresolved()).isTrue();
    }

    @Test
    void mapsAPostWithItsBodyAndOneContentTypeAndLength() {
        UwsgiRun r = UwsgiRun.everySplit(Packet.nginx("post-json"));
        Http1Event.RequestHead h = r.head();
        assertThat(h.method()).isEqualTo("POST");
        assertThat(h.contentLength()).isEqualTo(17);
        // nginx also sends the client's lines as HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH: dropped.
        assertThat(h.headers().toString()).isEqualTo(headers(
                "content-type", "application/json", "content-length", "17",
                "x-forwarded-for", "127.0.0.1", "x-real-ip", "127.0.0.1", "host", "127.0.0.1:18080",
                "user-agent", "curl/7.88.1", "accept", "*/*").toString());
        assertThat(r.only().body()).isEqualTo("{\"hello\":\"world\"}");
    }

    @Test
    void framesADechunkedUploadByContentLengthAndDropsItsTransferEncoding() {
        UwsgiRun r = UwsgiRun.everySplit(Packet.nginx("post-chunked-upload"));
        Http1Event.RequestHead h = r.head();
        assertThat(h.contentLength()).isEqualTo(11);
        assertThat(h.headers().get("content-length")).isEqualTo("11");
        assertThat(h.headers().contains("transfer-encoding")).isFalse();
        assertThat(r.only().body()).isEqualTo("hello world");
    }

    @Test
    void takesTheRawRequestUriSoThatTheApplicationDecodesThePathExactlyOnce() {
        // PATH_INFO is /p%41/x/y/é (nginx decoded it); gunicorn decodes it again into /pA/x/y/...
        Http1Event.RequestHead h = head(Packet.nginx("get-encoded-path"));
        assertThat(h.target()).isEqualTo("/p%2541/x%2Fy/%C3%A9");
        assertThat(h.path()).isEqualTo("/p%2541/x%2Fy/%C3%A9");
        assertThat(h.query()).isEmpty();
    }

    @Test
    void mapsAHeadRequest() {
        Http1Event.RequestHead h = head(Packet.nginx("head"));
        assertThat(h.method()).isEqualTo("HEAD");
        assertThat(h.target()).isEqualTo("/head");
    }

    @Test
    void keepsRepeatedHeaderVariablesAsRepeatedFieldsInOrder() {
        Headers h = head(Packet.nginx("repeated-headers")).headers();
        assertThat(h.getAll("cookie")).containsExactly("a=1", "b=2");
        assertThat(h.getAll("x-custom-header")).containsExactly("v1", "v2");
        assertThat(h.get("accept-language")).isEqualTo("en");
    }

    @Test
    void takesTheVersionOfTheClientsConnectionFromServerProtocol() {
        Http1Event.RequestHead h = head(Packet.nginx("http2-client"));
        assertThat(h.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(h.query()).isEqualTo("q=%E2%9C%93");
        assertThat(h.headers().getAll("cookie")).containsExactly("a=1; b=2");
    }

    @Test
    void takesTheSchemeOfATlsClientFromHttpsAndRequestScheme() {
        Http1Event.RequestHead h = head(Packet.nginx("https"));
        assertThat(h.scheme()).isEqualTo("https");
        assertThat(h.target()).isEqualTo("/secure?x=1");
        assertThat(h.proxy().destination().getPort()).isEqualTo(18443);
    }

    @Test
    void keepsTheConnectionsPeerForAClientOfNginxsOwnUnixSocket() {
        Http1Event.RequestHead h = head(Packet.nginx("client-of-nginx-unix-socket"));
        assertThat(h.proxy()).isNull(); // REMOTE_ADDR "unix:", REMOTE_PORT and SERVER_PORT empty
        assertThat(h.headers().get("x-real-ip")).isEqualTo("unix:");
        assertThat(h.target()).isEqualTo("/via-unix");
    }

    @Test
    void parsesEveryCapturedPacketSentBackToBackOnOneConnection() {
        byte[] all = Packet.concat(Packet.nginx("get-with-query"), Packet.nginx("post-json"),
                Packet.nginx("post-chunked-upload"), Packet.nginx("get-encoded-path"), Packet.nginx("head"),
                Packet.nginx("repeated-headers"), Packet.nginx("http2-client"), Packet.nginx("https"),
                Packet.nginx("client-of-nginx-unix-socket"));
        UwsgiRun r = UwsgiRun.byteByByte(UwsgiRun.parser(), all);
        assertThat(r.exchanges).extracting(x -> x.head.method() + " " + x.head.target()).containsExactly(
                "GET /hi?a=1&b=%20x", "POST /echo", "POST /upload", "GET /p%2541/x%2Fy/%C3%A9", "HEAD /head",
                "GET /cookies", "GET /h2?q=%E2%9C%93", "GET /secure?x=1", "GET /via-unix");
        assertThat(r.closed).isTrue();
        assertThat(UwsgiRun.whole(all).transcript).isEqualTo(r.transcript);
    }

    // ---------------------------------------------------------------- method and target

    @Test
    void rejectsAPacketWithoutRequestMethod() {
        // what nginx sends when its configuration lacks "include uwsgi_params"
        assertThat(error(Packet.of("HTTP_HOST", "a").bytes())).isEqualTo("400 uWSGI packet without REQUEST_METHOD");
    }

    @Test
    void rejectsAMethodThatIsNotAToken() {
        assertThat(error(Packet.of("REQUEST_METHOD", "G ET", "REQUEST_URI", "/").bytes()))
                .isEqualTo("400 invalid REQUEST_METHOD: not a token");
    }

    @Test
    void rejectsALowercaseMethodUnlessPermitUnconventionalHttpMethod() {
        byte[] packet = Packet.of("REQUEST_METHOD", "get", "REQUEST_URI", "/").bytes();
        assertThat(error(packet)).startsWith("400 invalid REQUEST_METHOD: unconventional");
        ParserOptions lenient = ParserOptions.defaults().withPermitUnconventionalHttpMethod(true);
        assertThat(UwsgiRun.everySplit(() -> parser(lenient), packet).head().method()).isEqualTo("get");
        ParserOptions folded = lenient.withCasefoldHttpMethod(true);
        assertThat(UwsgiRun.everySplit(() -> parser(folded), packet).head().method()).isEqualTo("GET");
    }

    @Test
    void sharesTheInstanceOfAKnownMethod() {
        assertThat(head(Packet.get("/").bytes()).method()).isSameAs("GET");
    }

    @Test
    void fallsBackToPathInfoAndQueryStringEncodingAgainWhatNginxDecoded() {
        byte[] packet = Packet.of("REQUEST_METHOD", "GET", "PATH_INFO", "/p%41/x y/\u00c3\u00a9?#", "QUERY_STRING", "a=1").bytes();
        Http1Event.RequestHead h = head(packet);
        assertThat(h.target()).isEqualTo("/p%2541/x%20y/%C3%A9%3F%23?a=1");
        assertThat(h.path()).isEqualTo("/p%2541/x%20y/%C3%A9%3F%23");
        assertThat(h.query()).isEqualTo("a=1");
    }

    @Test
    void fallsBackToPathInfoWhenRequestUriIsEmpty() {
        byte[] packet = Packet.of("REQUEST_METHOD", "GET", "REQUEST_URI", "", "PATH_INFO", "/p", "QUERY_STRING", "").bytes();
        assertThat(head(packet).target()).isEqualTo("/p");
    }

    @Test
    void rejectsAPacketWithoutRequestUriOrPathInfo() {
        assertThat(error(Packet.of("REQUEST_METHOD", "GET", "QUERY_STRING", "a=1").bytes()))
                .isEqualTo("400 uWSGI packet without REQUEST_URI or PATH_INFO");
    }

    @Test
    void rejectsARequestUriThatIsNotOriginForm() {
        assertThat(error(Packet.get("index.html").bytes()))
                .isEqualTo("400 invalid request target: not origin-form, absolute-form or *");
    }

    @Test
    void rejectsASpaceOrControlCharacterInRequestUri() {
        assertThat(error(Packet.get("/a b").bytes())).isEqualTo("400 invalid request target: control character or space");
        assertThat(error(Packet.get("/a\u0000").bytes())).isEqualTo("400 invalid request target: control character or space");
    }

    @Test
    void acceptsTheAsteriskOnlyWithOptions() {
        assertThat(head(Packet.of("REQUEST_METHOD", "OPTIONS", "REQUEST_URI", "*").bytes()).path()).isEqualTo("*");
        assertThat(error(Packet.get("*").bytes())).isEqualTo("400 invalid request target: * is only allowed with OPTIONS");
    }

    @Test
    void rejectsARequestUriOverLimitRequestLineWith414() {
        ParserOptions small = ParserOptions.defaults().withLimitRequestLine(10);
        assertThat(error(() -> parser(small), Packet.get("/0123456789").bytes()))
                .isEqualTo("414 request target longer than limitRequestLine");
        assertThat(UwsgiRun.everySplit(() -> parser(small), Packet.get("/012345678").bytes()).head().path())
                .isEqualTo("/012345678");
    }

    // ---------------------------------------------------------------- headers and body framing

    @Test
    void turnsHttpVariablesIntoLowercaseDashedFieldNames() {
        Headers h = head(Packet.get("/").var("HTTP_X_FORWARDED_PROTO", "https").var("HTTP_DNT", "1").bytes()).headers();
        assertThat(h.name(0)).isEqualTo("x-forwarded-proto");
        assertThat(h.name(1)).isEqualTo("dnt");
    }

    @Test
    void rejectsAHeaderVariableWhoseNameIsNotLettersDigitsAndUnderscores() {
        assertThat(error(Packet.get("/").var("HTTP_X-Y", "1").bytes())).isEqualTo("400 invalid header variable name: HTTP_X-Y");
        assertThat(error(Packet.get("/").var("HTTP_", "1").bytes())).isEqualTo("400 invalid header variable: HTTP_ without a name");
    }

    @Test
    void rejectsAControlCharacterInAHeaderValue() {
        assertThat(error(Packet.get("/").var("HTTP_X", "a\r\nb").bytes())).isEqualTo("400 invalid character in variable HTTP_X");
        assertThat(error(Packet.get("/").var("HTTP_X", "a\u007f").bytes())).isEqualTo("400 invalid character in variable HTTP_X");
    }

    @Test
    void trimsWhitespaceAroundHeaderValuesAndKeepsObsText() {
        Headers h = head(Packet.get("/").var("HTTP_X", " \ta \u00e9\t ").bytes()).headers();
        assertThat(h.get("x")).isEqualTo("a \u00e9");
    }

    @Test
    void rejectsTwoHostVariables() {
        assertThat(error(Packet.get("/").var("HTTP_HOST", "a").var("HTTP_HOST", "b").bytes()))
                .isEqualTo("400 more than one HTTP_HOST variable");
    }

    @Test
    void rejectsMoreHeaderVariablesThanLimitRequestFieldsWith431() {
        ParserOptions two = ParserOptions.defaults().withLimitRequestFields(2);
        Packet ok = Packet.get("/").var("HTTP_A", "1").var("HTTP_B", "2");
        assertThat(UwsgiRun.everySplit(() -> parser(two), ok.bytes()).head().headers().size()).isEqualTo(2);
        assertThat(error(() -> parser(two), ok.var("HTTP_C", "3").bytes()))
                .isEqualTo("431 header variables more than limitRequestFields");
    }

    @Test
    void rejectsAHeaderVariableOverLimitRequestFieldSizeWith431() {
        // "x: " + value + CRLF as an HTTP/1.1 field line: 20 bytes with a 15-byte value
        ParserOptions small = ParserOptions.defaults().withLimitRequestFieldSize(20);
        assertThat(UwsgiRun.everySplit(() -> parser(small), Packet.get("/").var("HTTP_X", "v".repeat(15)).bytes())
                .head().headers().get("x")).hasSize(15);
        assertThat(error(() -> parser(small), Packet.get("/").var("HTTP_X", "v".repeat(16)).bytes()))
                .isEqualTo("431 header variable HTTP_X larger than limitRequestFieldSize");
    }

    @Test
    void rejectsAContentLengthThatIsNotOneTo18Digits() {
        for (String bad : new String[] {"12a", "-1", " 1", "+1", "1234567890123456789"}) {
            assertThat(error(Packet.get("/").var("CONTENT_LENGTH", bad).bytes())).as(bad)
                    .startsWith("400 invalid CONTENT_LENGTH: ");
        }
    }

    @Test
    void asksForALengthWhenATransferCodedBodyComesWithoutContentLength() {
        assertThat(error(Packet.of("REQUEST_METHOD", "POST", "REQUEST_URI", "/", "HTTP_TRANSFER_ENCODING", "chunked",
                "CONTENT_LENGTH", "").bytes())).isEqualTo("411 HTTP_TRANSFER_ENCODING without CONTENT_LENGTH");
    }

    @Test
    void rejectsADuplicateSingletonVariable() {
        // last-wins (gunicorn) would let the codec and an application disagree on the body
        assertThat(error(Packet.get("/").var("CONTENT_LENGTH", "1").var("CONTENT_LENGTH", "2").bytes()))
                .isEqualTo("400 more than one CONTENT_LENGTH variable");
        assertThat(error(Packet.get("/").var("REQUEST_URI", "/b").bytes())).isEqualTo("400 more than one REQUEST_URI variable");
    }

    @Test
    void ignoresVariablesWithoutAPlaceInTheExchange() {
        Http1Event.RequestHead h = head(Packet.get("/").var("DOCUMENT_ROOT", "/srv").var("UWSGI_SCRIPT", "app").bytes());
        assertThat(h.headers().isEmpty()).isTrue();
    }

    // ---------------------------------------------------------------- scheme, version, addresses

    @Test
    void takesHttpsFromTheHttpsVariable() {
        for (String on : new String[] {"on", "ON", "1", "true"}) {
            assertThat(head(Packet.get("/").var("HTTPS", on).bytes()).scheme()).as(on).isEqualTo("https");
        }
        assertThat(head(Packet.get("/").var("HTTPS", "off").bytes()).scheme()).isEqualTo("http");
    }

    @Test
    void takesTheSchemeFromRequestScheme() {
        assertThat(head(Packet.get("/").var("REQUEST_SCHEME", "https").bytes()).scheme()).isEqualTo("https");
        assertThat(head(Packet.get("/").var("REQUEST_SCHEME", "http").var("HTTPS", "off").bytes()).scheme()).isEqualTo("http");
    }

    @Test
    void keepsTheListenersSchemeWhenThePacketNamesNone() {
        byte[] packet = Packet.get("/").bytes();
        assertThat(UwsgiRun.everySplit(() -> new UwsgiParser(UwsgiOptions.defaults(), UwsgiRun.NGINX, "https"), packet)
                .head().scheme()).isEqualTo("https");
    }

    @Test
    void rejectsSchemeVariablesThatDisagreeOrMeanNothing() {
        assertThat(error(Packet.get("/").var("HTTPS", "on").var("REQUEST_SCHEME", "http").bytes()))
                .isEqualTo("400 HTTPS and REQUEST_SCHEME disagree");
        assertThat(error(Packet.get("/").var("HTTPS", "yes").bytes())).isEqualTo("400 invalid HTTPS variable: yes");
        assertThat(error(Packet.get("/").var("REQUEST_SCHEME", "ftp").bytes())).isEqualTo("400 invalid REQUEST_SCHEME: ftp");
    }

    @Test
    void defaultsToHttp11WithoutServerProtocolAndRejectsAMalformedOne() {
        assertThat(head(Packet.get("/").bytes()).version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(head(Packet.get("/").var("SERVER_PROTOCOL", "HTTP/1.0").bytes()).version()).isEqualTo(HttpVersion.HTTP_1_0);
        assertThat(error(Packet.get("/").var("SERVER_PROTOCOL", "HTTP/11").bytes()))
                .isEqualTo("400 invalid SERVER_PROTOCOL: HTTP/11");
    }

    @Test
    void takesAnIpv6ClientAndAnIpLiteralServerWithoutAnyLookup() {
        Http1Event.RequestHead h = head(Packet.get("/").var("REMOTE_ADDR", "2001:db8::7").var("REMOTE_PORT", "65535")
                .var("SERVER_NAME", "192.0.2.1").var("SERVER_PORT", "443").bytes());
        assertThat(h.proxy().source().getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(h.proxy().source().getPort()).isEqualTo(65535);
        assertThat(h.proxy().destination().isUnresolved()).isFalse();
        assertThat(h.proxy().destination().getAddress().getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(h.proxy().destination().getPort()).isEqualTo(443);
    }

    @Test
    void keepsTheConnectionsPeerWhenRemoteAddrIsNotAnIpLiteral() {
        // nginx gives "unix:" for a client of its own Unix socket
        assertThat(head(Packet.get("/").var("REMOTE_ADDR", "unix:").var("REMOTE_PORT", "").bytes()).proxy()).isNull();
        assertThat(head(Packet.get("/").bytes()).proxy()).isNull();
    }

    @Test
    void rejectsAPortThatIsNotANumberUpTo65535() {
        assertThat(error(Packet.get("/").var("REMOTE_ADDR", "10.0.0.1").var("REMOTE_PORT", "65536").bytes()))
                .isEqualTo("400 invalid REMOTE_PORT: 65536");
        assertThat(error(Packet.get("/").var("REMOTE_ADDR", "10.0.0.1").var("SERVER_NAME", "a").var("SERVER_PORT", "8o").bytes()))
                .isEqualTo("400 invalid SERVER_PORT: 8o");
    }
}
