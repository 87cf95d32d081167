package dev.unicorn.servlet.session;

import com.sun.net.httpserver.HttpServer;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * curl, with a cookie jar, against a small JDK HTTP server on a real socket that tracks
 * sessions with the store the way the container will: curl must accept our Set-Cookie and
 * send the session back, under the context path only.
 */
class CurlSessionCookieTest {
    @TempDir
    Path dir;

    private final SessionStore store = new SessionStore(TestContext.withPath("/app"), InstantSource.system(), 100);
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        store.cookieConfig().setAttribute("SameSite", "Lax");
        store.freezeConfiguration();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            List<String> cookies = exchange.getRequestHeaders().getOrDefault("Cookie", List.of());
            String requested = store.requestedSessionId(cookies);
            String answer;
            if (!exchange.getRequestURI().getPath().startsWith("/app/")) {
                answer = "outside, requested " + requested;
            } else {
                HttpSession session = store.access(requested);
                if (session == null) {
                    session = store.create();
                    exchange.getResponseHeaders().add("Set-Cookie", store.setCookie(session, false));
                    answer = "created " + session.getId();
                } else {
                    answer = "joined " + session.getId() + " new=" + session.isNew();
                }
                store.release(session);
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        store.close();
    }

    private String curl(String path) throws Exception {
        Path jar = dir.resolve("cookies.txt");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail", "-c", jar.toString(), "-b",
                jar.toString(), "http://127.0.0.1:" + server.getAddress().getPort() + path));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void curlKeepsTheSessionCookieAndSendsItBackUnderTheContextPathOnly() throws Exception {
        String first = curl("/app/a");
        assertThat(first).matches("created [A-Za-z0-9_-]{32}");
        String id = first.substring("created ".length());
        assertThat(curl("/app/b")).isEqualTo("joined " + id + " new=false");
        assertThat(curl("/other")).isEqualTo("outside, requested null");
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void anInvalidatedSessionMakesTheNextRequestStartAFreshOne() throws Exception {
        String id = curl("/app/a").substring("created ".length());
        HttpSession session = store.access(id);
        store.release(session);
        session.invalidate();
        String next = curl("/app/a");
        assertThat(next).startsWith("created ").isNotEqualTo("created " + id);
    }
}
