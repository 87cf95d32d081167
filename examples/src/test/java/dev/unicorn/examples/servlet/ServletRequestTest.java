package dev.unicorn.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.servlet.MultipartSupport;
import dev.unicorn.servlet.ServletApp;
import dev.unicorn.servlet.SessionSupport;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletRequestAttributeEvent;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What {@code HttpServletRequest} reports, over a real socket: addresses, host and port,
 * scheme from the trusted-proxy policy, locales, typed headers, trailers, ids, encodings,
 * form limits, listeners, and the session and multipart seams without an implementation.
 */
class ServletRequestTest {
    /** Serves {@code report} for every path and returns what one raw request got. */
    private static RawResponse ask(Function<HttpServletRequest, String> report, String rawRequest) throws Exception {
        return ask(new ServletApp(), report, rawRequest);
    }

    private static RawResponse ask(ServletApp app, Function<HttpServletRequest, String> report, String rawRequest)
            throws Exception {
        app.addServlet("report", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String text;
                try {
                    text = report.apply(req);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    text = e.getClass().getSimpleName();
                }
                resp.setContentType("text/plain;charset=UTF-8");
                resp.getWriter().print(text);
            }
        }, "/");
        try (Containers.Running server = Containers.unicorn(app)) {
            return server.send(rawRequest);
        }
    }

    private static String get(String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\n" + String.join("", headers) + "Connection: close\r\n\r\n";
    }

    @Test
    void addressesComeFromTheConnectionAndServerNameAndPortFromTheHostHeader() throws Exception {
        RawResponse r = ask(req -> req.getRemoteAddr() + " " + (req.getRemotePort() > 0) + " " + req.getLocalAddr() + " "
                + (req.getLocalPort() > 0) + " " + req.getServerName() + " " + req.getServerPort() + " "
                + req.getRequestURL() + " " + req.getScheme() + " " + req.isSecure() + " " + req.getProtocol(),
                get("/a/b?q=1", "Host: example.com:8081\r\n"));
        assertThat(r.bodyText()).isEqualTo("127.0.0.1 true 127.0.0.1 true example.com 8081 http://example.com:8081/a/b http false HTTP/1.1");
    }

    @Test
    void aHostWithoutPortMeansTheSchemesDefaultPort() throws Exception {
        RawResponse r = ask(req -> req.getServerName() + " " + req.getServerPort() + " " + req.getRequestURL(),
                get("/x", "Host: [::1]\r\n"));
        assertThat(r.bodyText()).isEqualTo("[::1] 80 http://[::1]/x");
    }

    @Test
    void aTrustedProxyMakesTheRequestSecure() throws Exception {
        RawResponse r = ask(req -> req.getScheme() + " " + req.isSecure() + " " + req.getServerPort(),
                get("/", "Host: shop.example\r\n", "X-Forwarded-Proto: https\r\n"));
        assertThat(r.bodyText()).isEqualTo("https true 443");
    }

    @Test
    void localesAreOrderedByQualityAndTheDefaultStandsInForNone() throws Exception {
        RawResponse r = ask(req -> Collections.list(req.getLocales()).toString(),
                get("/", "Host: h\r\n", "Accept-Language: fr;q=0.5, en-GB, de;q=0\r\n"));
        assertThat(r.bodyText()).isEqualTo("[en_GB, fr]");
        RawResponse none = ask(req -> req.getLocale().toString(), get("/", "Host: h\r\n"));
        assertThat(none.bodyText()).isEqualTo(java.util.Locale.getDefault().toString());
    }

    @Test
    void dateAndIntHeadersAreParsedAndBadValuesThrowAsSpecified() throws Exception {
        RawResponse ok = ask(req -> req.getDateHeader("If-Modified-Since") + " " + req.getIntHeader("X-N") + " "
                + req.getDateHeader("Absent") + " " + req.getIntHeader("Absent"),
                get("/", "Host: h\r\n", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n", "X-N: 42\r\n"));
        assertThat(ok.bodyText()).isEqualTo("784111777000 42 -1 -1");
        assertThat(ask(req -> "" + req.getDateHeader("X-D"), get("/", "Host: h\r\n", "X-D: soon\r\n")).bodyText())
                .isEqualTo("IllegalArgumentException");
        assertThat(ask(req -> "" + req.getIntHeader("X-N"), get("/", "Host: h\r\n", "X-N: many\r\n")).bodyText())
                .isEqualTo("NumberFormatException");
    }

    @Test
    void trailerFieldsAreReadyOnceTheChunkedBodyWasRead() throws Exception {
        RawResponse r = ask(req -> {
            try {
                boolean before = req.isTrailerFieldsReady();
                String body = new String(req.getInputStream().readAllBytes());
                return before + " " + body + " " + req.isTrailerFieldsReady() + " " + req.getTrailerFields();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n");
        assertThat(r.bodyText()).isEqualTo("false hello true {x-checksum=abc, x-other=1}");
    }

    @Test
    void aRequestWithoutBodyHasItsTrailersReadyAtOnce() throws Exception {
        assertThat(ask(req -> req.isTrailerFieldsReady() + " " + req.getTrailerFields(), get("/", "Host: h\r\n")).bodyText())
                .isEqualTo("true {}");
    }

    @Test
    void everyRequestHasItsOwnIdAndAKeptAliveConnectionKeepsItsId() throws Exception {
        ServletApp app = new ServletApp();
        app.addServlet("ids", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print(req.getRequestId() + "|" + req.getServletConnection().getConnectionId() + "|"
                        + req.getServletConnection().getProtocol() + "|" + req.getProtocolRequestId());
            }
        }, "/");
        try (Containers.Running server = Containers.unicorn(app);
                RawClient client = RawClient.connect("127.0.0.1", server.port())) {
            String[] first = client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").readResponse().bodyText().split("\\|");
            String[] second = client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").readResponse().bodyText().split("\\|");
            assertThat(first[0]).isNotEqualTo(second[0]);
            assertThat(first[1]).isEqualTo(second[1]).isNotEmpty();
            assertThat(first[2]).isEqualTo("http/1.1");
            assertThat(first.length).isEqualTo(3); // the protocol request id is empty on HTTP/1.1
        }
    }

    @Test
    void theReaderDecodesWithTheRequestCharset() throws Exception {
        RawResponse r = ask(req -> {
            try {
                return req.getCharacterEncoding() + " " + req.getReader().readLine();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "POST / HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: 4\r\nConnection: close\r\n\r\n"
                + new String("caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1)
                        .substring(0, 4));
        assertThat(r.bodyText()).startsWith("UTF-8 caf");
    }

    @Test
    void setCharacterEncodingDecidesHowTheFormIsDecodedUntilParametersAreRead() throws Exception {
        String form = "n=%E9";
        RawResponse r = ask(req -> {
            try {
                req.setCharacterEncoding("ISO-8859-1");
                String first = req.getParameter("n");
                req.setCharacterEncoding("UTF-8");
                return first + " " + req.getCharacterEncoding();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + form.length() + "\r\nConnection: close\r\n\r\n" + form);
        assertThat(r.bodyText()).isEqualTo("\u00e9 ISO-8859-1");
    }

    @Test
    void aFormOverTheSizeLimitIsRejectedWith400() throws Exception {
        String form = "a=" + "x".repeat(100);
        RawResponse r = ask(new ServletApp().maxFormContentSize(50), req -> req.getParameter("a"),
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                        + form.length() + "\r\nConnection: close\r\n\r\n" + form);
        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void tooManyParameterNamesAreRejectedWith400() throws Exception {
        RawResponse r = ask(new ServletApp().maxFormKeys(2), req -> req.getParameter("a"), get("/?a=1&b=2&c=3", "Host: h\r\n"));
        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void aMalformedQueryIsRejectedWith400WhenParametersAreRead() throws Exception {
        assertThat(ask(req -> req.getParameter("a"), get("/?a=%zz", "Host: h\r\n")).status()).isEqualTo(400);
        assertThat(ask(req -> req.getQueryString(), get("/?a=%zz", "Host: h\r\n")).bodyText()).isEqualTo("a=%zz");
    }

    @Test
    void aPutFormIsNotReadForParametersAsTheSpecificationSays() throws Exception {
        String form = "a=1";
        RawResponse r = ask(req -> req.getParameterMap().keySet().toString(),
                "PUT / HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\n" + form);
        assertThat(r.bodyText()).isEqualTo("[]");
    }

    @Test
    void requestListenersSeeEveryRequestAndAttributeChange() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ServletApp app = new ServletApp();
        app.addListener(new ServletRequestListener() {
            @Override
            public void requestInitialized(ServletRequestEvent sre) {
                events.add("init " + ((HttpServletRequest) sre.getServletRequest()).getRequestURI());
            }

            @Override
            public void requestDestroyed(ServletRequestEvent sre) {
                events.add("destroyed");
            }
        });
        app.addListener(new ServletRequestAttributeListener() {
            @Override
            public void attributeAdded(ServletRequestAttributeEvent e) {
                events.add("added " + e.getName());
            }

            @Override
            public void attributeReplaced(ServletRequestAttributeEvent e) {
                events.add("replaced " + e.getName() + " was " + e.getValue());
            }

            @Override
            public void attributeRemoved(ServletRequestAttributeEvent e) {
                events.add("removed " + e.getName());
            }
        });
        ask(app, req -> {
            req.setAttribute("a", 1);
            req.setAttribute("a", 2);
            req.removeAttribute("a");
            return "ok";
        }, get("/listen", "Host: h\r\n"));
        assertThat(events).containsExactly("init /listen", "added a", "replaced a was 1", "removed a", "destroyed");
    }

    @Test
    void withoutSessionSupportNoSessionExistsAndNoneCanBeCreated() throws Exception {
        RawResponse r = ask(new ServletApp().sessions(SessionSupport.NONE), req -> {
            String s = req.getSession(false) + " " + req.getRequestedSessionId() + " " + req.isRequestedSessionIdValid();
            try {
                req.getSession();
                return s + " created";
            } catch (IllegalStateException e) {
                return s + " IllegalStateException";
            }
        }, get("/", "Host: h\r\n", "Cookie: JSESSIONID=abc\r\n"));
        assertThat(r.bodyText()).isEqualTo("null null false IllegalStateException");
    }

    @Test
    void withoutAMultipartParserPartsNeedAMultipartConfigurationAndThenFail() throws Exception {
        String request = "POST / HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        Function<HttpServletRequest, String> parts = req -> {
            try {
                return "" + req.getParts();
            } catch (IllegalStateException e) {
                return "IllegalStateException";
            } catch (jakarta.servlet.ServletException e) {
                return "ServletException";
            } catch (IOException e) {
                return "IOException";
            }
        };
        assertThat(ask(parts, request).bodyText()).isEqualTo("IllegalStateException");
        ServletApp app = new ServletApp().multipart(MultipartSupport.NONE);
        app.addServlet("m", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print(parts.apply(req));
            }
        }, "/m").setMultipartConfig(new MultipartConfigElement(""));
        try (Containers.Running server = Containers.unicorn(app)) {
            assertThat(server.send(request.replace("POST / ", "POST /m ")).bodyText()).isEqualTo("ServletException");
        }
    }
}
