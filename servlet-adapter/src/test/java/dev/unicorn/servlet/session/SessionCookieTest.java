package dev.unicorn.servlet.session;

import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpSession;
import java.util.EnumSet;
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

    private static Cookie[] cookies(String... nameValues) {
        Cookie[] out = new Cookie[nameValues.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Cookie(nameValues[2 * i], nameValues[2 * i + 1]);
        }
        return out;
    }

    @Test
    void theDefaultCookieOfTheRootContextHasPathSlashAndHttpOnly() {
        HttpSession s = store.create();
        Cookie c = store.sessionCookie(s, false);
        assertThat(c.getName()).isEqualTo("JSESSIONID");
        assertThat(c.getValue()).isEqualTo(s.getId());
        assertThat(c.getPath()).isEqualTo("/");
        assertThat(c.isHttpOnly()).isTrue();
        assertThat(c.getSecure()).isFalse();
        assertThat(c.getMaxAge()).isEqualTo(-1);
        assertThat(c.getDomain()).isNull();
    }

    @Test
    void theCookiePathDefaultsToTheContextPath() {
        SessionStore app = new SessionStore(TestContext.withPath("/shop"), clock, 10);
        HttpSession s = app.create();
        assertThat(app.sessionCookie(s, false).getPath()).isEqualTo("/shop");
    }

    @Test
    void everyConfiguredAttributeIsCarriedToTheCookie() {
        config.setName("SID");
        config.setDomain("example.com");
        config.setPath("/a");
        config.setMaxAge(3600);
        config.setSecure(true);
        config.setAttribute("SameSite", "Lax");
        config.setAttribute("Partitioned", "");
        config.setAttribute("Priority", "High");
        HttpSession s = store.create();
        Cookie c = store.sessionCookie(s, false);
        assertThat(c.getName()).isEqualTo("SID");
        assertThat(c.getPath()).isEqualTo("/a");
        assertThat(c.getDomain()).isEqualTo("example.com");
        assertThat(c.getMaxAge()).isEqualTo(3600);
        assertThat(c.getSecure()).isTrue();
        assertThat(c.isHttpOnly()).isTrue();
        assertThat(c.getAttribute("SameSite")).isEqualTo("Lax");
        assertThat(c.getAttribute("Partitioned")).isEmpty();
        assertThat(c.getAttribute("Priority")).isEqualTo("High");
    }

    @Test
    void aMaxAgeOfZeroIsKeptForTheCookie() {
        config.setMaxAge(0);
        HttpSession s = store.create();
        assertThat(store.sessionCookie(s, false).getMaxAge()).isZero();
    }

    @Test
    void aSecureRequestMarksTheCookieSecure() {
        config.setHttpOnly(false);
        HttpSession s = store.create();
        Cookie c = store.sessionCookie(s, true);
        assertThat(c.getSecure()).isTrue();
        assertThat(c.isHttpOnly()).isFalse();
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
    void aContainerGuardRefusesChangesBeforeTheStoreIsFrozen() {
        CookieConfig guarded = new CookieConfig(() -> {
            throw new IllegalStateException("the servlet context is already initialised");
        });
        assertThatThrownBy(() -> guarded.setName("X")).isInstanceOf(IllegalStateException.class)
                .hasMessage("the servlet context is already initialised");
        assertThatThrownBy(() -> guarded.setAttribute("SameSite", "Lax")).isInstanceOf(IllegalStateException.class);
        assertThat(guarded.getName()).isEqualTo("JSESSIONID");
    }

    @Test
    void theStoreRendersFromTheConfigurationItWasGiven() {
        CookieConfig shared = new CookieConfig();
        shared.setName("SID");
        SessionStore app = new SessionStore(TestContext.withPath(""), clock, 10, shared);
        assertThat(app.cookieConfig()).isSameAs(shared);
        assertThat(app.sessionCookie(app.create(), false).getName()).isEqualTo("SID");
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
        assertThat(store.requestedSessionId(cookies("JSESSIONID", s.getId()))).isNull();
        assertThat(store.isTracking()).isFalse();
        store.setSessionTrackingModes(Set.of(SessionTrackingMode.COOKIE));
        assertThat(store.isTracking()).isTrue();
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
        assertThat(store.requestedSessionId(cookies("theme", "dark", "JSESSIONID", s.getId(), "lang", "en")))
                .isEqualTo(s.getId());
    }

    @Test
    void ofTwoSessionCookiesTheFirstThatNamesALiveSessionWins() {
        HttpSession s = store.create();
        assertThat(store.requestedSessionId(cookies("JSESSIONID", UNKNOWN, "JSESSIONID", s.getId())))
                .isEqualTo(s.getId());
    }

    @Test
    void withoutALiveSessionTheFirstWellFormedIdIsTheRequestedOne() {
        String other = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
        assertThat(store.requestedSessionId(cookies("JSESSIONID", "garbage", "JSESSIONID", UNKNOWN, "JSESSIONID", other)))
                .isEqualTo(UNKNOWN);
        assertThat(store.isValid(UNKNOWN)).isFalse();
    }

    @Test
    void cookiesOfOtherNamesOrMalformedValuesRequestNothing() {
        HttpSession s = store.create();
        assertThat(store.requestedSessionId(null)).isNull();
        assertThat(store.requestedSessionId(cookies())).isNull();
        assertThat(store.requestedSessionId(cookies("jsessionid", s.getId()))).isNull();
        assertThat(store.requestedSessionId(cookies("XJSESSIONID", s.getId(), "JSESSIONID", ""))).isNull();
        assertThat(store.requestedSessionId(cookies("JSESSIONID", s.getId() + "!"))).isNull();
        assertThat(store.requestedSessionId(cookies("JSESSIONID", s.getId().substring(1)))).isNull();
    }

    @Test
    void theRequestedIdFollowsARenamedCookie() {
        config.setName("SID");
        HttpSession s = store.create();
        assertThat(store.requestedSessionId(cookies("JSESSIONID", s.getId()))).isNull();
        assertThat(store.requestedSessionId(cookies("SID", s.getId()))).isEqualTo(s.getId());
    }
}
