package dev.unicorn.http1;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of {@link Http1Parser}: limits and leniencies, named after gunicorn's settings.
 * Strict by default; each leniency is one flag.
 *
 * @param limitRequestLine               longest request line in bytes, CRLF excluded (414 above);
 *                                       0 means unlimited
 * @param limitRequestFields             most header (or trailer) fields kept (431 above); 0 means 32768
 * @param limitRequestFieldSize          longest field line in bytes, CRLF and obs-fold continuation
 *                                       lines included (431 above); 0 means 8190
 * @param limitRequestBody               largest body in bytes (413 above), -1 for unlimited
 * @param permitObsoleteFolding          accept obs-fold continuation lines, joined with one SP (else 400)
 * @param permitUnconventionalHttpMethod accept any token as method (else 3..20 characters, no lowercase, no '#')
 * @param permitUnconventionalHttpVersion accept any {@code HTTP/d.d} (else only 1.0 and 1.1; 505 otherwise)
 * @param casefoldHttpMethod             upper-case the method
 * @param stripHeaderSpaces              accept (and strip) whitespace between a field name and ':' (else 400)
 * @param requireHostHeader              reject an HTTP/1.1 request without Host with 400 (RFC 9112 §3.2)
 * @param headerMap                      what to do with field names containing '_'
 * @param secureSchemeHeaders            header name (any case) to the value meaning https, trusted peers only
 * @param forwarderHeaders               underscore names a trusted peer may send regardless of
 *                                       {@code headerMap}; "*" for all
 * @param proxyProtocol                  whether connections start with a PROXY protocol header
 */
public record ParserOptions(
        int limitRequestLine,
        int limitRequestFields,
        int limitRequestFieldSize,
        long limitRequestBody,
        boolean permitObsoleteFolding,
        boolean permitUnconventionalHttpMethod,
        boolean permitUnconventionalHttpVersion,
        boolean casefoldHttpMethod,
        boolean stripHeaderSpaces,
        boolean requireHostHeader,
        HeaderMapPolicy headerMap,
        Map<String, String> secureSchemeHeaders,
        Set<String> forwarderHeaders,
        ProxyProtocolMode proxyProtocol) {

    /** gunicorn's default {@code limit_request_line}. */
    public static final int DEFAULT_LIMIT_REQUEST_LINE = 4094;
    /** gunicorn's default {@code limit_request_fields}. */
    public static final int DEFAULT_LIMIT_REQUEST_FIELDS = 100;
    /** gunicorn's default {@code limit_request_field_size}. */
    public static final int DEFAULT_LIMIT_REQUEST_FIELD_SIZE = 8190;
    /** gunicorn's ceiling for {@code limit_request_fields}, also used for 0. */
    public static final int MAX_REQUEST_FIELDS = 32768;

    /** Validates and copies the collections. */
    public ParserOptions {
        if (limitRequestLine < 0 || limitRequestFields < 0 || limitRequestFieldSize < 0) {
            throw new IllegalArgumentException("request limits must not be negative");
        }
        if (limitRequestBody < -1) {
            throw new IllegalArgumentException("limitRequestBody must be -1 (unlimited) or >= 0");
        }
        Objects.requireNonNull(headerMap, "headerMap");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        secureSchemeHeaders = Map.copyOf(secureSchemeHeaders);
        forwarderHeaders = Set.copyOf(forwarderHeaders);
    }

    /** The defaults: gunicorn's limits, no leniency, Host required, underscore fields dropped, no PROXY. */
    public static ParserOptions defaults() {
        return new ParserOptions(DEFAULT_LIMIT_REQUEST_LINE, DEFAULT_LIMIT_REQUEST_FIELDS,
                DEFAULT_LIMIT_REQUEST_FIELD_SIZE, -1, false, false, false, false, false, true,
                HeaderMapPolicy.DROP,
                Map.of("X-FORWARDED-PROTOCOL", "ssl", "X-FORWARDED-PROTO", "https", "X-FORWARDED-SSL", "on"),
                Set.of("SCRIPT_NAME", "PATH_INFO"), ProxyProtocolMode.OFF);
    }

    /** The request-line limit in force (0 resolved to unlimited). */
    int effectiveRequestLine() {
        return limitRequestLine == 0 ? Integer.MAX_VALUE / 4 : limitRequestLine;
    }

    /** The field-count limit in force (0 resolved to 32768). */
    int effectiveRequestFields() {
        return limitRequestFields == 0 ? MAX_REQUEST_FIELDS : limitRequestFields;
    }

    /** The field-size limit in force (0 resolved to 8190). */
    int effectiveRequestFieldSize() {
        return limitRequestFieldSize == 0 ? DEFAULT_LIMIT_REQUEST_FIELD_SIZE : limitRequestFieldSize;
    }

    /** The whole-head limit: fields * (size + 2) + line + 4, capped to fit an array. */
    int effectiveHeadSize() {
        long n = (long) effectiveRequestFields() * (effectiveRequestFieldSize() + 2L) + effectiveRequestLine() + 4L;
        return (int) Math.min(n, Integer.MAX_VALUE / 2);
    }

    /** A copy with {@code limitRequestLine} replaced. */
    public ParserOptions withLimitRequestLine(int v) {
        return new ParserOptions(v, limitRequestFields, limitRequestFieldSize, limitRequestBody,
                permitObsoleteFolding, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                casefoldHttpMethod, stripHeaderSpaces, requireHostHeader, headerMap, secureSchemeHeaders,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code limitRequestFields} replaced. */
    public ParserOptions withLimitRequestFields(int v) {
        return new ParserOptions(limitRequestLine, v, limitRequestFieldSize, limitRequestBody,
                permitObsoleteFolding, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                casefoldHttpMethod, stripHeaderSpaces, requireHostHeader, headerMap, secureSchemeHeaders,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code limitRequestFieldSize} replaced. */
    public ParserOptions withLimitRequestFieldSize(int v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, v, limitRequestBody,
                permitObsoleteFolding, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                casefoldHttpMethod, stripHeaderSpaces, requireHostHeader, headerMap, secureSchemeHeaders,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code limitRequestBody} replaced. */
    public ParserOptions withLimitRequestBody(long v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, limitRequestFieldSize, v,
                permitObsoleteFolding, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                casefoldHttpMethod, stripHeaderSpaces, requireHostHeader, headerMap, secureSchemeHeaders,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code permitObsoleteFolding} replaced. */
    public ParserOptions withPermitObsoleteFolding(boolean v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, limitRequestFieldSize, limitRequestBody,
                v, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                casefoldHttpMethod, stripHeaderSpaces, requireHostHeader, headerMap, secureSchemeHeaders,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code permitUnconventionalHttpMethod} replaced. */
    public ParserOptions withPermitUnconventionalHttpMethod(boolean v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, limitRequestFieldSize, limitRequestBody,
                permitObsoleteFolding, v, permitUnconventionalHttpVersion,
                casefoldHttpMethod, stripHeaderSpaces, requireHostHeader, headerMap, secureSchemeHeaders,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code permitUnconventionalHttpVersion} replaced. */
    public ParserOptions withPermitUnconventionalHttpVersion(boolean v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, limitRequestFieldSize, limitRequestBody,
                permitObsoleteFolding, permitUnconventionalHttpMethod, v,
                casefoldHttpMethod, stripHeaderSpaces, requireHostHeader, headerMap, secureSchemeHeaders,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code casefoldHttpMethod} replaced. */
    public ParserOptions withCasefoldHttpMethod(boolean v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, limitRequestFieldSize, limitRequestBody,
                permitObsoleteFolding, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                v, stripHeaderSpaces, requireHostHeader, headerMap, secureSchemeHeaders,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code stripHeaderSpaces} replaced. */
    public ParserOptions withStripHeaderSpaces(boolean v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, limitRequestFieldSize, limitRequestBody,
                permitObsoleteFolding, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                casefoldHttpMethod, v, requireHostHeader, headerMap, secureSchemeHeaders,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code requireHostHeader} replaced. */
    public ParserOptions withRequireHostHeader(boolean v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, limitRequestFieldSize, limitRequestBody,
                permitObsoleteFolding, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                casefoldHttpMethod, stripHeaderSpaces, v, headerMap, secureSchemeHeaders,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code headerMap} replaced. */
    public ParserOptions withHeaderMap(HeaderMapPolicy v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, limitRequestFieldSize, limitRequestBody,
                permitObsoleteFolding, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                casefoldHttpMethod, stripHeaderSpaces, requireHostHeader, v, secureSchemeHeaders,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code secureSchemeHeaders} replaced. */
    public ParserOptions withSecureSchemeHeaders(Map<String, String> v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, limitRequestFieldSize, limitRequestBody,
                permitObsoleteFolding, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                casefoldHttpMethod, stripHeaderSpaces, requireHostHeader, headerMap, v,
                forwarderHeaders, proxyProtocol);
    }

    /** A copy with {@code forwarderHeaders} replaced. */
    public ParserOptions withForwarderHeaders(Set<String> v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, limitRequestFieldSize, limitRequestBody,
                permitObsoleteFolding, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                casefoldHttpMethod, stripHeaderSpaces, requireHostHeader, headerMap, secureSchemeHeaders,
                v, proxyProtocol);
    }

    /** A copy with {@code proxyProtocol} replaced. */
    public ParserOptions withProxyProtocol(ProxyProtocolMode v) {
        return new ParserOptions(limitRequestLine, limitRequestFields, limitRequestFieldSize, limitRequestBody,
                permitObsoleteFolding, permitUnconventionalHttpMethod, permitUnconventionalHttpVersion,
                casefoldHttpMethod, stripHeaderSpaces, requireHostHeader, headerMap, secureSchemeHeaders,
                forwarderHeaders, v);
    }
}
