package dev.unicorn.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.Cookie;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adapter's small codecs: request paths, forms, cookies, dates, Accept-Language. */
class CodecTest {
    @Test
    void pathsAreDecodedWithoutPathParametersAndWithDotSegmentsResolved() {
        assertThat(PathDecoder.decode("/a%20b/%C3%A9")).isEqualTo("/a b/é");
        assertThat(PathDecoder.decode("/a;x=1/b;jsessionid=2")).isEqualTo("/a/b");
        assertThat(PathDecoder.decode("/a/./b/../c/")).isEqualTo("/a/c/");
        assertThat(PathDecoder.decode("/a/..")).isEqualTo("/");
        assertThat(PathDecoder.decode("/")).isEqualTo("/");
    }

    @Test
    void ambiguousPathsAreRefused() {
        for (String bad : List.of("/a%2Fb", "/a%5Cb", "/a%00", "/%2e%2e/x", "/a/%2E/b", "/a//b", "/..", "/a/../../b",
                "/a%zz", "/a%C3", "/a%", "x")) {
            assertThatThrownBy(() -> PathDecoder.decode(bad)).as(bad).isInstanceOf(PathDecoder.AmbiguousPathException.class);
        }
    }

    @Test
    void formsDecodeInOrderWithPlusAsSpaceAndEmptyValues() {
        Map<String, List<String>> p = new LinkedHashMap<>();
        FormDecoder.decode("b=2&a=1&b=3&c&d=&e=%C3%A9+x&&", StandardCharsets.UTF_8, p, 100);
        assertThat(p).containsExactly(Map.entry("b", List.of("2", "3")), Map.entry("a", List.of("1")),
                Map.entry("c", List.of("")), Map.entry("d", List.of("")), Map.entry("e", List.of("é x")));
    }

    @Test
    void formsOverTheKeyLimitOrMalformedAreRejectedWith400() {
        Map<String, List<String>> p = new LinkedHashMap<>();
        assertThatThrownBy(() -> FormDecoder.decode("a=1&b=2&c=3", StandardCharsets.UTF_8, p, 2))
                .isInstanceOfSatisfying(RequestRejectedException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> FormDecoder.decode("a=%G1", StandardCharsets.UTF_8, new LinkedHashMap<>(), 10))
                .isInstanceOf(RequestRejectedException.class);
    }

    @Test
    void cookieHeadersAreParsedLeniently() {
        List<Cookie> cookies = CookieCodec.parse(List.of("a=1; b=\"two\"; bad; =x; c=", "d=4"));
        assertThat(cookies).extracting(c -> c.getName() + "=" + c.getValue()).containsExactly("a=1", "b=two", "c=", "d=4");
    }

    @Test
    void setCookieCarriesEveryAttributeOthersInNameOrderAsJettyWrites() {
        Cookie c = new Cookie("id", "v");
        c.setPath("/");
        c.setMaxAge(60);
        c.setSecure(true);
        c.setHttpOnly(true);
        c.setAttribute("SameSite", "Lax");
        c.setAttribute("Partitioned", "");
        assertThat(CookieCodec.format(c, 0)).isEqualTo(
                "id=v; Path=/; Expires=Thu, 01 Jan 1970 00:01:00 GMT; Max-Age=60; Secure; HttpOnly; Partitioned; SameSite=Lax");
        Cookie gone = new Cookie("gone", "");
        gone.setMaxAge(0);
        assertThat(CookieCodec.format(gone, 123456)).isEqualTo("gone=; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    }

    @Test
    void httpDatesInAllThreeForms() {
        long expected = 784111777000L;
        assertThat(HttpFields.parseDate("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(expected);
        assertThat(HttpFields.parseDate("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(expected);
        assertThat(HttpFields.parseDate("Sun Nov  6 08:49:37 1994")).isEqualTo(expected);
        assertThat(HttpFields.formatDate(expected)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThatThrownBy(() -> HttpFields.parseDate("yesterday")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptLanguageIsOrderedByQuality() {
        assertThat(HttpFields.parseAcceptLanguage(List.of("fr;q=0.5, en-GB, de;q=0, *;q=0.1", "es;q=0.5")))
                .containsExactly(Locale.forLanguageTag("en-GB"), Locale.FRENCH, Locale.forLanguageTag("es"));
    }
}
