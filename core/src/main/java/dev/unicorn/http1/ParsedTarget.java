package dev.unicorn.http1;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.net.IpLiteral;
import java.nio.charset.StandardCharsets;

/**
 * A request-target split into path, query and fragment (RFC 9112 §3.2), with the authority
 * grammar of RFC 3986 §3.2.2; IP literals go through {@link IpLiteral}, never a resolver.
 *
 * @param path     the path ({@code *} for asterisk-form, the target itself for authority-form)
 * @param query    the query without {@code ?}, or ""
 * @param fragment the fragment without {@code #}, or ""
 */
record ParsedTarget(String path, String query, String fragment) {

    /**
     * Parses the target in bytes {@code [from, to)} of {@code b} (already checked to hold
     * only target bytes), spelled {@code target}.
     */
    static ParsedTarget parse(byte[] b, int from, int to, String target, String method)
            throws BadRequestException {
        if (b[from] == '/') {
            // origin-form
            return split(target, 0);
        }
        if (to - from == 1 && b[from] == '*') {
            // RFC 9112 §3.2.4: asterisk-form is only for a server-wide OPTIONS.
            if (!"OPTIONS".equals(method)) {
                throw new BadRequestException(400, "invalid request target: * is only allowed with OPTIONS");
            }
            return new ParsedTarget("*", "", "");
        }
        int schemeEnd = schemeEnd(b, from, to);
        if (schemeEnd > 0) {
            // absolute-form: scheme "://" authority path-abempty [ "?" query ] [ "#" fragment ]
            int authStart = schemeEnd + 3;
            int authEnd = authStart;
            while (authEnd < to && b[authEnd] != '/' && b[authEnd] != '?' && b[authEnd] != '#') {
                authEnd++;
            }
            if (!validAuthority(b, authStart, authEnd, false)) {
                throw new BadRequestException(400, "invalid request target: malformed authority in absolute-form");
            }
            return split(target, authEnd - from);
        }
        if ("CONNECT".equals(method)) {
            // RFC 9112 §3.2.3: authority-form = uri-host ":" port, only for CONNECT.
            if (!validAuthority(b, from, to, true)) {
                throw new BadRequestException(400, "invalid request target: malformed authority-form");
            }
            return new ParsedTarget(target, "", "");
        }
        throw new BadRequestException(400, "invalid request target: not origin-form, absolute-form or *");
    }

    /** Splits {@code s} from {@code start} into path, query and fragment, sharing {@code s} when it is all path. */
    private static ParsedTarget split(String s, int start) {
        int hash = s.indexOf('#', start);
        int pathAndQueryEnd = hash < 0 ? s.length() : hash;
        int q = s.indexOf('?', start);
        if (q > pathAndQueryEnd) {
            q = -1;
        }
        int pathEnd = q < 0 ? pathAndQueryEnd : q;
        String path = start == 0 && pathEnd == s.length() ? s : s.substring(start, pathEnd);
        String query = q < 0 ? "" : s.substring(q + 1, pathAndQueryEnd);
        String fragment = hash < 0 ? "" : s.substring(hash + 1);
        return new ParsedTarget(path, query, fragment);
    }

    /** The index of the ':' of a leading {@code scheme://}, or -1. */
    private static int schemeEnd(byte[] b, int from, int to) {
        if (!FieldSyntax.is(b[from], FieldSyntax.ALPHA)) {
            return -1;
        }
        int i = from + 1;
        while (i < to && FieldSyntax.is(b[i], FieldSyntax.SCHEME)) {
            i++;
        }
        if (i + 2 < to && b[i] == ':' && b[i + 1] == '/' && b[i + 2] == '/') {
            return i;
        }
        if (i + 3 == to && b[i] == ':' && b[i + 1] == '/' && b[i + 2] == '/') {
            return i; // "http://": empty authority, rejected by the caller
        }
        return -1;
    }

    /** authority = [ userinfo "@" ] host [ ":" port ]; the host must not be empty. */
    static boolean validAuthority(byte[] b, int from, int to, boolean portRequired) {
        int at = -1;
        for (int i = from; i < to; i++) {
            if (b[i] == '@') {
                at = i;
            }
        }
        if (at >= 0) {
            if (portRequired) {
                return false; // RFC 9112 §3.2.3: authority-form has no userinfo
            }
            for (int i = from; i < at; i++) {
                if (b[i] != ':' && !regNameByte(b, i, at)) {
                    return false;
                }
            }
            from = at + 1;
        }
        int hostEnd;
        if (from < to && b[from] == '[') {
            int close = -1;
            for (int i = from + 1; i < to; i++) {
                if (b[i] == ']') {
                    close = i;
                    break;
                }
            }
            if (close < 0 || IpLiteral.parseV6(new String(b, from + 1, close - from - 1, StandardCharsets.ISO_8859_1)) == null) {
                return false;
            }
            hostEnd = close + 1;
            if (hostEnd < to && b[hostEnd] != ':') {
                return false;
            }
        } else {
            hostEnd = from;
            while (hostEnd < to && b[hostEnd] != ':') {
                if (!regNameByte(b, hostEnd, to)) {
                    return false;
                }
                hostEnd++;
            }
            if (hostEnd == from) {
                return false; // RFC 9110 §4.2.1: an http(s) URI with an empty host is invalid
            }
        }
        if (hostEnd == to) {
            return !portRequired;
        }
        // hostEnd is ':'
        int digits = to - hostEnd - 1;
        if (digits == 0) {
            return !portRequired;
        }
        return parsePort(b, hostEnd + 1, to) >= 0;
    }

    private static boolean regNameByte(byte[] b, int i, int to) {
        byte c = b[i];
        if (!FieldSyntax.is(c, FieldSyntax.REG_NAME)) {
            return false;
        }
        return c != '%' || (i + 2 < to && FieldSyntax.is(b[i + 1], FieldSyntax.HEX)
                && FieldSyntax.is(b[i + 2], FieldSyntax.HEX));
    }

    /** A decimal port 0..65535 of 1 to 5 digits, or -1. */
    static int parsePort(byte[] b, int from, int to) {
        int n = to - from;
        if (n < 1 || n > 5) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            if (!FieldSyntax.is(b[i], FieldSyntax.DIGIT)) {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v <= 65535 ? v : -1;
    }
}
