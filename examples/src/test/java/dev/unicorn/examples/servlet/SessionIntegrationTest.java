package dev.unicorn.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.examples.ExternalCommand;
import dev.unicorn.servlet.ServletApp;
import dev.unicorn.servlet.session.InMemorySessions;
import dev.unicorn.test.RawResponse;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-memory sessions on by default in a {@link ServletApp}, over real sockets: curl with a
 * cookie jar (it keeps and returns the cookie the way a browser does) and raw requests for
 * the exact {@code Set-Cookie} bytes.
 */
class SessionIntegrationTest {
    private static final Pattern SESSION_COOKIE = Pattern.compile("JSESSIONID=([A-Za-z0-9_-]{32})");

    @TempDir
    Path dir;

    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void curlIsInstalled() {
        Assumptions.assumeTrue(ExternalCommand.onPath("curl"), "curl is not on PATH");
    }

    /** Counts visits in the session and answers "new|old count id"; /logout invalidates, /rotate changes the id. */
    private static final class Counter extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String path = req.getPathInfo() == null ? "" : req.getPathInfo();
            resp.setContentType("text/plain;charset=UTF-8");
            switch (path) {
                case "/logout" -> {
                    HttpSession s = req.getSession(false);
                    if (s != null) {
                        s.invalidate();
                    }
                    resp.getWriter().print("bye " + (s != null) + " " + req.isRequestedSessionIdValid());
                    return;
                }
                case "/rotate" -> {
                    String old = req.getSession().getId();
                    String now = req.changeSessionId();
                    resp.getWriter().print(old + " -> " + now + " " + req.getSession(false).getId());
                    return;
                }
                case "/late" -> {
                    resp.getWriter().print("committed ");
                    resp.flushBuffer();
                    try {
                        req.getSession();
                        resp.getWriter().print("created");
                    } catch (IllegalStateException e) {
                        resp.getWriter().print(e.getMessage());
                    }
                    return;
                }
                case "/peek" -> {
                    HttpSession s = req.getSession(false);
                    resp.getWriter().print(req.getRequestedSessionId() + " " + req.isRequestedSessionIdValid() + " "
                            + req.isRequestedSessionIdFromCookie() + " " + (s == null ? "none" : s.getId()));
                    return;
                }
                default -> {
                }
            }
            HttpSession s = req.getSession();
            Integer count = (Integer) s.getAttribute("count");
            count = count == null ? 1 : count + 1;
            s.setAttribute("count", count);
            resp.getWriter().print((s.isNew() ? "new " : "old ") + count + " " + s.getId() + " "
                    + s.getMaxInactiveInterval());
        }
    }

    private static ServletApp counterApp(String contextPath) {
        ServletApp app = new ServletApp(contextPath);
        app.addServlet("counter", new Counter(), "/c/*");
        return app;
    }

    private ExternalCommand curl(Containers.Running server, String path) {
        Path jar = dir.resolve("jar.txt");
        return ExternalCommand.run(30, List.of("curl", "-sS", "-i", "-c", jar.toString(), "-b", jar.toString(),
                "http://127.0.0.1:" + server.port() + path)).succeeded();
    }

    private static String body(ExternalCommand curl) {
        String out = curl.stdout();
        return out.substring(out.indexOf("\r\n\r\n") + 4);
    }

    private static String sessionIdIn(String text) {
        Matcher m = SESSION_COOKIE.matcher(text);
        assertThat(m.find()).as("a session cookie in %s", text).isTrue();
        return m.group(1);
    }

    @Test
    void theFirstGetSessionSendsAnHttpOnlyCookieForTheContextPathAndCurlGetsTheSameSessionBack() throws Exception {
        try (Containers.Running server = Containers.unicorn(counterApp("/shop"))) {
            ExternalCommand first = curl(server, "/shop/c/");
            String id = sessionIdIn(first.stdout());
            assertThat(first.stdout()).contains("\r\nSet-Cookie: JSESSIONID=" + id + "; Path=/shop; HttpOnly\r\n");
            assertThat(body(first)).isEqualTo("new 1 " + id + " 1800");
            ExternalCommand second = curl(server, "/shop/c/");
            assertThat(second.stdout()).doesNotContain("Set-Cookie");
            assertThat(body(second)).isEqualTo("old 2 " + id + " 1800");
            assertThat(Files.readString(dir.resolve("jar.txt"))).contains("#HttpOnly_127.0.0.1\tFALSE\t/shop\tFALSE\t0\tJSESSIONID\t" + id);
        }
    }

    @Test
    void aRequestWithoutTheCookieGetsItsOwnSession() {
        try (Containers.Running server = Containers.unicorn(counterApp(""))) {
            String a = sessionIdIn(server.get("/c/").headers().get("Set-Cookie"));
            RawResponse b = server.get("/c/");
            assertThat(b.bodyText()).startsWith("new 1 ");
            assertThat(sessionIdIn(b.headers().get("Set-Cookie"))).isNotEqualTo(a);
            assertThat(b.headers().get("Set-Cookie")).endsWith("; Path=/; HttpOnly");
        }
    }

    @Test
    void aSessionCreatedOnAnAsyncThreadSendsItsCookieAndServesTheNextRequest() {
        ServletApp app = counterApp("");
        app.addServlet("async", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext ac = req.startAsync();
                ac.start(() -> {
                    try {
                        HttpSession s = ((HttpServletRequest) ac.getRequest()).getSession();
                        ac.getResponse().getWriter().print("async " + s.isNew() + " " + s.getId());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } finally {
                        ac.complete();
                    }
                });
            }
        }, "/async").setAsyncSupported(true);
        try (Containers.Running server = Containers.unicorn(app)) {
            ExternalCommand async = curl(server, "/async");
            String id = sessionIdIn(async.stdout());
            assertThat(body(async)).isEqualTo("async true " + id);
            assertThat(body(curl(server, "/c/"))).isEqualTo("old 1 " + id + " 1800");
        }
    }

    @Test
    void noSessionCanBeCreatedOnceTheResponseIsCommitted() {
        try (Containers.Running server = Containers.unicorn(counterApp(""))) {
            RawResponse r = server.get("/c/late");
            assertThat(r.bodyText()).isEqualTo("committed Cannot create a session after the response has been committed");
            assertThat(r.headers().getAll("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void invalidateEndsTheSessionAndTheNextRequestStartsAFreshOne() {
        try (Containers.Running server = Containers.unicorn(counterApp("/shop"))) {
            String id = sessionIdIn(curl(server, "/shop/c/").stdout());
            curl(server, "/shop/c/");
            assertThat(body(curl(server, "/shop/c/logout"))).isEqualTo("bye true false");
            ExternalCommand after = curl(server, "/shop/c/");
            String fresh = sessionIdIn(after.stdout());
            assertThat(fresh).isNotEqualTo(id);
            assertThat(body(after)).isEqualTo("new 1 " + fresh + " 1800");
        }
    }

    @Test
    void changeSessionIdSendsTheNewIdAsCookieAndKeepsTheAttributes() {
        try (Containers.Running server = Containers.unicorn(counterApp(""))) {
            String id = sessionIdIn(curl(server, "/c/").stdout());
            ExternalCommand rotate = curl(server, "/c/rotate");
            String renamed = sessionIdIn(rotate.stdout());
            assertThat(renamed).isNotEqualTo(id);
            assertThat(rotate.stdout()).contains("\r\nSet-Cookie: JSESSIONID=" + renamed + "; Path=/; HttpOnly\r\n");
            assertThat(body(rotate)).isEqualTo(id + " -> " + renamed + " " + renamed);
            assertThat(body(curl(server, "/c/"))).isEqualTo("old 2 " + renamed + " 1800");
            RawResponse old = server.send("GET /c/peek HTTP/1.1\r\nHost: h\r\nCookie: JSESSIONID=" + id
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(old.bodyText()).isEqualTo(id + " false true none");
        }
    }

    @Test
    void theRequestedIdIsReportedValidOnlyWhileItNamesALiveSession() {
        try (Containers.Running server = Containers.unicorn(counterApp(""))) {
            String id = sessionIdIn(server.get("/c/").headers().get("Set-Cookie"));
            RawResponse peek = server.send("GET /c/peek HTTP/1.1\r\nHost: h\r\nCookie: theme=dark; JSESSIONID=" + id
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(peek.bodyText()).isEqualTo(id + " true true " + id);
            RawResponse garbage = server.send("GET /c/peek HTTP/1.1\r\nHost: h\r\nCookie: JSESSIONID=abc\r\nConnection: close\r\n\r\n");
            assertThat(garbage.bodyText()).isEqualTo("null false false none");
        }
    }

    private final class Recorder implements HttpSessionListener, HttpSessionIdListener, HttpSessionAttributeListener {
        @Override
        public void sessionCreated(HttpSessionEvent se) {
            events.add("created");
        }

        @Override
        public void sessionDestroyed(HttpSessionEvent se) {
            events.add("destroyed count=" + se.getSession().getAttribute("count"));
        }

        @Override
        public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
            events.add("id changed");
        }

        @Override
        public void attributeAdded(HttpSessionBindingEvent event) {
            events.add("added " + event.getName() + "=" + event.getValue());
        }

        @Override
        public void attributeReplaced(HttpSessionBindingEvent event) {
            events.add("replaced " + event.getName() + " old=" + event.getValue());
        }

        @Override
        public void attributeRemoved(HttpSessionBindingEvent event) {
            events.add("removed " + event.getName() + "=" + event.getValue());
        }
    }

    @Test
    void sessionListenersOfTheContextHearCreationAttributesIdChangeAndInvalidation() {
        ServletApp app = counterApp("").addListener(new Recorder());
        try (Containers.Running server = Containers.unicorn(app)) {
            curl(server, "/c/");
            curl(server, "/c/");
            curl(server, "/c/rotate");
            curl(server, "/c/logout");
        }
        assertThat(events).containsExactly("created", "added count=1", "replaced count old=1", "id changed",
                "destroyed count=2", "removed count=2");
    }

    @Test
    void stoppingTheApplicationDestroysTheLiveSessions() {
        ServletApp app = counterApp("").addListener(new Recorder());
        try (Containers.Running server = Containers.unicorn(app)) {
            curl(server, "/c/");
        }
        assertThat(events).containsExactly("created", "added count=1", "destroyed count=1", "removed count=1");
    }

    /** A clock the test moves. */
    private static final class TestClock implements InstantSource {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-02T03:04:05Z"));

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @Test
    void anIdleSessionExpiresAfterTheContextsTimeoutAndTheSweeperTellsTheListeners() throws Exception {
        TestClock clock = new TestClock();
        ServletApp app = counterApp("").addListener(new Recorder())
                .sessions(new InMemorySessions(clock, 100, Duration.ofMillis(20)));
        app.context().setSessionTimeout(2);
        try (Containers.Running server = Containers.unicorn(app)) {
            ExternalCommand first = curl(server, "/c/");
            String id = sessionIdIn(first.stdout());
            assertThat(body(first)).isEqualTo("new 1 " + id + " 120");
            clock.now.set(clock.now.get().plusSeconds(119));
            assertThat(body(curl(server, "/c/"))).isEqualTo("old 2 " + id + " 120");
            clock.now.set(clock.now.get().plusSeconds(120));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!events.contains("destroyed count=2") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(events).containsExactly("created", "added count=1", "replaced count old=1",
                    "destroyed count=2", "removed count=2");
            ExternalCommand after = curl(server, "/c/");
            assertThat(sessionIdIn(after.stdout())).isNotEqualTo(id);
            assertThat(body(after)).startsWith("new 1 ");
        }
    }

    @Test
    void aSessionAskedForAfterItExpiredIsGoneEvenBeforeTheSweeperRuns() {
        TestClock clock = new TestClock();
        ServletApp app = counterApp("").sessions(new InMemorySessions(clock, 100, Duration.ofHours(1)));
        app.context().setSessionTimeout(1);
        try (Containers.Running server = Containers.unicorn(app)) {
            String id = sessionIdIn(curl(server, "/c/").stdout());
            clock.now.set(clock.now.get().plusSeconds(61));
            assertThat(body(curl(server, "/c/peek"))).isEqualTo(id + " false true none");
        }
    }

    @Test
    void atTheSessionLimitANewClientIsAnswered503AndTheCurrentOneKeepsItsSession() {
        ServletApp app = counterApp("").sessions(new InMemorySessions(InstantSource.system(), 1, Duration.ofHours(1)));
        try (Containers.Running server = Containers.unicorn(app)) {
            String id = sessionIdIn(curl(server, "/c/").stdout());
            assertThat(server.get("/c/").status()).isEqualTo(503);
            assertThat(body(curl(server, "/c/"))).isEqualTo("old 2 " + id + " 1800");
        }
    }

    @Test
    void theContextsSessionCookieConfigShapesTheCookieAndIsFixedOnceStarted() {
        ServletApp app = counterApp("/shop");
        app.context().getSessionCookieConfig().setName("SID");
        app.context().getSessionCookieConfig().setAttribute("SameSite", "Strict");
        app.context().getSessionCookieConfig().setAttribute("Partitioned", "");
        app.context().getSessionCookieConfig().setSecure(true);
        try (Containers.Running server = Containers.unicorn(app)) {
            RawResponse r = server.get("/shop/c/");
            assertThat(r.headers().get("Set-Cookie")).matches(
                    "SID=[A-Za-z0-9_-]{32}; Path=/shop; Secure; HttpOnly; Partitioned; SameSite=Strict");
            assertThatThrownBy(() -> app.context().getSessionCookieConfig().setName("X"))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void withAnEmptySetOfTrackingModesSessionsExistButNoCookieIsSent() {
        ServletApp app = counterApp("");
        app.context().setSessionTrackingModes(java.util.Set.of());
        try (Containers.Running server = Containers.unicorn(app)) {
            RawResponse r = server.get("/c/");
            assertThat(r.bodyText()).startsWith("new 1 ");
            assertThat(r.headers().getAll("Set-Cookie")).isEmpty();
        }
    }
}
