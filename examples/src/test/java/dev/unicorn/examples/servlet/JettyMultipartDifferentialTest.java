package dev.unicorn.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.test.RawResponse;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same multipart requests, as raw bytes, to the same servlets on Jetty 12.1 ee11 and on
 * Unicorn: the parts {@code getParts()} returns (names, file names, content types, sizes,
 * headers, contents) and the parameters must be identical, and so must the status of a
 * malformed body.
 */
class JettyMultipartDifferentialTest {
    private static Path location;
    private static Containers.Running jetty;
    private static Containers.Running unicorn;

    /** Registers the servlets with a multipart configuration through the standard API, for both containers. */
    static final class App implements ServletContainerInitializer {
        @Override
        public void onStartup(Set<Class<?>> classes, ServletContext ctx) {
            MultipartConfigElement config = new MultipartConfigElement(location.toString(), 100_000, 200_000, 64);
            ServletRegistration.Dynamic parts = ctx.addServlet("parts", new PartsReport());
            parts.addMapping("/parts");
            parts.setMultipartConfig(config);
            ServletRegistration.Dynamic params = ctx.addServlet("params", new ParametersReport());
            params.addMapping("/params");
            params.setMultipartConfig(config);
        }
    }

    /** Every part and then every parameter. */
    static final class PartsReport extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            StringBuilder sb = new StringBuilder();
            for (Part p : req.getParts()) {
                Map<String, String> headers = new TreeMap<>();
                for (String name : p.getHeaderNames()) {
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", p.getHeaders(name)));
                }
                byte[] content;
                try (var in = p.getInputStream()) {
                    content = in.readAllBytes();
                }
                sb.append("part name=").append(p.getName()).append(" file=").append(p.getSubmittedFileName())
                        .append(" type=").append(p.getContentType()).append(" size=").append(p.getSize())
                        .append(" headers=").append(headers).append(" content=")
                        .append(new String(content, StandardCharsets.ISO_8859_1)).append('\n');
            }
            sb.append(ParametersReport.parameters(req));
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().print(sb);
        }
    }

    /** Only the parameters: the form fields without a call to getParts(). */
    static final class ParametersReport extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().print(parameters(req));
        }

        static String parameters(HttpServletRequest req) {
            Map<String, List<String>> params = new TreeMap<>();
            for (Map.Entry<String, String[]> e : req.getParameterMap().entrySet()) {
                params.put(e.getKey(), List.of(e.getValue()));
            }
            return "parameters=" + params + "\n";
        }
    }

    @BeforeAll
    static void start() throws Exception {
        location = Files.createTempDirectory("unicorn-multipart-diff");
        Containers.WebApp app = new Containers.WebApp("/ctx", new App());
        jetty = Containers.jetty(app);
        unicorn = Containers.unicorn(app);
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
        unicorn.close();
        try (Stream<Path> files = Files.list(location)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(location);
    }

    record Case(String name, String request, boolean compareBody) {
        /** The same request with another request Content-Type (the first one: the part headers come later). */
        Case withType(String contentType) {
            return new Case(name, request.replaceFirst("Content-Type: [^\r]*",
                    Matcher.quoteReplacement("Content-Type: " + contentType)), compareBody);
        }

        Case statusOnly() {
            return new Case(name, request, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Case post(String name, String target, String boundary, String body) {
        return new Case(name, "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary="
                + boundary + "\r\nContent-Length: " + body.getBytes(StandardCharsets.ISO_8859_1).length
                + "\r\nConnection: close\r\n\r\n" + body, true);
    }

    private static String part(String boundary, String headers, String content) {
        return "--" + boundary + "\r\n" + headers + "\r\n" + content + "\r\n";
    }

    static Stream<Case> cases() {
        String b = "----unicornBoundary7MA4YWxkTrZu0gW";
        String big = "x".repeat(300);
        String fields = part(b, "Content-Disposition: form-data; name=\"title\"\r\n", "Hello")
                + part(b, "Content-Disposition: form-data; name=\"tag\"\r\n", "a")
                + part(b, "Content-Disposition: form-data; name=\"tag\"\r\n", "b")
                + part(b, "Content-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n",
                        "line 1\r\nline 2")
                + part(b, "Content-Disposition: form-data; name=\"big\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n", big)
                + "--" + b + "--\r\n";
        List<Case> cases = new ArrayList<>();
        cases.add(post("fields and files, in memory and on disk", "/ctx/parts?tag=q", b, fields));
        cases.add(post("the form fields are parameters without getParts", "/ctx/params?tag=q", b, fields));
        cases.add(post("an empty file input is a file part, not a parameter", "/ctx/parts", b,
                part(b, "Content-Disposition: form-data; name=\"upload\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n", "")
                        + "--" + b + "--\r\n"));
        cases.add(post("a quoted boundary, a preamble and an epilogue", "/ctx/parts", b,
                "preamble to ignore\r\n" + part(b, "Content-Disposition: form-data; name=\"a\"\r\n", "1") + "--" + b
                        + "--\r\nepilogue to ignore")
                .withType("multipart/form-data; boundary=\"" + b + "\""));
        String utf8 = new String("é ü €".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        cases.add(post("a UTF-8 field value and file name", "/ctx/parts", b,
                part(b, "Content-Disposition: form-data; name=\"v\"\r\n", utf8)
                        + part(b, "Content-Disposition: form-data; name=\"f\"; filename=\"" + utf8 + ".txt\"\r\n", "x")
                        + "--" + b + "--\r\n"));
        cases.add(post("the _charset_ field names the charset of the other fields", "/ctx/params", b,
                part(b, "Content-Disposition: form-data; name=\"_charset_\"\r\n", "ISO-8859-1")
                        + part(b, "Content-Disposition: form-data; name=\"v\"\r\n", "caf\u00e9")
                        + "--" + b + "--\r\n"));
        cases.add(post("a part's own charset decodes its value", "/ctx/params", b,
                part(b, "Content-Disposition: form-data; name=\"v\"\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n", "caf\u00e9")
                        + "--" + b + "--\r\n"));
        cases.add(post("extra part headers are visible", "/ctx/parts", b,
                part(b, "Content-Disposition: form-data; name=\"a\"\r\nX-Extra: one\r\n", "1") + "--" + b + "--\r\n"));
        cases.add(post("a body without its close delimiter is rejected", "/ctx/parts", b,
                part(b, "Content-Disposition: form-data; name=\"a\"\r\n", "1")).statusOnly());
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void unicornParsesAsJettyDoes(Case c) {
        RawResponse expected = jetty.send(c.request());
        RawResponse actual = unicorn.send(c.request());
        assertThat(actual.status()).as("status; jetty answered %s", expected).isEqualTo(expected.status());
        if (c.compareBody()) {
            assertThat(actual.bodyText()).as("body").isEqualTo(expected.bodyText());
        }
    }
}
