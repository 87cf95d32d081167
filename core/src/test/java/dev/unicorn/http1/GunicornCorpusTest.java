package dev.unicorn.http1;

import dev.unicorn.http.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every request of gunicorn's test corpus ({@code conformance/gunicorn-requests.json},
 * MIT licence) straight through the parser, in one buffer and byte by byte, like a server
 * would: stopping after a request that does not keep the connection alive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GunicornCorpusTest {
    /** The valid cases gunicorn accepts without Host on HTTP/1.1 (the corpus README lists them). */
    private static final Set<String> WITHOUT_HOST = Set.of("valid/004", "valid/005", "valid/006", "valid/007",
            "valid/009", "valid/010", "valid/011", "valid/012", "valid/013", "valid/014", "valid/018", "valid/021",
            "valid/022", "valid/023", "valid/025", "valid/025_line", "valid/028", "valid/029", "valid/030",
            "valid/031", "valid/031compat", "valid/031compat2", "valid/100", "valid/compat_obs_fold_huge",
            "valid/pp_02");

    private static final Map<String, Integer> STATUS = Map.ofEntries(
            Map.entry("InvalidRequestLine", 400), Map.entry("InvalidRequestMethod", 400),
            Map.entry("InvalidHeader", 400), Map.entry("InvalidHeaderName", 400),
            Map.entry("ObsoleteFolding", 400), Map.entry("InvalidSchemeHeaders", 400),
            Map.entry("InvalidProxyLine", 400), Map.entry("InvalidChunkSize", 400),
            Map.entry("InvalidChunkExtension", 400), Map.entry("ChunkMissingTerminator", 400),
            Map.entry("LimitRequestLine", 414), Map.entry("LimitRequestHeaders", 431),
            Map.entry("NoMoreData", 0), Map.entry("ForbiddenProxyRequest", 403),
            Map.entry("ExpectationFailed", 417), Map.entry("UnsupportedTransferCoding", 501));

    private static final Set<String> BODY_ERRORS =
            Set.of("InvalidChunkSize", "InvalidChunkExtension", "ChunkMissingTerminator");

    /** A valid case whose body is shorter than its Content-Length (see checkValid). */
    private static final String TRUNCATED_BODY = "valid/099";

    private static final Pattern WELL_FORMED_VERSION = Pattern.compile("HTTP/\\d\\.\\d");

    record Case(String name, JsonNode json, byte[] raw) {
        @Override
        public String toString() {
            return name;
        }

        boolean valid() {
            return json.has("expect");
        }
    }

    private JsonNode corpus() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/conformance/gunicorn-requests.json")) {
            assertThat(in).as("corpus resource").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        for (JsonNode c : corpus().get("cases")) {
            out.add(new Case(c.get("name").asString(), c, Base64.getDecoder().decode(c.get("raw").asString())));
        }
        return out;
    }

    @Test
    void corpusHasAllItsCasesAndKeepsItsSource() throws IOException {
        JsonNode corpus = corpus();
        assertThat(corpus.get("source").asString()).contains("gunicorn").contains("MIT");
        List<Case> cases = cases();
        assertThat(cases).hasSize(137);
        assertThat(cases.stream().filter(Case::valid)).hasSize(63);
    }

    /** Maps the case's gunicorn settings to parser options; an unknown setting is a missing feature. */
    private static ParserRun.Setup setup(Case c, boolean requireHost) {
        ParserOptions o = ParserOptions.defaults().withRequireHostHeader(requireHost);
        boolean trusted = false;
        for (Map.Entry<String, JsonNode> e : c.json().get("settings").properties()) {
            JsonNode v = e.getValue();
            o = switch (e.getKey()) {
                case "limit_request_line" -> o.withLimitRequestLine(v.asInt());
                case "limit_request_fields" -> o.withLimitRequestFields(v.asInt());
                case "limit_request_field_size" -> o.withLimitRequestFieldSize(
                        v.asInt() == 0 ? ParserOptions.DEFAULT_LIMIT_REQUEST_FIELD_SIZE : v.asInt());
                case "permit_obsolete_folding" -> o.withPermitObsoleteFolding(v.asBoolean());
                case "permit_unconventional_http_method" -> o.withPermitUnconventionalHttpMethod(v.asBoolean());
                case "casefold_http_method" -> o.withCasefoldHttpMethod(v.asBoolean());
                case "strip_header_spaces" -> o.withStripHeaderSpaces(v.asBoolean());
                case "header_map" -> o.withHeaderMap(HeaderMapPolicy.valueOf(v.asString().toUpperCase()));
                case "proxy_protocol" -> o.withProxyProtocol(v.asBoolean() ? ProxyProtocolMode.AUTO : ProxyProtocolMode.OFF);
                case "forwarded_allow_ips" -> {
                    assertThat(v.asString()).isEqualTo("*");
                    trusted = true;
                    yield o;
                }
                default -> throw new AssertionError("setting not supported by Unicorn: " + e.getKey());
            };
        }
        return new ParserRun.Setup(o, trusted, true, "http", true, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corpusCaseGivesTheExpectedRequestsOrStatus(Case c) {
        boolean hostless = WITHOUT_HOST.contains(c.name());
        ParserRun.Setup setup = setup(c, !hostless);
        ParserRun whole = ParserRun.whole(setup, c.raw());
        ParserRun bytes = ParserRun.byteByByte(setup, c.raw());
        assertThat(bytes.transcript).as("byte by byte").isEqualTo(whole.transcript);
        if (c.valid()) {
            checkValid(c, whole);
        } else {
            checkInvalid(c, whole);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostlessCases")
    void hostlessHttp11CaseIsRejectedByDefault(Case c) {
        ParserRun r = ParserRun.whole(setup(c, true), c.raw());
        assertThat(r.error).as(r.transcript.toString()).isNotNull();
        assertThat(r.error.status()).isEqualTo(400);
        assertThat(r.error.getMessage()).isEqualTo("missing Host header");
    }

    List<Case> hostlessCases() throws IOException {
        List<Case> out = cases().stream().filter(c -> WITHOUT_HOST.contains(c.name())).toList();
        assertThat(out).hasSize(25);
        return out;
    }

    private static void checkValid(Case c, ParserRun r) {
        if (c.name().equals(TRUNCATED_BODY)) {
            // The corpus file announces Content-Length: 17914 but holds 8599 body bytes, and
            // gunicorn hands a short body over silently. Unicorn answers a body cut by EOF
            // with 400 (RFC 9112 §8): every byte that did arrive is delivered first.
            assertThat(r.error).as(r.transcript.toString()).isNotNull();
            assertThat(r.error.status()).isEqualTo(400);
            assertThat(r.exchanges).hasSize(1);
            assertThat(r.exchanges.getFirst().bodyBytes()).isEqualTo(expectedBody(c.json().get("expect").get(0)));
            return;
        }
        assertThat(r.error).as("error in %s", r.transcript).isNull();
        JsonNode expect = c.json().get("expect");
        assertThat(r.exchanges).as(r.transcript.toString()).hasSize(expect.size());
        for (int i = 0; i < expect.size(); i++) {
            JsonNode x = expect.get(i);
            ParserRun.Exchange got = r.exchanges.get(i);
            Http1Event.RequestHead h = got.head;
            assertThat(got.complete).isTrue();
            assertThat(h.method()).isEqualTo(x.get("method").asString());
            JsonNode uri = x.get("uri");
            assertThat(h.target()).isEqualTo(latin1(uri.get("raw").asString()));
            if (!c.name().equals("valid/rfc9112_target_authority_connect_01")) {
                // urlsplit gives path "443" for "example.com:443"; Unicorn's path for
                // authority-form is the target itself (the deviation the design accepts).
                assertThat(h.path()).isEqualTo(latin1(uri.get("path").asString()));
            } else {
                assertThat(h.path()).isEqualTo("example.com:443");
            }
            assertThat(h.query()).isEqualTo(latin1(uri.get("query").asString()));
            assertThat(h.fragment()).isEqualTo(latin1(uri.get("fragment").asString()));
            assertThat(h.version().major()).isEqualTo(x.get("version").get(0).asInt());
            assertThat(h.version().minor()).isEqualTo(x.get("version").get(1).asInt());
            assertFields(h.headers(), x.get("headers"));
            assertThat(got.bodyBytes()).isEqualTo(expectedBody(x));
            if (x.has("trailers")) {
                assertFields(got.trailers, x.get("trailers"));
            } else {
                assertThat(got.trailers.isEmpty()).isTrue();
            }
        }
    }

    private static byte[] expectedBody(JsonNode request) {
        JsonNode body = request.get("body");
        if (body == null) {
            return new byte[0];
        }
        if (body.isString()) {
            return body.asString().getBytes(StandardCharsets.ISO_8859_1);
        }
        return Base64.getDecoder().decode(body.get("base64").asString());
    }

    /** The corpus strings are what gunicorn held: bytes decoded as latin-1, like the parser does. */
    private static String latin1(String s) {
        return s;
    }

    private static void assertFields(Headers actual, JsonNode expected) {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < actual.size(); i++) {
            got.add(actual.name(i).toUpperCase() + ": " + actual.value(i));
        }
        List<String> want = new ArrayList<>();
        for (JsonNode f : expected) {
            want.add(f.get(0).asString().toUpperCase() + ": " + f.get(1).asString());
        }
        assertThat(got).isEqualTo(want);
    }

    private static void checkInvalid(Case c, ParserRun r) {
        String kind = c.json().get("expect_error").asString();
        Integer status = STATUS.get(kind);
        if (kind.equals("InvalidHTTPVersion")) {
            String line = new String(c.raw(), StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
            String version = line.substring(line.lastIndexOf(' ') + 1);
            status = WELL_FORMED_VERSION.matcher(version).matches() ? 505 : 400;
        }
        assertThat(status).as("status for " + kind).isNotNull();
        assertThat(r.error).as("%s should fail with %s: %s", c.name(), status, r.transcript).isNotNull();
        assertThat(r.error.status()).as(r.transcript.toString()).isEqualTo(status);
        if (!BODY_ERRORS.contains(kind) && !r.exchanges.isEmpty()) {
            // Only a chunked body (its trailers included) can fail after its head was handed out.
            ParserRun.Exchange last = r.exchanges.getLast();
            assertThat(last.head.chunked() && !last.complete).as("no request reaches the app: %s", r.transcript).isTrue();
        }
    }
}
