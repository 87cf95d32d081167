package dev.unicorn.servlet;

import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpResponse;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The container's {@link HttpServletResponse} over a core {@link HttpResponse}. Status and
 * headers are kept here until the response commits (buffer overflow, flush, completion), then
 * handed to the core response, which frames and writes them.
 */
final class AppResponse implements HttpServletResponse {
    static final int DEFAULT_BUFFER_SIZE = 32 * 1024;

    private enum OutputMode { NONE, STREAM, WRITER }

    private final Exchange exchange;
    private final HttpResponse core;
    private final AppContext context;
    private int status = 200;
    private final Headers headers = new Headers();
    private String mimeType;
    private String contentTypeParameters = "";
    private String charset;
    /** The charset came from setCharacterEncoding/setContentType, not from the default. */
    private boolean charsetSet;
    private Locale locale;
    private long contentLength = -1;
    private int bufferSize = DEFAULT_BUFFER_SIZE;
    private final ResponseOutput output = new ResponseOutput(this);
    private OutputMode mode = OutputMode.NONE;
    private PrintWriter writer;
    private ResponseWriter writerSink;
    private boolean committed;
    private boolean finished;
    private Supplier<Map<String, String>> trailers;
    /** sendError was called: the status and message the error page (or default page) reports. */
    boolean errorSent;
    String errorMessage;

    AppResponse(Exchange exchange, HttpResponse core, AppContext context) {
        this.exchange = exchange;
        this.core = core;
        this.context = context;
        String encoding = context.getResponseCharacterEncoding();
        if (encoding != null) {
            charset = encoding;
        }
    }

    HttpResponse core() {
        return core;
    }

    Exchange exchange() {
        return exchange;
    }

    // ---- status and headers

    @Override
    public void setStatus(int sc) {
        if (!committed) {
            if (sc < 100 || sc > 999) {
                throw new IllegalArgumentException("not a status code: " + sc);
            }
            status = sc;
        }
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public void addCookie(Cookie cookie) {
        Objects.requireNonNull(cookie, "cookie");
        addHeader("Set-Cookie", CookieCodec.format(cookie, System.currentTimeMillis()));
    }

    @Override
    public boolean containsHeader(String name) {
        return getHeader(name) != null;
    }

    @Override
    public String encodeURL(String url) {
        return url; // sessions are tracked by cookie only: nothing to rewrite
    }

    @Override
    public String encodeRedirectURL(String url) {
        return url;
    }

    /** Content-Type and Content-Length are properties of the response, not plain headers. */
    private boolean special(String name, String value) {
        if (name.equalsIgnoreCase("Content-Type")) {
            if (value == null) {
                mimeType = null;
                contentTypeParameters = "";
                charset = null;
                charsetSet = false;
            } else {
                setContentType(value);
            }
            return true;
        }
        if (name.equalsIgnoreCase("Content-Length")) {
            if (value == null) {
                contentLength = -1;
            } else {
                setContentLengthLong(Long.parseLong(value.trim()));
            }
            return true;
        }
        return false;
    }

    @Override
    public void setHeader(String name, String value) {
        if (committed || name == null) {
            return;
        }
        if (special(name, value)) {
            return;
        }
        if (value == null) {
            headers.remove(name);
        } else {
            headers.set(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (committed || name == null || value == null) {
            return;
        }
        if (special(name, value)) {
            return;
        }
        headers.add(name, value);
    }

    @Override
    public void setDateHeader(String name, long date) {
        setHeader(name, HttpFields.formatDate(date));
    }

    @Override
    public void addDateHeader(String name, long date) {
        addHeader(name, HttpFields.formatDate(date));
    }

    @Override
    public void setIntHeader(String name, int value) {
        setHeader(name, Integer.toString(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        addHeader(name, Integer.toString(value));
    }

    @Override
    public String getHeader(String name) {
        if (name.equalsIgnoreCase("Content-Type")) {
            return getContentType();
        }
        if (name.equalsIgnoreCase("Content-Length")) {
            return contentLength < 0 ? null : Long.toString(contentLength);
        }
        return headers.get(name);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        String special = name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Length")
                ? getHeader(name) : null;
        if (special != null) {
            return List.of(special);
        }
        return new ArrayList<>(headers.getAll(name));
    }

    @Override
    public Collection<String> getHeaderNames() {
        Set<String> names = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < headers.size(); i++) {
            if (seen.add(headers.name(i).toLowerCase(Locale.ROOT))) {
                names.add(headers.name(i));
            }
        }
        if (getContentType() != null) {
            names.add("Content-Type");
        }
        if (contentLength >= 0) {
            names.add("Content-Length");
        }
        return names;
    }

    // ---- content type and encoding

    @Override
    public String getCharacterEncoding() {
        return charset != null ? charset : "ISO-8859-1";
    }

    @Override
    public String getContentType() {
        if (mimeType == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(mimeType).append(contentTypeParameters);
        if (charset != null && (charsetSet || mode == OutputMode.WRITER)) {
            sb.append(";charset=").append(charset);
        }
        return sb.toString();
    }

    @Override
    public void setContentType(String type) {
        if (committed) {
            return;
        }
        if (type == null) {
            mimeType = null;
            contentTypeParameters = "";
            if (mode != OutputMode.WRITER) {
                charset = context.getResponseCharacterEncoding();
                charsetSet = false;
            }
            return;
        }
        String base = HttpFields.mediaTypeWithoutParameters(type);
        StringBuilder rest = new StringBuilder();
        String newCharset = null;
        String[] parts = type.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                newCharset = p.substring(eq + 1).trim();
                if (newCharset.length() >= 2 && newCharset.startsWith("\"") && newCharset.endsWith("\"")) {
                    newCharset = newCharset.substring(1, newCharset.length() - 1);
                }
            } else {
                rest.append(';').append(p);
            }
        }
        mimeType = base;
        contentTypeParameters = rest.toString();
        // Servlet 6.1: once getWriter() was called, the charset no longer changes
        if (newCharset != null && mode != OutputMode.WRITER) {
            charset = newCharset;
            charsetSet = true;
        }
    }

    @Override
    public void setCharacterEncoding(String encoding) {
        if (committed || mode == OutputMode.WRITER) {
            return;
        }
        if (encoding == null) {
            charset = context.getResponseCharacterEncoding();
            charsetSet = false;
            return;
        }
        charset = encoding;
        charsetSet = true;
    }

    @Override
    public void setCharacterEncoding(Charset encoding) {
        setCharacterEncoding(encoding == null ? null : encoding.name());
    }

    @Override
    public void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        if (!committed) {
            contentLength = len < 0 ? -1 : len;
        }
    }

    long contentLengthLimit() {
        return contentLength;
    }

    @Override
    public void setLocale(Locale loc) {
        if (committed || loc == null) {
            return;
        }
        locale = loc;
        headers.set("Content-Language", loc.toLanguageTag());
    }

    @Override
    public Locale getLocale() {
        return locale != null ? locale : Locale.getDefault();
    }

    // ---- body

    @Override
    public ServletOutputStream getOutputStream() {
        if (mode == OutputMode.WRITER) {
            throw new IllegalStateException("getWriter() was called already");
        }
        mode = OutputMode.STREAM;
        return output;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (mode == OutputMode.STREAM) {
            throw new IllegalStateException("getOutputStream() was called already");
        }
        if (writer == null) {
            if (charset == null) {
                charset = "ISO-8859-1";
            }
            Charset cs;
            try {
                cs = Charset.forName(charset);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new java.io.UnsupportedEncodingException(charset);
            }
            mode = OutputMode.WRITER;
            writerSink = new ResponseWriter(output, cs);
            writer = new PrintWriter(writerSink, false);
        }
        return writer;
    }

    @Override
    public void setBufferSize(int size) {
        if (committed || output.buffered() > 0) {
            throw new IllegalStateException("setBufferSize after content was written");
        }
        bufferSize = Math.max(size, 0);
    }

    @Override
    public int getBufferSize() {
        return bufferSize;
    }

    @Override
    public void flushBuffer() throws IOException {
        commit();
        output.drain();
        core.body().flush();
    }

    @Override
    public void resetBuffer() {
        if (committed) {
            throw new IllegalStateException("the response is committed");
        }
        output.clearBuffer();
        if (writerSink != null) {
            writerSink.discardPending();
        }
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    @Override
    public void reset() {
        if (committed) {
            throw new IllegalStateException("the response is committed");
        }
        status = 200;
        headers.clear();
        mimeType = null;
        contentTypeParameters = "";
        charset = context.getResponseCharacterEncoding();
        charsetSet = false;
        locale = null;
        contentLength = -1;
        output.reopen();
        mode = OutputMode.NONE;
        writer = null;
        writerSink = null;
        errorSent = false;
        errorMessage = null;
    }

    // ---- errors and redirects

    @Override
    public void sendError(int sc, String msg) throws IOException {
        if (committed) {
            throw new IllegalStateException("sendError after the response was committed");
        }
        resetBuffer();
        setStatus(sc);
        errorSent = true;
        errorMessage = msg;
        output.closed = true;
    }

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        if (committed) {
            throw new IllegalStateException("sendRedirect after the response was committed");
        }
        Objects.requireNonNull(location, "location");
        if (clearBuffer) {
            resetBuffer();
        }
        setHeader("Location", exchange.redirectLocation(location));
        setStatus(sc);
        output.closed = true;
    }

    // ---- trailers

    @Override
    public void setTrailerFields(Supplier<Map<String, String>> supplier) {
        if (committed) {
            throw new IllegalStateException("the response is committed");
        }
        if (!exchange.request().core().version().atLeast11()) {
            throw new IllegalStateException("HTTP/1.0 has no trailer fields");
        }
        trailers = supplier;
        core.trailers(new Headers()); // tells the framing at commit that trailers follow (chunked)
    }

    @Override
    public Supplier<Map<String, String>> getTrailerFields() {
        return trailers;
    }

    // ---- container side

    /** Sends status and headers to the core response; idempotent. */
    void commit() {
        if (committed) {
            return;
        }
        committed = true;
        core.status(status);
        Headers h = core.headers();
        for (int i = 0; i < headers.size(); i++) {
            h.add(headers.name(i), headers.value(i));
        }
        String type = getContentType();
        if (type != null) {
            h.set("Content-Type", type);
        }
        if (contentLength >= 0 && trailers == null) {
            h.set("Content-Length", Long.toString(contentLength));
        }
    }

    /**
     * Ends the body as far as the application is concerned: what is buffered goes out, with
     * a {@code Content-Length} when the whole body is known, and the core body is closed.
     */
    void closeOutput() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        output.closed = true;
        // an unset Content-Length is the core's to compute: it knows the whole body once closed
        commit();
        output.drain();
        if (trailers != null) {
            Map<String, String> fields = trailers.get();
            Headers t = new Headers();
            if (fields != null) {
                for (Map.Entry<String, String> e : fields.entrySet()) {
                    t.add(e.getKey(), e.getValue());
                }
            }
            core.trailers(t);
        }
        core.body().close();
    }

    boolean isFinished() {
        return finished;
    }

    /** What a forward does first: the buffer is cleared and the target may choose stream or writer afresh. */
    void resetForForward() {
        resetBuffer();
        output.reopen();
        mode = OutputMode.NONE;
        writer = null;
        writerSink = null;
    }

    /** Makes the response writable again for an error page, keeping status and headers. */
    void reopenForErrorPage() {
        output.reopen();
        mode = OutputMode.NONE;
        writer = null;
        writerSink = null;
    }
}
