package dev.unicorn.servlet.multipart;

import dev.unicorn.http.BadRequestException;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Test helpers: multipart bodies, input streams that hand them over in pieces, and views of a parsed form. */
final class Bodies {
    static final String TYPE = "multipart/form-data; boundary=XyZ";

    private Bodies() {
    }

    /** The lines joined with CRLF (no CRLF after the last). */
    static byte[] crlf(String... lines) {
        return String.join("\r\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    static MultipartConfigElement config(long maxFileSize, long maxRequestSize, int threshold) {
        return new MultipartConfigElement("", maxFileSize, maxRequestSize, threshold);
    }

    /** An input stream that returns the bytes in pieces cut at {@code cuts}, one piece per read. */
    static InputStream split(byte[] data, int... cuts) {
        return new InputStream() {
            private int pos;
            private int next;

            @Override
            public int read() {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == data.length) {
                    return -1;
                }
                int end = data.length;
                while (next < cuts.length && cuts[next] <= pos) {
                    next++;
                }
                if (next < cuts.length) {
                    end = cuts[next];
                }
                int n = Math.min(len, end - pos);
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /** An input stream that returns one byte per read. */
    static InputStream byteByByte(byte[] data) {
        int[] cuts = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            cuts[i] = i + 1;
        }
        return split(data, cuts);
    }

    /** An input stream that fails like a dropped connection after {@code data}. */
    static InputStream failingAfter(byte[] data) {
        return new InputStream() {
            private int pos;

            @Override
            public int read() throws IOException {
                if (pos == data.length) {
                    throw new IOException("connection reset (simulated)");
                }
                return data[pos++] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos == data.length) {
                    throw new IOException("connection reset (simulated)");
                }
                int n = Math.min(len, data.length - pos);
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /** Every part as one line: name, file name, content type, size, content, headers. */
    static String describe(MultipartForm form) {
        StringBuilder b = new StringBuilder();
        for (Part p : form.parts()) {
            b.append(p.getName()).append('|').append(p.getSubmittedFileName()).append('|').append(p.getContentType())
                    .append('|').append(p.getSize()).append('|').append(content(p)).append('|');
            for (String name : p.getHeaderNames()) {
                b.append(name).append('=').append(p.getHeaders(name)).append(';');
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String content(Part p) {
        try (InputStream in = p.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@code body} expecting a BadRequestException with {@code status} and {@code message}. */
    static void assertRejected(byte[] body, String type, MultipartConfigElement config, Path dir, int status,
            String message) {
        assertThatThrownBy(() -> MultipartForm.parse(split(body), type, config, dir))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(status))
                .hasMessage(message);
        assertThat(files(dir)).as("temporary files left").isEmpty();
    }
}
