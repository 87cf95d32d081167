package dev.unicorn.dirty;

import java.util.Iterator;

/**
 * The elements of a streamed call, in order. {@link #hasNext()} and {@link #next()} block
 * until the next element arrives and throw the call's {@link DirtyException} if it fails.
 * {@link #close()} before the end cancels the remote work (the worker stops iterating and
 * interrupts the app) and leaves the connection ready for the next call; always close a stream
 * you do not read to the end (try-with-resources).
 */
public interface DirtyStream extends Iterator<Object>, AutoCloseable {
    /** Abandons the stream: cancels the remote work if it is still running. Idempotent. */
    @Override
    void close();
}
