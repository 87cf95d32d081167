package dev.unicorn.workers;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * A socket channel whose reads first return bytes read from the socket earlier, then read the
 * socket; every other operation goes straight to the socket. The {@code threads} model's
 * selector thread reads a request head without blocking before it hands the connection to a
 * pool thread, and gives those bytes back this way. Being a {@link SocketChannel} (not just a
 * byte channel) keeps {@code Http1Connection}'s half-close and linger when it closes first
 * (RFC 9112 §9.6) and its gathering writes.
 *
 * <p>Only {@code Http1Connection} uses this object; the socket itself is what is registered
 * with the selector, switched between blocking modes and closed (through the connection's
 * {@code ConnectionControl}).
 */
final class PrefixedSocketChannel extends SocketChannel {
    private final SocketChannel socket;
    /** Bytes to return before reading the socket, or null. Set before a hand-off to a pool thread, which the hand-off orders. */
    private ByteBuffer prefix;

    PrefixedSocketChannel(SocketChannel socket) {
        super(socket.provider());
        this.socket = socket;
    }

    /** The next reads return {@code bytes} (from position to limit) before reading the socket. */
    void prefix(ByteBuffer bytes) {
        this.prefix = bytes != null && bytes.hasRemaining() ? bytes : null;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ByteBuffer p = prefix;
        if (p == null) {
            return socket.read(dst);
        }
        int n = Math.min(p.remaining(), dst.remaining());
        dst.put(p.slice(p.position(), n));
        p.position(p.position() + n);
        if (!p.hasRemaining()) {
            prefix = null;
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        if (prefix == null) {
            return socket.read(dsts, offset, length);
        }
        long total = 0;
        for (int i = offset; i < offset + length && prefix != null; i++) {
            total += read(dsts[i]);
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return socket.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return socket.write(srcs, offset, length);
    }

    @Override
    public SocketChannel shutdownInput() throws IOException {
        socket.shutdownInput();
        return this;
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
        socket.bind(local);
        return this;
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        socket.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return socket.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return socket.supportedOptions();
    }

    @Override
    public Socket socket() {
        return socket.socket();
    }

    @Override
    public boolean isConnected() {
        return socket.isConnected();
    }

    @Override
    public boolean isConnectionPending() {
        return socket.isConnectionPending();
    }

    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        return socket.connect(remote);
    }

    @Override
    public boolean finishConnect() throws IOException {
        return socket.finishConnect();
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        return socket.getRemoteAddress();
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        return socket.getLocalAddress();
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        socket.close();
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        socket.configureBlocking(block);
    }
}
