package dev.unicorn.servlet.multipart;

import com.sun.net.httpserver.HttpServer;
import jakarta.servlet.http.Part;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.MultiPartRequestContent;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Promise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.unicorn.servlet.multipart.Bodies.config;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty 12 on both sides: its HTTP client posts a form over a real socket to a capture
 * server and our parser reads the bytes; and Jetty's own multipart parser, given the same
 * bytes as ours, finds the same parts.
 */
class JettyMultipartTest {
    @TempDir
    Path dir;

    /** What one parser made of a part, comparable across parsers. */
    record Seen(String name, String fileName, String contentType, String content) {
    }

    @Test
    void aFormPostedByJettysClientParsesIntoItsParts() throws Exception {
        Path file = dir.resolve("data.bin");
        byte[] binary = new byte[40_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i ^ (i >> 7));
        }
        Files.write(file, binary);
        Captured captured = postWithJettyClient(file);

        Path uploads = Files.createDirectory(dir.resolve("uploads"));
        try (MultipartForm form = MultipartForm.parse(Bodies.split(captured.body(), captured.body().length / 3),
                captured.contentType(), config(-1, -1, 4096), uploads)) {
            assertThat(form.parts()).extracting(Part::getName).containsExactly("greeting", "upload");
            Part upload = form.part("upload");
            assertThat(upload.getSubmittedFileName()).isEqualTo("data.bin");
            assertThat(upload.getContentType()).isEqualTo("application/octet-stream");
            try (InputStream in = upload.getInputStream()) {
                assertThat(in.readAllBytes()).isEqualTo(binary);
            }
            assertThat(form.parameters(StandardCharsets.ISO_8859_1))
                    .containsExactly(Map.entry("greeting", List.of("héllo wörld")));
        }
        assertThat(Bodies.files(uploads)).isEmpty();
    }

    @Test
    void jettysParserFindsTheSamePartsAsOursInTheSameBytes() throws Exception {
        Path file = dir.resolve("data.txt");
        Files.writeString(file, "x\r\n--y\r\n".repeat(2000));
        Captured fromJettyClient = postWithJettyClient(file);
        List<Captured> bodies = new ArrayList<>();
        bodies.add(fromJettyClient);
        for (MultipartSplitTest.Case c : MultipartSplitTest.cases()) {
            bodies.add(new Captured(Bodies.TYPE, c.body()));
        }
        for (Captured body : bodies) {
            assertThat(ours(body)).as(new String(body.body(), 0, Math.min(200, body.body().length),
                    StandardCharsets.ISO_8859_1)).isEqualTo(jettys(body)).isNotEmpty();
        }
    }

    private List<Seen> ours(Captured body) throws Exception {
        List<Seen> seen = new ArrayList<>();
        try (MultipartForm form = MultipartForm.parse(Bodies.split(body.body()), body.contentType(),
                config(-1, -1, 1024), dir)) {
            for (Part p : form.parts()) {
                seen.add(new Seen(p.getName(), p.getSubmittedFileName(), p.getContentType(), Bodies.content(p)));
            }
        }
        return seen;
    }

    private List<Seen> jettys(Captured body) throws Exception {
        MultiPartFormData.Parser parser = new MultiPartFormData.Parser(MultiPart.extractBoundary(body.contentType()));
        parser.setFilesDirectory(dir);
        List<Seen> seen = new ArrayList<>();
        CompletableFuture<MultiPartFormData.Parts> done = new CompletableFuture<>();
        parser.parse(Content.Source.from(ByteBuffer.wrap(body.body())), Promise.Invocable.toPromise(done));
        try (MultiPartFormData.Parts parts = done.get(30, TimeUnit.SECONDS)) {
            for (MultiPart.Part p : parts) {
                seen.add(new Seen(p.getName(), p.getFileName(), p.getHeaders().get(HttpHeader.CONTENT_TYPE),
                        p.getContentAsString(StandardCharsets.UTF_8)));
            }
        }
        return seen;
    }

    record Captured(String contentType, byte[] body) {
    }

    /** Posts a text field and {@code file} with Jetty's HttpClient; returns what the server received. */
    private Captured postWithJettyClient(Path file) throws Exception {
        AtomicReference<Captured> captured = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/upload", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                captured.set(new Captured(exchange.getRequestHeaders().getFirst("Content-Type"), in.readAllBytes()));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        HttpClient client = new HttpClient();
        try {
            client.start();
            MultiPartRequestContent content = new MultiPartRequestContent();
            content.addPart(new MultiPart.ByteBufferPart("greeting", null,
                    HttpFields.build().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=UTF-8"),
                    ByteBuffer.wrap("héllo wörld".getBytes(StandardCharsets.UTF_8))));
            content.addPart(new MultiPart.ByteBufferPart("upload", file.getFileName().toString(),
                    HttpFields.build().put(HttpHeader.CONTENT_TYPE, "application/octet-stream"),
                    ByteBuffer.wrap(Files.readAllBytes(file))));
            content.close();
            ContentResponse response = client.POST("http://127.0.0.1:" + server.getAddress().getPort() + "/upload")
                    .body(content).timeout(60, TimeUnit.SECONDS).send();
            assertThat(response.getStatus()).isEqualTo(204);
        } finally {
            client.stop();
            server.stop(0);
        }
        return captured.get();
    }
}
