package dev.unicorn.servlet.multipart;

import com.sun.net.httpserver.HttpServer;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.unicorn.servlet.multipart.Bodies.config;
import static dev.unicorn.servlet.multipart.Bodies.files;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parses the bytes a real client sends: curl's {@code -F} posts to a small JDK HTTP server
 * on a real socket, which captures the Content-Type and body; the parser then reads them.
 */
class CurlMultipartTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private final AtomicReference<String> contentType = new AtomicReference<>();
    private final AtomicReference<byte[]> body = new AtomicReference<>();

    @BeforeEach
    void startCaptureServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/upload", exchange -> {
            contentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
            try (InputStream in = exchange.getRequestBody()) {
                body.set(in.readAllBytes());
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopCaptureServer() {
        server.stop(0);
    }

    private void curl(String... formArguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail", "-o", "/dev/null"));
        for (String f : formArguments) {
            command.add("-F");
            command.add(f);
        }
        command.add("http://127.0.0.1:" + server.getAddress().getPort() + "/upload");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    @Test
    void aFormPostedByCurlParsesIntoItsFieldsAndFiles() throws Exception {
        Path uploads = Files.createDirectory(dir.resolve("uploads"));
        Path csv = dir.resolve("report.csv");
        String csvText = "a,b\r\n--not-a-boundary\r\n\r\nlast line without newline";
        Files.writeString(csv, csvText);
        Path bin = dir.resolve("data.bin");
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31 + i / 256);
        }
        Files.write(bin, binary);

        curl("title=Quarterly report", "doc=@" + csv + ";type=text/csv", "bin=@" + bin,
                "name=@" + csv + ";filename=résumé.csv", "empty=");

        assertThat(contentType.get()).startsWith("multipart/form-data; boundary=");
        try (MultipartForm form = MultipartForm.parse(Bodies.byteByByte(body.get()), contentType.get(),
                new MultipartConfigElement("uploads", 100_000, 200_000, 1024), dir)) {
            assertThat(form.parts()).extracting(Part::getName).containsExactly("title", "doc", "bin", "name", "empty");

            Part doc = form.part("doc");
            assertThat(doc.getSubmittedFileName()).isEqualTo("report.csv");
            assertThat(doc.getContentType()).isEqualTo("text/csv");
            assertThat(Bodies.content(doc)).isEqualTo(csvText);

            Part binPart = form.part("bin");
            assertThat(binPart.getSubmittedFileName()).isEqualTo("data.bin");
            assertThat(binPart.getContentType()).isEqualTo("application/octet-stream");
            assertThat(binPart.getSize()).isEqualTo(binary.length);
            try (InputStream in = binPart.getInputStream()) {
                assertThat(in.readAllBytes()).isEqualTo(binary);
            }
            assertThat(form.part("name").getSubmittedFileName()).isEqualTo("résumé.csv");
            assertThat(files(uploads)).hasSize(1); // only the 70 000-byte part is over the 1 KiB threshold

            Map<String, List<String>> parameters = form.parameters(StandardCharsets.UTF_8);
            assertThat(parameters).containsExactly(Map.entry("title", List.of("Quarterly report")),
                    Map.entry("empty", List.of("")));
        }
        assertThat(files(uploads)).isEmpty();
    }

    @Test
    void aFileOverMaxFileSizeFromCurlIsRefusedWith413AndLeavesNoFile() throws Exception {
        Path bin = dir.resolve("big.bin");
        Files.write(bin, new byte[5000]);
        curl("small=1", "big=@" + bin);
        Path uploads = Files.createDirectory(dir.resolve("uploads"));
        Bodies.assertRejected(body.get(), contentType.get(), config(4096, -1, 0), uploads, 413,
                "Part \"big\" larger than maxFileSize (4096 bytes)");
    }
}
