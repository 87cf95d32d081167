package dev.unicorn.http2.hpack;

/**
 * The HPACK Huffman code (RFC 7541 §5.2, Appendix B). Encoding uses the code table directly;
 * decoding runs a state machine generated from it at class initialisation, four bits per step
 * (the approach of nghttp2 and the JDK's decoder): each state is an inner node of the code
 * tree, and each (state, nibble) pair names the next state and the symbol emitted, if any.
 */
final class Huffman {
    private Huffman() {
    }

    /** Code of each symbol 0..256 (256 is EOS), right-aligned (RFC 7541 Appendix B). */
    static final int[] CODES = {
        0x1ff8, 0x7fffd8, 0xfffffe2, 0xfffffe3, 0xfffffe4, 0xfffffe5, 0xfffffe6, 0xfffffe7,
        0xfffffe8, 0xffffea, 0x3ffffffc, 0xfffffe9, 0xfffffea, 0x3ffffffd, 0xfffffeb, 0xfffffec,
        0xfffffed, 0xfffffee, 0xfffffef, 0xffffff0, 0xffffff1, 0xffffff2, 0x3ffffffe, 0xffffff3,
        0xffffff4, 0xffffff5, 0xffffff6, 0xffffff7, 0xffffff8, 0xffffff9, 0xffffffa, 0xffffffb,
        0x14, 0x3f8, 0x3f9, 0xffa, 0x1ff9, 0x15, 0xf8, 0x7fa,
        0x3fa, 0x3fb, 0xf9, 0x7fb, 0xfa, 0x16, 0x17, 0x18,
        0x0, 0x1, 0x2, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
        0x1e, 0x1f, 0x5c, 0xfb, 0x7ffc, 0x20, 0xffb, 0x3fc,
        0x1ffa, 0x21, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62,
        0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
        0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72,
        0xfc, 0x73, 0xfd, 0x1ffb, 0x7fff0, 0x1ffc, 0x3ffc, 0x22,
        0x7ffd, 0x3, 0x23, 0x4, 0x24, 0x5, 0x25, 0x26,
        0x27, 0x6, 0x74, 0x75, 0x28, 0x29, 0x2a, 0x7,
        0x2b, 0x76, 0x2c, 0x8, 0x9, 0x2d, 0x77, 0x78,
        0x79, 0x7a, 0x7b, 0x7ffe, 0x7fc, 0x3ffd, 0x1ffd, 0xffffffc,
        0xfffe6, 0x3fffd2, 0xfffe7, 0xfffe8, 0x3fffd3, 0x3fffd4, 0x3fffd5, 0x7fffd9,
        0x3fffd6, 0x7fffda, 0x7fffdb, 0x7fffdc, 0x7fffdd, 0x7fffde, 0xffffeb, 0x7fffdf,
        0xffffec, 0xffffed, 0x3fffd7, 0x7fffe0, 0xffffee, 0x7fffe1, 0x7fffe2, 0x7fffe3,
        0x7fffe4, 0x1fffdc, 0x3fffd8, 0x7fffe5, 0x3fffd9, 0x7fffe6, 0x7fffe7, 0xffffef,
        0x3fffda, 0x1fffdd, 0xfffe9, 0x3fffdb, 0x3fffdc, 0x7fffe8, 0x7fffe9, 0x1fffde,
        0x7fffea, 0x3fffdd, 0x3fffde, 0xfffff0, 0x1fffdf, 0x3fffdf, 0x7fffeb, 0x7fffec,
        0x1fffe0, 0x1fffe1, 0x3fffe0, 0x1fffe2, 0x7fffed, 0x3fffe1, 0x7fffee, 0x7fffef,
        0xfffea, 0x3fffe2, 0x3fffe3, 0x3fffe4, 0x7ffff0, 0x3fffe5, 0x3fffe6, 0x7ffff1,
        0x3ffffe0, 0x3ffffe1, 0xfffeb, 0x7fff1, 0x3fffe7, 0x7ffff2, 0x3fffe8, 0x1ffffec,
        0x3ffffe2, 0x3ffffe3, 0x3ffffe4, 0x7ffffde, 0x7ffffdf, 0x3ffffe5, 0xfffff1, 0x1ffffed,
        0x7fff2, 0x1fffe3, 0x3ffffe6, 0x7ffffe0, 0x7ffffe1, 0x3ffffe7, 0x7ffffe2, 0xfffff2,
        0x1fffe4, 0x1fffe5, 0x3ffffe8, 0x3ffffe9, 0xffffffd, 0x7ffffe3, 0x7ffffe4, 0x7ffffe5,
        0xfffec, 0xfffff3, 0xfffed, 0x1fffe6, 0x3fffe9, 0x1fffe7, 0x1fffe8, 0x7ffff3,
        0x3fffea, 0x3fffeb, 0x1ffffee, 0x1ffffef, 0xfffff4, 0xfffff5, 0x3ffffea, 0x7ffff4,
        0x3ffffeb, 0x7ffffe6, 0x3ffffec, 0x3ffffed, 0x7ffffe7, 0x7ffffe8, 0x7ffffe9, 0x7ffffea,
        0x7ffffeb, 0xffffffe, 0x7ffffec, 0x7ffffed, 0x7ffffee, 0x7ffffef, 0x7fffff0, 0x3ffffee,
        0x3fffffff,
    };

    static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    };

    /** A transition emits the symbol in its low 8 bits. */
    private static final int EMIT = 1 << 8;
    /** A transition decodes EOS, which a string must never contain (RFC 7541 §5.2). */
    private static final int FAIL = 1 << 9;
    /** The target state's path from the root is all ones and at most 7 bits: valid padding. */
    private static final int ACCEPT = 1 << 10;
    private static final int STATE_SHIFT = 16;

    /** Transitions, indexed by {@code state * 16 + nibble}. */
    private static final int[] TRANSITIONS;
    /** Whether ending the input in a state is valid (RFC 7541 §5.2 padding rules). */
    private static final boolean[] ACCEPTING;

    static {
        // build the code tree: children[node*2 + bit]; >= 0 inner node, < 0 leaf ~symbol
        int[] children = new int[512 * 2];
        java.util.Arrays.fill(children, Integer.MIN_VALUE);
        int nodes = 1;
        for (int sym = 0; sym < 257; sym++) {
            int node = 0;
            for (int i = LENGTHS[sym] - 1; i >= 0; i--) {
                int bit = (CODES[sym] >>> i) & 1;
                int slot = node * 2 + bit;
                if (i == 0) {
                    children[slot] = ~sym;
                } else {
                    if (children[slot] == Integer.MIN_VALUE) {
                        children[slot] = nodes++;
                    }
                    node = children[slot];
                }
            }
        }
        // the all-ones paths of 0..7 bits from the root are the valid padding states
        ACCEPTING = new boolean[nodes];
        int ones = 0;
        for (int depth = 0; depth <= 7; depth++) {
            ACCEPTING[ones] = true;
            ones = children[ones * 2 + 1];
        }
        TRANSITIONS = new int[nodes * 16];
        for (int state = 0; state < nodes; state++) {
            for (int nibble = 0; nibble < 16; nibble++) {
                int node = state;
                int t = 0;
                for (int i = 3; i >= 0; i--) {
                    int next = children[node * 2 + ((nibble >>> i) & 1)];
                    if (next < 0) {
                        int sym = ~next;
                        if (sym == 256) {
                            t |= FAIL;
                            break;
                        }
                        t |= EMIT | sym; // at most one symbol per nibble: no code is shorter than 5 bits
                        node = 0;
                    } else {
                        node = next;
                    }
                }
                if (ACCEPTING[node]) {
                    t |= ACCEPT;
                }
                TRANSITIONS[state * 16 + nibble] = t | (node << STATE_SHIFT);
            }
        }
    }

    /** The length in bytes of the Huffman encoding of {@code s} (chars 0..255). */
    static int encodedLength(CharSequence s) {
        long bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            bits += LENGTHS[s.charAt(i) & 0xff];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Writes the Huffman encoding of {@code s} to {@code out} at {@code pos}; returns the new position. */
    static int encode(CharSequence s, byte[] out, int pos) {
        long acc = 0;
        int bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            int sym = s.charAt(i) & 0xff;
            acc = (acc << LENGTHS[sym]) | CODES[sym];
            bits += LENGTHS[sym];
            while (bits >= 8) {
                bits -= 8;
                out[pos++] = (byte) (acc >>> bits);
            }
        }
        if (bits > 0) {
            // pad with the most significant bits of EOS, i.e. ones (RFC 7541 §5.2)
            out[pos++] = (byte) ((acc << (8 - bits)) | (0xff >>> bits));
        }
        return pos;
    }

    /**
     * Decodes {@code len} Huffman-coded bytes of {@code in} starting at {@code off} into
     * {@code out} (one byte per symbol); returns the number of symbols, or -1 if the input holds
     * EOS, ends with more than 7 bits of padding, or pads with anything but ones.
     */
    static int decode(byte[] in, int off, int len, byte[] out) {
        int state = 0;
        int n = 0;
        boolean accept = true;
        for (int i = off, end = off + len; i < end; i++) {
            int b = in[i] & 0xff;
            int t = TRANSITIONS[(state << 4) | (b >>> 4)];
            if ((t & FAIL) != 0) {
                return -1;
            }
            if ((t & EMIT) != 0) {
                out[n++] = (byte) t;
            }
            t = TRANSITIONS[((t >>> STATE_SHIFT) << 4) | (b & 0x0f)];
            if ((t & FAIL) != 0) {
                return -1;
            }
            if ((t & EMIT) != 0) {
                out[n++] = (byte) t;
            }
            state = t >>> STATE_SHIFT;
            accept = (t & ACCEPT) != 0;
        }
        return accept ? n : -1;
    }

    /** An upper bound of the symbols {@code len} coded bytes can hold (the shortest code has 5 bits). */
    static int maxDecodedLength(int len) {
        return (len * 8) / 5;
    }
}
