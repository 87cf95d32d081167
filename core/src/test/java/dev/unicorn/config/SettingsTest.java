package dev.unicorn.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.http1.HeaderMapPolicy;
import dev.unicorn.http1.ProxyProtocolMode;
import dev.unicorn.net.BindAddress;
import dev.unicorn.net.IpAllowList;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsTest {

    static Stream<Arguments> defaults() {
        Map<String, String> secure = new LinkedHashMap<>();
        secure.put("X-FORWARDED-PROTOCOL", "ssl");
        secure.put("X-FORWARDED-PROTO", "https");
        secure.put("X-FORWARDED-SSL", "on");
        return Stream.of(
                Arguments.of(Settings.BIND, List.of(new BindAddress.Tcp("127.0.0.1", 8000))),
                Arguments.of(Settings.BACKLOG, 2048),
                Arguments.of(Settings.WORKERS, 1),
                Arguments.of(Settings.WORKER_MODEL, WorkerModelKind.VIRTUAL),
                Arguments.of(Settings.THREADS, 0),
                Arguments.of(Settings.WORKER_CONNECTIONS, 1000),
                Arguments.of(Settings.TIMEOUT, Duration.ofSeconds(30)),
                Arguments.of(Settings.MAX_REQUESTS, 0),
                Arguments.of(Settings.MAX_REQUESTS_JITTER, 0),
                Arguments.of(Settings.GRACEFUL_TIMEOUT, Duration.ofSeconds(30)),
                Arguments.of(Settings.KEEPALIVE, Duration.ofSeconds(2)),
                Arguments.of(Settings.LIMIT_REQUEST_LINE, 4094),
                Arguments.of(Settings.LIMIT_REQUEST_FIELDS, 100),
                Arguments.of(Settings.LIMIT_REQUEST_FIELD_SIZE, 8190),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, -1L),
                Arguments.of(Settings.PERMIT_OBSOLETE_FOLDING, false),
                Arguments.of(Settings.PERMIT_UNCONVENTIONAL_HTTP_METHOD, false),
                Arguments.of(Settings.PERMIT_UNCONVENTIONAL_HTTP_VERSION, false),
                Arguments.of(Settings.CASEFOLD_HTTP_METHOD, false),
                Arguments.of(Settings.STRIP_HEADER_SPACES, false),
                Arguments.of(Settings.REQUIRE_HOST_HEADER, true),
                Arguments.of(Settings.HEADER_MAP, HeaderMapPolicy.DROP),
                Arguments.of(Settings.FORWARDED_ALLOW_IPS, IpAllowList.parse("127.0.0.1,::1")),
                Arguments.of(Settings.PROXY_ALLOW_IPS, IpAllowList.parse("127.0.0.1,::1")),
                Arguments.of(Settings.SECURE_SCHEME_HEADERS, secure),
                Arguments.of(Settings.FORWARDER_HEADERS, List.of("SCRIPT_NAME", "PATH_INFO")),
                Arguments.of(Settings.PROXY_PROTOCOL, ProxyProtocolMode.OFF),
                Arguments.of(Settings.CERTFILE, ""),
                Arguments.of(Settings.KEYFILE, ""),
                Arguments.of(Settings.KEY_PASSWORD, ""),
                Arguments.of(Settings.CA_CERTS, ""),
                Arguments.of(Settings.CERT_REQS, CertReqs.NONE),
                Arguments.of(Settings.TLS_PROTOCOLS, List.of("TLSv1.3", "TLSv1.2")),
                Arguments.of(Settings.CIPHERS, List.of()),
                Arguments.of(Settings.TLS_HANDSHAKE_TIMEOUT, Duration.ofSeconds(10)),
                Arguments.of(Settings.HTTP_PROTOCOLS, List.of(HttpProtocol.H1)),
                Arguments.of(Settings.ACCESS_LOG_FORMAT, "%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\""),
                Arguments.of(Settings.SERVER_HEADER, "unicorn"),
                Arguments.of(Settings.NAME, "unicorn"),
                Arguments.of(Settings.HANDLE_SIGNALS, false),
                Arguments.of(Settings.JMX, false),
                Arguments.of(Settings.DIRTY_APPS, List.of()),
                Arguments.of(Settings.DIRTY_WORKERS, 1),
                Arguments.of(Settings.DIRTY_THREADS, 1),
                Arguments.of(Settings.DIRTY_TIMEOUT, Duration.ofSeconds(300)),
                Arguments.of(Settings.DIRTY_GRACEFUL_TIMEOUT, Duration.ofSeconds(30)),
                Arguments.of(Settings.DIRTY_HEAP, -1L),
                Arguments.of(Settings.DIRTY_IN_PROCESS, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaults")
    void everySettingHasItsDocumentedDefault(Setting<?> setting, Object expected) {
        assertThat(setting.defaultValue()).isEqualTo(expected);
        assertThat(Config.defaults().get(setting)).isEqualTo(expected);
    }

    @Test
    void theDefaultTableCoversEverySetting() {
        assertThat(defaults().map(a -> a.get()[0]).toList()).containsExactlyInAnyOrderElementsOf(Settings.all());
    }

    @Test
    void dirtyAppsAcceptsClassNamesWithAnOptionalWorkerLimit() {
        assertThat(Settings.DIRTY_APPS.parse(" com.example.Resize:2 , Plain,a.b.$Inner:256"))
                .containsExactly("com.example.Resize:2", "Plain", "a.b.$Inner:256");
        assertThat(Settings.DIRTY_APPS.parse("")).isEmpty();
    }

    @Test
    void dirtyAppsRejectsBadNamesLimitsAndDuplicates() {
        assertThatThrownBy(() -> Settings.DIRTY_APPS.parse("com.example.Resize:0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid dirty app \"com.example.Resize:0\"");
        assertThatThrownBy(() -> Settings.DIRTY_APPS.parse("a.B:257"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid dirty app \"a.B:257\"");
        assertThatThrownBy(() -> Settings.DIRTY_APPS.parse("pkg.mod:Class:2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid dirty app");
        assertThatThrownBy(() -> Settings.DIRTY_APPS.parse("a..B"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid dirty app");
        assertThatThrownBy(() -> Settings.DIRTY_APPS.parse("a.B,a.B:2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("dirty app listed twice: \"a.B:2\"");
    }

    @Test
    void namesAreUniqueAndKeysDerivedFromThem() {
        assertThat(Settings.all()).extracting(Setting::name).doesNotHaveDuplicates();
        assertThat(Settings.LIMIT_REQUEST_LINE.propertyKey()).isEqualTo("unicorn.limitRequestLine");
        assertThat(Settings.LIMIT_REQUEST_LINE.envKey()).isEqualTo("UNICORN_LIMIT_REQUEST_LINE");
        assertThat(Settings.PERMIT_UNCONVENTIONAL_HTTP_METHOD.envKey()).isEqualTo("UNICORN_PERMIT_UNCONVENTIONAL_HTTP_METHOD");
        assertThat(Settings.BIND.envKey()).isEqualTo("UNICORN_BIND");
    }

    @Test
    void everySettingIsDocumented() {
        for (Setting<?> s : Settings.all()) {
            assertThat(s.doc()).as(s.name()).isNotBlank().doesNotContain("\n");
            assertThat(s.accepted()).as(s.name()).isNotBlank();
            assertThat(s.typeName()).as(s.name()).isNotBlank();
            assertThat(Settings.byName(s.name())).isSameAs(s);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.unicorn.config.SettingsTest#allSettings")
    void everyDefaultSurvivesFormatAndParse(Setting<?> setting) {
        assertRoundTrip(setting);
    }

    static Stream<Setting<?>> allSettings() {
        return Settings.all().stream();
    }

    private static <T> void assertRoundTrip(Setting<T> setting) {
        assertThat(setting.parse(setting.format(setting.defaultValue()))).isEqualTo(setting.defaultValue());
    }

    static Stream<Arguments> validStrings() {
        Map<String, String> custom = new LinkedHashMap<>();
        custom.put("X-Scheme", "https");
        custom.put("Front-End-Https", "on");
        return Stream.of(
                Arguments.of(Settings.BIND, "127.0.0.1:9000", List.of(new BindAddress.Tcp("127.0.0.1", 9000))),
                Arguments.of(Settings.BIND, ":80, [::1]:81,unix:///tmp/a.sock", List.of(
                        new BindAddress.Tcp("0.0.0.0", 80), new BindAddress.Tcp("::1", 81), new BindAddress.Unix(Path.of("/tmp/a.sock")))),
                Arguments.of(Settings.BACKLOG, "1", 1),
                Arguments.of(Settings.BACKLOG, "65535", 65535),
                Arguments.of(Settings.WORKERS, " 4 ", 4),
                Arguments.of(Settings.WORKERS, "1024", 1024),
                Arguments.of(Settings.WORKER_CONNECTIONS, "1000000", 1_000_000),
                Arguments.of(Settings.WORKER_MODEL, "virtual", WorkerModelKind.VIRTUAL),
                Arguments.of(Settings.WORKER_MODEL, "VIRTUAL", WorkerModelKind.VIRTUAL),
                Arguments.of(Settings.WORKER_MODEL, "sync", WorkerModelKind.SYNC),
                Arguments.of(Settings.WORKER_MODEL, "threads", WorkerModelKind.THREADS),
                Arguments.of(Settings.WORKER_MODEL, "gthread", WorkerModelKind.THREADS),
                Arguments.of(Settings.WORKER_MODEL, "async", WorkerModelKind.ASYNC),
                Arguments.of(Settings.THREADS, "0", 0),
                Arguments.of(Settings.THREADS, "16", 16),
                Arguments.of(Settings.THREADS, "4096", 4096),
                Arguments.of(Settings.TIMEOUT, "30", Duration.ofSeconds(30)),
                Arguments.of(Settings.TIMEOUT, "0", Duration.ZERO),
                Arguments.of(Settings.TIMEOUT, "0.5", Duration.ofMillis(500)),
                Arguments.of(Settings.TIMEOUT, "500ms", Duration.ofMillis(500)),
                Arguments.of(Settings.TIMEOUT, "2s", Duration.ofSeconds(2)),
                Arguments.of(Settings.TIMEOUT, "1.5m", Duration.ofSeconds(90)),
                Arguments.of(Settings.TIMEOUT, "86400", Duration.ofDays(1)),
                Arguments.of(Settings.KEEPALIVE, "0.000001", Duration.ofNanos(1000)),
                Arguments.of(Settings.GRACEFUL_TIMEOUT, "10S", Duration.ofSeconds(10)),
                Arguments.of(Settings.LIMIT_REQUEST_LINE, "65536", 65536),
                Arguments.of(Settings.LIMIT_REQUEST_FIELDS, "32768", 32768),
                Arguments.of(Settings.LIMIT_REQUEST_FIELD_SIZE, "1", 1),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "unlimited", -1L),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "-1", -1L),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "0", 0L),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "1000", 1000L),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "10k", 10_240L),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "10M", 10_485_760L),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "2g", 2_147_483_648L),
                Arguments.of(Settings.PERMIT_OBSOLETE_FOLDING, "true", true),
                Arguments.of(Settings.PERMIT_OBSOLETE_FOLDING, "TRUE", true),
                Arguments.of(Settings.REQUIRE_HOST_HEADER, "False", false),
                Arguments.of(Settings.HEADER_MAP, "refuse", HeaderMapPolicy.REFUSE),
                Arguments.of(Settings.HEADER_MAP, "dangerous", HeaderMapPolicy.DANGEROUS),
                Arguments.of(Settings.FORWARDED_ALLOW_IPS, "*", IpAllowList.all()),
                Arguments.of(Settings.FORWARDED_ALLOW_IPS, "10.0.0.0/8", IpAllowList.parse("10.0.0.0/8")),
                Arguments.of(Settings.PROXY_ALLOW_IPS, "", IpAllowList.parse("")),
                Arguments.of(Settings.SECURE_SCHEME_HEADERS, "X-Scheme=https, Front-End-Https=on", custom),
                Arguments.of(Settings.SECURE_SCHEME_HEADERS, "", Map.of()),
                Arguments.of(Settings.FORWARDER_HEADERS, "*", List.of("*")),
                Arguments.of(Settings.FORWARDER_HEADERS, "SCRIPT_NAME", List.of("SCRIPT_NAME")),
                Arguments.of(Settings.FORWARDER_HEADERS, "", List.of()),
                Arguments.of(Settings.PROXY_PROTOCOL, "off", ProxyProtocolMode.OFF),
                Arguments.of(Settings.CERTFILE, " /etc/tls/server.pem ", "/etc/tls/server.pem"),
                Arguments.of(Settings.KEY_PASSWORD, " pass word ", " pass word "),
                Arguments.of(Settings.CERT_REQS, "optional", CertReqs.OPTIONAL),
                Arguments.of(Settings.CERT_REQS, "2", CertReqs.REQUIRED),
                Arguments.of(Settings.CERT_REQS, "0", CertReqs.NONE),
                Arguments.of(Settings.TLS_PROTOCOLS, "TLSv1.2", List.of("TLSv1.2")),
                Arguments.of(Settings.TLS_PROTOCOLS, "TLSv1.2, TLSv1.3", List.of("TLSv1.2", "TLSv1.3")),
                Arguments.of(Settings.CIPHERS, "TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                        List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")),
                Arguments.of(Settings.CIPHERS, "", List.of()),
                Arguments.of(Settings.TLS_HANDSHAKE_TIMEOUT, "500ms", Duration.ofMillis(500)),
                Arguments.of(Settings.HTTP_PROTOCOLS, "h2, h1", List.of(HttpProtocol.H2, HttpProtocol.H1)),
                Arguments.of(Settings.HTTP_PROTOCOLS, "H1", List.of(HttpProtocol.H1)),
                Arguments.of(Settings.PROXY_PROTOCOL, "v1", ProxyProtocolMode.V1),
                Arguments.of(Settings.PROXY_PROTOCOL, "v2", ProxyProtocolMode.V2),
                Arguments.of(Settings.PROXY_PROTOCOL, "auto", ProxyProtocolMode.AUTO),
                Arguments.of(Settings.PROXY_PROTOCOL, "true", ProxyProtocolMode.AUTO),
                Arguments.of(Settings.PROXY_PROTOCOL, "false", ProxyProtocolMode.OFF),
                Arguments.of(Settings.ACCESS_LOG_FORMAT, "%(h)s %({x-request-id}i)s 100%%", "%(h)s %({x-request-id}i)s 100%%"),
                Arguments.of(Settings.SERVER_HEADER, "", ""),
                Arguments.of(Settings.SERVER_HEADER, "acme/1.0 (edge)", "acme/1.0 (edge)"),
                Arguments.of(Settings.NAME, "api-2.prod_x", "api-2.prod_x"),
                Arguments.of(Settings.NAME, "a".repeat(32), "a".repeat(32)));
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @MethodSource("validStrings")
    void parsesValidStrings(Setting<?> setting, String text, Object expected) {
        assertThat(setting.parse(text)).isEqualTo(expected);
        assertThat(Config.builder().set(setting.name(), text).build().get(setting)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @MethodSource("validStrings")
    void formatsParsedValuesBackToEquivalentText(Setting<?> setting, String text, Object expected) {
        assertFormatParses(setting, text);
    }

    private static <T> void assertFormatParses(Setting<T> setting, String text) {
        T value = setting.parse(text);
        assertThat(setting.parse(setting.format(value))).isEqualTo(value);
    }

    static Stream<Arguments> invalidStrings() {
        String bind = "expected a comma-separated list of at least one address: host:port, [ipv6]:port, :port "
                + "(all interfaces), host (port 8000) or unix:/path; port 0 to 65535 (0 = any free port)";
        String duration = "expected a duration from 0 to 1 day: seconds as a plain number (30, 0.5) or a number "
                + "with unit ms, s or m (500ms, 2s, 1m)";
        String bytes = "expected unlimited (or -1), or a byte count of 0 or more with an optional suffix k, m or g "
                + "(powers of 1024)";
        String ips = "expected * (everyone) or a comma-separated list of IPv4/IPv6 addresses and CIDR networks with "
                + "zero host bits (10.0.0.0/8, fd00::/8); empty = none";
        String headerMap = "expected comma-separated NAME=value pairs, NAME a header field name (token), value "
                + "without commas or control characters; empty = none";
        String names = "expected comma-separated header field names (tokens) or *; empty = none";
        String format = "expected a format of %(atom)s placeholders and text: atoms h l u t r s m U q H b B f a T M "
                + "D L p, {header}i, {header}o, {name}e; %% for a literal %";
        String fieldValue = "expected a header field value: visible characters and inner spaces, no control "
                + "characters (empty = none)";
        List<Arguments> rows = new ArrayList<>(List.of(
                Arguments.of(Settings.BIND, "", "no address; " + bind),
                Arguments.of(Settings.BIND, "[::1", "missing ']' after IPv6 address in \"[::1\"; " + bind),
                Arguments.of(Settings.BIND, "host:99999", "port 99999 is out of range 0 to 65535; " + bind),
                Arguments.of(Settings.BIND, "unix:", "empty unix socket path in \"unix:\"; " + bind),
                Arguments.of(Settings.BIND, "a:1,", "empty address; " + bind),
                Arguments.of(Settings.BACKLOG, "0", "expected an integer from 1 to 65535"),
                Arguments.of(Settings.BACKLOG, "65536", "expected an integer from 1 to 65535"),
                Arguments.of(Settings.WORKERS, "0", "expected an integer from 1 to 1024"),
                Arguments.of(Settings.WORKERS, "1025", "expected an integer from 1 to 1024"),
                Arguments.of(Settings.WORKERS, "four", "expected an integer from 1 to 1024"),
                Arguments.of(Settings.WORKERS, "1.5", "expected an integer from 1 to 1024"),
                Arguments.of(Settings.WORKERS, "", "expected an integer from 1 to 1024"),
                Arguments.of(Settings.WORKERS, "99999999999", "expected an integer from 1 to 1024"),
                Arguments.of(Settings.WORKER_CONNECTIONS, "0", "expected an integer from 1 to 1000000"),
                Arguments.of(Settings.WORKER_MODEL, "gevent", "expected one of virtual, sync, threads, async (also gthread = threads)"),
                Arguments.of(Settings.THREADS, "-1", "expected an integer from 0 to 4096"),
                Arguments.of(Settings.THREADS, "4097", "expected an integer from 0 to 4096"),
                Arguments.of(Settings.TIMEOUT, "-1", "negative duration; " + duration),
                Arguments.of(Settings.TIMEOUT, "-500ms", "negative duration; " + duration),
                Arguments.of(Settings.TIMEOUT, "86401", "longer than 1 day; " + duration),
                Arguments.of(Settings.TIMEOUT, "1441m", "longer than 1 day; " + duration),
                Arguments.of(Settings.TIMEOUT, "2h", duration),
                Arguments.of(Settings.TIMEOUT, "", duration),
                Arguments.of(Settings.TIMEOUT, "ms", duration),
                Arguments.of(Settings.TIMEOUT, "1e3", duration),
                Arguments.of(Settings.TIMEOUT, "1..2", duration),
                Arguments.of(Settings.TIMEOUT, "0.0000000001", "finer than a nanosecond; " + duration),
                Arguments.of(Settings.LIMIT_REQUEST_LINE, "0", "expected an integer from 1 to 65536"),
                Arguments.of(Settings.LIMIT_REQUEST_LINE, "65537", "expected an integer from 1 to 65536"),
                Arguments.of(Settings.LIMIT_REQUEST_FIELDS, "32769", "expected an integer from 1 to 32768"),
                Arguments.of(Settings.LIMIT_REQUEST_FIELD_SIZE, "-5", "expected an integer from 1 to 65536"),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "-2", bytes),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "10t", bytes),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "k", bytes),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "1.5m", bytes),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "9999999999999g", "too large; " + bytes),
                Arguments.of(Settings.LIMIT_REQUEST_BODY, "99999999999999999999", "too large; " + bytes),
                Arguments.of(Settings.PERMIT_OBSOLETE_FOLDING, "yes", "expected true or false"),
                Arguments.of(Settings.PERMIT_OBSOLETE_FOLDING, "1", "expected true or false"),
                Arguments.of(Settings.REQUIRE_HOST_HEADER, "", "expected true or false"),
                Arguments.of(Settings.HEADER_MAP, "keep", "expected one of drop, refuse, dangerous"),
                Arguments.of(Settings.FORWARDED_ALLOW_IPS, "10.0.0.1/8", "\"10.0.0.1/8\" has host bits set; " + ips),
                Arguments.of(Settings.PROXY_ALLOW_IPS, "localhost", "\"localhost\" is not an IP address or network; " + ips),
                Arguments.of(Settings.SECURE_SCHEME_HEADERS, "X-Proto", "\"X-Proto\" has no '='; " + headerMap),
                Arguments.of(Settings.SECURE_SCHEME_HEADERS, "X Proto=https", "\"X Proto\" is not a header field name; " + headerMap),
                Arguments.of(Settings.SECURE_SCHEME_HEADERS, "=https", "\"\" is not a header field name; " + headerMap),
                Arguments.of(Settings.SECURE_SCHEME_HEADERS, "X-P=", "invalid value \"\" for header X-P; " + headerMap),
                Arguments.of(Settings.SECURE_SCHEME_HEADERS, "X-P=a,x-p=b", "header x-p appears twice; " + headerMap),
                Arguments.of(Settings.FORWARDER_HEADERS, "SCRIPT NAME", "\"SCRIPT NAME\" is not a header field name; " + names),
                Arguments.of(Settings.FORWARDER_HEADERS, "A,,B", "\"\" is not a header field name; " + names),
                Arguments.of(Settings.PROXY_PROTOCOL, "v3", "expected one of off, v1, v2, auto (also true = auto, false = off)"),
                Arguments.of(Settings.CERTFILE, "/a\tb", "expected a file path without control characters (empty = none)"),
                Arguments.of(Settings.CERT_REQS, "3", "expected one of none, optional, required (also 0 = none, 1 = optional, 2 = required)"),
                Arguments.of(Settings.TLS_PROTOCOLS, "SSLv3", "unknown \"SSLv3\"; expected a comma-separated list of one or more of TLSv1.3, TLSv1.2, TLSv1.1, TLSv1"),
                Arguments.of(Settings.TLS_PROTOCOLS, "", "empty list; expected a comma-separated list of one or more of TLSv1.3, TLSv1.2, TLSv1.1, TLSv1"),
                Arguments.of(Settings.TLS_PROTOCOLS, "TLSv1.2,TLSv1.2", "\"TLSv1.2\" appears twice; expected a comma-separated list of one or more of TLSv1.3, TLSv1.2, TLSv1.1, TLSv1"),
                Arguments.of(Settings.CIPHERS, "TLS-AES", "invalid name \"TLS-AES\"; expected a comma-separated list of names of A-Z a-z 0-9 _ characters (empty = the JDK's default suites without weak ones: only forward-secret AEAD suites)"),
                Arguments.of(Settings.HTTP_PROTOCOLS, "h3", "expected a comma-separated list of one or more of h1, h2, in order of preference, without duplicates"),
                Arguments.of(Settings.HTTP_PROTOCOLS, "h1,h1", "\"h1\" appears twice; expected a comma-separated list of one or more of h1, h2, in order of preference, without duplicates"),
                Arguments.of(Settings.ACCESS_LOG_FORMAT, "%(z)s", "unknown atom %(z)s; " + format),
                Arguments.of(Settings.ACCESS_LOG_FORMAT, "%(h)d", "%(h) must be followed by 's', as in %(h)s; " + format),
                Arguments.of(Settings.ACCESS_LOG_FORMAT, "100%", "stray '%' at index 3 (write %% for a literal %); " + format),
                Arguments.of(Settings.SERVER_HEADER, "a\r\nSet-Cookie: x=1", fieldValue),
                Arguments.of(Settings.SERVER_HEADER, " padded", fieldValue),
                Arguments.of(Settings.SERVER_HEADER, "del\u007f", fieldValue),
                Arguments.of(Settings.SERVER_HEADER, "snow\u2603", fieldValue),
                Arguments.of(Settings.NAME, "", "expected 1 to 32 characters of A-Z a-z 0-9 . _ -"),
                Arguments.of(Settings.NAME, "a".repeat(33), "expected 1 to 32 characters of A-Z a-z 0-9 . _ -"),
                Arguments.of(Settings.NAME, "my server", "expected 1 to 32 characters of A-Z a-z 0-9 . _ -")));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @MethodSource("invalidStrings")
    void rejectsInvalidStringsSayingWhatIsAccepted(Setting<?> setting, String text, String message) {
        assertThatThrownBy(() -> setting.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void workerModelAcceptedValuesComeFromTheEnum() {
        assertThat(Settings.WORKER_MODEL.accepted()).isEqualTo("one of virtual, sync, threads, async (also gthread = threads)");
        assertThat(Settings.WORKER_MODEL.typeName()).isEqualTo("enum WorkerModelKind");
    }

    @Test
    void typedValuesAreValidatedLikeStrings() {
        assertThatThrownBy(() -> Settings.WORKERS.validate(0)).hasMessage("expected an integer from 1 to 1024");
        assertThatThrownBy(() -> Settings.KEEPALIVE.validate(Duration.ofSeconds(-1)))
                .hasMessageStartingWith("negative duration; expected a duration");
        assertThatThrownBy(() -> Settings.WORKERS.validate(null))
                .hasMessage("the value is null; expected an integer from 1 to 1024");
        assertThatThrownBy(() -> Settings.SECURE_SCHEME_HEADERS.validate(Map.of("X-A", "a,b")))
                .hasMessageStartingWith("invalid value \"a,b\" for header X-A; ");
    }

    @Test
    void typedListsAndMapsAreCopiedToImmutableValues() {
        List<String> names = new ArrayList<>(List.of("SCRIPT_NAME"));
        List<String> validated = Settings.FORWARDER_HEADERS.validate(names);
        names.add("PATH_INFO");
        assertThat(validated).containsExactly("SCRIPT_NAME");
        assertThatThrownBy(() -> validated.add("X")).isInstanceOf(UnsupportedOperationException.class);
        Map<String, String> headers = Settings.SECURE_SCHEME_HEADERS.defaultValue();
        assertThatThrownBy(() -> headers.put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(headers.keySet()).containsExactly("X-FORWARDED-PROTOCOL", "X-FORWARDED-PROTO", "X-FORWARDED-SSL");
    }

    @Test
    void formatsValuesInTheirCanonicalStringForm() {
        assertThat(Settings.KEEPALIVE.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Settings.KEEPALIVE.format(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Settings.KEEPALIVE.format(Duration.ofNanos(1500))).isEqualTo("0.0000015");
        assertThat(Settings.LIMIT_REQUEST_BODY.format(-1L)).isEqualTo("unlimited");
        assertThat(Settings.LIMIT_REQUEST_BODY.format(0L)).isEqualTo("0");
        assertThat(Settings.LIMIT_REQUEST_BODY.format(10_240L)).isEqualTo("10k");
        assertThat(Settings.LIMIT_REQUEST_BODY.format(1L << 30)).isEqualTo("1g");
        assertThat(Settings.LIMIT_REQUEST_BODY.format(1L << 40)).isEqualTo("1024g");
        assertThat(Settings.LIMIT_REQUEST_BODY.format(1000L)).isEqualTo("1000");
        assertThat(Settings.HEADER_MAP.format(HeaderMapPolicy.DANGEROUS)).isEqualTo("dangerous");
        assertThat(Settings.BIND.format(List.of(BindAddress.parse(":80"), BindAddress.parse("unix:///a"))))
                .isEqualTo("0.0.0.0:80,unix:/a");
    }
}
