package dev.unicorn.uwsgi;

import dev.unicorn.config.Config;
import dev.unicorn.http.AsyncHttpApp;
import dev.unicorn.http.HttpApp;
import dev.unicorn.http1.Http1AsyncConnection;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A uWSGI listener for tests on a real loopback socket: every accepted connection is served by
 * {@link UwsgiProtocol} on core's blocking {@code Http1Connection} (one thread per connection,
 * as the {@code virtual} worker does) or on its non-blocking {@code Http1AsyncConnection} (one
 * selector loop, as the {@code async} worker does). Clients are plain {@link Socket}s that
 * speak the packets themselves, standing in for nginx.
 */
final class UwsgiServer implements AutoCloseable {
    private static final Pattern DATE_FIELD = Pattern.compile("(?m)^Date: [^\r\n]*\r\n");

    private final ServerSocketChannel listener;
    private final Thread thread;
    private final List<Socket> clients = new ArrayList<>();
    private final AtomicBoolean stopping;

    private UwsgiServer(ServerSocketChannel listener, AtomicBoolean stopping, Runnable loop, String name) {
        this.listener = listener;
        this.stopping = stopping;
        this.thread = Thread.ofPlatform().name(name).daemon().start(loop);
    }

    private static ServerSocketChannel listen() {
        try {
            return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves {@code app} with blocking connections, the protocol made from the server's context by {@code protocol}. */
    static UwsgiServer blocking(HttpApp app, Config config, Function<ServerContext, UwsgiProtocol> protocol) {
        ServerContext ctx = new ServerContext(app, config);
        UwsgiProtocol uwsgi = protocol.apply(ctx);
        ServerSocketChannel listener = listen();
        AtomicBoolean stopping = new AtomicBoolean();
        return new UwsgiServer(listener, stopping, () -> {
            while (!stopping.get()) {
                SocketChannel ch;
                try {
                    ch = listener.accept();
                } catch (IOException e) {
                    return; // closed
                }
                Thread.ofPlatform().name("uwsgi-test-conn").daemon().start(() -> {
                    try {
                        uwsgi.connection(ctx, ch, new ConnectionControl(ch), ch.getRemoteAddress(), ch.getLocalAddress(), null)
                                .serve();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }, "uwsgi-test-acceptor");
    }

    /** Serves the non-blocking {@code app} on one selector loop. */
    static UwsgiServer async(AsyncHttpApp app, Config config, Function<ServerContext, UwsgiProtocol> protocol) {
        ServerContext ctx = new ServerContext(app, config);
        UwsgiProtocol uwsgi = protocol.apply(ctx);
        ServerSocketChannel listener = listen();
        Selector selector;
        try {
            listener.configureBlocking(false);
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        Executor loop = task -> {
            tasks.add(task);
            selector.wakeup();
        };
        AtomicBoolean stopping = new AtomicBoolean();
        return new UwsgiServer(listener, stopping, () -> {
            List<Http1AsyncConnection> open = new ArrayList<>();
            try (selector) {
                listener.register(selector, SelectionKey.OP_ACCEPT);
                while (!stopping.get()) {
                    selector.select(50);
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        task.run();
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        if (key.isValid() && key.isAcceptable()) {
                            SocketChannel ch = listener.accept();
                            if (ch == null) {
                                continue;
                            }
                            ch.configureBlocking(false);
                            Http1AsyncConnection c = uwsgi.asyncConnection(ctx, ch, new ConnectionControl(ch),
                                    ch.getRemoteAddress(), ch.getLocalAddress(), loop, () -> { }, null);
                            open.add(c);
                            c.start(ch.register(selector, 0, c));
                        } else if (key.isValid() && key.attachment() instanceof Http1AsyncConnection c) {
                            c.onReady(key.readyOps());
                        }
                    }
                    selector.selectedKeys().clear();
                    open.removeIf(Http1AsyncConnection::sweep);
                }
                open.forEach(Http1AsyncConnection::close);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "uwsgi-test-loop");
    }

    /** A new client connection to the listener; reads time out after 10 s. */
    Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(listener.getLocalAddress());
        s.setSoTimeout(10_000);
        synchronized (clients) {
            clients.add(s);
        }
        return s;
    }

    /** Writes {@code packets} back to back in one write, as nginx writes a packet. */
    static void send(Socket s, byte[]... packets) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(Packet.concat(packets));
        out.flush();
    }

    /** Everything the server sends until it closes the connection, as ISO-8859-1, the Date value masked. */
    static String readToEnd(Socket s) throws IOException {
        return masked(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    /**
     * One response whose length the head gives ({@code Content-Length}, or none when the test
     * knows it has no body), the Date value masked; the connection stays open.
     */
    static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed inside a response head: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return masked(head + new String(body, StandardCharsets.ISO_8859_1));
    }

    static String masked(String response) {
        return DATE_FIELD.matcher(response).replaceAll("Date: <date>\r\n");
    }

    @Override
    public void close() throws IOException {
        stopping.set(true);
        listener.close();
        synchronized (clients) {
            for (Socket s : clients) {
                s.close();
            }
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
