package dev.unicorn.net;

import dev.unicorn.tls.TlsContext;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A bound, listening socket: TCP (IPv4 or IPv6, port 0 for any free port) or a Unix domain
 * socket. The arbiter owns listeners; workers accept on them. The channel is non-blocking so
 * that several workers can wait on it with their own selectors.
 */
public final class Listener implements Closeable {
    private final BindAddress address;
    private final ServerSocketChannel channel;
    private final SocketAddress localAddress;
    private final TlsContext tls;

    private Listener(BindAddress address, ServerSocketChannel channel, TlsContext tls) throws IOException {
        this.address = address;
        this.channel = channel;
        this.localAddress = channel.getLocalAddress();
        this.tls = tls;
    }

    /**
     * Binds {@code address} with the given listen backlog.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static Listener bind(BindAddress address, int backlog) {
        return bind(address, backlog, null);
    }

    /**
     * Binds {@code address} with the given listen backlog; connections accepted on a TCP
     * address speak TLS set up by {@code tls} (a Unix domain socket stays plain: its peers are
     * local and trusted as such).
     *
     * @param tls the server's TLS set-up, or {@code null} for plain connections
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static Listener bind(BindAddress address, int backlog, TlsContext tls) {
        ServerSocketChannel channel = null;
        try {
            if (address instanceof BindAddress.Unix unix) {
                removeStaleSocket(unix.path());
                channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                channel.bind(UnixDomainSocketAddress.of(unix.path()), backlog);
            } else {
                SocketAddress target = address.toSocketAddress();
                if (target instanceof InetSocketAddress inet && inet.isUnresolved()) {
                    throw new IOException("cannot resolve host " + inet.getHostString());
                }
                channel = ServerSocketChannel.open();
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(target, backlog);
            }
            channel.configureBlocking(false);
            return new Listener(address, channel, address instanceof BindAddress.Unix ? null : tls);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing; the bind error is what matters
                }
            }
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new UncheckedIOException(new IOException("Cannot bind " + address + ": " + reason, e));
        }
    }

    /** gunicorn removes a socket file left by an earlier run; anything else at that path is an error. */
    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                || Files.isSymbolicLink(path)) {
            throw new IOException(path + " exists and is not a socket");
        }
        Files.delete(path);
    }

    /** The address as configured. */
    public BindAddress address() {
        return address;
    }

    /** The bound address: for TCP with port 0, the real port. */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /** The listening channel (non-blocking). */
    public ServerSocketChannel channel() {
        return channel;
    }

    /** The TLS set-up of this listener's connections, or {@code null} when they are plain. */
    public TlsContext tls() {
        return tls;
    }

    /** True for a Unix domain socket. */
    public boolean isUnix() {
        return address instanceof BindAddress.Unix;
    }

    /** Stops listening; a Unix socket file is removed. */
    @Override
    public void close() throws IOException {
        channel.close();
        if (address instanceof BindAddress.Unix unix) {
            Files.deleteIfExists(unix.path());
        }
    }

    @Override
    public String toString() {
        if (localAddress instanceof InetSocketAddress inet) {
            String host = inet.getAddress().getHostAddress();
            return (tls != null ? "https://" : "http://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return address.toString();
    }
}
