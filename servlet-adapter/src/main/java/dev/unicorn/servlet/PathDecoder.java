package dev.unicorn.servlet;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a raw request path into the decoded, canonical path the mapping sees (Servlet 6.1
 * §3.5.2): path parameters ({@code ;...}) removed, percent-decoded as UTF-8, dot segments
 * resolved. Ambiguous input is rejected instead of guessed at, as Jetty 12 does by default:
 * an encoded {@code /}, {@code \} or NUL, an encoded dot segment, an empty segment, a path that
 * climbs above the root, and a malformed escape or UTF-8 sequence.
 */
final class PathDecoder {
    private PathDecoder() {
    }

    /** Thrown for a path this decoder refuses; the request is answered {@code 400}. */
    static final class AmbiguousPathException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        AmbiguousPathException(String message) {
            super(message);
        }
    }

    /** The canonical decoded form of {@code raw} (which starts with '/'). */
    static String decode(String raw) {
        if (raw.isEmpty() || raw.charAt(0) != '/') {
            throw new AmbiguousPathException("the path does not start with '/'");
        }
        StringBuilder out = new StringBuilder(raw.length());
        int n = raw.length();
        int start = 1;
        while (true) {
            int slash = raw.indexOf('/', start);
            int end = slash < 0 ? n : slash;
            int semi = raw.indexOf(';', start);
            int segEnd = semi >= 0 && semi < end ? semi : end;
            String rawSegment = raw.substring(start, segEnd);
            String segment = percentDecode(rawSegment, 0, rawSegment.length(), StandardCharsets.UTF_8, false);
            if (segment.indexOf('/') >= 0 || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0) {
                throw new AmbiguousPathException("an encoded '/', '\\' or NUL in the path");
            }
            boolean dot = segment.equals(".") || segment.equals("..");
            if (dot && !rawSegment.equals(segment)) {
                throw new AmbiguousPathException("an encoded dot segment in the path");
            }
            if (segment.isEmpty() && slash >= 0 && !(semi >= 0 && semi < end)) {
                throw new AmbiguousPathException("an empty segment in the path");
            }
            out.append('/').append(segment);
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        String normalized = normalizeDotSegments(out.toString());
        if (normalized == null) {
            throw new AmbiguousPathException("the path climbs above the root");
        }
        return normalized;
    }

    /** RFC 3986 §5.2.4 remove_dot_segments on a path starting with '/'; {@code null} when it climbs above the root. */
    static String normalizeDotSegments(String path) {
        if (path.indexOf("/.") < 0) {
            return path;
        }
        String[] segments = path.substring(1).split("/", -1);
        String[] stack = new String[segments.length];
        int top = 0;
        boolean trailingSlash = false;
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".")) {
                trailingSlash = last;
            } else if (s.equals("..")) {
                if (top == 0) {
                    return null;
                }
                top--;
                trailingSlash = last;
            } else {
                stack[top++] = s;
                trailingSlash = false;
            }
        }
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < top; i++) {
            sb.append('/').append(stack[i]);
        }
        if (trailingSlash || sb.length() == 0) {
            sb.append('/');
        }
        return sb.toString();
    }

    /**
     * Percent-decodes {@code s[from, to)} as {@code charset}; with {@code plusIsSpace} (form
     * encoding) '+' is a space.
     *
     * @throws AmbiguousPathException on a malformed escape or an invalid byte sequence
     */
    static String percentDecode(String s, int from, int to, Charset charset, boolean plusIsSpace) {
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '%' || (plusIsSpace && c == '+')) {
                break;
            }
            i++;
        }
        if (i == to) {
            return s.substring(from, to);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        StringBuilder sb = new StringBuilder(to - from).append(s, from, i);
        while (i < to) {
            char c = s.charAt(i);
            if (c == '%') {
                while (i < to && s.charAt(i) == '%') {
                    if (i + 3 > to) {
                        throw new AmbiguousPathException("a truncated percent escape");
                    }
                    int hi = Character.digit(s.charAt(i + 1), 16);
                    int lo = Character.digit(s.charAt(i + 2), 16);
                    if (hi < 0 || lo < 0) {
                        throw new AmbiguousPathException("a malformed percent escape");
                    }
                    bytes.write(hi << 4 | lo);
                    i += 3;
                }
                sb.append(decodeStrict(bytes.toByteArray(), charset));
                bytes.reset();
            } else {
                sb.append(plusIsSpace && c == '+' ? ' ' : c);
                i++;
            }
        }
        return sb.toString();
    }

    private static String decodeStrict(byte[] bytes, Charset charset) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AmbiguousPathException("percent escapes that are not valid " + charset.name());
        }
    }
}
