package dev.unicorn.log;

import dev.unicorn.http.Headers;

/**
 * What the access log knows about one finished exchange. Any reference component may be
 * {@code null} when unknown (a request that failed to parse has no method, for example); the
 * {@link AccessLogFormat} then prints {@code -}.
 *
 * @param remote           the client address as text (an IP, or a Unix socket path)
 * @param method           the request method
 * @param target           the request target exactly as received ({@code /a%20b?x=1})
 * @param path             the decoded path, without the query
 * @param query            the query string without {@code ?}, empty when there is none
 * @param protocol         the protocol, e.g. {@code HTTP/1.1}
 * @param status           the response status code
 * @param bodyBytes        response body bytes actually written, excluding the head; negative if unknown
 * @param startEpochMillis when the request started, in milliseconds since the epoch
 * @param durationNanos    how long the exchange took
 * @param pid              the process id
 * @param requestHeaders   the request header fields
 * @param responseHeaders  the response header fields
 */
public record AccessLogEntry(
        String remote,
        String method,
        String target,
        String path,
        String query,
        String protocol,
        int status,
        long bodyBytes,
        long startEpochMillis,
        long durationNanos,
        long pid,
        Headers requestHeaders,
        Headers responseHeaders) {
}
