package dev.unicorn.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.examples.ExternalCommand;
import dev.unicorn.servlet.ServletApp;
import dev.unicorn.test.RawResponse;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multipart uploads on by default in a {@link ServletApp}: curl's {@code -F} over a real
 * socket, read through {@code getParts()} and {@code getParameter}, with the temporary files
 * gone once the request has ended and the limits of the servlet's
 * {@link MultipartConfigElement} answered 413.
 */
class MultipartIntegrationTest {
    @TempDir
    Path uploads;

    @TempDir
    Path client;

    @BeforeAll
    static void curlIsInstalled() {
        Assumptions.assumeTrue(ExternalCommand.onPath("curl"), "curl is not on PATH");
    }

    private static String sha256(InputStream in) throws IOException {
        try (in) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(in.readAllBytes());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private long filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }

    /** Waits for the end of the request (cleanup runs after the last response byte) to delete the temporary files. */
    private List<String> filesLeft() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (filesIn(uploads) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        try (Stream<Path> files = Files.list(uploads)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** The parts, the parameters and the temporary files in the location, as the servlet saw them. */
    private final class Report extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            List<String> lines = new ArrayList<>();
            for (Part p : req.getParts()) {
                lines.add(p.getName() + " " + p.getSubmittedFileName() + " " + p.getContentType() + " " + p.getSize()
                        + " " + sha256(p.getInputStream()));
            }
            lines.add("title=" + req.getParameter("title") + " tags=" + Arrays.toString(req.getParameterValues("tag")));
            lines.add("temporary files=" + filesIn(uploads));
            if (req.getParameter("save") != null) {
                req.getPart("file").write("saved.bin");
            }
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().print(String.join("\n", lines));
        }
    }

    /** Reads only parameters: the form fields of a multipart body are parameters too. */
    private static final class Parameters extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().print("title=" + req.getParameter("title") + " q=" + req.getParameter("q") + " file="
                    + req.getParameter("file"));
        }
    }

    /** Catches what getParts() throws, as an application may. */
    private static final class Catching extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String text;
            try {
                text = "parts " + req.getParts().size();
            } catch (IllegalStateException | ServletException e) {
                text = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().print(text);
        }
    }

    private Containers.Running server() {
        ServletApp app = new ServletApp("/app");
        MultipartConfigElement config = new MultipartConfigElement(uploads.toString(), 100_000, 200_000, 1024);
        app.addServlet("report", new Report(), "/report").setMultipartConfig(config);
        app.addServlet("parameters", new Parameters(), "/parameters").setMultipartConfig(config);
        app.addServlet("catching", new Catching(), "/catching").setMultipartConfig(config);
        return Containers.unicorn(app);
    }

    private Path file(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(client.resolve(name), bytes);
    }

    private static ExternalCommand curl(Containers.Running server, String path, String... form) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-w", "\n%{http_code}"));
        for (String f : form) {
            command.add("-F");
            command.add(f);
        }
        command.add("http://127.0.0.1:" + server.port() + path);
        return ExternalCommand.run(30, command);
    }

    @Test
    void curlUploadsAFileAndFieldsThatTheServletReadsAsPartsAndParametersAndNoTemporaryFileOutlivesTheRequest()
            throws Exception {
        Path blob = file("blob.bin", 70_000);
        try (Containers.Running server = server()) {
            ExternalCommand curl = curl(server, "/app/report?tag=q", "title=Hello, wörld", "tag=a", "tag=b",
                    "file=@" + blob + ";type=application/octet-stream").succeeded();
            String sha = sha256(Files.newInputStream(blob));
            // curl's output is read as ISO-8859-1: compare the UTF-8 bytes the servlet wrote
            assertThat(new String(curl.stdout().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
                    .isEqualTo(String.join("\n",
                    "title null null 13 " + sha256(new java.io.ByteArrayInputStream("Hello, wörld".getBytes(StandardCharsets.UTF_8))),
                    "tag null null 1 " + sha256(new java.io.ByteArrayInputStream("a".getBytes())),
                    "tag null null 1 " + sha256(new java.io.ByteArrayInputStream("b".getBytes())),
                    "file blob.bin application/octet-stream 70000 " + sha,
                    "title=Hello, wörld tags=[q, a, b]",
                    "temporary files=1",
                    "200"));
            assertThat(filesLeft()).isEmpty();
        }
    }

    @Test
    void theFormFieldsAreParametersWithoutAnyCallToGetParts() throws Exception {
        try (Containers.Running server = server()) {
            ExternalCommand curl = curl(server, "/app/parameters?q=1", "title=Hi", "file=@" + file("f.txt", 2000))
                    .succeeded();
            assertThat(curl.stdout()).isEqualTo("title=Hi q=1 file=null\n200");
            assertThat(filesLeft()).isEmpty();
        }
    }

    @Test
    void aPartWrittenByTheApplicationStaysAndTheTemporaryFilesGo() throws Exception {
        Path blob = file("blob.bin", 5000);
        try (Containers.Running server = server()) {
            curl(server, "/app/report?save=1", "file=@" + blob).succeeded();
            assertThat(filesLeft()).containsExactly("saved.bin");
            assertThat(Files.readAllBytes(uploads.resolve("saved.bin"))).isEqualTo(Files.readAllBytes(blob));
        }
    }

    @Test
    void aFileOverMaxFileSizeIsAnswered413WhenTheApplicationDoesNotCatchIt() throws Exception {
        Path big = file("big.bin", 150_000);
        try (Containers.Running server = server()) {
            ExternalCommand curl = curl(server, "/app/report", "title=x", "file=@" + big);
            assertThat(curl.stdout()).endsWith("\n413");
            assertThat(filesLeft()).isEmpty();
        }
    }

    @Test
    void aBodyOverMaxRequestSizeIsAnswered413() throws Exception {
        try (Containers.Running server = server()) {
            ExternalCommand curl = curl(server, "/app/report", "a=@" + file("a.bin", 90_000), "b=@" + file("b.bin", 90_000),
                    "c=@" + file("c.bin", 90_000));
            assertThat(curl.stdout()).endsWith("\n413");
            assertThat(filesLeft()).isEmpty();
        }
    }

    @Test
    void getPartsThrowsIllegalStateExceptionOverALimitAsTheServletApiSays() throws Exception {
        try (Containers.Running server = server()) {
            ExternalCommand curl = curl(server, "/app/catching", "file=@" + file("big.bin", 150_000));
            assertThat(curl.stdout()).isEqualTo(
                    "IllegalStateException: Part \"file\" larger than maxFileSize (100000 bytes)\n200");
            assertThat(filesLeft()).isEmpty();
        }
    }

    @Test
    void aMalformedBodyIsAServletExceptionAndAnswered400WhenNotCaught() throws Exception {
        String body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno close delimiter\r\n";
        String request = "POST /app/PATH HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
        try (Containers.Running server = server()) {
            RawResponse caught = server.send(request.replace("PATH", "catching"));
            assertThat(caught.bodyText()).isEqualTo("ServletException: Multipart body ends before its close delimiter");
            RawResponse uncaught = server.send(request.replace("PATH", "report"));
            assertThat(uncaught.status()).isEqualTo(400);
            assertThat(filesLeft()).isEmpty();
        }
    }
}
