package dev.unicorn.server;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Byte arrays of one size lent to responses while they run and returned when they finish,
 * so that an idle keep-alive connection holds no response buffer. Keeps at most
 * {@code retained} arrays; beyond that a returned array is left to the garbage collector.
 * One pool per server, never static.
 */
public final class BufferPool {
    private final int size;
    private final ArrayBlockingQueue<byte[]> free;

    /**
     * @param size     the length of every array
     * @param retained how many free arrays the pool keeps at most
     */
    public BufferPool(int size, int retained) {
        this.size = size;
        this.free = new ArrayBlockingQueue<>(retained);
    }

    /** An array of {@link #size()} bytes (contents undefined). */
    public byte[] acquire() {
        byte[] b = free.poll();
        return b != null ? b : new byte[size];
    }

    /** Gives {@code array} back; it must not be used afterwards. */
    public void release(byte[] array) {
        if (array.length == size) {
            free.offer(array);
        }
    }

    /** The length of the arrays. */
    public int size() {
        return size;
    }
}
