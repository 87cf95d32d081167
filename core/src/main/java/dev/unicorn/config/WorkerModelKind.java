package dev.unicorn.config;

/**
 * How a worker serves connections (gunicorn's {@code worker_class}). The accepted values of
 * the {@code workerModel} setting are generated from this enum, so a new model is one line.
 */
public enum WorkerModelKind {
    /** A virtual thread per connection (and per HTTP/2 stream); virtual threads are never pooled. */
    VIRTUAL,
    /** One platform thread per worker serving one request per connection, then closing (gunicorn's sync worker). */
    SYNC,
    /**
     * Per worker, a selector thread that accepts and parks connections waiting for a request,
     * and a pool of {@code threads} platform threads that run requests (gunicorn's gthread).
     */
    THREADS,
    /**
     * Per worker, one event-loop thread that accepts, reads and writes without blocking and
     * runs a non-blocking {@code AsyncHttpApp} inline (the analogue of gunicorn's ASGI worker).
     */
    ASYNC
}
