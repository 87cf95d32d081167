package dev.unicorn.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a server's first {@code 200} to {@code GET /plaintext}, over a raw socket so the
 * probe itself costs little and starts nothing (no client thread pools). The client closes
 * first, leaving TIME_WAIT on the client side and the server's port free to bind again.
 */
public final class FirstResponse {
    private static final byte[] REQUEST = ("GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private FirstResponse() {
    }

    /**
     * Polls 127.0.0.1:{@code port} until a request answers 200 or {@code timeoutMillis} passes.
     *
     * @return the {@link System#nanoTime()} at which the 200 had been read
     * @throws IOException when the deadline passes first, with the last failure as the cause
     */
    public static long await(int port, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        IOException last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                if (getOnce(port) == 200) {
                    return System.nanoTime();
                }
            } catch (IOException e) {
                last = e;
            }
            LockSupport.parkNanos(200_000); // refused connects return at once; don't spin a core
        }
        throw new IOException("no 200 from 127.0.0.1:" + port + " within " + timeoutMillis + " ms", last);
    }

    /** One {@code GET /plaintext}; returns the status code after reading the whole response head and body. */
    static int getOnce(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(REQUEST);
            out.flush();
            return readResponse(socket.getInputStream());
        }
    }

    /** Reads one response with a Content-Length body; returns its status. */
    public static int readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.length() >= 4 && head.charAt(head.length() - 1) == '\n'
                    && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (c == -1) {
            throw new IOException("connection closed before the response head ended");
        }
        String[] lines = head.toString().split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2) {
            throw new IOException("bad status line: " + lines[0]);
        }
        long length = 0;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        in.skipNBytes(length);
        return Integer.parseInt(statusLine[1]);
    }
}
