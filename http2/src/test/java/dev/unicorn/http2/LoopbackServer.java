package dev.unicorn.http2;

import dev.unicorn.http.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A minimal blocking h2c (prior knowledge) server for testing the codec against real clients:
 * one virtual thread per connection drives an {@link Http2Connection}, and a tiny inline
 * application answers {@code /hello} and echoes the body of any other path. Test code only;
 * the real drivers belong to the worker models.
 */
final class LoopbackServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Thread acceptor;

    LoopbackServer() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        acceptor = Thread.ofPlatform().name("h2-loopback-acceptor").daemon().start(this::acceptLoop);
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private void acceptLoop() {
        try {
            while (true) {
                SocketChannel ch = server.accept();
                Thread.ofVirtual().name("h2-loopback-conn").start(() -> serve(ch));
            }
        } catch (IOException closed) {
            // the server was closed
        }
    }

    private record Exchange(String target, ByteArrayOutputStream body) {
    }

    private static void serve(SocketChannel ch) {
        try (ch) {
            Http2Connection conn = new Http2Connection(Http2Options.defaults());
            Map<Integer, Exchange> exchanges = new HashMap<>();
            Map<Integer, ByteBuffer> sending = new HashMap<>();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            flush(conn, ch);
            while (ch.read(in) >= 0) {
                in.flip();
                for (Http2Event e : conn.receive(in)) {
                    switch (e) {
                        case Http2Event.RequestHeaders r -> {
                            exchanges.put(r.streamId(), new Exchange(r.request().target(), new ByteArrayOutputStream()));
                            if (r.endStream()) {
                                respond(conn, r.streamId(), exchanges.remove(r.streamId()), sending);
                            }
                        }
                        case Http2Event.Data d -> {
                            int n = d.data().remaining();
                            byte[] copy = new byte[n];
                            d.data().get(copy);
                            exchanges.get(d.streamId()).body().writeBytes(copy);
                            conn.consumed(d.streamId(), n);
                            if (d.endStream()) {
                                respond(conn, d.streamId(), exchanges.remove(d.streamId()), sending);
                            }
                        }
                        case Http2Event.Trailers t -> respond(conn, t.streamId(), exchanges.remove(t.streamId()), sending);
                        case Http2Event.StreamReset s -> {
                            exchanges.remove(s.streamId());
                            sending.remove(s.streamId());
                        }
                        default -> {
                        }
                    }
                }
                in.clear();
                for (Iterator<Map.Entry<Integer, ByteBuffer>> it = sending.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<Integer, ByteBuffer> s = it.next();
                    if (conn.sendData(s.getKey(), s.getValue(), true) < 0 || !s.getValue().hasRemaining()) {
                        it.remove();
                    }
                }
                flush(conn, ch);
                if (conn.isFinished()) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void respond(Http2Connection conn, int id, Exchange x, Map<Integer, ByteBuffer> sending) {
        byte[] body = x.target().equals("/hello")
                ? "hello\n".getBytes(StandardCharsets.US_ASCII)
                : x.body().toByteArray();
        conn.sendHeaders(id, 200, Headers.of("Content-Type", "text/plain", "Content-Length", Integer.toString(body.length)),
                false);
        ByteBuffer b = ByteBuffer.wrap(body);
        if (conn.sendData(id, b, true) >= 0 && b.hasRemaining()) {
            sending.put(id, b); // the peer's window is full: the rest goes out on its WINDOW_UPDATE
        }
    }

    private static void flush(Http2Connection conn, SocketChannel ch) throws IOException {
        ByteBuffer out = conn.pendingOutput();
        int n = out.remaining();
        while (out.hasRemaining()) {
            ch.write(out);
        }
        conn.consumeOutput(n);
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
