package dev.unicorn.servlet.multipart;

import dev.unicorn.http.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.unicorn.servlet.multipart.Bodies.config;
import static dev.unicorn.servlet.multipart.Bodies.crlf;
import static dev.unicorn.servlet.multipart.Bodies.describe;
import static dev.unicorn.servlet.multipart.Bodies.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The parser gives the same parts however the body arrives: in one read, cut in two at
 * every byte boundary, or one byte per read; with parts in memory and spilled to files.
 */
class MultipartSplitTest {
    @TempDir
    Path dir;

    record Case(String name, byte[] body, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("a field and a file, with preamble and epilogue", crlf(
                        "This is the preamble.",
                        "--XyZ",
                        "Content-Disposition: form-data; name=\"title\"",
                        "",
                        "Hello",
                        "--XyZ",
                        "Content-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"",
                        "Content-Type: text/plain",
                        "",
                        "line one",
                        "line two",
                        "--XyZ--",
                        "This is the epilogue."),
                        "title|null|null|5|Hello|Content-Disposition=[form-data; name=\"title\"];\n"
                                + "doc|a.txt|text/plain|18|line one\r\nline two|"
                                + "Content-Disposition=[form-data; name=\"doc\"; filename=\"a.txt\"];"
                                + "Content-Type=[text/plain];\n"),
                new Case("content that looks almost like a delimiter", crlf(
                        "--XyZ",
                        "Content-Disposition: form-data; name=\"tricky\"",
                        "",
                        "\r\n--XyY\r\n-\r\n--Xy--XyZ-\r",
                        "--XyZ--"),
                        "tricky|null|null|23|\r\n--XyY\r\n-\r\n--Xy--XyZ-\r|"
                                + "Content-Disposition=[form-data; name=\"tricky\"];\n"),
                new Case("an empty part, padding after a delimiter and a final CRLF", crlf(
                        "--XyZ \t",
                        "Content-Disposition: form-data; name=\"empty\"",
                        "",
                        "",
                        "--XyZ",
                        "content-disposition: form-data; name=\"f\"; filename=\"\"",
                        "X-Extra: 1",
                        "x-extra: 2",
                        "",
                        "\r\n",
                        "--XyZ--",
                        ""),
                        "empty|null|null|0||Content-Disposition=[form-data; name=\"empty\"];\n"
                                + "f||null|2|\r\n|content-disposition=[form-data; name=\"f\"; filename=\"\"];"
                                + "X-Extra=[1, 2];\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everySplitOfTheBodyGivesTheSamePartsAndLeavesNoFileBehind(Case c) throws Exception {
        for (int threshold : new int[] {0, 3, 1024}) {
            for (int cut = 0; cut <= c.body().length; cut++) {
                try (MultipartForm form = MultipartForm.parse(Bodies.split(c.body(), cut), Bodies.TYPE,
                        config(-1, -1, threshold), dir)) {
                    assertThat(describe(form)).as("threshold %d, cut at %d", threshold, cut).isEqualTo(c.expected());
                }
                assertThat(files(dir)).isEmpty();
            }
            try (MultipartForm form = MultipartForm.parse(Bodies.byteByByte(c.body()), Bodies.TYPE,
                    config(-1, -1, threshold), dir)) {
                assertThat(describe(form)).as("threshold %d, byte by byte", threshold).isEqualTo(c.expected());
            }
            assertThat(files(dir)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyTruncationOfTheBodyIsRejectedWithoutLeavingAFile(Case c) {
        int end = indexOfClose(c.body());
        for (int length = 0; length < end; length++) {
            byte[] truncated = Arrays.copyOf(c.body(), length);
            int cut = length / 2;
            assertThatThrownBy(() -> MultipartForm.parse(
                            Bodies.split(truncated, cut), Bodies.TYPE, config(-1, -1, 0), dir))
                    .as("truncated to %d bytes", length)
                    .isInstanceOfSatisfying(BadRequestException.class,
                            e -> assertThat(e.status()).isEqualTo(400));
            assertThat(files(dir)).isEmpty();
        }
    }

    /** The length up to and including the close delimiter's "--". */
    private static int indexOfClose(byte[] body) {
        String s = new String(body, StandardCharsets.ISO_8859_1);
        return s.indexOf("--XyZ--") + "--XyZ--".length();
    }
}
