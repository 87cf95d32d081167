package dev.unicorn.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.servlet.ServletApp;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code HttpServletResponse} does on the wire: buffering and commit, framing, trailers,
 * redirects, and the {@link IllegalStateException}s the API specifies after commit.
 */
class ServletResponseTest {
    /** A servlet body that may throw. */
    interface Body {
        void run(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException;
    }

    private static Containers.Running serve(Body body) {
        ServletApp app = new ServletApp();
        app.addServlet("s", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                body.run(req, resp);
            }
        }, "/");
        return Containers.unicorn(app);
    }

    private static RawResponse answer(Body body) throws Exception {
        try (Containers.Running server = serve(body)) {
            return server.get("/");
        }
    }

    /** Runs {@code action} and tells whether it threw IllegalStateException. */
    interface Action {
        void run() throws Exception;
    }

    private static String throwsIse(Action action) {
        try {
            action.run();
            return "no";
        } catch (IllegalStateException e) {
            return "ISE";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    @Test
    void aBodyThatFitsTheBufferGetsAContentLength() throws Exception {
        RawResponse r = answer((req, resp) -> resp.getWriter().print("small"));
        assertThat(r.header("Content-Length")).isEqualTo("5");
        assertThat(r.chunked()).isFalse();
        assertThat(r.bodyText()).isEqualTo("small");
    }

    @Test
    void outgrowingTheBufferCommitsAndChunksTheRest() throws Exception {
        RawResponse r = answer((req, resp) -> {
            resp.setBufferSize(1024);
            resp.getOutputStream().write(new byte[1000]);
            boolean before = resp.isCommitted();
            resp.getOutputStream().write(new byte[100]);
            resp.setHeader("X-Late", "ignored");
            resp.setStatus(500);
            resp.getOutputStream().write((" before=" + before + " after=" + resp.isCommitted()).getBytes());
        });
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.chunked()).isTrue();
        assertThat(r.header("X-Late")).isNull();
        assertThat(r.bodyText()).endsWith(" before=false after=true");
        assertThat(r.body()).hasSize(1100 + " before=false after=true".length());
    }

    @Test
    void flushBufferCommitsStatusAndHeaders() throws Exception {
        RawResponse r = answer((req, resp) -> {
            resp.setStatus(202);
            resp.setHeader("X-Early", "1");
            resp.getWriter().print("a");
            resp.flushBuffer();
            resp.setHeader("X-Late", "1");
            resp.getWriter().print("b");
        });
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.header("X-Early")).isEqualTo("1");
        assertThat(r.header("X-Late")).isNull();
        assertThat(r.bodyText()).isEqualTo("ab");
    }

    @Test
    void afterCommitTheApiRefusesWhatWouldChangeTheHead() throws Exception {
        RawResponse r = answer((req, resp) -> {
            resp.getWriter().print("x");
            resp.flushBuffer();
            resp.getWriter().print(" sendError=" + throwsIse(() -> resp.sendError(500))
                    + " sendRedirect=" + throwsIse(() -> resp.sendRedirect("/x"))
                    + " reset=" + throwsIse(resp::reset)
                    + " resetBuffer=" + throwsIse(resp::resetBuffer)
                    + " setBufferSize=" + throwsIse(() -> resp.setBufferSize(10))
                    + " setTrailerFields=" + throwsIse(() -> resp.setTrailerFields(Map::of)));
        });
        assertThat(r.bodyText()).isEqualTo("x sendError=ISE sendRedirect=ISE reset=ISE resetBuffer=ISE setBufferSize=ISE setTrailerFields=ISE");
    }

    @Test
    void theOutputStreamAndTheWriterExcludeEachOther() throws Exception {
        RawResponse r = answer((req, resp) -> {
            resp.getOutputStream();
            String writer = throwsIse(resp::getWriter);
            resp.getOutputStream().print("writer=" + writer);
        });
        assertThat(r.bodyText()).isEqualTo("writer=ISE");
    }

    @Test
    void trailerFieldsFollowAChunkedBody() throws Exception {
        try (Containers.Running server = serve((req, resp) -> {
            resp.setTrailerFields(() -> Map.of("X-Checksum", "42"));
            resp.getWriter().print("body");
        }); RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            String raw = client.send("GET / HTTP/1.1\r\nHost: h\r\nTE: trailers\r\nConnection: close\r\n\r\n").readUntilClosed();
            assertThat(raw).contains("Transfer-Encoding: chunked\r\n").doesNotContain("Content-Length");
            assertThat(raw).endsWith("\r\n4\r\nbody\r\n0\r\nX-Checksum: 42\r\n\r\n");
        }
    }

    @Test
    void anHttp10RequestCannotHaveTrailers() throws Exception {
        try (Containers.Running server = serve((req, resp) ->
                resp.getWriter().print("trailers=" + throwsIse(() -> resp.setTrailerFields(Map::of))))) {
            RawResponse r = server.send("GET / HTTP/1.0\r\n\r\n");
            assertThat(r.bodyText()).isEqualTo("trailers=ISE");
        }
    }

    @Test
    void aHeadRequestGetsTheHeadersOfTheGetWithoutTheBody() throws Exception {
        try (Containers.Running server = serve((req, resp) -> {
            resp.setContentType("text/plain");
            resp.getWriter().print(req.getMethod().equals("HEAD") ? "head-body-ignored" : "get");
        })) {
            RawResponse r = server.send("HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
            assertThat(r.header("Content-Type")).isEqualTo("text/plain;charset=ISO-8859-1");
        }
    }

    @Test
    void sendRedirectTakesAStatusAndCanKeepTheBuffer() throws Exception {
        RawResponse r = answer((req, resp) -> {
            resp.getWriter().print("moved");
            resp.sendRedirect("/new?x=1", 307, false);
            resp.getWriter().print(" ignored");
        });
        assertThat(r.status()).isEqualTo(307);
        assertThat(r.header("Location")).isEqualTo("/new?x=1");
        assertThat(r.bodyText()).isEqualTo("moved");
    }

    @Test
    void writesAfterSendErrorAreDroppedAndTheDefaultPageNamesTheStatus() throws Exception {
        RawResponse r = answer((req, resp) -> {
            resp.sendError(403, "no <entry>");
            resp.getWriter().print("dropped");
        });
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("Content-Type")).isEqualTo("text/html;charset=ISO-8859-1");
        assertThat(r.header("Cache-Control")).isEqualTo("must-revalidate,no-cache,no-store");
        assertThat(r.bodyText()).contains("<h2>HTTP ERROR 403 Forbidden</h2>", "no &lt;entry&gt;").doesNotContain("dropped");
    }

    @Test
    void anExceptionBeforeCommitBecomesA500WithoutTheStackTrace() throws Exception {
        RawResponse r = answer((req, resp) -> {
            resp.getWriter().print("partial");
            throw new IllegalStateException("secret detail");
        });
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.bodyText()).doesNotContain("partial", "at dev.unicorn");
    }

    @Test
    void anExceptionAfterCommitAbortsTheResponse() throws Exception {
        try (Containers.Running server = serve((req, resp) -> {
            resp.getWriter().print("started");
            resp.flushBuffer();
            throw new IllegalStateException("late");
        }); RawClient client = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(10))) {
            String raw = client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").readUntilClosed();
            assertThat(raw).startsWith("HTTP/1.1 200 ").contains("started").doesNotEndWith("0\r\n\r\n");
        }
    }

    @Test
    void setContentLengthEndsTheResponseOnceReached() throws Exception {
        RawResponse r = answer((req, resp) -> {
            resp.setContentLength(3);
            resp.getOutputStream().write("abcdef".getBytes());
            resp.getOutputStream().write("more".getBytes());
        });
        assertThat(r.header("Content-Length")).isEqualTo("3");
        assertThat(r.bodyText()).isEqualTo("abc");
    }

    @Test
    void resetBufferKeepsStatusAndHeadersButDropsTheBody() throws Exception {
        RawResponse r = answer((req, resp) -> {
            resp.setStatus(201);
            resp.setHeader("X-Keep", "1");
            resp.getWriter().print("dropped");
            resp.resetBuffer();
            resp.getWriter().print("kept");
        });
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("X-Keep")).isEqualTo("1");
        assertThat(r.bodyText()).isEqualTo("kept");
    }

    @Test
    void aLargeBodyWrittenThroughTheWriterArrivesWhole() throws Exception {
        String big = "\u00e9".repeat(100_000);
        RawResponse r = answer((req, resp) -> {
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().print(big);
        });
        assertThat(r.bodyText()).isEqualTo(big);
    }
}
