package dev.unicorn.servlet;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.util.Collection;

/**
 * Parses {@code multipart/form-data} request bodies for {@code getParts()}: the seam between
 * the container and a multipart parser. The container checks what the Servlet API requires
 * before calling it (the servlet has a {@link MultipartConfigElement}, else
 * {@link IllegalStateException}; the request is {@code multipart/form-data}, else
 * {@link ServletException}), calls {@link #parse} at most once per request, offers the parts
 * without a file name as request parameters, and calls {@link Part#delete()} on every part
 * when the request ends so temporary files never outlive it.
 *
 * <p>{@link ServletApp} uses the streaming multipart parser unless told otherwise; {@link #NONE}
 * has no parser: {@link #parse} throws {@link ServletException}.
 */
public interface MultipartSupport {
    /** No multipart parser installed. */
    MultipartSupport NONE = (request, config) -> {
        throw new ServletException("no multipart parser is installed on this ServletApp (see ServletApp.multipart)");
    };

    /**
     * Reads the body of {@code request} (a {@code multipart/form-data} request) into parts,
     * within the limits of {@code config}.
     *
     * @throws IllegalStateException when a limit of {@code config} is exceeded (as the Servlet API specifies)
     * @throws ServletException      when the body is not valid multipart
     * @throws IOException           when the body cannot be read
     */
    Collection<Part> parse(HttpServletRequest request, MultipartConfigElement config)
            throws IOException, ServletException;
}
