package dev.unicorn.net;

/**
 * Parses and prints IPv4 and IPv6 address literals by hand, so that no text is ever handed
 * to a resolver: {@code InetAddress.getByName} would start a DNS lookup for anything that is
 * not a literal.
 */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** The 4 or 16 address bytes of {@code text}, or {@code null} if it is not an IP literal. */
    public static byte[] parse(String text) {
        if (text.indexOf(':') >= 0) {
            return parseV6(text);
        }
        return parseV4(text, 0, text.length());
    }

    /** True if {@code text} is made of digits and dots only, i.e. meant as an IPv4 literal. */
    static boolean looksLikeV4(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /** The 4 bytes of a dotted-quad IPv4 literal, or {@code null}. */
    public static byte[] parseV4(String text) {
        return parseV4(text, 0, text.length());
    }

    /** Dotted quad, four decimal parts 0..255, no leading zeros (they would read as octal elsewhere). */
    static byte[] parseV4(String s, int from, int to) {
        byte[] out = new byte[4];
        int part = 0;
        int i = from;
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == to ? out : null;
    }

    /** The 16 bytes of an IPv6 literal (RFC 4291 §2.2, {@code ::} and a trailing dotted quad included), or {@code null}. */
    public static byte[] parseV6(String s) {
        int n = s.length();
        if (n < 2) {
            return null;
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (n == 2) {
                return toBytes(groups, count, gap);
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < n && i - start < 5 && Character.digit(s.charAt(i), 16) >= 0) {
                value = (value << 4) | Character.digit(s.charAt(i), 16);
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // RFC 4291 §2.2: the last 32 bits may be written as a dotted quad.
                if (count > 6) {
                    return null;
                }
                byte[] v4 = parseV4(s, start, n);
                if (v4 == null) {
                    return null;
                }
                groups[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                groups[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                i = n;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) {
                return null;
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null;
            }
        }
        return toBytes(groups, count, gap);
    }

    private static byte[] toBytes(int[] groups, int count, int gap) {
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

    /** True for the 16 bytes of an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}). */
    static boolean isMapped(byte[] a) {
        if (a.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as {@code ::}). */
    static String format(byte[] a) {
        StringBuilder sb = new StringBuilder(39);
        if (a.length == 4) {
            appendV4(sb, a, 0);
            return sb.toString();
        }
        if (isMapped(a)) {
            sb.append("::ffff:");
            appendV4(sb, a, 12);
            return sb.toString();
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int g = 0; g < 8; ) {
            if (group(a, g) != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && group(a, g) == 0) {
                g++;
            }
            if (g - start > bestLen) {
                bestStart = start;
                bestLen = g - start;
            }
        }
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(a, g)));
        }
        return sb.toString();
    }

    private static int group(byte[] a, int g) {
        return ((a[2 * g] & 0xff) << 8) | (a[2 * g + 1] & 0xff);
    }

    private static void appendV4(StringBuilder sb, byte[] a, int from) {
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append(a[from + i] & 0xff);
        }
    }
}
