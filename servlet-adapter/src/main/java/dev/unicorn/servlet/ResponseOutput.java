package dev.unicorn.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The response body as a {@link ServletOutputStream}: bytes collect in the response buffer
 * ({@code setBufferSize}, grown on demand up to that size) and go to the core response when it
 * overflows, on {@code flush()}, or when the response ends. Writes after the response was
 * closed (completed, or after {@code sendError}/{@code sendRedirect}) are dropped, as the
 * Servlet API asks. A {@link WriteListener} is served in blocking form: {@link #isReady()} is
 * always true (a write blocks until the client takes the bytes) and {@code onWritePossible}
 * runs once on an async thread of the exchange.
 */
final class ResponseOutput extends ServletOutputStream {
    private final AppResponse response;
    private byte[] buffer = new byte[0];
    private int count;
    private long written;
    boolean closed;
    private WriteListener listener;

    ResponseOutput(AppResponse response) {
        this.response = response;
    }

    int buffered() {
        return count;
    }

    void clearBuffer() {
        count = 0;
    }

    /** Forgets what was written: after {@code reset}, or when an error page takes over the response. */
    void reopen() {
        count = 0;
        written = 0;
        closed = false;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed || len == 0) {
            return;
        }
        long limit = response.contentLengthLimit();
        if (limit >= 0 && written + len > limit) {
            len = (int) Math.max(0, limit - written);
        }
        int size = response.getBufferSize();
        if (count + len <= size) {
            if (count + len > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(size, Math.max(count + len, Math.max(1024, buffer.length * 2))));
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        } else {
            response.commit();
            var out = response.core().body();
            if (count > 0) {
                out.write(buffer, 0, count);
                count = 0;
            }
            out.write(b, off, len);
            // a full servlet buffer goes to the client, as the Servlet API describes; the core
            // response would otherwise hold up to its own buffer size more
            out.flush();
        }
        written += len;
        if (limit >= 0 && written >= limit) {
            // Servlet 6.1 §5.7: the response is closed once Content-Length bytes were written
            response.closeOutput();
        }
    }

    /** Hands the buffered bytes to the core response without flushing the socket. */
    void drain() throws IOException {
        if (count > 0) {
            response.core().body().write(buffer, 0, count);
            count = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        if (closed) {
            return;
        }
        response.flushBuffer();
    }

    @Override
    public void close() throws IOException {
        response.closeOutput();
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void setWriteListener(WriteListener writeListener) {
        Objects.requireNonNull(writeListener, "writeListener");
        if (listener != null) {
            throw new IllegalStateException("a WriteListener is set already");
        }
        Exchange exchange = response.exchange();
        if (!exchange.isAsyncStarted()) {
            throw new IllegalStateException("a WriteListener needs async mode (startAsync)");
        }
        listener = writeListener;
        exchange.runAsync(() -> {
            try {
                listener.onWritePossible();
            } catch (Throwable t) {
                listener.onError(t);
            }
        });
    }
}
