package dev.unicorn.management;

/**
 * A running server as a JMX MXBean, registered as {@code dev.unicorn:type=Server,name=<name>}
 * when the {@code jmx} setting is on: the arbiter's counters, each worker on one line, and
 * the lifecycle operations (gunicorn's control socket: {@code worker add/remove},
 * {@code reload}, {@code shutdown}).
 */
public interface ServerMXBean {
    /** Serving workers the arbiter keeps. */
    int getTargetWorkers();

    /** Workers alive now, serving or draining. */
    int getWorkerCount();

    /** One line per worker: id, model, state, age, requests, in flight, connections, last heartbeat. */
    String[] getWorkers();

    /** Seconds since the server started. */
    long getUptimeSeconds();

    /** Workers started so far. */
    long getSpawned();

    /** Requests aborted for running past the timeout. */
    long getAborted();

    /** Workers replaced after maxRequests. */
    long getRecycled();

    /** Reloads so far. */
    long getReloads();

    /** Threads of aborted requests still running. */
    int getAbandonedThreads();

    /** Sets the number of serving workers (at least 1). */
    void scale(int workers);

    /** Adds {@code n} workers (gunicorn's TTIN / {@code worker add}). */
    void addWorkers(int n);

    /** Removes {@code n} workers, oldest first, never below one (TTOU / {@code worker remove}). */
    void removeWorkers(int n);

    /** Starts a new generation of workers and drains the old one (HUP / {@code reload}). */
    void reload();

    /** Stops the server: gracefully (TERM) or quickly (INT). Returns at once. */
    void shutdown(boolean graceful);
}
