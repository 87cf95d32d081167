package dev.unicorn.uwsgi;

import dev.unicorn.http.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The variables of one packet's vars block, as offsets into the parser's buffer: nothing is
 * copied until the mapping asks for a value, so variables nobody reads ({@code DOCUMENT_ROOT},
 * say) cost no allocation. Valid until the parser's buffer moves; reused packet after packet.
 *
 * <p>The block is a sequence of {@code key_size (uint16 LE) | key | value_size (uint16 LE) | value};
 * each of the four parts crossing the end of the block is its own error (400).
 */
final class UwsgiVars {
    private byte[] buf;
    /** Per variable: key offset, key length, value offset, value length. */
    private int[] slots = new int[4 * 32];
    private int count;

    /**
     * Reads the variables of the block in bytes {@code [from, to)} of {@code b}.
     *
     * @throws BadRequestException 400 for a truncated or empty key, 431 for more than {@code maxVars}
     */
    void parse(byte[] b, int from, int to, int maxVars) throws BadRequestException {
        buf = b;
        count = 0;
        int i = from;
        while (i < to) {
            if (to - i < 2) {
                throw new BadRequestException(400, "invalid uWSGI packet: truncated key size");
            }
            int keyLength = le16(b, i);
            i += 2;
            if (to - i < keyLength) {
                throw new BadRequestException(400, "invalid uWSGI packet: truncated key");
            }
            if (keyLength == 0) {
                throw new BadRequestException(400, "invalid uWSGI packet: empty variable name");
            }
            int keyStart = i;
            i += keyLength;
            if (to - i < 2) {
                throw new BadRequestException(400, "invalid uWSGI packet: truncated value size");
            }
            int valueLength = le16(b, i);
            i += 2;
            if (to - i < valueLength) {
                throw new BadRequestException(400, "invalid uWSGI packet: truncated value");
            }
            if (count == maxVars) {
                throw new BadRequestException(431, "uWSGI packet with more than uwsgiMaxVars (" + maxVars + ") variables");
            }
            int s = 4 * count;
            if (s == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
            slots[s] = keyStart;
            slots[s + 1] = keyLength;
            slots[s + 2] = i;
            slots[s + 3] = valueLength;
            count++;
            i += valueLength;
        }
    }

    /** An unsigned 16-bit little-endian number at {@code i}. */
    static int le16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    /** Forgets the buffer (the packet is done). */
    void clear() {
        buf = null;
        count = 0;
    }

    int count() {
        return count;
    }

    byte[] buffer() {
        return buf;
    }

    int keyStart(int i) {
        return slots[4 * i];
    }

    int keyLength(int i) {
        return slots[4 * i + 1];
    }

    int valueStart(int i) {
        return slots[4 * i + 2];
    }

    int valueLength(int i) {
        return slots[4 * i + 3];
    }

    /** True if the key of variable {@code i} is the ASCII text {@code name}. */
    boolean keyIs(int i, String name) {
        int n = keyLength(i);
        if (n != name.length()) {
            return false;
        }
        int k = keyStart(i);
        for (int j = 0; j < n; j++) {
            if (buf[k + j] != name.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** The key of variable {@code i}, read as ISO-8859-1 (for messages). */
    String key(int i) {
        return new String(buf, keyStart(i), keyLength(i), StandardCharsets.ISO_8859_1);
    }

    /** The value of variable {@code i}, read as ISO-8859-1. */
    String value(int i) {
        return new String(buf, valueStart(i), valueLength(i), StandardCharsets.ISO_8859_1);
    }
}
