package dev.unicorn.http1;

import dev.unicorn.http.BadRequestException;

/**
 * The chunk-size line of the chunked transfer coding (RFC 9112 §7.1):
 * {@code chunk-size [ chunk-ext ]}, with {@code chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )}.
 * Extensions are validated and ignored.
 */
final class ChunkSizeLine {
    private ChunkSizeLine() {
    }

    /** Most hex digits in a chunk size: 16 fit a long, a 17th would overflow. */
    static final int MAX_DIGITS = 16;

    /** The size on the line held in {@code [from, to)} (CRLF excluded). */
    static long parse(byte[] b, int from, int to) throws BadRequestException {
        int i = from;
        long size = 0;
        while (i < to) {
            int d = FieldSyntax.hexValue(b[i]);
            if (d < 0) {
                break;
            }
            if (i - from == MAX_DIGITS) {
                throw new BadRequestException(400, "invalid chunk size: more than 16 hex digits");
            }
            size = (size << 4) | d;
            i++;
        }
        if (i == from) {
            throw new BadRequestException(400, "invalid chunk size: no hex digits");
        }
        if (size < 0) {
            throw new BadRequestException(400, "invalid chunk size: too large");
        }
        if (i == to) {
            return size;
        }
        while (i < to && FieldSyntax.isWhitespace(b[i])) {
            i++; // BWS, allowed only before an extension
        }
        if (i == to || b[i] != ';') {
            throw new BadRequestException(400, "invalid chunk size: unexpected character after the size");
        }
        extensions(b, i, to);
        return size;
    }

    private static void extensions(byte[] b, int i, int to) throws BadRequestException {
        while (i < to) {
            if (b[i] != ';') {
                throw invalidExtension();
            }
            i = skipWhitespace(b, i + 1, to);
            int nameStart = i;
            while (i < to && FieldSyntax.is(b[i], FieldSyntax.TOKEN)) {
                i++;
            }
            if (i == nameStart) {
                throw invalidExtension();
            }
            i = skipWhitespace(b, i, to);
            if (i < to && b[i] == '=') {
                i = skipWhitespace(b, i + 1, to);
                if (i < to && b[i] == '"') {
                    i = quotedStringEnd(b, i + 1, to);
                } else {
                    int valueStart = i;
                    while (i < to && FieldSyntax.is(b[i], FieldSyntax.TOKEN)) {
                        i++;
                    }
                    if (i == valueStart) {
                        throw invalidExtension();
                    }
                }
                i = skipWhitespace(b, i, to);
            }
        }
    }

    /** The index after the closing quote of a quoted-string whose content starts at {@code i}. */
    private static int quotedStringEnd(byte[] b, int i, int to) throws BadRequestException {
        while (i < to) {
            byte c = b[i];
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= to || !FieldSyntax.is(b[i + 1], FieldSyntax.VALUE)) {
                    throw invalidExtension();
                }
                i += 2;
            } else if (FieldSyntax.is(c, FieldSyntax.QDTEXT)) {
                i++;
            } else {
                throw invalidExtension();
            }
        }
        throw invalidExtension();
    }

    private static int skipWhitespace(byte[] b, int i, int to) {
        while (i < to && FieldSyntax.isWhitespace(b[i])) {
            i++;
        }
        return i;
    }

    private static BadRequestException invalidExtension() {
        return new BadRequestException(400, "invalid chunk extension");
    }
}
