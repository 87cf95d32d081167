package dev.unicorn.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An address a listener binds to: a TCP host and port, or a Unix domain socket path
 * (gunicorn's {@code bind} setting, one entry).
 *
 * <p>{@link #parse(String)} accepts gunicorn's forms: {@code host:port}, {@code [v6]:port},
 * {@code :port} (all interfaces), {@code host} (port {@value #DEFAULT_PORT}),
 * {@code unix:/path} and {@code unix:///path}; {@code tcp://} may prefix a TCP form. Host
 * names are kept as text and only resolved by {@link #toSocketAddress()}.
 */
public sealed interface BindAddress {

    /** The port used when an address names a host only, as in gunicorn. */
    int DEFAULT_PORT = 8000;

    /**
     * Parses one address.
     *
     * @throws IllegalArgumentException with a message saying what is wrong with {@code text}
     */
    static BindAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        if (s.startsWith("unix:")) {
            String path = s.startsWith("unix://") ? s.substring("unix://".length()) : s.substring("unix:".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("empty unix socket path in \"" + s + "\"");
            }
            try {
                return new Unix(Path.of(path));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("invalid unix socket path \"" + path + "\": " + e.getReason());
            }
        }
        if (s.startsWith("fd://")) {
            throw new IllegalArgumentException("fd:// addresses are not supported: \"" + s + "\"");
        }
        if (s.startsWith("tcp://")) {
            s = s.substring("tcp://".length());
        }
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' after IPv6 address in \"" + s + "\"");
            }
            host = s.substring(1, close);
            byte[] v6 = IpLiteral.parse(host);
            if (v6 == null || v6.length != 16) {
                throw new IllegalArgumentException("invalid IPv6 address \"" + host + "\"");
            }
            host = IpLiteral.format(v6);
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                portText = null;
            } else if (rest.startsWith(":")) {
                portText = rest.substring(1);
            } else {
                throw new IllegalArgumentException("expected ':port' after ']' in \"" + s + "\"");
            }
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException(
                        "an IPv6 address must be written in brackets, as in [::1]:8000: \"" + s + "\"");
            }
            host = colon < 0 ? s : s.substring(0, colon);
            portText = colon < 0 ? null : s.substring(colon + 1);
            host = host.isEmpty() ? "0.0.0.0" : checkHost(host);
        }
        return new Tcp(host, portText == null ? DEFAULT_PORT : parsePort(portText));
    }

    /**
     * The socket address to bind: an {@link InetSocketAddress} (host names are resolved
     * here) or a {@link UnixDomainSocketAddress}.
     */
    SocketAddress toSocketAddress();

    /** The canonical text form, which {@link #parse(String)} reads back to an equal address. */
    @Override
    String toString();

    /**
     * A TCP address. {@code host} is an IPv4 literal, an IPv6 literal without brackets, or a
     * host name; {@code 0.0.0.0} means every interface.
     *
     * @param host the host, never empty
     * @param port 0 to 65535; 0 asks the system for any free port
     */
    record Tcp(String host, int port) implements BindAddress {
        /** Checks the port range and that the host is a literal or a plausible name. */
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is out of range 0 to 65535");
            }
            byte[] literal = IpLiteral.parse(host);
            host = literal != null ? IpLiteral.format(literal) : checkHost(host);
        }

        /** Resolves the host (no lookup for IP literals) into an {@link InetSocketAddress}. */
        @Override
        public SocketAddress toSocketAddress() {
            byte[] literal = IpLiteral.parse(host);
            try {
                InetAddress address = literal != null
                        ? InetAddress.getByAddress(literal)
                        : InetAddress.getByName(host);
                return new InetSocketAddress(address, port);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve host \"" + host + "\" of bind address " + this, e);
            }
        }

        /** {@code host:port}, with IPv6 hosts in brackets. */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * A Unix domain socket address.
     *
     * @param path the socket file
     */
    record Unix(Path path) implements BindAddress {
        /** Checks that the path is not empty. */
        public Unix {
            Objects.requireNonNull(path, "path");
            if (path.toString().isEmpty()) {
                throw new IllegalArgumentException("empty unix socket path");
            }
        }

        /** A {@link UnixDomainSocketAddress} for {@link #path()}. */
        @Override
        public SocketAddress toSocketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        /** {@code unix:} followed by the path. */
        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    private static int parsePort(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty port");
        }
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("port " + text + " is out of range 0 to 65535");
            }
            throw new IllegalArgumentException("port \"" + text + "\" is not a number");
        }
        int port = Integer.parseInt(text);
        if (port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0 to 65535");
        }
        return port;
    }

    /** An IP literal in canonical form, or a host name made of letters, digits, '-', '_' and dots. */
    private static String checkHost(String host) {
        byte[] literal = IpLiteral.parse(host);
        if (literal != null) {
            return IpLiteral.format(literal);
        }
        if (IpLiteral.looksLikeV4(host)) {
            throw new IllegalArgumentException("invalid IPv4 address \"" + host + "\"");
        }
        boolean ok = !host.isEmpty() && host.length() <= 253 && !host.startsWith(".") && !host.contains("..");
        for (int i = 0; ok && i < host.length(); i++) {
            char c = host.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
        }
        if (!ok) {
            throw new IllegalArgumentException("invalid host \"" + host + "\"");
        }
        return host;
    }
}
