package dev.unicorn.http1;

import dev.unicorn.http.BadRequestException;

/**
 * The HTTP/1.1 grammar checks and request-target rules of {@link Http1Parser}, for protocol
 * modules whose requests carry HTTP semantics in another framing (the uWSGI codec): the same
 * {@link FieldSyntax} byte classes and the same {@link ParsedTarget} parsing, so that a
 * request is judged alike whichever protocol carried it.
 *
 * <p>The public face of the HTTP/1.1 codec's grammar for other protocol modules (uWSGI, and
 * HTTP/2 field validation): the byte classes and target rules stay package-private in one
 * place, and this class lends them out.
 */
public final class Http1Syntax {
    private Http1Syntax() {
    }

    /**
     * A request-target split per RFC 9112 §3.2.
     *
     * @param path     the path ({@code *} for asterisk-form, the target itself for authority-form), not decoded
     * @param query    the query without {@code ?}, or ""
     * @param fragment the fragment without {@code #}, or ""
     */
    public record Target(String path, String query, String fragment) {
    }

    /** {@code limitRequestLine} of {@code o} as the HTTP/1.1 parser applies it (0 resolved to unlimited). */
    public static int effectiveRequestLine(ParserOptions o) {
        return o.effectiveRequestLine();
    }

    /** {@code limitRequestFields} of {@code o} as the HTTP/1.1 parser applies it (0 resolved to 32768). */
    public static int effectiveRequestFields(ParserOptions o) {
        return o.effectiveRequestFields();
    }

    /** {@code limitRequestFieldSize} of {@code o} as the HTTP/1.1 parser applies it (0 resolved to 8190). */
    public static int effectiveRequestFieldSize(ParserOptions o) {
        return o.effectiveRequestFieldSize();
    }

    /** Keeps printable ASCII of {@code s}, at most {@code max} characters ({@code ?} for the rest), for messages. */
    public static String printable(String s, int max) {
        return ResponseFraming.printable(s, max);
    }

    /**
     * The field name spelled by bytes {@code [from, to)} of {@code b}: the shared instance when
     * it is a common one (the HTTP/1.1 parser's name cache), else a new string.
     */
    public static String fieldName(byte[] b, int from, int to) {
        return FieldNameCache.name(b, from, to, FieldNameCache.hash(b, from, to));
    }

    /** True if bytes {@code [from, to)} of {@code b} equal the ASCII text {@code s}, ignoring ASCII case. */
    public static boolean equalsIgnoreCase(byte[] b, int from, int to, String s) {
        return FieldSyntax.equalsIgnoreCase(b, from, to, s);
    }

    /** True for a tchar (RFC 9110 §5.6.2). */
    public static boolean isTokenByte(byte b) {
        return FieldSyntax.is(b, FieldSyntax.TOKEN);
    }

    /** True for a byte allowed in a field value: anything but controls other than HTAB, and DEL (RFC 9110 §5.5). */
    public static boolean isFieldValueByte(byte b) {
        return FieldSyntax.is(b, FieldSyntax.VALUE);
    }

    /** True for SP and HTAB. */
    public static boolean isWhitespace(byte b) {
        return FieldSyntax.isWhitespace(b);
    }

    /**
     * Validates and splits the request-target in bytes {@code [from, to)} of {@code b}, spelled
     * {@code target} (those bytes read as ISO-8859-1), as the HTTP/1.1 parser does for the
     * target of a request line: VCHAR or obs-text only; origin-form, absolute-form, or
     * {@code *} with OPTIONS, or authority-form with CONNECT.
     *
     * @throws BadRequestException 400 naming the problem
     */
    public static Target parseTarget(byte[] b, int from, int to, String target, String method)
            throws BadRequestException {
        if (from == to) {
            throw new BadRequestException(400, "invalid request target: empty");
        }
        for (int i = from; i < to; i++) {
            if (!FieldSyntax.is(b[i], FieldSyntax.TARGET)) {
                throw new BadRequestException(400, "invalid request target: control character or space");
            }
        }
        ParsedTarget t = ParsedTarget.parse(b, from, to, target, method);
        return new Target(t.path(), t.query(), t.fragment());
    }
}
