package dev.unicorn.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.Charset;

/**
 * Encodes characters straight into the response buffer, keeping back only a lone high
 * surrogate, so {@code resetBuffer()} and {@code isCommitted()} see every character written
 * (an {@code OutputStreamWriter} would hold up to 8 KiB of its own).
 */
final class ResponseWriter extends Writer {
    private final OutputStream out;
    private final Charset charset;
    private char pendingHigh;

    ResponseWriter(OutputStream out, Charset charset) {
        this.out = out;
        this.charset = charset;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        StringBuilder sb = new StringBuilder(len + 1);
        if (pendingHigh != 0) {
            sb.append(pendingHigh);
            pendingHigh = 0;
        }
        sb.append(cbuf, off, len);
        emit(sb);
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (pendingHigh == 0 && !Character.isHighSurrogate(str.charAt(off + len - 1))) {
            out.write(str.substring(off, off + len).getBytes(charset));
            return;
        }
        StringBuilder sb = new StringBuilder(len + 1);
        if (pendingHigh != 0) {
            sb.append(pendingHigh);
            pendingHigh = 0;
        }
        sb.append(str, off, off + len);
        emit(sb);
    }

    private void emit(StringBuilder sb) throws IOException {
        int end = sb.length();
        if (Character.isHighSurrogate(sb.charAt(end - 1))) {
            pendingHigh = sb.charAt(end - 1);
            end--;
        }
        if (end > 0) {
            out.write(sb.substring(0, end).getBytes(charset));
        }
    }

    /** Drops a held-back surrogate (after {@code resetBuffer}). */
    void discardPending() {
        pendingHigh = 0;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
