package dev.unicorn;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import dev.unicorn.dirty.DirtyPool;
import dev.unicorn.net.Listener;
import dev.unicorn.workers.Arbiter;
import dev.unicorn.workers.ServerStats;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A started server: its bound addresses (with the real port when port 0 was asked for) and
 * its lifecycle. {@link #close()} stops quickly, so a try-with-resources block or a test
 * tears down at once; {@link #stop()} stops gracefully.
 */
public final class RunningServer implements AutoCloseable {
    private final Arbiter arbiter;
    private final List<SocketAddress> addresses;
    /** Whether the first TCP listener speaks TLS (its URI is then {@code https}). */
    private final boolean firstTcpTls;
    private final Config config;
    private final DirtyPool dirty;

    RunningServer(Arbiter arbiter, List<Listener> listeners, Config config, DirtyPool dirty, Runnable onTermination) {
        this.arbiter = arbiter;
        this.dirty = dirty;
        this.addresses = listeners.stream().map(Listener::localAddress).toList();
        this.firstTcpTls = listeners.stream().filter(l -> l.localAddress() instanceof InetSocketAddress).findFirst()
                .map(l -> l.tls() != null).orElse(false);
        this.config = config;
        // Undo process-wide registrations (signal handlers, the MXBean) however the server ends.
        Thread.ofVirtual().name(config.get(Settings.NAME) + "-termination").start(() -> {
            try {
                arbiter.awaitTermination();
                onTermination.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The bound addresses, in {@code bind} order ({@link InetSocketAddress} or {@link java.net.UnixDomainSocketAddress}). */
    public List<SocketAddress> addresses() {
        return addresses;
    }

    /** The port of the first TCP listener. */
    public int port() {
        return firstTcp().getPort();
    }

    /**
     * {@code http://host:port/} of the first TCP listener, {@code https://} when it speaks TLS
     * (a wildcard address becomes the loopback address).
     */
    public URI uri() {
        InetSocketAddress a = firstTcp();
        InetAddress ip = a.getAddress();
        if (ip.isAnyLocalAddress()) {
            ip = InetAddress.getLoopbackAddress();
        }
        String host = ip.getHostAddress();
        if (host.indexOf(':') >= 0) {
            int scope = host.indexOf('%');
            host = "[" + (scope >= 0 ? host.substring(0, scope) : host) + "]";
        }
        return URI.create((firstTcpTls ? "https://" : "http://") + host + ":" + a.getPort() + "/");
    }

    private InetSocketAddress firstTcp() {
        for (SocketAddress a : addresses) {
            if (a instanceof InetSocketAddress inet) {
                return inet;
            }
        }
        throw new IllegalStateException("no TCP listener: " + addresses);
    }

    /** Sets the number of serving workers (at least 1); surplus workers drain and stop, oldest first. */
    public void scale(int workers) {
        arbiter.scale(workers);
    }

    /** The number of serving workers the server keeps (its current target). */
    public int workers() {
        return arbiter.targetWorkers();
    }

    /**
     * Starts a new generation of workers (with a fresh application when the server was built
     * from an app factory), then drains the old generation: no request is dropped.
     */
    public void reload() {
        arbiter.reload();
    }

    /** Workers and counters as the arbiter sees them now. */
    public ServerStats stats() {
        return arbiter.stats();
    }

    /**
     * The server's dirty apps: {@code dirty().client()} calls them, {@code dirty().arbiter()}
     * scales and reloads the worker JVMs. Not running when {@code dirtyApps} is empty. The pool
     * stops after the HTTP workers when the server ends; {@link #stop()} and {@link #close()}
     * return once its workers have exited.
     */
    public DirtyPool dirty() {
        return dirty;
    }

    /** The settings the server runs with. */
    public Config config() {
        return config;
    }

    /**
     * Stops gracefully: stops accepting, lets in-flight requests finish for up to
     * {@code gracefulTimeout}, closes the rest; returns when the server has stopped.
     */
    public void stop() {
        arbiter.stopGracefully();
        awaitUninterruptibly(config.get(Settings.GRACEFUL_TIMEOUT).plusSeconds(5));
        dirty.close(); // the dirty workers last, once no handler is left to call them; waits for them
    }

    /** Stops quickly, closing every connection now; returns when the server has stopped. */
    @Override
    public void close() {
        arbiter.stopQuickly();
        awaitUninterruptibly(Duration.ofSeconds(30));
        dirty.close();
    }

    /** Waits until the server has stopped; false if {@code timeout} elapsed first. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return arbiter.awaitTermination(timeout);
    }

    /** Waits, without a time limit, until the server has stopped (for a {@code main} that only serves). */
    public void awaitTermination() throws InterruptedException {
        arbiter.awaitTermination();
    }

    /** True once the server has stopped. */
    public boolean isStopped() {
        return arbiter.isTerminated();
    }

    private void awaitUninterruptibly(Duration timeout) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    arbiter.awaitTermination(timeout);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "RunningServer" + addresses;
    }
}
