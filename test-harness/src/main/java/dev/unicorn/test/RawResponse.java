package dev.unicorn.test;

import dev.unicorn.http.Headers;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.x response as read off the wire by {@link RawClient}: status line, header fields
 * in order, the de-chunked body and any trailer fields.
 *
 * @param version  the status line's version, e.g. {@code HTTP/1.1}
 * @param status   the status code
 * @param reason   the reason phrase
 * @param headers  the header fields, in order
 * @param body     the body bytes (de-chunked)
 * @param chunked  whether the body was chunked
 * @param trailers trailer fields of a chunked body
 */
public record RawResponse(String version, int status, String reason, Headers headers, byte[] body, boolean chunked,
                          Headers trailers) {
    /** The first value of header {@code name}, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The body read as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return version + " " + status + " " + reason + " " + headers + " body=" + body.length + " bytes";
    }
}
