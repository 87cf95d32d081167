package dev.unicorn.http1;

import dev.unicorn.http.BadRequestException;

/**
 * A request-target split into path, query and fragment (RFC 9112 §3.2), and the address
 * grammar (RFC 3986 §3.2.2) shared with the PROXY protocol: IP literals are parsed by hand
 * so that no text is ever handed to a resolver.
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
            if (close < 0 || ipv6(b, from + 1, close) == null) {
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

    /** The 4 bytes of a dotted-quad IPv4 literal (decimal parts 0..255, no leading zeros, as inet_pton), or null. */
    static byte[] ipv4(byte[] b, int from, int to) {
        byte[] out = new byte[4];
        int i = from;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= to || b[i] != '.') {
                    return null;
                }
                i++;
            }
            int start = i;
            int v = 0;
            while (i < to && i - start < 3 && FieldSyntax.is(b[i], FieldSyntax.DIGIT)) {
                v = v * 10 + (b[i] - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || v > 255 || (digits > 1 && b[start] == '0')) {
                return null;
            }
            out[part] = (byte) v;
        }
        return i == to ? out : null;
    }

    /** The 16 bytes of an IPv6 literal (RFC 4291 §2.2, including "::" and a trailing dotted quad), or null. */
    static byte[] ipv6(byte[] b, int from, int to) {
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = from;
        if (to - from < 2) {
            return null;
        }
        if (b[i] == ':') {
            if (b[i + 1] != ':') {
                return null;
            }
            gap = 0;
            i += 2;
        }
        while (i < to) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int v = 0;
            while (i < to && i - start < 5 && FieldSyntax.hexValue(b[i]) >= 0) {
                v = (v << 4) | FieldSyntax.hexValue(b[i]);
                i++;
            }
            if (i < to && b[i] == '.') {
                if (count > 6) {
                    return null;
                }
                byte[] v4 = ipv4(b, start, to);
                if (v4 == null) {
                    return null;
                }
                groups[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                groups[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                i = to;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) {
                return null;
            }
            groups[count++] = v;
            if (i == to) {
                break;
            }
            if (b[i] != ':') {
                return null;
            }
            i++;
            if (i < to && b[i] == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            } else if (i == to) {
                return null; // trailing single ':'
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] out = new byte[16];
        int tail = gap < 0 ? 0 : count - gap;
        for (int g = 0; g < count; g++) {
            int slot = (gap >= 0 && g >= gap) ? 8 - tail + (g - gap) : g;
            out[2 * slot] = (byte) (groups[g] >>> 8);
            out[2 * slot + 1] = (byte) groups[g];
        }
        return out;
    }
}
