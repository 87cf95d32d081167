package dev.unicorn.bench.load;

import dev.unicorn.bench.peers.FirstResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Keep-alive connections, each having completed one {@code GET /plaintext}, held open idle. */
final class IdleConnections implements AutoCloseable {
    private static final byte[] REQUEST = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private final List<Socket> sockets = new ArrayList<>();

    /** Opens {@code count} connections to 127.0.0.1:{@code port}; each must answer 200. */
    static IdleConnections open(int port, int count) throws IOException {
        IdleConnections c = new IdleConnections();
        try {
            for (int i = 0; i < count; i++) {
                Socket s = new Socket();
                c.sockets.add(s);
                s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(REQUEST);
                int status = FirstResponse.readResponse(s.getInputStream());
                if (status != 200) {
                    throw new IOException("connection " + i + " answered " + status);
                }
            }
        } catch (IOException e) {
            int opened = c.sockets.size() - 1;
            c.close();
            throw new IOException("after " + opened + " idle connections: " + e.getMessage(), e);
        }
        return c;
    }

    /** How many connections are open. */
    int size() {
        return sockets.size();
    }

    @Override
    public void close() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
        sockets.clear();
    }
}
