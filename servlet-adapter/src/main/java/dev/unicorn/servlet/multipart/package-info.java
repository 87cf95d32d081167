/**
 * A streaming {@code multipart/form-data} parser (RFC 7578, RFC 2046) for the Servlet adapter:
 * {@link dev.unicorn.servlet.multipart.MultipartForm} turns a request body into
 * {@code jakarta.servlet.http.Part}s and form parameters under a {@code MultipartConfigElement},
 * keeping large parts in temporary files that it deletes when closed.
 */
package dev.unicorn.servlet.multipart;
