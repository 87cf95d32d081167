package dev.unicorn.servlet.multipart;

import dev.unicorn.http.BadRequestException;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.unicorn.servlet.multipart.Bodies.TYPE;
import static dev.unicorn.servlet.multipart.Bodies.assertRejected;
import static dev.unicorn.servlet.multipart.Bodies.config;
import static dev.unicorn.servlet.multipart.Bodies.content;
import static dev.unicorn.servlet.multipart.Bodies.crlf;
import static dev.unicorn.servlet.multipart.Bodies.files;
import static dev.unicorn.servlet.multipart.Bodies.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartFormTest {
    private static final MultipartConfigElement UNLIMITED = config(-1, -1, 1024);

    @TempDir
    Path dir;

    private static byte[] field(String name, String value) {
        return crlf("--XyZ", "Content-Disposition: form-data; name=\"" + name + "\"", "", value, "--XyZ--", "");
    }

    private static byte[] parts(String... partsAsLines) {
        StringBuilder b = new StringBuilder();
        for (String p : partsAsLines) {
            b.append("--XyZ\r\n").append(p).append("\r\n");
        }
        return b.append("--XyZ--\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private MultipartForm parse(byte[] body, MultipartConfigElement config) throws IOException {
        return MultipartForm.parse(split(body), TYPE, config, dir);
    }

    private MultipartForm parse(byte[] body) throws IOException {
        return parse(body, UNLIMITED);
    }

    private void assertBadRequest(byte[] body, String message) {
        assertRejected(body, TYPE, UNLIMITED, dir, 400, message);
    }

    // ---- the happy path

    @Test
    void aFieldAndAFileArePartsWithTheirNamesTypesSizesAndHeaders() throws IOException {
        byte[] body = parts(
                "Content-Disposition: form-data; name=\"title\"\r\n\r\nHello",
                "Content-Disposition: form-data; name=\"doc\"; filename=\"notes.txt\"\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\n\r\nsome notes");
        try (MultipartForm form = parse(body)) {
            assertThat(form.parts()).hasSize(2);
            Part title = form.part("title");
            assertThat(title.getSubmittedFileName()).isNull();
            assertThat(title.getContentType()).isNull();
            assertThat(content(title)).isEqualTo("Hello");
            Part doc = form.part("doc");
            assertThat(doc.getName()).isEqualTo("doc");
            assertThat(doc.getSubmittedFileName()).isEqualTo("notes.txt");
            assertThat(doc.getContentType()).isEqualTo("text/plain; charset=utf-8");
            assertThat(doc.getSize()).isEqualTo(10);
            assertThat(content(doc)).isEqualTo("some notes");
            assertThat(doc.getHeader("content-type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(doc.getHeaderNames()).containsExactly("Content-Disposition", "Content-Type");
            assertThat(doc.getHeaders("X-Missing")).isEmpty();
            assertThat(doc.getHeader("X-Missing")).isNull();
        }
    }

    @Test
    void theFirstDelimiterMayFollowAPreambleAndTheEpilogueIsIgnored() throws IOException {
        byte[] body = crlf("preamble --XyZ not yet", "--XyZ", "Content-Disposition: form-data; name=\"a\"", "",
                "1", "--XyZ--", "epilogue", "--XyZ", "Content-Disposition: form-data; name=\"b\"", "", "2");
        try (MultipartForm form = parse(body)) {
            assertThat(form.parts()).extracting(Part::getName).containsExactly("a");
        }
    }

    @Test
    void aQuotedBoundaryWithCharactersOutsideTokensIsUnderstood() throws IOException {
        byte[] body = crlf("--a b:c?=", "Content-Disposition: form-data; name=\"x\"", "", "y", "--a b:c?=--");
        try (MultipartForm form = MultipartForm.parse(split(body), "Multipart/Form-Data ; boundary=\"a b:c?=\"",
                UNLIMITED, dir)) {
            assertThat(content(form.part("x"))).isEqualTo("y");
        }
    }

    @Test
    void theFirstOfTwoPartsWithTheSameNameIsThePartByThatName() throws IOException {
        try (MultipartForm form = parse(parts("Content-Disposition: form-data; name=a\r\n\r\n1",
                "Content-Disposition: form-data; name=a\r\n\r\n2"))) {
            assertThat(content(form.part("a"))).isEqualTo("1");
            assertThat(form.part("b")).isNull();
            assertThatThrownBy(() -> form.parts().clear()).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void aBodyWithTheCloseDelimiterOnlyHasNoParts() throws IOException {
        try (MultipartForm form = parse(crlf("--XyZ--"))) {
            assertThat(form.parts()).isEmpty();
        }
    }

    @Test
    void contentTypeDetectionAcceptsParametersAndCase() {
        assertThat(MultipartForm.isMultipartFormData("multipart/form-data; boundary=x")).isTrue();
        assertThat(MultipartForm.isMultipartFormData("MULTIPART/FORM-DATA")).isTrue();
        assertThat(MultipartForm.isMultipartFormData("multipart/mixed; boundary=x")).isFalse();
        assertThat(MultipartForm.isMultipartFormData("application/x-www-form-urlencoded")).isFalse();
        assertThat(MultipartForm.isMultipartFormData("multipart/form-data; boundary=\"x")).isFalse();
        assertThat(MultipartForm.isMultipartFormData(null)).isFalse();
    }

    @Test
    void parsingABodyThatIsNotMultipartFormDataIsAProgrammingError() {
        assertThatThrownBy(() -> MultipartForm.parse(split(new byte[0]), "text/plain", UNLIMITED, dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Not multipart/form-data: text/plain");
    }

    // ---- file names

    @Test
    void filenameStarInUtf8WinsOverFilename() throws IOException {
        try (MultipartForm form = parse(parts("Content-Disposition: form-data; name=f; filename=\"fallback.txt\";"
                + " filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\nx"))) {
            assertThat(form.part("f").getSubmittedFileName()).isEqualTo("€ rates.txt");
        }
    }

    @Test
    void filenameStarInIso88591WithALanguageIsDecoded() throws IOException {
        try (MultipartForm form = parse(parts("Content-Disposition: form-data; name=f;"
                + " filename*=iso-8859-1'en'%A3%20rates.txt\r\n\r\nx"))) {
            assertThat(form.part("f").getSubmittedFileName()).isEqualTo("£ rates.txt");
        }
    }

    @Test
    void aMalformedOrUndecodableFilenameStarIsRejected() {
        assertBadRequest(parts("Content-Disposition: form-data; name=f; filename*=UTF-8%E2\r\n\r\nx"),
                "Malformed filename* (RFC 8187 ext-value): UTF-8%E2");
        assertBadRequest(parts("Content-Disposition: form-data; name=f; filename*=UTF-8''a%2\r\n\r\nx"),
                "Malformed filename* (RFC 8187 ext-value): UTF-8''a%2");
        assertBadRequest(parts("Content-Disposition: form-data; name=f; filename*=UTF-8''%FF\r\n\r\nx"),
                "filename* is not valid UTF-8: UTF-8''%FF");
        assertBadRequest(parts("Content-Disposition: form-data; name=f; filename*=x-unknown''a\r\n\r\nx"),
                "Unsupported charset in filename*: x-unknown''a");
    }

    @Test
    void aRawUtf8FilenameAsBrowsersSendItIsDecoded() throws IOException {
        try (MultipartForm form = parse(parts("Content-Disposition: form-data; name=f; filename=\"café €.txt\"\r\n\r\nx"))) {
            assertThat(form.part("f").getSubmittedFileName()).isEqualTo("café €.txt");
        }
    }

    @Test
    void anEscapedQuoteIsUnescapedButAWindowsPathKeepsItsBackslashes() throws IOException {
        try (MultipartForm form = parse(parts(
                "Content-Disposition: form-data; name=a; filename=\"say \\\"hi\\\".txt\"\r\n\r\nx",
                "Content-Disposition: form-data; name=b; filename=\"C:\\Users\\ada\\cv.pdf\"\r\n\r\ny"))) {
            assertThat(form.part("a").getSubmittedFileName()).isEqualTo("say \"hi\".txt");
            assertThat(form.part("b").getSubmittedFileName()).isEqualTo("C:\\Users\\ada\\cv.pdf");
        }
    }

    @Test
    void anEmptyFilenameMakesAFilePartNotAField() throws IOException {
        try (MultipartForm form = parse(parts("Content-Disposition: form-data; name=f; filename=\"\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"))) {
            assertThat(form.part("f").getSubmittedFileName()).isEmpty();
            assertThat(form.part("f").getSize()).isZero();
            assertThat(form.parameters(StandardCharsets.UTF_8)).isEmpty();
        }
    }

    // ---- parameters

    @Test
    void formFieldsBecomeParametersInBodyOrderAndFilesDoNot() throws IOException {
        try (MultipartForm form = parse(parts("Content-Disposition: form-data; name=a\r\n\r\n1",
                "Content-Disposition: form-data; name=f; filename=x.txt\r\n\r\nfile",
                "Content-Disposition: form-data; name=b\r\n\r\n2",
                "Content-Disposition: form-data; name=a\r\n\r\n3"))) {
            Map<String, List<String>> p = form.parameters(StandardCharsets.UTF_8);
            assertThat(p).containsExactly(Map.entry("a", List.of("1", "3")), Map.entry("b", List.of("2")));
        }
    }

    @Test
    void fieldsWithoutACharsetAreDecodedWithTheRequestCharset() throws IOException {
        byte[] body = field("city", "Zürich");
        try (MultipartForm form = parse(body)) {
            assertThat(form.parameters(StandardCharsets.UTF_8)).containsEntry("city", List.of("Zürich"));
            assertThat(form.parameters(StandardCharsets.ISO_8859_1)).containsEntry("city", List.of("ZÃ¼rich"));
        }
    }

    @Test
    void theCharsetFieldSetsTheCharsetOfTheOtherFields() throws IOException {
        byte[] latin = "Z\u00fcrich".getBytes(StandardCharsets.ISO_8859_1);
        byte[] head = parts("Content-Disposition: form-data; name=_charset_\r\n\r\nISO-8859-1");
        byte[] start = new String(head, StandardCharsets.ISO_8859_1).replace("--XyZ--\r\n", "")
                .concat("--XyZ\r\nContent-Disposition: form-data; name=city\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] end = "\r\n--XyZ--".getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = new byte[start.length + latin.length + end.length];
        System.arraycopy(start, 0, body, 0, start.length);
        System.arraycopy(latin, 0, body, start.length, latin.length);
        System.arraycopy(end, 0, body, start.length + latin.length, end.length);
        try (MultipartForm form = parse(body)) {
            assertThat(form.parameters(StandardCharsets.UTF_8))
                    .containsExactly(Map.entry("_charset_", List.of("ISO-8859-1")), Map.entry("city", List.of("Zürich")));
        }
    }

    @Test
    void aPartsOwnCharsetWinsOverTheCharsetField() throws IOException {
        try (MultipartForm form = parse(parts("Content-Disposition: form-data; name=_charset_\r\n\r\nISO-8859-1",
                "Content-Disposition: form-data; name=city\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nZürich"))) {
            assertThat(form.parameters(StandardCharsets.US_ASCII)).containsEntry("city", List.of("Zürich"));
        }
    }

    /** A part some other parser made: only the Servlet API is known of it. */
    private record ForeignPart(String name, String fileName, String type, byte[] bytes) implements Part {
        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public String getContentType() {
            return type;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getSubmittedFileName() {
            return fileName;
        }

        @Override
        public long getSize() {
            return bytes.length;
        }

        @Override
        public void write(String fileName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete() {
        }

        @Override
        public String getHeader(String name) {
            return null;
        }

        @Override
        public Collection<String> getHeaders(String name) {
            return List.of();
        }

        @Override
        public Collection<String> getHeaderNames() {
            return List.of();
        }
    }

    @Test
    void theParameterRulesApplyToPartsOfAnyParser() throws IOException {
        List<Part> parts = List.of(
                new ForeignPart("_charset_", null, null, "ISO-8859-1".getBytes(StandardCharsets.US_ASCII)),
                new ForeignPart("city", null, null, "Z\u00fcrich".getBytes(StandardCharsets.ISO_8859_1)),
                new ForeignPart("town", null, "text/plain; charset=UTF-8", "Z\u00fcrich".getBytes(StandardCharsets.UTF_8)),
                new ForeignPart("upload", "a.txt", "text/plain", "ignored".getBytes(StandardCharsets.US_ASCII)));
        assertThat(MultipartForm.parameters(parts, StandardCharsets.UTF_8)).containsExactly(
                Map.entry("_charset_", List.of("ISO-8859-1")), Map.entry("city", List.of("Z\u00fcrich")),
                Map.entry("town", List.of("Z\u00fcrich")));
    }

    @Test
    void anUnknownCharsetFieldFallsBackToTheRequestCharset() throws IOException {
        try (MultipartForm form = parse(parts("Content-Disposition: form-data; name=_charset_\r\n\r\nx-klingon",
                "Content-Disposition: form-data; name=city\r\n\r\nZürich"))) {
            assertThat(form.parameters(StandardCharsets.UTF_8)).containsEntry("city", List.of("Zürich"));
        }
    }

    // ---- malformed bodies: 400

    @Test
    void aBodyWithoutAnyDelimiterIsRejected() {
        assertBadRequest(crlf("just text", "--XyY", "-XyZ"), "Multipart body without a boundary delimiter");
    }

    @Test
    void aBodyEndingBeforeTheCloseDelimiterIsRejected() {
        assertBadRequest(crlf("--XyZ", "Content-Disposition: form-data; name=a", "", "1", "--XyZ"),
                "Multipart body ends before its close delimiter");
        assertBadRequest(crlf("--XyZ", "Content-Disposition: form-data; name=a", "", "1"),
                "Multipart body ends before its close delimiter");
    }

    @Test
    void aDelimiterFollowedByOtherTextIsRejected() {
        assertBadRequest(crlf("--XyZ", "Content-Disposition: form-data; name=a", "", "1", "--XyZap", "", "2",
                "--XyZ--"), "Multipart boundary delimiter followed by other text than CRLF");
    }

    @Test
    void bareLineFeedsAndCarriageReturnsInPartHeadersAreRejected() {
        assertBadRequest("--XyZ\r\nContent-Disposition: form-data; name=a\n\r\n1\r\n--XyZ--".getBytes(StandardCharsets.UTF_8),
                "Bare LF in multipart part headers");
        assertBadRequest("--XyZ\r\nContent-Disposition: form-data; name=a\r\r\n1\r\n--XyZ--".getBytes(StandardCharsets.UTF_8),
                "Bare CR in multipart part headers");
        assertBadRequest("--XyZ\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--".getBytes(StandardCharsets.UTF_8),
                "Multipart boundary delimiter followed by other text than CRLF");
    }

    @Test
    void malformedPartHeaderLinesAreRejected() {
        assertBadRequest(parts("Content-Disposition: form-data;\r\n name=a\r\n\r\n1"),
                "Obsolete line folding in multipart part headers");
        assertBadRequest(parts("Content-Disposition form-data; name=a\r\n\r\n1"), "Invalid part header name");
        assertBadRequest(parts("Content-Disposition: form-data; name=a\r\nX-Bad\r\n\r\n1"), "Malformed part header line");
        assertBadRequest(parts("Content-Disposition: form-data; name=a\r\n: nameless\r\n\r\n1"), "Malformed part header line");
        assertBadRequest(parts("Content-Disposition: form-data; name=\"a\u0001\"\r\n\r\n1"),
                "Control character in a part header value");
    }

    @Test
    void aPartWithoutAUsableContentDispositionIsRejected() {
        assertBadRequest(parts("Content-Type: text/plain\r\n\r\n1"), "Part without Content-Disposition");
        assertBadRequest(parts("Content-Disposition: attachment; name=a\r\n\r\n1"),
                "Part with Content-Disposition attachment, not form-data");
        assertBadRequest(parts("Content-Disposition: form-data; filename=a.txt\r\n\r\n1"),
                "Part without a name in Content-Disposition: form-data; filename=a.txt");
        assertBadRequest(parts("Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\n1"),
                "Part with two Content-Disposition fields");
        assertBadRequest(parts("Content-Disposition: form-data; name=a; name=b\r\n\r\n1"),
                "Parameter name given twice in Content-Disposition: form-data; name=a; name=b");
        assertBadRequest(parts("Content-Disposition: form-data; name=\"a\r\n\r\n1"),
                "Unterminated quoted string in Content-Disposition: form-data; name=\"a");
        assertBadRequest(parts("Content-Disposition: form-data; name=a b\r\n\r\n1"),
                "Malformed Content-Disposition: form-data; name=a b");
    }

    @Test
    void aPartWithTwoContentTypesOrAnEncodedBodyIsRejected() {
        assertBadRequest(parts("Content-Disposition: form-data; name=a\r\nContent-Type: text/plain\r\n"
                + "Content-Type: text/html\r\n\r\n1"), "Part with two Content-Type fields");
        assertBadRequest(parts("Content-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: base64\r\n\r\nMQ=="),
                "Unsupported Content-Transfer-Encoding in a part: base64");
    }

    @Test
    void anIdentityContentTransferEncodingIsAccepted() throws IOException {
        try (MultipartForm form = parse(parts("Content-Disposition: form-data; name=a\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n1"))) {
            assertThat(content(form.part("a"))).isEqualTo("1");
        }
    }

    @Test
    void missingOrInvalidBoundariesAreRejected() {
        byte[] body = field("a", "1");
        assertRejected(body, "multipart/form-data", UNLIMITED, dir, 400,
                "multipart/form-data without a boundary: multipart/form-data");
        assertRejected(body, "multipart/form-data; boundary=\"\"", UNLIMITED, dir, 400, "Invalid multipart boundary: ");
        String seventyOne = "b".repeat(71);
        assertRejected(body, "multipart/form-data; boundary=" + seventyOne, UNLIMITED, dir, 400,
                "Invalid multipart boundary: " + seventyOne);
        assertRejected(body, "multipart/form-data; boundary=\"ab \"", UNLIMITED, dir, 400, "Invalid multipart boundary: ab ");
        assertRejected(body, "multipart/form-data; boundary=\"a;b\"", UNLIMITED, dir, 400, "Invalid multipart boundary: a;b");
    }

    @Test
    void aBoundaryOfSeventyCharactersIsAccepted() throws IOException {
        String b = "b".repeat(70);
        byte[] body = crlf("--" + b, "Content-Disposition: form-data; name=a", "", "1", "--" + b + "--");
        try (MultipartForm form = MultipartForm.parse(split(body), "multipart/form-data; boundary=" + b, UNLIMITED, dir)) {
            assertThat(content(form.part("a"))).isEqualTo("1");
        }
    }

    @Test
    void partHeadersOverTheLimitAreRejected() throws IOException {
        String header = "X-Long: " + "v".repeat(100);
        byte[] body = parts("Content-Disposition: form-data; name=a\r\n" + header + "\r\n\r\n1");
        assertThatThrownBy(() -> MultipartForm.parse(split(body), TYPE, UNLIMITED, dir, 10, 100))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage("Multipart part headers larger than 100 bytes");
        // exactly at the limit: both lines, their CRLFs and the empty line
        int exact = "Content-Disposition: form-data; name=a\r\n".length() + header.length() + 4;
        try (MultipartForm form = MultipartForm.parse(split(body), TYPE, UNLIMITED, dir, 10, exact)) {
            assertThat(form.part("a").getHeader("X-Long")).hasSize(100);
        }
        assertThatThrownBy(() -> MultipartForm.parse(split(body), TYPE, UNLIMITED, dir, 10, exact - 1))
                .isInstanceOf(BadRequestException.class);
    }

    // ---- limits: 413

    @Test
    void morePartsThanTheLimitAreRefusedWith413() throws IOException {
        byte[] body = parts("Content-Disposition: form-data; name=a\r\n\r\n1",
                "Content-Disposition: form-data; name=b; filename=b.txt\r\n\r\n2",
                "Content-Disposition: form-data; name=c\r\n\r\n3");
        assertThatThrownBy(() -> MultipartForm.parse(split(body), TYPE, config(-1, -1, 0), dir, 2, 1000))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(413))
                .hasMessage("Multipart request with more than 2 parts");
        assertThat(files(dir)).isEmpty();
        try (MultipartForm form = MultipartForm.parse(split(body), TYPE, UNLIMITED, dir, 3, 1000)) {
            assertThat(form.parts()).hasSize(3);
        }
    }

    @Test
    void aPartOverMaxFileSizeIsRefusedWith413WhetherFileOrField() throws IOException {
        assertRejected(parts("Content-Disposition: form-data; name=f; filename=f.bin\r\n\r\n12345"), TYPE,
                config(4, -1, 0), dir, 413, "Part \"f\" larger than maxFileSize (4 bytes)");
        assertRejected(field("a", "12345"), TYPE, config(4, -1, 0), dir, 413, "Part \"a\" larger than maxFileSize (4 bytes)");
        try (MultipartForm form = parse(field("a", "1234"), config(4, -1, 0))) {
            assertThat(content(form.part("a"))).isEqualTo("1234");
        }
    }

    @Test
    void aBodyOverMaxRequestSizeIsRefusedWith413() throws IOException {
        byte[] body = field("a", "1234");
        assertRejected(body, TYPE, config(-1, body.length - 1, 0), dir, 413,
                "Multipart request larger than maxRequestSize (" + (body.length - 1) + " bytes)");
        try (MultipartForm form = parse(body, config(-1, body.length, 0))) {
            assertThat(content(form.part("a"))).isEqualTo("1234");
        }
    }

    @Test
    void theEpilogueCountsTowardsMaxRequestSize() {
        byte[] body = crlf("--XyZ", "Content-Disposition: form-data; name=a", "", "1", "--XyZ--", "x".repeat(1000));
        assertRejected(body, TYPE, config(-1, 500, 0), dir, 413, "Multipart request larger than maxRequestSize (500 bytes)");
    }

    // ---- memory, files and cleanup

    @Test
    void aPartUpToTheThresholdStaysInMemoryAndALargerOneGoesToATemporaryFile() throws IOException {
        byte[] body = parts("Content-Disposition: form-data; name=small\r\n\r\n" + "s".repeat(10),
                "Content-Disposition: form-data; name=big; filename=big.bin\r\n\r\n" + "b".repeat(11));
        try (MultipartForm form = parse(body, config(-1, -1, 10))) {
            List<Path> files = files(dir);
            assertThat(files).hasSize(1);
            assertThat(Files.readString(files.get(0))).isEqualTo("b".repeat(11));
            assertThat(content(form.part("big"))).isEqualTo("b".repeat(11));
            assertThat(content(form.part("small"))).isEqualTo("s".repeat(10));
        }
        assertThat(files(dir)).isEmpty();
    }

    @Test
    void aPartLargerThanTheParserBufferStreamsToDiskIntact() throws IOException {
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 200_000; i++) {
            big.append(i).append("\r\n-");
        }
        byte[] body = parts("Content-Disposition: form-data; name=big; filename=big.txt\r\n\r\n" + big);
        try (MultipartForm form = parse(body, config(-1, -1, 100))) {
            assertThat(form.part("big").getSize()).isEqualTo(big.length());
            assertThat(content(form.part("big"))).isEqualTo(big.toString());
        }
        assertThat(files(dir)).isEmpty();
    }

    @Test
    void aThresholdOfZeroPutsEveryNonEmptyPartInAFile() throws IOException {
        byte[] body = parts("Content-Disposition: form-data; name=empty\r\n\r\n",
                "Content-Disposition: form-data; name=one\r\n\r\n1");
        try (MultipartForm form = parse(body, config(-1, -1, 0))) {
            assertThat(files(dir)).hasSize(1);
            assertThat(form.parameters(StandardCharsets.UTF_8)).containsExactly(Map.entry("empty", List.of("")),
                    Map.entry("one", List.of("1")));
        }
        assertThat(files(dir)).isEmpty();
    }

    @Test
    void aRelativeLocationIsResolvedAgainstTheTemporaryDirectoryAndAnAbsoluteOneUsedAsGiven() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("uploads"));
        byte[] body = field("a", "12");
        try (MultipartForm form = parse(body, new MultipartConfigElement("uploads", -1, -1, 0))) {
            assertThat(files(sub)).hasSize(1);
            form.part("a").write("kept.txt");
            assertThat(Files.readString(sub.resolve("kept.txt"))).isEqualTo("12");
        }
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        try (MultipartForm form = MultipartForm.parse(split(body), TYPE,
                new MultipartConfigElement(elsewhere.toString(), -1, -1, 0), dir.resolve("unused"))) {
            assertThat(files(elsewhere)).hasSize(1);
            assertThat(content(form.part("a"))).isEqualTo("12");
        }
        assertThat(files(elsewhere)).isEmpty();
    }

    @Test
    void writeMovesTheTemporaryFileWhichThenOutlivesTheRequest() throws IOException {
        try (MultipartForm form = parse(field("a", "hello"), config(-1, -1, 0))) {
            Part a = form.part("a");
            a.write("saved.txt");
            assertThat(files(dir)).containsExactly(dir.resolve("saved.txt"));
            assertThat(content(a)).isEqualTo("hello");
            Path absolute = dir.resolve("copy.txt");
            a.write(absolute.toString());
            assertThat(Files.readString(absolute)).isEqualTo("hello");
        }
        assertThat(files(dir)).containsExactlyInAnyOrder(dir.resolve("saved.txt"), dir.resolve("copy.txt"));
    }

    @Test
    void writeOfAPartHeldInMemoryCreatesTheFile() throws IOException {
        try (MultipartForm form = parse(field("a", "hello"))) {
            form.part("a").write("mem.txt");
        }
        assertThat(Files.readString(dir.resolve("mem.txt"))).isEqualTo("hello");
    }

    @Test
    void deleteRemovesTheTemporaryFileAndTheContent() throws IOException {
        try (MultipartForm form = parse(field("a", "hello"), config(-1, -1, 0))) {
            assertThat(files(dir)).hasSize(1);
            form.part("a").delete();
            assertThat(files(dir)).isEmpty();
            assertThatThrownBy(() -> form.part("a").getInputStream()).isInstanceOf(IOException.class)
                    .hasMessage("Part \"a\" was deleted");
            form.part("a").delete();
        }
    }

    @Test
    void closeDeletesEveryTemporaryFileAndMayBeCalledTwice() throws IOException {
        byte[] body = parts("Content-Disposition: form-data; name=a; filename=a\r\n\r\n111",
                "Content-Disposition: form-data; name=b; filename=b\r\n\r\n222");
        MultipartForm form = parse(body, config(-1, -1, 0));
        assertThat(files(dir)).hasSize(2);
        form.close();
        assertThat(files(dir)).isEmpty();
        form.close();
        assertThatThrownBy(() -> form.part("a").getInputStream()).isInstanceOf(IOException.class);
    }

    @Test
    void anErrorHalfwayDeletesTheFilesOfThePartsAlreadyRead() {
        byte[] body = parts("Content-Disposition: form-data; name=a; filename=a\r\n\r\n" + "a".repeat(50),
                "Content-Disposition: form-data; name=b; filename=b\r\n\r\n" + "b".repeat(30),
                "Content-Disposition: form-data; name=c; filename=c\r\n\r\n" + "c".repeat(500));
        assertRejected(body, TYPE, config(100, -1, 10), dir, 413, "Part \"c\" larger than maxFileSize (100 bytes)");
        byte[] truncated = Arrays.copyOf(body, body.length - 20);
        assertRejected(truncated, TYPE, config(-1, -1, 10), dir, 400, "Multipart body ends before its close delimiter");
        byte[] broken = new String(body, StandardCharsets.UTF_8).replace("name=c;", "name=c; name=d;")
                .getBytes(StandardCharsets.UTF_8);
        assertRejected(broken, TYPE, config(-1, -1, 10), dir, 400,
                "Parameter name given twice in Content-Disposition: form-data; name=c; name=d; filename=c");
    }

    @Test
    void aDroppedConnectionHalfwayRethrowsItsErrorAndLeavesNoFile() {
        byte[] body = parts("Content-Disposition: form-data; name=a; filename=a\r\n\r\n" + "a".repeat(5000),
                "Content-Disposition: form-data; name=b; filename=b\r\n\r\n" + "b".repeat(5000));
        byte[] half = Arrays.copyOf(body, 7000);
        assertThatThrownBy(() -> MultipartForm.parse(Bodies.failingAfter(half), TYPE, config(-1, -1, 0), dir))
                .isInstanceOf(IOException.class).isNotInstanceOf(BadRequestException.class)
                .hasMessage("connection reset (simulated)");
        assertThat(files(dir)).isEmpty();
    }

    @Test
    void aMissingLocationFailsWithAnIoErrorAndLeavesNothing() {
        byte[] body = field("a", "12");
        assertThatThrownBy(() -> parse(body, new MultipartConfigElement("missing", -1, -1, 0)))
                .isInstanceOf(IOException.class).isNotInstanceOf(BadRequestException.class);
        assertThat(files(dir)).isEmpty();
    }
}
