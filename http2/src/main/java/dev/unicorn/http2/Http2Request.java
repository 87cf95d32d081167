package dev.unicorn.http2;

import dev.unicorn.http.Headers;

/**
 * A request's field section as received on a stream, validated per RFC 9113 §8.2 and §8.3.
 * The pseudo-header fields are split out; {@code headers} holds the regular fields, read-only,
 * with {@code :authority} copied into {@code host} (first) when the client sent no Host, and
 * repeated {@code cookie} fields joined with "; " (§8.2.3). The target is checked and split by
 * the HTTP/1.1 parser's rules (core's {@code Http1Syntax.parseTarget}), so a target is judged
 * alike whichever protocol carried it.
 *
 * @param method {@code :method}
 * @param scheme {@code :scheme}; null for CONNECT
 * @param authority {@code :authority}; null when absent
 * @param target {@code :path} as sent (path and query, not decoded); null for CONNECT
 * @param path the path part of the target, not decoded; for CONNECT the authority
 * @param query the query part of the target without {@code ?}, not decoded; empty when absent
 * @param headers the regular fields
 * @param contentLength the {@code content-length} value, or -1 when absent
 */
public record Http2Request(String method, String scheme, String authority, String target, String path, String query,
        Headers headers, long contentLength) {
}
