package dev.unicorn.servlet;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.servlet.multipart.MultipartForm;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;

/**
 * The container's default {@link MultipartSupport}: the streaming {@link MultipartForm}
 * parser. A limit of the {@link MultipartConfigElement} exceeded is the
 * {@link IllegalStateException} the Servlet API specifies for {@code getParts()}; a malformed
 * body is a {@link ServletException}. Both carry the parser's {@link BadRequestException} as
 * their cause, so a request whose application lets them through is answered 413 or 400, not
 * 500. Temporary files go to the location, else the context's {@code ServletContext.TEMPDIR},
 * else {@code java.io.tmpdir}; the container deletes them when the request ends.
 */
final class FormParts implements MultipartSupport {
    @Override
    public Collection<Part> parse(HttpServletRequest request, MultipartConfigElement config)
            throws IOException, ServletException {
        MultipartForm form;
        try {
            form = MultipartForm.parse(request.getInputStream(), request.getContentType(), config,
                    tempDirectory(request.getServletContext()));
        } catch (BadRequestException e) {
            if (e.status() == 413) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            throw new ServletException(e.getMessage(), e);
        }
        return form.parts();
    }

    private static Path tempDirectory(ServletContext context) {
        Object dir = context.getAttribute(ServletContext.TEMPDIR);
        if (dir instanceof File f) {
            return f.toPath();
        }
        if (dir instanceof Path p) {
            return p;
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
