package dev.unicorn.http1;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.net.IpLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * Recognises and decodes a PROXY protocol header (HAProxy's "PROXY protocol" spec, versions
 * 1 and 2) at the start of a connection.
 */
final class ProxyHeaderParser {
    private ProxyHeaderParser() {
    }

    /** The bytes that start a v1 header. */
    static final byte[] V1_SIGNATURE = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    /** The 12-byte signature of a v2 header. */
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** Longest v1 line, CRLF included (spec §2.1). */
    static final int V1_MAX_LINE = 107;
    /** Bytes of the fixed part of a v2 header. */
    static final int V2_FIXED = 16;

    static final int NO_MATCH = 0;
    static final int V1 = 1;
    static final int V2 = 2;
    /** The bytes so far are a proper prefix of a signature the mode accepts: more are needed. */
    static final int PREFIX = -1;

    /** Which header the {@code avail} bytes at {@code off} start, among those {@code mode} accepts. */
    static int match(byte[] b, int off, int avail, ProxyProtocolMode mode) {
        boolean prefix = false;
        if (mode == ProxyProtocolMode.V1 || mode == ProxyProtocolMode.AUTO) {
            int m = matchPrefix(b, off, avail, V1_SIGNATURE);
            if (m == V1_SIGNATURE.length) {
                return V1;
            }
            prefix |= m == avail;
        }
        if (mode == ProxyProtocolMode.V2 || mode == ProxyProtocolMode.AUTO) {
            int m = matchPrefix(b, off, avail, V2_SIGNATURE);
            if (m == V2_SIGNATURE.length) {
                return V2;
            }
            prefix |= m == avail;
        }
        return prefix ? PREFIX : NO_MATCH;
    }

    /** How many leading bytes agree with {@code sig} (stopping at the first difference or at {@code avail}). */
    private static int matchPrefix(byte[] b, int off, int avail, byte[] sig) {
        int n = Math.min(avail, sig.length);
        for (int i = 0; i < n; i++) {
            if (b[off + i] != sig[i]) {
                return -2; // a mismatch: neither a match nor a prefix
            }
        }
        return n;
    }

    /**
     * Decodes a v1 line {@code PROXY TCP4|TCP6 src dst sport dport} held in {@code [from, to)}
     * (CRLF excluded); {@code PROXY UNKNOWN ...} gives {@code null}.
     */
    static ProxyInfo parseV1(byte[] b, int from, int to) throws BadRequestException {
        String line = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        String[] parts = line.split(" ", -1);
        if (parts.length >= 2 && parts[1].equals("UNKNOWN")) {
            return null; // spec §2.1: the receiver must ignore the rest of an UNKNOWN line
        }
        if (parts.length != 6) {
            throw invalid("v1 line needs 6 fields separated by single spaces");
        }
        boolean v4;
        if (parts[1].equals("TCP4")) {
            v4 = true;
        } else if (parts[1].equals("TCP6")) {
            v4 = false;
        } else {
            throw invalid("unknown v1 protocol");
        }
        byte[] src = address(parts[2], v4);
        byte[] dst = address(parts[3], v4);
        int sport = port(parts[4]);
        int dport = port(parts[5]);
        return info(src, sport, dst, dport);
    }

    private static byte[] address(String text, boolean v4) throws BadRequestException {
        byte[] a = v4 ? IpLiteral.parseV4(text) : IpLiteral.parseV6(text);
        if (a == null) {
            throw invalid("v1 address is not an IPv" + (v4 ? "4" : "6") + " literal");
        }
        return a;
    }

    private static int port(String text) throws BadRequestException {
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        int p = ParsedTarget.parsePort(t, 0, t.length);
        if (p < 0) {
            throw invalid("v1 port is not a number in 0..65535");
        }
        return p;
    }

    /** The total length (16 + declared length) of the v2 header whose fixed part is at {@code off}. */
    static int v2Length(byte[] b, int off) {
        return V2_FIXED + (((b[off + 14] & 0xff) << 8) | (b[off + 15] & 0xff));
    }

    /** Decodes the complete v2 header at {@code off}; LOCAL and UNSPEC give {@code null}. */
    static ProxyInfo parseV2(byte[] b, int off) throws BadRequestException {
        int verCmd = b[off + 12] & 0xff;
        if ((verCmd >>> 4) != 2) {
            throw invalid("v2 version must be 2");
        }
        int command = verCmd & 0x0f;
        int family = (b[off + 13] & 0xff) >>> 4;
        int transport = b[off + 13] & 0x0f;
        int len = v2Length(b, off) - V2_FIXED;
        if (command == 0) {
            return null; // LOCAL: the proxy's own connection (health check); keep the socket addresses
        }
        if (command != 1) {
            throw invalid("v2 command must be LOCAL or PROXY");
        }
        int a = off + V2_FIXED;
        switch (family) {
            case 0:
                return null; // UNSPEC: unknown addresses; TLVs, if any, are skipped with the rest
            case 1:
                if (transport != 1) {
                    throw invalid("v2 transport must be STREAM");
                }
                if (len < 12) {
                    throw invalid("v2 length too short for IPv4 addresses");
                }
                return info(slice(b, a, 4), u16(b, a + 8), slice(b, a + 4, 4), u16(b, a + 10));
            case 2:
                if (transport != 1) {
                    throw invalid("v2 transport must be STREAM");
                }
                if (len < 36) {
                    throw invalid("v2 length too short for IPv6 addresses");
                }
                return info(slice(b, a, 16), u16(b, a + 32), slice(b, a + 16, 16), u16(b, a + 34));
            default:
                throw invalid("v2 address family must be INET, INET6 or UNSPEC");
        }
    }

    private static byte[] slice(byte[] b, int off, int len) {
        return java.util.Arrays.copyOfRange(b, off, off + len);
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static ProxyInfo info(byte[] src, int sport, byte[] dst, int dport) {
        try {
            // getByAddress never resolves: the bytes are the address.
            return new ProxyInfo(new InetSocketAddress(InetAddress.getByAddress(src), sport),
                    new InetSocketAddress(InetAddress.getByAddress(dst), dport));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 address bytes expected", e);
        }
    }

    private static BadRequestException invalid(String what) {
        return new BadRequestException(400, "invalid PROXY protocol header: " + what);
    }
}
