package dev.unicorn.test;

import dev.unicorn.http.Headers;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw TCP client for tests: sends exact bytes (at once or byte by byte), half-closes, and
 * reads HTTP/1.x responses exactly as the server framed them. Every read is bounded by a
 * timeout (10 s by default) so a test cannot hang.
 */
public final class RawClient implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[8192];
    private int start;
    private int end;
    private boolean eof;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code address} with a 10 s read timeout. */
    public static RawClient connect(InetSocketAddress address) {
        try {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(address, 10_000);
            s.setSoTimeout(10_000);
            return new RawClient(s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + address, e);
        }
    }

    /** Connects to {@code host:port}. */
    public static RawClient connect(String host, int port) {
        return connect(new InetSocketAddress(host, port));
    }

    /** Changes the read timeout. */
    public RawClient timeout(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sends {@code bytes} in one write. */
    public RawClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sends {@code text} encoded as ISO-8859-1 in one write. */
    public RawClient send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Sends {@code bytes} one write per byte. Stops quietly if the server closes the
     * connection part-way (it may answer an error before the input ends).
     */
    public RawClient sendByteByByte(byte[] bytes) {
        try {
            for (byte b : bytes) {
                out.write(b);
                out.flush();
            }
        } catch (IOException e) {
            // the server answered and closed before all bytes were sent; the response is still readable
        }
        return this;
    }

    /** Sends {@code text} (ISO-8859-1) one write per byte, like {@link #sendByteByByte(byte[])}. */
    public RawClient sendByteByByte(String text) {
        return sendByteByByte(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Half-closes: the server sees end of input, the client can still read. */
    public RawClient shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            // already closed by the peer: nothing more to signal
        }
        return this;
    }

    /** Reads everything until the server closes the connection; fails like {@link #readUntilClosed()}. */
    public byte[] readAll() {
        return readUntilClosed().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads until the server closes the connection and returns it as ISO-8859-1 text (one char
     * per byte); fails with an {@link AssertionError} showing what arrived if the server keeps
     * the connection open beyond the read timeout. A reset after data counts as the close.
     */
    public String readUntilClosed() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(buffer, start, end - start);
        start = end = 0;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection; received so far:\n"
                    + all.toString(StandardCharsets.ISO_8859_1), e);
        } catch (IOException e) {
            // reset by the server: an end too
        }
        eof = true;
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads exactly {@code n} bytes as ISO-8859-1 text; fails if the connection ends or stays silent first. */
    public String readExactly(int n) {
        StringBuilder sb = new StringBuilder(n);
        try {
            while (sb.length() < n) {
                if (!fill()) {
                    throw new AssertionError("connection closed after " + sb.length() + " of " + n + " bytes: " + sb);
                }
                int k = Math.min(n - sb.length(), end - start);
                sb.append(new String(buffer, start, k, StandardCharsets.ISO_8859_1));
                start += k;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    /** True if the server closes the connection within {@code wait} without sending anything more. */
    public boolean closesWithin(Duration wait) {
        if (start < end) {
            return false;
        }
        try {
            int previous = socket.getSoTimeout();
            socket.setSoTimeout((int) wait.toMillis());
            try {
                return !fill();
            } finally {
                socket.setSoTimeout(previous);
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Reads the next response to a request that was not HEAD. */
    public RawResponse readResponse() {
        return readResponse("GET");
    }

    /** Reads the next response to a request with {@code method} (HEAD responses have no body). */
    public RawResponse readResponse(String method) {
        try {
            return parse(method);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads responses until the server closes the connection; {@code methods} are the requests' methods in order. */
    public List<RawResponse> readResponses(List<String> methods) {
        List<RawResponse> responses = new ArrayList<>();
        try {
            for (int i = 0; fill(); i++) {
                responses.add(parse(i < methods.size() ? methods.get(i) : "GET"));
            }
        } catch (IOException e) {
            if (responses.isEmpty() && !(e instanceof java.net.SocketException)) {
                throw new UncheckedIOException(e);
            }
        }
        return responses;
    }

    private RawResponse parse(String method) throws IOException {
        String statusLine;
        int status;
        do {
            statusLine = line();
            if (statusLine == null) {
                throw new IOException("connection closed before a response");
            }
            String[] parts = statusLine.split(" ", 3);
            status = Integer.parseInt(parts[1]);
            if (status >= 100 && status < 200 && status != 101) {
                headers(); // interim response: skip
            }
        } while (status >= 100 && status < 200 && status != 101);
        String[] parts = statusLine.split(" ", 3);
        Headers headers = headers();
        boolean noBody = method.equals("HEAD") || status == 204 || status == 304;
        boolean chunked = !noBody && headers.containsToken("Transfer-Encoding", "chunked");
        Headers trailers = new Headers();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (noBody) {
            // no body
        } else if (chunked) {
            while (true) {
                String size = line();
                if (size == null) {
                    throw new IOException("connection closed inside a chunked body");
                }
                int semi = size.indexOf(';');
                long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                if (n == 0) {
                    Headers t = headers();
                    for (int i = 0; i < t.size(); i++) {
                        trailers.add(t.name(i), t.value(i));
                    }
                    break;
                }
                copy(body, n);
                if (!"".equals(line())) {
                    throw new IOException("chunk not followed by CRLF");
                }
            }
        } else if (headers.contains("Content-Length")) {
            copy(body, Long.parseLong(headers.get("Content-Length").trim()));
        } else {
            while (fill()) {
                body.write(buffer, start, end - start);
                start = end;
            }
        }
        return new RawResponse(parts[0], status, parts.length > 2 ? parts[2] : "", headers.readOnly(),
                body.toByteArray(), chunked, trailers.readOnly());
    }

    private Headers headers() throws IOException {
        Headers h = new Headers();
        String l;
        while ((l = line()) != null && !l.isEmpty()) {
            int colon = l.indexOf(':');
            h.add(l.substring(0, colon), l.substring(colon + 1).strip());
        }
        return h;
    }

    private void copy(ByteArrayOutputStream to, long n) throws IOException {
        while (n > 0) {
            if (!fill()) {
                throw new IOException("connection closed with " + n + " body bytes missing");
            }
            int k = (int) Math.min(n, end - start);
            to.write(buffer, start, k);
            start += k;
            n -= k;
        }
    }

    /** A CRLF-terminated line without the CRLF, or null at end of input before any byte. */
    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!fill()) {
                return sb.isEmpty() ? null : sb.toString();
            }
            byte b = buffer[start++];
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) (b & 0xff));
        }
    }

    private boolean fill() throws IOException {
        if (start < end) {
            return true;
        }
        if (eof) {
            return false;
        }
        int n;
        try {
            n = in.read(buffer);
        } catch (java.net.SocketException e) {
            n = -1; // reset by the server: treat as the end
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        start = 0;
        end = n;
        return true;
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
