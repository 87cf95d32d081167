package dev.unicorn.workers;

import dev.unicorn.config.Settings;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.TlsSession;
import dev.unicorn.http1.Http1Connection;
import dev.unicorn.tls.TlsChannel;
import dev.unicorn.tls.TlsContext;
import dev.unicorn.net.Listener;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;

/**
 * The worker models where a connection has a thread of its own for its whole life: an
 * acceptor platform thread waits on the shared listeners with its own selector, and
 *
 * <ul>
 *   <li>{@code virtual}: one virtual thread per connection, created only after an admission
 *       permit ({@code workerConnections}) was taken, so a flood of connections waits in the
 *       listen backlog instead of creating threads; virtual threads are never pooled.
 *   <li>{@code sync}: the acceptor thread itself serves one request per connection and
 *       answers {@code Connection: close}, as gunicorn's sync worker; pipelined requests after
 *       the first are answered by closing.
 * </ul>
 */
final class DedicatedThreadWorker extends Worker {
    private final Semaphore admission;
    private final ThreadFactory connectionThreads;
    private final Selector selector;
    private final Thread acceptor;
    /** The listener {@link #acceptOne()} took the last connection from (acceptor thread only). */
    private Listener acceptedFrom;

    @Override
    boolean acceptingStopped() {
        return state != State.SERVING && !acceptor.isAlive();
    }

    DedicatedThreadWorker(int id, ServerContext ctx, List<Listener> listeners, ServerHooks hooks, Runnable onDrain)
            throws IOException {
        super(id, ctx, hooks, onDrain);
        this.admission = new Semaphore(model == WorkerModelKind.SYNC ? 1 : ctx.config().get(Settings.WORKER_CONNECTIONS));
        this.connectionThreads = Thread.ofVirtual().name(threadPrefix + "-conn-", 0).factory();
        this.selector = Selector.open();
        for (Listener l : listeners) {
            l.channel().register(selector, SelectionKey.OP_ACCEPT, l);
        }
        this.acceptor = Thread.ofPlatform().name(threadPrefix + "-acceptor").daemon(true).unstarted(this::acceptLoop);
    }

    @Override
    void startServing() {
        acceptor.start();
    }

    @Override
    void stopAccepting() {
        selector.wakeup();
        if (model != WorkerModelKind.SYNC) {
            // Safe: the acceptor only selects, accepts without blocking, or waits for a permit. A sync
            // acceptor may be serving a request, and an interrupt would close that connection's channel.
            acceptor.interrupt();
        }
    }

    @Override
    void stopServing() {
        selector.wakeup();
        acceptor.interrupt();
        try {
            acceptor.join(2000);
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // nothing left to release
        }
        for (ConnectionControl c : connections) {
            c.close(); // accepted while the worker was stopping
        }
    }

    private void acceptLoop() {
        try {
            while (state == State.SERVING) {
                admission.acquire();
                SocketChannel channel = acceptOne();
                if (channel == null) {
                    admission.release();
                    continue;
                }
                ConnectionControl control = new ConnectionControl(channel, this);
                connections.add(control);
                TlsContext tls = acceptedFrom.tls();
                if (model == WorkerModelKind.SYNC) {
                    control.disallowKeepAlive();
                    serve(channel, control, tls);
                    continue;
                }
                try {
                    connectionThreads.newThread(() -> serve(channel, control, tls)).start();
                } catch (RuntimeException | OutOfMemoryError e) {
                    connections.remove(control);
                    control.close();
                    admission.release();
                    LOG.error("Worker {} could not start a connection thread", id, e);
                }
            }
        } catch (InterruptedException | ClosedSelectorException e) {
            // stopping
        } catch (IOException e) {
            if (state == State.SERVING) {
                LOG.error("Worker {} stopped accepting: {}", id, e.toString());
            }
        } finally {
            // A closed listener keeps its socket (and the kernel keeps accepting into its backlog) until
            // every selector it was registered with has deregistered it: release ours now, not at stop.
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    /** Accepts one connection from any listener, waiting on the selector; null when stopping. */
    private SocketChannel acceptOne() throws IOException {
        while (state == State.SERVING) {
            selector.select(1000);
            Set<SelectionKey> ready = selector.selectedKeys();
            for (var it = ready.iterator(); it.hasNext(); ) {
                SelectionKey key = it.next();
                it.remove();
                if (!key.isValid()) {
                    continue;
                }
                SocketChannel channel;
                try {
                    channel = ((ServerSocketChannel) key.channel()).accept();
                } catch (IOException e) {
                    if (state == State.SERVING) {
                        LOG.warn("Worker {} accept failed: {}", id, e.toString());
                    }
                    continue;
                }
                if (channel != null) {
                    ready.clear();
                    acceptedFrom = (Listener) key.attachment();
                    return channel;
                }
            }
        }
        return null;
    }

    private void serve(SocketChannel channel, ConnectionControl control, TlsContext tls) {
        try {
            channel.configureBlocking(true);
            SocketAddress peer = channel.getRemoteAddress();
            SocketAddress local = channel.getLocalAddress();
            if (!(local instanceof UnixDomainSocketAddress)) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            if (state != State.SERVING) {
                control.disallowKeepAlive();
            }
            ByteChannel io = channel;
            TlsSession session = null;
            if (tls != null) {
                TlsChannel tlsChannel = startTls(tls, channel, control, peer);
                try {
                    tlsChannel.handshake();
                } catch (IOException | RuntimeException e) {
                    handshakeFailed(peer, e);
                    control.close();
                    return;
                }
                io = tlsChannel;
                session = tlsChannel.session();
            }
            new Http1Connection(ctx, io, control, peer, local, session).serve();
        } catch (IOException e) {
            LOG.debug("Worker {} dropped a connection during setup: {}", id, e.toString());
            control.close();
        } finally {
            connections.remove(control);
            admission.release();
        }
    }
}
