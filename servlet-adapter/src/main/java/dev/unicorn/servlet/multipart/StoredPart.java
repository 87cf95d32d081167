package dev.unicorn.servlet.multipart;

import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;

/** One parsed part: its headers and its content, in memory or in a file. */
final class StoredPart implements Part {
    private final PartHeaders headers;
    private final PartContent content;
    private final Path location;

    StoredPart(PartHeaders headers, PartContent content, Path location) {
        this.headers = headers;
        this.content = content;
        this.location = location;
    }

    PartContent content() {
        return content;
    }

    /** A form field, as opposed to a file: no {@code filename} (RFC 7578 §4.2). */
    boolean isFormField() {
        return headers.submittedFileName() == null;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return content.open();
    }

    @Override
    public String getContentType() {
        return headers.contentType();
    }

    @Override
    public String getName() {
        return headers.name();
    }

    @Override
    public String getSubmittedFileName() {
        return headers.submittedFileName();
    }

    @Override
    public long getSize() {
        return content.size();
    }

    /** Relative names resolve against the multipart location; absolute ones are used as given. */
    @Override
    public void write(String fileName) throws IOException {
        content.writeTo(location.resolve(fileName));
    }

    @Override
    public void delete() throws IOException {
        content.delete();
    }

    @Override
    public String getHeader(String name) {
        return headers.first(name);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        return headers.all(name);
    }

    @Override
    public Collection<String> getHeaderNames() {
        return headers.distinctNames();
    }

    @Override
    public String toString() {
        return "Part(" + headers.name() + (isFormField() ? "" : ", file " + headers.submittedFileName()) + ", "
                + content.size() + " bytes)";
    }
}
