package dev.unicorn.workers;

import dev.unicorn.net.ForwardingSocketChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A socket channel whose reads first return bytes read from the socket earlier, then read the
 * socket; every other operation goes straight to the socket. The {@code threads} model's
 * selector thread reads a request head without blocking before it hands the connection to a
 * pool thread, and gives those bytes back this way. Being a {@link SocketChannel} (not just a
 * byte channel) keeps {@code Http1Connection}'s half-close and linger when it closes first
 * (RFC 9112 §9.6) and its gathering writes. On a TLS connection it wraps the
 * {@code TlsChannel}, and the bytes are decrypted ones.
 *
 * <p>Only {@code Http1Connection} uses this object; the socket itself is what is registered
 * with the selector, switched between blocking modes and closed (through the connection's
 * {@code ConnectionControl}).
 */
final class PrefixedSocketChannel extends ForwardingSocketChannel {
    /** Bytes to return before reading the socket, or null. Set before a hand-off to a pool thread, which the hand-off orders. */
    private ByteBuffer prefix;

    PrefixedSocketChannel(SocketChannel socket) {
        super(socket);
    }

    /** The next reads return {@code bytes} (from position to limit) before reading the socket. */
    void prefix(ByteBuffer bytes) {
        this.prefix = bytes != null && bytes.hasRemaining() ? bytes : null;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ByteBuffer p = prefix;
        if (p == null) {
            return delegate.read(dst);
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
            return delegate.read(dsts, offset, length);
        }
        long total = 0;
        for (int i = offset; i < offset + length && prefix != null; i++) {
            total += read(dsts[i]);
        }
        return total;
    }
}
