package dev.unicorn.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.http.Headers;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessLogFormatTest {

    private static final String GUNICORN_DEFAULT = "%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\"";
    private static final ZoneId UTC = ZoneOffset.UTC;
    /** 2024-03-05T14:07:09.250Z. */
    private static final long START = ZonedDateTime.of(2024, 3, 5, 14, 7, 9, 250_000_000, UTC).toInstant().toEpochMilli();

    private static AccessLogEntry entry(Headers request, Headers response) {
        return new AccessLogEntry("192.0.2.10", "GET", "/a%20b?x=1&y=2", "/a b", "x=1&y=2", "HTTP/1.1",
                200, 1234, START, 1_234_567_890L, 4242, request, response);
    }

    private static AccessLogEntry sample() {
        return entry(
                Headers.of("Host", "example.com", "User-Agent", "curl/8.5.0", "Referer", "https://example.com/",
                        "Authorization", "Basic " + base64("alice:secret"), "X-Request-Id", "r-1"),
                Headers.of("Content-Type", "text/plain", "Content-Length", "1234"));
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String format(String format, AccessLogEntry e) {
        return AccessLogFormat.compile(format, UTC).format(e);
    }

    @Test
    void defaultFormatGivesGunicornsLineShape() {
        assertThat(format(GUNICORN_DEFAULT, sample())).isEqualTo(
                "192.0.2.10 - alice [05/Mar/2024:14:07:10 +0000] \"GET /a%20b?x=1&y=2 HTTP/1.1\" 200 1234 "
                        + "\"https://example.com/\" \"curl/8.5.0\"");
    }

    @Test
    void defaultFormatWithoutOptionalHeadersPrintsDashes() {
        AccessLogEntry e = entry(new Headers(), new Headers());
        assertThat(format(GUNICORN_DEFAULT, e)).isEqualTo(
                "192.0.2.10 - - [05/Mar/2024:14:07:10 +0000] \"GET /a%20b?x=1&y=2 HTTP/1.1\" 200 1234 \"-\" \"-\"");
    }

    @ParameterizedTest(name = "%({0})s -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            h             | 192.0.2.10
            l             | -
            u             | alice
            t             | [05/Mar/2024:14:07:10 +0000]
            r             | GET /a%20b?x=1&y=2 HTTP/1.1
            s             | 200
            m             | GET
            U             | /a b
            q             | x=1&y=2
            H             | HTTP/1.1
            b             | 1234
            B             | 1234
            f             | https://example.com/
            a             | curl/8.5.0
            T             | 1
            M             | 1234
            D             | 1234567
            L             | 1.234567
            p             | <4242>
            {x-request-id}i | r-1
            {X-REQUEST-ID}i | r-1
            {missing}i    | -
            {content-type}o | text/plain
            {Content-Length}o | 1234
            {missing}o    | -
            {REMOTE_ADDR}e | -
            """)
    void eachAtomPrintsItsValue(String atom, String expected) {
        assertThat(format("%(" + atom + ")s", sample())).isEqualTo(expected);
    }

    @Test
    void timeIsWhenTheExchangeEndedInTheGivenZone() {
        AccessLogFormat f = AccessLogFormat.compile("%(t)s", ZoneId.of("America/Los_Angeles"));
        assertThat(f.format(sample())).isEqualTo("[05/Mar/2024:06:07:10 -0800]");
    }

    @Test
    void timeUsesEnglishMonthNamesAndPadsTheDay() {
        long start = ZonedDateTime.of(2025, 12, 1, 0, 0, 0, 0, UTC).toInstant().toEpochMilli();
        AccessLogEntry e = new AccessLogEntry("h", "GET", "/", "/", "", "HTTP/1.1", 200, 0, start, 0, 1, null, null);
        assertThat(format("%(t)s", e)).isEqualTo("[01/Dec/2025:00:00:00 +0000]");
    }

    @Test
    void timeCacheFollowsTheSecond() {
        AccessLogFormat f = AccessLogFormat.compile("%(t)s", UTC);
        AccessLogEntry first = new AccessLogEntry("h", "GET", "/", "/", "", "HTTP/1.1", 200, 0, START, 0, 1, null, null);
        AccessLogEntry later = new AccessLogEntry("h", "GET", "/", "/", "", "HTTP/1.1", 200, 0, START + 1000, 0, 1, null, null);
        assertThat(f.format(first)).isEqualTo("[05/Mar/2024:14:07:09 +0000]");
        assertThat(f.format(later)).isEqualTo("[05/Mar/2024:14:07:10 +0000]");
        assertThat(f.format(first)).isEqualTo("[05/Mar/2024:14:07:09 +0000]");
    }

    @Test
    void bodyByteCountsFollowGunicorn() {
        AccessLogEntry empty = new AccessLogEntry("h", "HEAD", "/", "/", "", "HTTP/1.1", 204, 0, START, 0, 1, null, null);
        AccessLogEntry unknown = new AccessLogEntry("h", "GET", "/", "/", "", "HTTP/1.1", 500, -1, START, 0, 1, null, null);
        // gunicorn prints str(resp.sent): "0" for an empty body; "-" only when nothing is known.
        assertThat(format("%(b)s %(B)s", empty)).isEqualTo("0 0");
        assertThat(format("%(b)s %(B)s", unknown)).isEqualTo("- -");
    }

    @Test
    void durationsTruncateTowardZero() {
        AccessLogEntry e = new AccessLogEntry("h", "GET", "/", "/", "", "HTTP/1.1", 200, 0, START, 61_000_999_999L, 1, null, null);
        assertThat(format("%(T)s %(M)s %(D)s %(L)s", e)).isEqualTo("61 61000 61000999 61.000999");
        AccessLogEntry fast = new AccessLogEntry("h", "GET", "/", "/", "", "HTTP/1.1", 200, 0, START, 5_000L, 1, null, null);
        assertThat(format("%(T)s %(M)s %(D)s %(L)s", fast)).isEqualTo("0 0 5 0.000005");
    }

    @Test
    void missingValuesPrintADash() {
        AccessLogEntry e = new AccessLogEntry(null, null, null, null, null, null, 400, 0, START, 0, 1, null, null);
        assertThat(format("%(h)s|%(u)s|%(r)s|%(m)s|%(U)s|%(q)s|%(H)s|%(f)s|%(a)s|%({x}i)s|%({x}o)s", e))
                .isEqualTo("-|-|- - -|-|-|-|-|-|-|-|-");
    }

    @Test
    void emptyQueryPrintsEmptyAsGunicornDoes() {
        AccessLogEntry e = new AccessLogEntry("h", "GET", "/", "/", "", "HTTP/1.1", 200, 0, START, 0, 1, null, null);
        assertThat(format("[%(q)s]", e)).isEqualTo("[]");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            Basic | alice:secret | alice
            basic | bob:x:y      | bob
            BASIC | :nouser      | -
            Basic | noColon      | noColon
            Basic | jörg:pw      | jörg
            """)
    void userComesFromBasicAuthorization(String scheme, String credentials, String expected) {
        AccessLogEntry e = entry(Headers.of("Authorization", scheme + " " + base64(credentials)), new Headers());
        assertThat(format("%(u)s", e)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Bearer abc.def
            Basic !!!notbase64
            Basic
            Digest username="x"
            """)
    void userIsADashWithoutUsableBasicCredentials(String authorization) {
        AccessLogEntry e = entry(Headers.of("Authorization", authorization), new Headers());
        assertThat(format("%(u)s", e)).isEqualTo("-");
    }

    @Test
    void userIsADashWhenTheNameIsNotUtf8() {
        String header = "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, ':', 'p'});
        assertThat(format("%(u)s", entry(Headers.of("Authorization", header), new Headers()))).isEqualTo("-");
    }

    @Test
    void quotesAndBackslashesAreEscaped() {
        AccessLogEntry e = entry(Headers.of("User-Agent", "evil\" \"injected\\"), new Headers());
        assertThat(format("\"%(a)s\"", e)).isEqualTo("\"evil\\\" \\\"injected\\\\\"");
    }

    @Test
    void controlCharactersAndDelAreEscapedAsHex() {
        AccessLogEntry e = entry(Headers.of("Referer", "a\r\nb\tc\u0000d\u007fe\u0085f\u00e9"), new Headers());
        assertThat(format("%(f)s", e)).isEqualTo("a\\x0d\\x0ab\\x09c\\x00d\\x7fe\\x85f\u00e9");
    }

    @Test
    void everyRequestDerivedValueIsEscaped() {
        AccessLogEntry e = new AccessLogEntry("1\"", "G\"", "/\"", "/p\"", "q\"", "H\"", 200, 0, START, 0, 1,
                Headers.of("X", "\n"), Headers.of("Y", "\""));
        assertThat(format("%(h)s %(r)s %(m)s %(U)s %(q)s %(H)s %({x}i)s %({y}o)s", e))
                .isEqualTo("1\\\" G\\\" /\\\" H\\\" G\\\" /p\\\" q\\\" H\\\" \\x0a \\\"");
    }

    @Test
    void literalTextIsKeptAndPercentPercentIsAPercent() {
        assertThat(format("status=%(s)s 100%% done (%(m)s)", sample())).isEqualTo("status=200 100% done (GET)");
        assertThat(format("", sample())).isEmpty();
        assertThat(format("no atoms", sample())).isEqualTo("no atoms");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            %(z)s            | unknown atom %(z)s
            %(hh)s           | unknown atom %(hh)s
            %()s             | unknown atom %()s
            %({x}z)s         | unknown atom %({x}z)s
            %({}i)s          | unknown atom %({}i)s
            %(h)d            | %(h) must be followed by 's', as in %(h)s
            %(h)             | %(h) must be followed by 's', as in %(h)s
            %(h              | unclosed '%(' at index 0
            'a % b'          | stray '%' at index 2 (write %% for a literal %)
            100%             | stray '%' at index 3 (write %% for a literal %)
            """)
    void rejectsMalformedFormatsNamingTheProblem(String format, String message) {
        assertThatThrownBy(() -> AccessLogFormat.compile(format))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void formatToAppendsToTheBuilder() {
        StringBuilder sb = new StringBuilder("access: ");
        AccessLogFormat.compile("%(s)s %(m)s", UTC).formatTo(sb, sample());
        assertThat(sb).hasToString("access: 200 GET");
    }

    @Test
    void keepsThePattern() {
        assertThat(AccessLogFormat.compile(GUNICORN_DEFAULT).pattern()).isEqualTo(GUNICORN_DEFAULT);
        assertThat(AccessLogFormat.compile(GUNICORN_DEFAULT)).hasToString(GUNICORN_DEFAULT);
    }
}
