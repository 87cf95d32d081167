package dev.unicorn.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.examples.ExternalCommand;
import dev.unicorn.examples.ServletHello;
import dev.unicorn.servlet.ServletApp;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The facade ({@code new Unicorn(servlet)}, {@code new Unicorn(servletApp)}), the servlet
 * example under curl, start failures, and filter order.
 */
class UnicornServletTest {
    @Test
    void aSingleServletServesEveryPathAsTheDefaultServlet() {
        RunningServer server = new Unicorn(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print(req.getServletPath() + " " + req.getPathInfo() + " "
                        + req.getHttpServletMapping().getMappingMatch());
            }
        }).externalConfig(false).bind("127.0.0.1:0").start();
        try {
            RawResponse r;
            try (RawClient client = RawClient.connect("127.0.0.1", server.port())) {
                r = client.send("GET /any/path HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").readResponse();
            }
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("/any/path null DEFAULT");
        } finally {
            server.stop();
        }
    }

    @Test
    void curlGetsTheServletHelloAndItsEcho() {
        Assumptions.assumeTrue(ExternalCommand.onPath("curl"), "curl is not installed");
        try (Containers.Running server = Containers.unicorn(ServletHello.app())) {
            String base = "http://127.0.0.1:" + server.port();
            ExternalCommand hello = ExternalCommand.run(30, List.of("curl", "-sS", "-i", base + "/"));
            assertThat(hello.stdout()).startsWith("HTTP/1.1 200").contains("Content-Type: text/plain;charset=utf-8")
                    .endsWith("\r\n\r\nHello, World!\n");
            ExternalCommand echo = ExternalCommand.run(30, List.of("curl", "-sS", "-H", "Content-Type: application/json",
                    "--data-binary", "{\"a\":1}", base + "/echo"));
            assertThat(echo.stdout()).isEqualTo("{\"a\":1}");
        }
    }

    @Test
    void aFaultyFilterMakesTheServerFailToStart() {
        ServletApp app = new ServletApp();
        app.addFilter("faulty", new Filter() {
            @Override
            public void init(FilterConfig config) throws ServletException {
                throw new ServletException("faulty filter");
            }

            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) {
            }
        }, "/*");
        assertThatThrownBy(() -> new Unicorn(app).externalConfig(false).bind("127.0.0.1:0").start())
                .hasStackTraceContaining("faulty filter");
    }

    @Test
    void filtersRunInDeclarationOrderUrlPatternsBeforeServletNamesAndMatchBeforeFirst() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        ServletApp app = new ServletApp();
        app.addServlet("target", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                order.add("servlet");
                resp.getWriter().print(String.join(",", order));
            }
        }, "/t/*");
        app.addFilter("byName", recording("byName", order)).addMappingForServletNames(null, true, "target");
        app.addFilter("second", recording("second", order), "/t/*");
        app.addFilter("third", recording("third", order), "/*");
        app.addFilter("first", recording("first", order))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/t/*");
        app.addFilter("errorsOnly", recording("errorsOnly", order))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.ERROR), true, "/*");
        app.addFilter("elsewhere", recording("elsewhere", order), "/other/*");
        try (Containers.Running server = Containers.unicorn(app)) {
            assertThat(server.get("/t/x").bodyText()).isEqualTo("first,second,third,byName,servlet");
        }
    }

    @Test
    void aFilterMayAnswerWithoutCallingTheChain() throws Exception {
        ServletApp app = new ServletApp();
        app.addServlet("never", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                throw new AssertionError("the filter answered");
            }
        }, "/");
        app.addFilter("guard", (Filter) (req, resp, chain) -> ((HttpServletResponse) resp).sendError(401), "/*");
        try (Containers.Running server = Containers.unicorn(app)) {
            assertThat(server.get("/x").status()).isEqualTo(401);
        }
    }

    /** Spring Boot expects it (errorPageFromPutRequest); Jetty's default error handler serves only GET, POST and HEAD. */
    @Test
    void theErrorPageAnswersAPutAsAGetWithTheOriginalMethodInAnAttribute() throws Exception {
        Containers.WebApp webApp = new Containers.WebApp("", new DifferentialApp()).withErrorPage(500, "/error-page");
        try (Containers.Running server = Containers.unicorn(webApp)) {
            RawResponse r = server.send("PUT /throw/io?p=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.bodyText()).contains("servlet=errorpage\n", "method=GET\n", "dispatcherType=ERROR\n",
                    "jakarta.servlet.error.method=PUT\n", "jakarta.servlet.error.query_string=p=1\n",
                    "jakarta.servlet.error.exception=java.io.IOException: boom-io\n");
        }
    }

    @Test
    void aStoppedApplicationAnswers503() throws Exception {
        ServletApp app = ServletApp.of(new HttpServlet() {
        });
        try (Containers.Running server = Containers.unicorn(app, u -> u.gracefulTimeout(Duration.ofSeconds(1)))) {
            app.stop();
            assertThat(server.get("/").status()).isEqualTo(503);
        }
    }

    @Test
    void stoppingTheServerDestroysTheServletAndThenTellsTheContextListeners() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ServletApp app = ServletApp.of(new HttpServlet() {
            @Override
            public void destroy() {
                events.add("servlet destroyed");
            }
        });
        app.addListener(new jakarta.servlet.ServletContextListener() {
            @Override
            public void contextDestroyed(jakarta.servlet.ServletContextEvent event) {
                events.add("context destroyed");
            }
        });
        RunningServer server = new Unicorn(app).externalConfig(false).bind("127.0.0.1:0").start();
        try (RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            // the first request initialises the servlet (no load-on-startup): only then is there one to destroy
            assertThat(client.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").readResponse().status())
                    .isEqualTo(405);
        }
        assertThat(events).isEmpty();
        server.stop();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (events.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10); // the application is stopped by the server's termination thread
        }
        assertThat(events).containsExactly("servlet destroyed", "context destroyed");
    }

    private static Filter recording(String name, List<String> order) {
        return (req, resp, chain) -> {
            order.add(name);
            chain.doFilter(req, resp);
        };
    }
}
