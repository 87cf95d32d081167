package dev.unicorn.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The peers trusted for something (gunicorn's {@code forwarded_allow_ips} and
 * {@code proxy_allow_ips}): {@code *} for everyone, or a comma-separated list of IPv4/IPv6
 * addresses and CIDR networks. Immutable and thread-safe.
 *
 * <p>Parsing never touches DNS: only literals are accepted. As with Python's strict
 * {@code ip_network}, a network with host bits set ({@code 10.0.0.1/8}) is an error. An
 * IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) matches IPv4 entries, and an IPv4
 * address matches IPv6 entries written in mapped form. Unix domain socket peers are always
 * allowed, as in gunicorn.
 */
public final class IpAllowList {

    /** One network; {@code address} has 4 or 16 bytes and zero host bits. */
    private record Network(byte[] address, int prefix) {
        boolean contains(byte[] ip) {
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (ip[i] != address[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (ip[full] & mask) == (address[full] & mask);
        }

        @Override
        public String toString() {
            String text = IpLiteral.format(address);
            return prefix == address.length * 8 ? text : text + "/" + prefix;
        }
    }

    private static final IpAllowList ALL = new IpAllowList(true, List.of());

    private final boolean all;
    private final List<Network> networks;

    private IpAllowList(boolean all, List<Network> networks) {
        this.all = all;
        this.networks = networks;
    }

    /** A list that allows every peer ({@code *}). */
    public static IpAllowList all() {
        return ALL;
    }

    /**
     * Parses {@code *} or a comma-separated list of addresses and networks, for example
     * {@code 127.0.0.1,::1,10.0.0.0/8,fd00::/8}. Blanks around entries are ignored; an empty
     * text allows no IP peer at all.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static IpAllowList parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.strip().equals("*")) {
            return ALL;
        }
        List<Network> networks = new ArrayList<>();
        if (text.isBlank()) {
            return new IpAllowList(false, List.of());
        }
        for (String part : text.split(",", -1)) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("empty entry in \"" + text + "\"");
            }
            if (entry.equals("*")) {
                throw new IllegalArgumentException("* must stand alone, not in a list: \"" + text + "\"");
            }
            networks.add(parseNetwork(entry));
        }
        return new IpAllowList(false, List.copyOf(networks));
    }

    private static Network parseNetwork(String entry) {
        int slash = entry.indexOf('/');
        String host = slash < 0 ? entry : entry.substring(0, slash);
        byte[] address = IpLiteral.parse(host);
        if (address == null) {
            throw new IllegalArgumentException("\"" + entry + "\" is not an IP address or network");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = entry.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException(
                        "invalid prefix length in \"" + entry + "\": expected 0 to " + bits);
            }
            prefix = Integer.parseInt(p);
        }
        Network network = new Network(address, prefix);
        for (int bit = prefix; bit < bits; bit++) {
            if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("\"" + entry + "\" has host bits set");
            }
        }
        return network;
    }

    /** True if this list is {@code *}. */
    public boolean allowsAll() {
        return all;
    }

    /** True if {@code address} is in one of the networks (or the list is {@code *}). */
    public boolean allows(InetAddress address) {
        if (all) {
            return true;
        }
        if (address == null) {
            return false;
        }
        byte[] ip = address.getAddress();
        byte[] v4 = ip.length == 4 ? ip : IpLiteral.isMapped(ip) ? Arrays.copyOfRange(ip, 12, 16) : null;
        byte[] v6 = ip.length == 16 ? ip : mapped(ip);
        for (Network n : networks) {
            byte[] candidate = n.address().length == 4 ? v4 : v6;
            if (candidate != null && n.contains(candidate)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if the connection peer is allowed: a Unix domain socket peer always is, an IP peer
     * if {@link #allows(InetAddress)} it; an unresolved or {@code null} address never is.
     */
    public boolean allowsPeer(SocketAddress peer) {
        if (peer instanceof UnixDomainSocketAddress) {
            return true;
        }
        if (peer instanceof InetSocketAddress inet && !inet.isUnresolved()) {
            return allows(inet.getAddress());
        }
        return false;
    }

    private static byte[] mapped(byte[] v4) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(v4, 0, out, 12, 4);
        return out;
    }

    /** The canonical list: {@code *}, or entries joined by commas (full-length prefixes left out). */
    @Override
    public String toString() {
        if (all) {
            return "*";
        }
        StringJoiner j = new StringJoiner(",");
        for (Network n : networks) {
            j.add(n.toString());
        }
        return j.toString();
    }

    /** Equal when the canonical lists are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof IpAllowList other && toString().equals(other.toString());
    }

    /** A hash of the canonical list, consistent with {@link #equals(Object)}. */
    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
