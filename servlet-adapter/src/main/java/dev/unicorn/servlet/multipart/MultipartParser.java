package dev.unicorn.servlet.multipart;

import dev.unicorn.http.BadRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Streams a multipart body (RFC 2046 §5.1.1, RFC 7578) off an {@link InputStream} through
 * one fixed buffer: the preamble, each part's header block and body, the close delimiter and
 * the epilogue. A part's body goes to a {@link Sink} as it arrives, so memory use does not
 * depend on the size of the body.
 *
 * <p>The body is read as if it began with CRLF, so that the first delimiter, which may
 * open the body without one, is found by the same search for {@code CRLF "--" boundary} as
 * all the others. Strict: lines end with CRLF, a delimiter line may carry only transport
 * padding (spaces and tabs) before its CRLF, obs-fold is refused, and the body must end with
 * a close delimiter. Every violation is a {@link BadRequestException} with status 400; a body
 * over {@code maxRequestSize} one with status 413.
 */
final class MultipartParser {
    static final int BUFFER_SIZE = 16 * 1024;

    /** Receives the bytes of a part's body. */
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    private final InputStream in;
    private final byte[] delimiter;
    private final long maxRequestSize;
    private final int maxHeaderBytes;
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private long bytesRead;

    /**
     * @param maxRequestSize the most bytes to read from {@code in}, negative for no limit
     * @param maxHeaderBytes the most bytes of one part's header block, CRLFs included
     */
    MultipartParser(InputStream in, String boundary, long maxRequestSize, int maxHeaderBytes) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.maxRequestSize = maxRequestSize;
        this.maxHeaderBytes = maxHeaderBytes;
        this.buf = new byte[Math.max(BUFFER_SIZE, maxHeaderBytes + 2 * delimiter.length)];
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
    }

    /** Skips the preamble and the first delimiter. */
    void start() throws IOException {
        if (!skipTo(null)) {
            throw new BadRequestException(400, "Multipart body without a boundary delimiter");
        }
    }

    /**
     * Reads what follows a delimiter: true if a part follows (its header block is next),
     * false after the close delimiter, the epilogue read and dropped.
     */
    boolean nextPart() throws IOException {
        if (!ensure(2)) {
            throw truncated();
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            pos += 2;
            // the epilogue is ignored (RFC 2046 §5.1.1) but read, so the connection can carry on
            while (!eof) {
                pos = limit;
                fill();
            }
            return false;
        }
        int padding = 0;
        while (true) {
            if (!ensure(1)) {
                throw truncated();
            }
            byte b = buf[pos];
            if (b != ' ' && b != '\t') {
                break;
            }
            if (++padding > maxHeaderBytes) {
                throw new BadRequestException(400, "Multipart boundary line too long");
            }
            pos++;
        }
        if (!ensure(2)) {
            throw truncated();
        }
        if (buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw new BadRequestException(400, "Multipart boundary delimiter followed by other text than CRLF");
        }
        pos += 2;
        return true;
    }

    /** Reads a part's header block into {@code names} and {@code values} (UTF-8, RFC 7578 §5.1). */
    void readHeaders(List<String> names, List<String> values) throws IOException {
        int used = 0;
        while (true) {
            int k = 0; // offset from pos of the byte examined; pos stays at the line start
            while (true) {
                if (used + k + 2 > maxHeaderBytes) {
                    throw headersTooLarge();
                }
                if (!ensure(k + 1)) {
                    throw truncated();
                }
                byte b = buf[pos + k];
                if (b == '\n') {
                    throw new BadRequestException(400, "Bare LF in multipart part headers");
                }
                if (b == '\r') {
                    if (!ensure(k + 2)) {
                        throw truncated();
                    }
                    if (buf[pos + k + 1] != '\n') {
                        throw new BadRequestException(400, "Bare CR in multipart part headers");
                    }
                    break;
                }
                k++;
            }
            used += k + 2;
            int lineStart = pos;
            pos += k + 2;
            if (k == 0) {
                return;
            }
            parseHeaderLine(lineStart, lineStart + k, names, values);
        }
    }

    private void parseHeaderLine(int from, int to, List<String> names, List<String> values) throws BadRequestException {
        if (buf[from] == ' ' || buf[from] == '\t') {
            throw new BadRequestException(400, "Obsolete line folding in multipart part headers");
        }
        int colon = from;
        while (colon < to && buf[colon] != ':') {
            if (!HeaderValue.isToken((char) (buf[colon] & 0xff))) {
                throw new BadRequestException(400, "Invalid part header name");
            }
            colon++;
        }
        if (colon == from || colon == to) {
            throw new BadRequestException(400, "Malformed part header line");
        }
        int start = colon + 1;
        int end = to;
        while (start < end && (buf[start] == ' ' || buf[start] == '\t')) {
            start++;
        }
        while (end > start && (buf[end - 1] == ' ' || buf[end - 1] == '\t')) {
            end--;
        }
        for (int i = start; i < end; i++) {
            int c = buf[i] & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new BadRequestException(400, "Control character in a part header value");
            }
        }
        names.add(new String(buf, from, colon - from, StandardCharsets.US_ASCII));
        values.add(new String(buf, start, end - start, StandardCharsets.UTF_8));
    }

    /** Copies the current part's body to {@code sink}, up to and past the next delimiter. */
    void readBody(Sink sink) throws IOException {
        if (!skipTo(sink)) {
            throw truncated();
        }
    }

    /**
     * Moves past the next delimiter, handing the bytes before it to {@code sink} (or dropping
     * them if null); false if the input ends first.
     */
    private boolean skipTo(Sink sink) throws IOException {
        while (true) {
            int found = indexOfDelimiter();
            if (found >= 0) {
                if (sink != null && found > pos) {
                    sink.write(buf, pos, found - pos);
                }
                pos = found + delimiter.length;
                return true;
            }
            // all but the last delimiter.length - 1 bytes cannot start a delimiter
            int safe = Math.max(pos, limit - delimiter.length + 1);
            if (sink != null && safe > pos) {
                sink.write(buf, pos, safe - pos);
            }
            pos = safe;
            if (eof) {
                return false;
            }
            fill();
        }
    }

    private int indexOfDelimiter() {
        byte first = delimiter[0];
        int last = limit - delimiter.length;
        outer:
        for (int i = pos; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Reads until {@code n} bytes are buffered after {@code pos}; false if the input ends first. */
    private boolean ensure(int n) throws IOException {
        while (limit - pos < n) {
            if (eof) {
                return false;
            }
            fill();
        }
        return true;
    }

    /** Reads once from the input, first moving the unread bytes to the front if room is short. */
    private void fill() throws IOException {
        if (pos > 0 && buf.length - limit < buf.length / 4) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            throw new IllegalStateException("Multipart buffer full"); // callers keep far less than a buffer
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
            return;
        }
        limit += n;
        bytesRead += n;
        if (maxRequestSize >= 0 && bytesRead > maxRequestSize) {
            throw new BadRequestException(413, "Multipart request larger than maxRequestSize (" + maxRequestSize + " bytes)");
        }
    }

    private BadRequestException truncated() {
        return new BadRequestException(400, "Multipart body ends before its close delimiter");
    }

    private BadRequestException headersTooLarge() {
        return new BadRequestException(400, "Multipart part headers larger than " + maxHeaderBytes + " bytes");
    }
}
