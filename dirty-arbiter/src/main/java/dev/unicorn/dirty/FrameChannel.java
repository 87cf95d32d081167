package dev.unicorn.dirty;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A blocking Unix-socket connection carrying frames: one thread reads ({@link #read()}), any
 * number of threads write whole frames ({@link #write(Frame)}, serialised so frames never
 * interleave). Both ends of the arbiter-worker connection use it.
 */
final class FrameChannel implements AutoCloseable {
    private final SocketChannel channel;
    private final int maxPayload;
    private final FrameDecoder decoder;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024).flip();
    private final Object writeLock = new Object();

    FrameChannel(SocketChannel channel, int maxPayload) {
        this.channel = channel;
        this.maxPayload = maxPayload;
        this.decoder = new FrameDecoder(maxPayload);
    }

    /**
     * The next frame; null at a clean end of stream (between frames).
     *
     * @throws EOFException           if the stream ends inside a frame
     * @throws DirtyProtocolException if the bytes break the protocol (close the channel)
     */
    Frame read() throws IOException {
        while (true) {
            Frame f = decoder.decode(in);
            if (f != null) {
                return f;
            }
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                if (decoder.atFrameBoundary()) {
                    return null;
                }
                throw new EOFException("connection closed inside a frame");
            }
        }
    }

    /**
     * Writes {@code frame} whole.
     *
     * @throws DirtyProtocolException if it cannot be encoded (nothing is written)
     */
    void write(Frame frame) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(WireFormat.encode(frame, maxPayload));
        synchronized (writeLock) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    /** Writes {@code frame}, ignoring a broken connection (its reader sees the break and acts). */
    void writeQuietly(Frame frame) {
        try {
            write(frame);
        } catch (IOException e) {
            // the reading side notices and handles the broken connection
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to do with a channel we are done with
        }
    }
}
