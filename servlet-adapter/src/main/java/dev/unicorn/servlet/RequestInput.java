package dev.unicorn.servlet;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The request body as a {@link ServletInputStream}, over core's blocking body stream. A
 * {@link ReadListener} is served in blocking form: on an async thread of the exchange it is
 * called with {@code onDataAvailable} while the body lasts ({@link #isReady()} is always true,
 * and a read then blocks until bytes arrive), then {@code onAllDataRead}, or {@code onError}.
 */
final class RequestInput extends ServletInputStream {
    private final Exchange exchange;
    private final InputStream body;
    private volatile boolean finished;
    private volatile long consumed;
    boolean streamHandedOut;
    private ReadListener listener;

    RequestInput(Exchange exchange, InputStream body, boolean empty) {
        this.exchange = exchange;
        this.body = body;
        this.finished = empty;
    }

    RequestInput handOut() {
        streamHandedOut = true;
        return this;
    }

    @Override
    public int read() throws IOException {
        if (finished) {
            return -1;
        }
        int b = body.read();
        if (b < 0) {
            finished = true;
        } else {
            consumed++;
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (finished) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = body.read(buf, off, len);
        if (n < 0) {
            finished = true;
        } else {
            consumed += n;
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return finished ? 0 : body.available();
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void setReadListener(ReadListener readListener) {
        Objects.requireNonNull(readListener, "readListener");
        if (listener != null) {
            throw new IllegalStateException("a ReadListener is set already");
        }
        if (!exchange.isAsyncStarted()) {
            throw new IllegalStateException("a ReadListener needs async mode (startAsync)");
        }
        listener = readListener;
        exchange.runAsync(() -> {
            try {
                while (!finished) {
                    long before = consumed;
                    listener.onDataAvailable();
                    if (consumed == before && !finished) {
                        return; // the listener stopped reading; calling it again would spin
                    }
                }
                listener.onAllDataRead();
            } catch (Throwable t) {
                listener.onError(t);
            }
        });
    }

    /** Reads what is left so the connection can carry the next request; the core also drains. */
    @Override
    public void close() {
        // the body belongs to the exchange; the server drains or closes the connection itself
    }
}
