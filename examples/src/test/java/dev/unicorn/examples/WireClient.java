package dev.unicorn.examples;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A TCP client that reads the server's bytes exactly as they arrive, for tests that compare a
 * whole transcript (every response, its framing and what follows it) rather than parsed
 * responses. Text is ISO-8859-1, so one char is one byte. Every read is bounded (5 s).
 */
final class WireClient implements Closeable {
    /** The value of every {@code Date} field, replaced by {@link #masked(String)}. */
    static final String DATE = "<date>";
    private static final Pattern DATE_FIELD = Pattern.compile("(?m)^Date: [^\r\n]*\r\n");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code 127.0.0.1:port}. */
    static WireClient connect(int port) {
        try {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(5_000);
            return new WireClient(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code text} (ISO-8859-1) in one write. */
    WireClient send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends {@code bytes} in one write. */
    WireClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sends {@code text} one byte per write. */
    WireClient sendByteByByte(String text) {
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            send(new byte[] {b});
        }
        return this;
    }

    /** Half-closes: the server reads end of input. */
    WireClient shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Reads exactly {@code n} bytes; fails if the connection ends or stays silent first. */
    String readExactly(int n) {
        byte[] b = new byte[n];
        try {
            int off = 0;
            while (off < n) {
                int k = in.read(b, off, n - off);
                if (k < 0) {
                    throw new AssertionError("connection closed after " + off + " of " + n + " bytes: "
                            + new String(b, 0, off, StandardCharsets.ISO_8859_1));
                }
                off += k;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads until the server closes the connection and returns everything read; fails if the
     * server keeps the connection open (silent for 5 s). A reset after data counts as the close.
     */
    String readUntilClosed() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection; received so far:\n"
                    + all.toString(StandardCharsets.ISO_8859_1), e);
        } catch (SocketException e) {
            // reset by the server: an end too
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** True if the server closes the connection within {@code wait} without sending anything. */
    boolean closesWithin(Duration wait) {
        try {
            socket.setSoTimeout((int) wait.toMillis());
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout(5_000);
            } catch (SocketException ignored) {
                // the socket is closed: nothing to restore
            }
        }
    }

    /** {@code transcript} with every Date value replaced by {@link #DATE}. */
    static String masked(String transcript) {
        return DATE_FIELD.matcher(transcript).replaceAll("Date: " + DATE + "\r\n");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
