package dev.unicorn.servlet.multipart;

import dev.unicorn.http.BadRequestException;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code multipart/form-data} request body (RFC 7578): its parts, for
 * {@code HttpServletRequest.getParts()}, and its form fields, for {@code getParameter}.
 *
 * <p>{@link #parse} streams the body: each part stays in memory up to the
 * {@link MultipartConfigElement#getFileSizeThreshold() fileSizeThreshold} and goes to a
 * temporary file in the {@linkplain MultipartConfigElement#getLocation() location} beyond
 * it; the body is never held whole in memory. Limits answer 413:
 * {@link MultipartConfigElement#getMaxFileSize() maxFileSize} per part (file or field),
 * {@link MultipartConfigElement#getMaxRequestSize() maxRequestSize} for all bytes read
 * (preamble and epilogue included), and a maximum number of parts; a negative size means no
 * limit, as in the Servlet API. Malformed bodies answer 400. Both are
 * {@link BadRequestException}s carrying that status, thrown after every temporary file made
 * so far has been deleted.
 *
 * <p>The container {@linkplain #close() closes} the form when the request ends, which
 * deletes the temporary files left (a part the application {@link Part#write wrote} is its
 * own). A form is used by one request thread at a time.
 */
public final class MultipartForm implements AutoCloseable {
    /** The default maximum number of parts. */
    public static final int DEFAULT_MAX_PARTS = 100;
    /** The default maximum size of one part's header block, CRLFs included. */
    public static final int DEFAULT_MAX_PART_HEADER_BYTES = 8192;
    /** RFC 2046 §5.1.1: boundaries are at most 70 characters. */
    private static final int MAX_BOUNDARY_LENGTH = 70;

    private final List<Part> parts = new ArrayList<>();
    private final List<PartContent> contents = new ArrayList<>();

    private MultipartForm() {
    }

    /** True if {@code contentType} is {@code multipart/form-data} (with any parameters). */
    public static boolean isMultipartFormData(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            return HeaderValue.parse(contentType, "Content-Type").value().equals("multipart/form-data");
        } catch (BadRequestException e) {
            return false;
        }
    }

    /**
     * Parses a body with {@link #DEFAULT_MAX_PARTS} and {@link #DEFAULT_MAX_PART_HEADER_BYTES}.
     *
     * @see #parse(InputStream, String, MultipartConfigElement, Path, int, int)
     */
    public static MultipartForm parse(InputStream body, String contentType, MultipartConfigElement config,
            Path tempDirectory) throws IOException {
        return parse(body, contentType, config, tempDirectory, DEFAULT_MAX_PARTS, DEFAULT_MAX_PART_HEADER_BYTES);
    }

    /**
     * Reads {@code body} to its end and parses it.
     *
     * @param body               the request body
     * @param contentType        the request's Content-Type, {@code multipart/form-data} with a boundary
     * @param config             the servlet's multipart configuration
     * @param tempDirectory      the context's temporary directory ({@code ServletContext.TEMPDIR}):
     *                           the location when the configuration gives none, and what a
     *                           relative location is relative to
     * @param maxParts           the most parts; one more answers 413
     * @param maxPartHeaderBytes the most bytes of one part's header block; more answers 400
     * @throws BadRequestException status 400 for a malformed body, 413 over a limit
     * @throws IOException         reading the body or writing a temporary file failed
     * @throws IllegalArgumentException if {@code contentType} is not {@code multipart/form-data}
     */
    public static MultipartForm parse(InputStream body, String contentType, MultipartConfigElement config,
            Path tempDirectory, int maxParts, int maxPartHeaderBytes) throws IOException {
        String boundary = boundary(contentType);
        String configured = config.getLocation();
        Path location = configured == null || configured.isEmpty() ? tempDirectory : Path.of(configured);
        if (!location.isAbsolute()) {
            location = tempDirectory.resolve(location);
        }
        MultipartForm form = new MultipartForm();
        boolean parsed = false;
        try {
            MultipartParser parser = new MultipartParser(body, boundary, config.getMaxRequestSize(), maxPartHeaderBytes);
            parser.start();
            while (parser.nextPart()) {
                if (form.parts.size() == maxParts) {
                    throw new BadRequestException(413, "Multipart request with more than " + maxParts + " parts");
                }
                List<String> names = new ArrayList<>();
                List<String> values = new ArrayList<>();
                parser.readHeaders(names, values);
                PartHeaders headers = PartHeaders.of(names, values);
                PartContent content = new PartContent(location, config.getFileSizeThreshold(), config.getMaxFileSize(),
                        headers.name());
                form.contents.add(content);
                parser.readBody(content);
                content.finish();
                form.parts.add(new StoredPart(headers, content, location));
            }
            parsed = true;
            return form;
        } finally {
            if (!parsed) {
                form.close();
            }
        }
    }

    private static String boundary(String contentType) throws BadRequestException {
        if (!isMultipartFormData(contentType)) {
            throw new IllegalArgumentException("Not multipart/form-data: " + contentType);
        }
        String boundary = HeaderValue.parse(contentType, "Content-Type").parameter("boundary");
        if (boundary == null) {
            throw new BadRequestException(400, "multipart/form-data without a boundary: " + contentType);
        }
        if (boundary.isEmpty() || boundary.length() > MAX_BOUNDARY_LENGTH || boundary.endsWith(" ")) {
            throw new BadRequestException(400, "Invalid multipart boundary: " + boundary);
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            boolean bchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "'()+_,-./:=? ".indexOf(c) >= 0;
            if (!bchar) {
                throw new BadRequestException(400, "Invalid multipart boundary: " + boundary);
            }
        }
        return boundary;
    }

    /** Every part, in the order of the body, form fields included. */
    public List<Part> parts() {
        return Collections.unmodifiableList(parts);
    }

    /** The first part named {@code name}, or null. */
    public Part part(String name) {
        for (Part p : parts) {
            if (p.getName().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The form fields of this form as request parameters.
     *
     * @see #parameters(Collection, Charset)
     */
    public Map<String, List<String>> parameters(Charset requestCharset) throws IOException {
        return parameters(parts, requestCharset);
    }

    /**
     * The form fields among {@code parts} (parts without a {@code filename}) as request
     * parameters, by name in body order, for the container to add after the query string's.
     * Each value is decoded with the charset of the part's own Content-Type if it names a
     * supported one, else the value of the {@code _charset_} field if the form has one naming a
     * supported charset (RFC 7578 §4.6), else {@code requestCharset} (the request's character
     * encoding, or the context's default). Malformed bytes become U+FFFD. Works on any
     * {@link Part}s, so one set of rules serves whatever parser made them.
     *
     * @throws IOException a part cannot be read, or a part's Content-Type is malformed (400)
     */
    public static Map<String, List<String>> parameters(Collection<Part> parts, Charset requestCharset)
            throws IOException {
        Charset formCharset = requestCharset;
        for (Part part : parts) {
            if (part.getSubmittedFileName() == null && part.getName().equals("_charset_")) {
                Charset named = charset(new String(bytes(part), StandardCharsets.US_ASCII).strip());
                if (named != null) {
                    formCharset = named;
                }
                break;
            }
        }
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (Part part : parts) {
            if (part.getSubmittedFileName() != null) {
                continue;
            }
            Charset charset = formCharset;
            if (part.getContentType() != null) {
                Charset own = charset(HeaderValue.parse(part.getContentType(), "part Content-Type").parameter("charset"));
                if (own != null) {
                    charset = own;
                }
            }
            parameters.computeIfAbsent(part.getName(), k -> new ArrayList<>()).add(new String(bytes(part), charset));
        }
        return parameters;
    }

    private static byte[] bytes(Part part) throws IOException {
        if (part instanceof StoredPart stored) {
            return stored.content().bytes();
        }
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static Charset charset(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }

    /** Deletes every temporary file of the form; the parts can no longer be read. Idempotent. */
    @Override
    public void close() {
        for (PartContent content : contents) {
            content.discard();
        }
    }
}
