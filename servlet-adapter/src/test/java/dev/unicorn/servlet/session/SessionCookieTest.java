package dev.unicorn.servlet.session;

import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpSession;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionCookieTest {
    private static final String UNKNOWN = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

    private final TestContext.Clock clock = new TestContext.Clock();
    private final SessionStore store = new SessionStore(TestContext.withPath(""), clock, 100);
    private final SessionCookieConfig config = store.cookieConfig();

    @Test
    @SuppressWarnings("removal")
    void theDefaultConfigurationIsJsessionidHttpOnlyWithoutMaxAge() {
        assertThat(config.getName()).isEqualTo("JSESSIONID");
        assertThat(config.isHttpOnly()).isTrue();
        assertThat(config.isSecure()).isFalse();
        assertThat(config.getMaxAge()).isEqualTo(-1);
        assertThat(config.getPath()).isNull();
        assertThat(config.getDomain()).isNull();
        assertThat(config.getComment()).isNull();
        assertThat(config.getAttributes()).containsExactly(Map.entry("HttpOnly", ""));
    }

    @Test
    void theDefaultCookieOfTheRootContextHasPathSlashAndHttpOnly() {
        HttpSession s = store.create();
        assertThat(store.setCookie(s, false)).isEqualTo("JSESSIONID=" + s.getId() + "; Path=/; HttpOnly");
    }

    @Test
    void theCookiePathDefaultsToTheContextPath() {
        SessionStore app = new SessionStore(TestContext.withPath("/shop"), clock, 10);
        HttpSession s = app.create();
        assertThat(app.setCookie(s, false)).isEqualTo("JSESSIONID=" + s.getId() + "; Path=/shop; HttpOnly");
    }

    @Test
    void everyConfiguredAttributeIsRenderedInAFixedOrderThenTheOthersByName() {
        config.setName("SID");
        config.setDomain("example.com");
        config.setPath("/a");
        config.setMaxAge(3600);
        config.setSecure(true);
        config.setAttribute("SameSite", "Lax");
        config.setAttribute("Partitioned", "");
        config.setAttribute("Priority", "High");
        HttpSession s = store.create();
        assertThat(store.setCookie(s, false)).isEqualTo("SID=" + s.getId()
                + "; Path=/a; Domain=example.com; Max-Age=3600; Expires=Fri, 02 Jan 2026 04:04:05 GMT; Secure;"
                + " HttpOnly; SameSite=Lax; Partitioned; Priority=High");
    }

    @Test
    void aMaxAgeOfZeroExpiresAtTheEpoch() {
        config.setMaxAge(0);
        HttpSession s = store.create();
        assertThat(store.setCookie(s, false))
                .endsWith("; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly");
    }

    @Test
    void aSecureRequestMarksTheCookieSecure() {
        config.setHttpOnly(false);
        HttpSession s = store.create();
        assertThat(store.setCookie(s, true)).isEqualTo("JSESSIONID=" + s.getId() + "; Path=/; Secure");
    }

    @Test
    void typedSettersAndAttributesAreOneCaseInsensitiveMap() {
        config.setAttribute("domain", "a.example");
        assertThat(config.getDomain()).isEqualTo("a.example");
        config.setMaxAge(60);
        assertThat(config.getAttribute("MAX-AGE")).isEqualTo("60");
        config.setAttribute("secure", "true");
        assertThat(config.isSecure()).isTrue();
        config.setAttribute("Secure", "false");
        assertThat(config.isSecure()).isFalse();
        config.setHttpOnly(false);
        assertThat(config.getAttributes()).containsOnlyKeys("domain", "Max-Age");
        config.setAttribute("Max-Age", null);
        assertThat(config.getMaxAge()).isEqualTo(-1);
    }

    @Test
    @SuppressWarnings("removal")
    void theCommentIsIgnoredAsInServletSix() {
        config.setComment("hello");
        config.setAttribute("Comment", "hello");
        assertThat(config.getComment()).isNull();
        assertThat(config.getAttributes()).doesNotContainKey("Comment");
    }

    @Test
    void badNamesAndValuesAreRefused() {
        assertThatThrownBy(() -> config.setName("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.setName("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.setName("$Version")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.setAttribute("a;b", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.setAttribute(null, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.setPath("/a; Domain=evil")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.setDomain("a\r\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.setAttribute("Max-Age", "soon")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> config.setAttribute("SameSite", "Sometimes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("SameSite must be Strict, Lax or None, not Sometimes");
        assertThatThrownBy(() -> config.setAttribute("Partitioned", "yes")).isInstanceOf(IllegalArgumentException.class);
        assertThat(config.getAttributes()).containsExactly(Map.entry("HttpOnly", ""));
    }

    @Test
    @SuppressWarnings("removal")
    void theCookieConfigurationIsFixedOnceTheContextIsInitialized() {
        store.freezeConfiguration();
        assertThatThrownBy(() -> config.setName("X")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> config.setSecure(true)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> config.setMaxAge(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> config.setAttribute("SameSite", "Lax")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> config.setComment("c")).isInstanceOf(IllegalStateException.class);
        assertThat(config.getName()).isEqualTo("JSESSIONID");
    }

    @Test
    void cookieIsTheDefaultAndEffectiveTrackingMode() {
        assertThat(store.defaultSessionTrackingModes()).containsExactly(SessionTrackingMode.COOKIE);
        assertThat(store.effectiveSessionTrackingModes()).containsExactly(SessionTrackingMode.COOKIE);
    }

    @Test
    void urlAndSslTrackingAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> store.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.URL)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Session tracking mode URL is not supported: Unicorn tracks sessions with cookies only (COOKIE)");
        assertThatThrownBy(() -> store.setSessionTrackingModes(
                EnumSet.of(SessionTrackingMode.COOKIE, SessionTrackingMode.SSL)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SSL is not supported");
        assertThat(store.effectiveSessionTrackingModes()).containsExactly(SessionTrackingMode.COOKIE);
    }

    @Test
    void anEmptySetOfTrackingModesTurnsTrackingOff() {
        HttpSession s = store.create();
        store.setSessionTrackingModes(Set.of());
        assertThat(store.effectiveSessionTrackingModes()).isEmpty();
        assertThat(store.requestedSessionId(List.of("JSESSIONID=" + s.getId()))).isNull();
        store.setSessionTrackingModes(Set.of(SessionTrackingMode.COOKIE));
        assertThat(store.effectiveSessionTrackingModes()).containsExactly(SessionTrackingMode.COOKIE);
    }

    @Test
    void trackingModesAreFixedOnceTheContextIsInitialized() {
        store.freezeConfiguration();
        assertThatThrownBy(() -> store.setSessionTrackingModes(Set.of(SessionTrackingMode.COOKIE)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theRequestedIdIsTheValueOfTheSessionCookieAmongOthers() {
        HttpSession s = store.create();
        assertThat(store.requestedSessionId(List.of("theme=dark; JSESSIONID=" + s.getId() + "; lang=en")))
                .isEqualTo(s.getId());
    }

    @Test
    void ofTwoSessionCookiesTheFirstThatNamesALiveSessionWins() {
        HttpSession s = store.create();
        assertThat(store.requestedSessionId(List.of("JSESSIONID=" + UNKNOWN + "; JSESSIONID=" + s.getId())))
                .isEqualTo(s.getId());
        assertThat(store.requestedSessionId(List.of("JSESSIONID=" + UNKNOWN, "JSESSIONID=" + s.getId())))
                .isEqualTo(s.getId());
    }

    @Test
    void withoutALiveSessionTheFirstWellFormedIdIsTheRequestedOne() {
        String other = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
        assertThat(store.requestedSessionId(List.of("JSESSIONID=garbage; JSESSIONID=" + UNKNOWN + "; JSESSIONID=" + other)))
                .isEqualTo(UNKNOWN);
        assertThat(store.isValid(UNKNOWN)).isFalse();
    }

    @Test
    void aQuotedSessionCookieValueIsUnquoted() {
        HttpSession s = store.create();
        assertThat(store.requestedSessionId(List.of("JSESSIONID=\"" + s.getId() + "\""))).isEqualTo(s.getId());
    }

    @Test
    void cookiesOfOtherNamesOrMalformedValuesRequestNothing() {
        HttpSession s = store.create();
        assertThat(store.requestedSessionId(List.of())).isNull();
        assertThat(store.requestedSessionId(List.of("jsessionid=" + s.getId()))).isNull();
        assertThat(store.requestedSessionId(List.of("XJSESSIONID=" + s.getId() + "; JSESSIONID"))).isNull();
        assertThat(store.requestedSessionId(List.of("JSESSIONID=" + s.getId() + "!"))).isNull();
        assertThat(store.requestedSessionId(List.of("JSESSIONID=" + s.getId().substring(1)))).isNull();
    }

    @Test
    void theRequestedIdFollowsARenamedCookie() {
        config.setName("SID");
        HttpSession s = store.create();
        assertThat(store.requestedSessionId(List.of("JSESSIONID=" + s.getId()))).isNull();
        assertThat(store.requestedSessionId(List.of(" SID = " + s.getId()))).isEqualTo(s.getId());
    }
}
