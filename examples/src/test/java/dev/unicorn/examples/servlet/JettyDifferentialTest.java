package dev.unicorn.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.test.RawResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same web application ({@link DifferentialApp}), at {@code /ctx} and at the root, and the
 * same raw requests against Jetty 12.1 ee11 and Unicorn: status, the headers an application controls, and the body (which,
 * for the report servlets, lists paths, mapping, dispatch attributes, parameters, cookies and
 * the filters that ran) must be identical. Default error pages are containers' own HTML, so
 * for them only the status and headers are compared.
 */
class JettyDifferentialTest {
    /** The application at a context path and at the root: the cases are written for {@code /ctx}. */
    private static Containers.WebApp app(String contextPath) {
        return new Containers.WebApp(contextPath, new DifferentialApp())
                .withErrorPage(404, "/error-page")
                .withErrorPage(IllegalStateException.class, "/error-page")
                .withErrorPage(500, "/error-page");
    }

    private static final List<String> COMPARED_HEADERS = List.of("Content-Type", "Location", "Set-Cookie",
            "Content-Language", "X-Int", "X-Date", "X-Multi", "X-Removed", "X-Kept", "X-Before-Forward", "X-Gone");

    private static final Map<String, Containers.Running[]> SERVERS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        for (String contextPath : List.of("/ctx", "")) {
            SERVERS.put(contextPath, new Containers.Running[] {
                Containers.jetty(app(contextPath)), Containers.unicorn(app(contextPath))});
        }
    }

    @AfterAll
    static void stop() {
        for (Containers.Running[] pair : SERVERS.values()) {
            pair[0].close();
            pair[1].close();
        }
    }

    record Case(String name, String request, boolean compareBody, String contextPath) {
        Case(String name, String request, boolean compareBody) {
            this(name, request, compareBody, "/ctx");
        }

        /** The same case for the application at the root context. */
        Case atRoot() {
            String target = request.substring(request.indexOf(' ') + 1, request.indexOf(' ', request.indexOf(' ') + 1));
            if (!target.startsWith("/ctx/")) {
                return null; // about the context path itself
            }
            return new Case(name, request.replaceFirst(" /ctx/", " /"), compareBody, "");
        }

        @Override
        public String toString() {
            return name + (contextPath.isEmpty() ? " (root context)" : "");
        }
    }

    private static Case get(String name, String target) {
        return new Case(name, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", true);
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(get("the context root maps to the empty-string pattern", "/ctx/"));
        cases.add(get("an exact pattern wins over the extension", "/ctx/exact.ext"));
        cases.add(get("an exact pattern", "/ctx/exact"));
        cases.add(get("a path prefix with path info", "/ctx/prefix/a/b"));
        cases.add(get("a path prefix without path info", "/ctx/prefix"));
        cases.add(get("a path prefix with a trailing slash", "/ctx/prefix/"));
        cases.add(get("the longest prefix wins", "/ctx/prefix/deeper/x"));
        cases.add(get("a longer prefix that is not a segment boundary falls back", "/ctx/prefixes"));
        cases.add(get("an extension in a nested path", "/ctx/some/dir/file.ext"));
        cases.add(get("an extension only counts in the last segment", "/ctx/dir.ext/file"));
        cases.add(get("the default servlet takes the rest", "/ctx/anything/else.txt"));
        cases.add(get("a percent-encoded path is decoded for mapping but not in the request URI", "/ctx/prefix/a%20b/%C3%A9"));
        cases.add(get("path parameters are removed for mapping", "/ctx/prefix/a;jsessionid=1/b;x=y"));
        cases.add(get("dot segments are resolved", "/ctx/prefix/a/../b/./c"));
        cases.add(get("query parameters are decoded as UTF-8 in order", "/ctx/exact?b=2&a=1&b=3&c&d=&e=%C3%A9+x"));
        cases.add(get("a forward shows the target's paths and the forward attributes", "/ctx/fwd/x?to=/prefix/t%3Fq%3D1&keep=1"));
        cases.add(get("a forward with a query merges parameters in front", "/ctx/fwd/x?to=/exact%3Fkeep%3Dnew%26n%3D1&keep=old"));
        cases.add(get("a forward to an extension mapping", "/ctx/fwd/?to=/a/b.ext"));
        cases.add(get("a relative forward resolves against the current path", "/ctx/fwd/x?to=../exact"));
        cases.add(get("an include keeps the caller's paths and sets the include attributes", "/ctx/inc/i?to=/prefix/inc%3Fq%3D2"));
        cases.add(get("a named forward keeps the paths and sets no forward attributes", "/ctx/named?p=1"));
        cases.add(get("an async dispatch shows the target's paths and the async attributes", "/ctx/async/a?to=/prefix/b%3Fy%3D2&x=1"));
        cases.add(get("an async dispatch to a path without a query keeps the original query", "/ctx/async/again?to=/exact"));
        cases.add(new Case("an async request completed without output is an empty 200",
                "GET /ctx/async/none HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", true));
        cases.add(get("sendError dispatches to the status error page with the error attributes", "/ctx/status/404?x=1"));
        cases.add(new Case("sendError without an error page gets the container's page",
                "GET /ctx/status/418 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", false));
        cases.add(get("an exception dispatches to the page of its type", "/ctx/throw/state"));
        cases.add(get("an exception without a type page dispatches to the 500 page", "/ctx/throw/io"));
        cases.add(get("a ServletException is matched by its root cause", "/ctx/throw/servlet"));
        cases.add(get("a redirect to an absolute path", "/ctx/redirect/r?to=/elsewhere"));
        cases.add(get("a redirect to a full URL", "/ctx/redirect/r?to=http://example.com/x"));
        cases.add(get("a redirect to a relative path", "/ctx/redirect/a/b?to=c/d%3Fe%3Df"));
        cases.add(get("a redirect to a parent path", "/ctx/redirect/a/b?to=../up"));
        cases.add(get("cookies with attributes, SameSite and Partitioned", "/ctx/cookies"));
        cases.add(new Case("request cookies are parsed",
                "GET /ctx/exact HTTP/1.1\r\nHost: localhost\r\nCookie: a=1; b=\"two\"; $Version=1; c=\r\nCookie: d=4\r\nConnection: close\r\n\r\n", true));
        cases.add(get("a writer without charset uses ISO-8859-1 for text/plain", "/ctx/headers/writer-default"));
        cases.add(get("setCharacterEncoding before setContentType", "/ctx/headers/encoding-then-type"));
        cases.add(get("the charset is fixed once the writer is obtained", "/ctx/headers/type-after-writer"));
        cases.add(get("bytes through the output stream", "/ctx/headers/stream"));
        cases.add(get("int, date, multi-valued and removed headers; locale; Content-Type set as a header", "/ctx/headers/typed"));
        cases.add(get("the body stops at the Content-Length set", "/ctx/headers/length"));
        cases.add(get("reset clears status, headers and body", "/ctx/headers/reset"));
        String form = "a=1&b=%C3%A9&a=2&c=x+y";
        cases.add(new Case("a urlencoded POST body joins the query parameters",
                "POST /ctx/exact?a=0 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: " + form.length() + "\r\nConnection: close\r\n\r\n" + form, true));
        cases.add(new Case("an encoded slash in the path is rejected",
                "GET /ctx/prefix/a%2Fb HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", false));
        cases.add(new Case("a path that climbs above the root is rejected",
                "GET /ctx/../x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", false));
        cases.add(get("the bare context path redirects to its directory", "/ctx?x=1"));
        cases.add(new Case("an empty segment in the path is rejected",
                "GET /ctx//exact HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", false));
        cases.add(new Case("an encoded dot segment is rejected",
                "GET /ctx/prefix/%2e%2e/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", false));
        cases.add(get("an encoded semicolon is part of the segment", "/ctx/prefix/a%3Bb"));
        cases.add(new Case("a HEAD request gets the GET's headers",
                "HEAD /ctx/exact HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", true));
        cases.add(new Case("the error page of a POST sees the method",
                "POST /ctx/status/404 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", true));
        cases.add(get("an exception in a forward target reaches the error page", "/ctx/fwd/x?to=/throw/state"));
        cases.add(new Case("OPTIONS * is answered by the container",
                "OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", false));
        cases.add(new Case(
                "an HTTP/1.0 request without Host uses the local address",
                "GET /ctx/exact HTTP/1.0\r\n\r\n", true));
        cases.add(new Case("a path outside the context is 404",
                "GET /other HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", false));
        List<Case> all = new ArrayList<>(cases);
        for (Case c : cases) {
            Case root = c.atRoot();
            if (root != null) {
                all.add(root);
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void unicornAnswersAsJettyDoes(Case c) throws IOException {
        Containers.Running[] pair = SERVERS.get(c.contextPath());
        RawResponse expected = pair[0].send(c.request());
        RawResponse actual = pair[1].send(c.request());
        assertThat(actual.status()).as("status; jetty answered %s", expected).isEqualTo(expected.status());
        for (String name : COMPARED_HEADERS) {
            assertThat(normalize(name, actual.headers().getAll(name))).as(name + "; jetty answered %s", expected)
                    .isEqualTo(normalize(name, expected.headers().getAll(name)));
        }
        if (c.compareBody()) {
            assertThat(actual.bodyText()).as("body").isEqualTo(expected.bodyText());
        }
    }

    /** Expires carries the current time, and charset names are case-insensitive. */
    private static List<String> normalize(String name, List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            String n = v.replaceAll("Expires=[^;]*", "Expires=<date>");
            if (name.equals("Content-Type")) {
                n = n.toLowerCase(Locale.ROOT).replace("; ", ";");
            }
            if (name.equals("Location")) {
                n = n.replaceFirst("^http://(127\\.0\\.0\\.1|localhost):\\d+", "http://<host>");
            }
            out.add(n);
        }
        return out;
    }
}
