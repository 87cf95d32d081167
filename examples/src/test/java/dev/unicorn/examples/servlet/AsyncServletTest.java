package dev.unicorn.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.servlet.ServletApp;
import dev.unicorn.test.RawResponse;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Servlet async on Unicorn's blocking worker models: complete and dispatch from other
 * threads, ASYNC dispatches through filters, timeouts, listeners, and the blocking-backed
 * read and write listeners.
 */
class AsyncServletTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    private final class Recording implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            events.add("complete");
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            events.add("timeout");
        }

        @Override
        public void onError(AsyncEvent event) {
            events.add("error " + event.getThrowable().getMessage());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            events.add("startAsync");
        }
    }

    private ServletApp app() {
        ServletApp app = new ServletApp().asyncTimeout(Duration.ofSeconds(20));
        app.addServlet("later", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext ac = req.startAsync();
                ac.addListener(new Recording());
                ac.start(() -> {
                    try {
                        ac.getResponse().setContentType("text/plain");
                        ac.getResponse().getWriter().print("from " + (Thread.currentThread().isVirtual() ? "an async thread" : "?"));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    ac.complete();
                });
            }
        }, "/later").setAsyncSupported(true);
        app.addServlet("hop", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                if (req.getDispatcherType() == DispatcherType.ASYNC) {
                    return;
                }
                AsyncContext ac = req.startAsync();
                ac.addListener(new Recording());
                new Thread(() -> ac.dispatch("/report/target?x=1")).start();
            }
        }, "/hop/*").setAsyncSupported(true);
        app.addServlet("report", new ReportServlet(), "/report/*").setAsyncSupported(true);
        app.addServlet("sleepy", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext ac = req.startAsync();
                ac.setTimeout(200);
                ac.addListener(new Recording());
                if (req.getParameter("answer") != null) {
                    ac.addListener(new AsyncListener() {
                        @Override
                        public void onTimeout(AsyncEvent event) throws IOException {
                            event.getAsyncContext().getResponse().getWriter().print("answered on timeout");
                            event.getAsyncContext().complete();
                        }

                        @Override
                        public void onComplete(AsyncEvent event) {
                        }

                        @Override
                        public void onError(AsyncEvent event) {
                        }

                        @Override
                        public void onStartAsync(AsyncEvent event) {
                        }
                    });
                }
            }
        }, "/sleepy").setAsyncSupported(true);
        app.addServlet("sync", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                try {
                    req.startAsync();
                    resp.getWriter().print("started");
                } catch (IllegalStateException e) {
                    resp.getWriter().print("IllegalStateException " + req.isAsyncSupported());
                }
            }
        }, "/sync");
        app.addServlet("failing", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext ac = req.startAsync();
                ac.addListener(new Recording());
                throw new IllegalStateException("async boom");
            }
        }, "/failing").setAsyncSupported(true);
        app.addServlet("echo", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                AsyncContext ac = req.startAsync();
                ServletInputStream in = req.getInputStream();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                in.setReadListener(new ReadListener() {
                    @Override
                    public void onDataAvailable() throws IOException {
                        byte[] buf = new byte[3];
                        int n;
                        while (in.isReady() && (n = in.read(buf)) > 0) {
                            got.write(buf, 0, n);
                        }
                    }

                    @Override
                    public void onAllDataRead() throws IOException {
                        ServletOutputStream out = resp.getOutputStream();
                        out.setWriteListener(new WriteListener() {
                            @Override
                            public void onWritePossible() throws IOException {
                                if (out.isReady()) {
                                    out.write(("echo:" + got).getBytes());
                                    ac.complete();
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                events.add("write error");
                            }
                        });
                    }

                    @Override
                    public void onError(Throwable t) {
                        events.add("read error");
                    }
                });
            }
        }, "/echo").setAsyncSupported(true);
        app.addFilter("asyncFilter", new Filter() {
            @Override
            public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain) throws IOException, ServletException {
                events.add("filter " + req.getDispatcherType());
                chain.doFilter(req, resp);
            }
        }).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), true, "/hop/*", "/report/*");
        ((jakarta.servlet.FilterRegistration.Dynamic) app.context().getFilterRegistration("asyncFilter")).setAsyncSupported(true);
        app.errorPage(500, "/report/error");
        return app;
    }

    @ParameterizedTest(name = "on the {0} worker model")
    @EnumSource(value = WorkerModelKind.class, names = {"SYNC", "THREADS", "VIRTUAL"})
    void anAsyncRequestCompletesFromAnotherThread(WorkerModelKind model) throws Exception {
        try (Containers.Running server = Containers.unicorn(app(), u -> u.workerModel(model))) {
            RawResponse r = server.get("/later");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("from an async thread");
        }
        assertThat(events).containsExactly("complete");
    }

    @Test
    void aDispatchRunsTheTargetAsAsyncThroughAsyncFiltersWithTheAsyncAttributes() throws Exception {
        try (Containers.Running server = Containers.unicorn(app())) {
            RawResponse r = server.get("/hop/start?orig=1");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).contains(
                    "servlet=report\n",
                    "dispatcherType=ASYNC\n",
                    "requestURI=/report/target\n",
                    "servletPath=/report\n",
                    "pathInfo=/target\n",
                    "queryString=x=1\n",
                    "parameters={orig=[1], x=[1]}\n",
                    "jakarta.servlet.async.request_uri=/hop/start\n",
                    "jakarta.servlet.async.servlet_path=/hop\n",
                    "jakarta.servlet.async.path_info=/start\n",
                    "jakarta.servlet.async.query_string=orig=1\n",
                    "jakarta.servlet.async.mapping=PATH|/hop/*|start|hop\n");
        }
        assertThat(events).containsExactly("filter REQUEST", "filter ASYNC", "complete");
    }

    @Test
    void aTimeoutNobodyHandlesBecomesAnErrorDispatchWith500() throws Exception {
        try (Containers.Running server = Containers.unicorn(app())) {
            RawResponse r = server.get("/sleepy");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.bodyText()).contains("dispatcherType=ERROR\n", "jakarta.servlet.error.status_code=500\n",
                    "jakarta.servlet.error.request_uri=/sleepy\n");
        }
        assertThat(events).containsExactly("timeout", "complete");
    }

    @Test
    void aTimeoutListenerMayAnswerAndComplete() throws Exception {
        try (Containers.Running server = Containers.unicorn(app())) {
            RawResponse r = server.get("/sleepy?answer=1");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("answered on timeout");
        }
        assertThat(events).containsExactly("timeout", "complete");
    }

    @Test
    void startAsyncOnAServletWithoutAsyncSupportThrows() throws Exception {
        try (Containers.Running server = Containers.unicorn(app())) {
            assertThat(server.get("/sync").bodyText()).isEqualTo("IllegalStateException false");
        }
    }

    @Test
    void anExceptionAfterStartAsyncReachesTheListenersAndTheErrorPage() throws Exception {
        try (Containers.Running server = Containers.unicorn(app())) {
            RawResponse r = server.get("/failing");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.bodyText()).contains("jakarta.servlet.error.exception=java.lang.IllegalStateException: async boom\n");
        }
        assertThat(events).containsExactly("error async boom", "complete");
    }

    @Test
    void readAndWriteListenersEchoTheBody() throws Exception {
        try (Containers.Running server = Containers.unicorn(app())) {
            RawResponse r = server.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("echo:hello world");
        }
        assertThat(events).isEmpty();
    }
}
