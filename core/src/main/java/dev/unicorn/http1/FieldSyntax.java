package dev.unicorn.http1;

/**
 * Byte classes of the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112, RFC 3986), as one lookup
 * table so that the scanners test a byte with a single array read and a mask.
 */
final class FieldSyntax {
    private FieldSyntax() {
    }

    /** tchar (RFC 9110 §5.6.2). */
    static final int TOKEN = 1;
    /** field-vchar, SP and HTAB (RFC 9110 §5.5): everything but controls and DEL. */
    static final int VALUE = 1 << 1;
    /** A byte allowed in a request-target: VCHAR or obs-text (raw UTF-8 is tolerated). */
    static final int TARGET = 1 << 2;
    /** HEXDIG. */
    static final int HEX = 1 << 3;
    /** Characters after the first in a URI scheme: ALPHA / DIGIT / "+" / "-" / "." (RFC 3986 §3.1). */
    static final int SCHEME = 1 << 4;
    /** reg-name characters: unreserved / sub-delims; "%" starts a pct-encoded triplet (RFC 3986 §3.2.2). */
    static final int REG_NAME = 1 << 5;
    /** qdtext of a quoted-string (RFC 9110 §5.6.4). */
    static final int QDTEXT = 1 << 6;
    /** DIGIT. */
    static final int DIGIT = 1 << 7;
    /** ALPHA. */
    static final int ALPHA = 1 << 8;

    private static final short[] CLASSES = new short[256];

    static {
        for (int c = 0; c < 256; c++) {
            int k = 0;
            boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean digit = c >= '0' && c <= '9';
            if (alpha || digit || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) {
                k |= TOKEN;
            }
            if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
                k |= VALUE;
            }
            if ((c >= 0x21 && c <= 0x7e) || c >= 0x80) {
                k |= TARGET;
            }
            if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                k |= HEX;
            }
            if (alpha || digit || c == '+' || c == '-' || c == '.') {
                k |= SCHEME;
            }
            if (alpha || digit || "-._~!$&'()*+,;=%".indexOf(c) >= 0) {
                k |= REG_NAME;
            }
            if (c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e)
                    || c >= 0x80) {
                k |= QDTEXT;
            }
            if (digit) {
                k |= DIGIT;
            }
            if (alpha) {
                k |= ALPHA;
            }
            CLASSES[c] = (short) k;
        }
    }

    /** True if byte {@code b} belongs to every class in {@code mask}. */
    static boolean is(byte b, int mask) {
        return (CLASSES[b & 0xff] & mask) == mask;
    }

    /** The value of hex digit {@code b}, or -1. */
    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /** True for SP and HTAB (OWS / BWS). */
    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** True if bytes {@code [from, to)} of {@code b} equal the ASCII text {@code s}, ignoring ASCII case. */
    static boolean equalsIgnoreCase(byte[] b, int from, int to, String s) {
        if (to - from != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            int x = b[from + i];
            int y = s.charAt(i);
            if (x != y) {
                int lx = x | 0x20;
                if (lx < 'a' || lx > 'z' || lx != (y | 0x20)) {
                    return false;
                }
            }
        }
        return true;
    }
}
