package dev.unicorn.bench.peers;

/**
 * One HTTP server under comparison, serving the {@link Endpoint}s on 127.0.0.1. Configured
 * alike: default thread pools (unless noted in the implementation), access log off, at least
 * 20,000 connections, keep-alive on with an idle timeout of {@link #IDLE_TIMEOUT_SECONDS}.
 */
public interface Peer {
    /** Idle (keep-alive) timeout given to every peer. */
    int IDLE_TIMEOUT_SECONDS = 60;
    /** Connection limit given to every peer that has one. */
    int MAX_CONNECTIONS = 20_000;

    /** The name given to {@link PeerServer} ({@code jetty-core}, ...). */
    String name();

    /** The server's product and version, as its own jars report it. */
    String version();

    /** How the server is configured for the comparison, in one line for the report. */
    String configuration();

    /** True when the server is configured to accept HTTP/2 over cleartext with prior knowledge. */
    boolean h2c();

    /**
     * Starts the server on 127.0.0.1:{@code port}; returns once it is bound (it may not answer yet).
     *
     * @param options {@code key=value} options from the command line, peer-specific
     */
    Running start(int port, PeerOptions options) throws Exception;

    /** A started server. */
    @FunctionalInterface
    interface Running {
        /** Stops the server and releases its port. */
        void stop() throws Exception;
    }
}
