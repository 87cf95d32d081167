package dev.unicorn.servlet.multipart;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.server.ServerContext;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Where a part's bytes are kept: in memory up to the {@code fileSizeThreshold}, in a
 * temporary file (created in the multipart location, owner-only permissions) once the part
 * grows past it. A part larger than {@code maxFileSize} is refused with 413 as soon as it
 * crosses the limit, before the rest is read.
 */
final class PartContent implements MultipartParser.Sink {
    private static final byte[] EMPTY = new byte[0];

    private final Path location;
    private final int threshold;
    private final long maxSize;
    private final String name;
    private byte[] memory = EMPTY;
    private int memorySize;
    private Path file;
    private boolean temporary;
    private OutputStream out;
    private long size;
    private boolean deleted;

    /**
     * @param threshold the most bytes kept in memory; a larger part goes to a file
     * @param maxSize   the most bytes of the part, negative for no limit
     * @param name      the form field's name, for the 413 message
     */
    PartContent(Path location, int threshold, long maxSize, String name) {
        this.location = location;
        this.threshold = Math.max(0, threshold);
        this.maxSize = maxSize;
        this.name = name;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (maxSize >= 0 && size + len > maxSize) {
            throw new BadRequestException(413, "Part \"" + name + "\" larger than maxFileSize (" + maxSize + " bytes)");
        }
        size += len;
        if (out == null && size <= threshold) {
            if (size > memory.length) {
                memory = Arrays.copyOf(memory, (int) Math.min(threshold, Math.max(size, 2L * memory.length + 256)));
            }
            System.arraycopy(b, off, memory, memorySize, len);
            memorySize += len;
            return;
        }
        if (out == null) {
            file = Files.createTempFile(location, "unicorn-part-", ".tmp");
            temporary = true;
            out = new BufferedOutputStream(Files.newOutputStream(file), 8192);
            out.write(memory, 0, memorySize);
            memory = null;
            memorySize = 0;
        }
        out.write(b, off, len);
    }

    /** The part's body is complete. */
    void finish() throws IOException {
        if (out != null) {
            OutputStream o = out;
            out = null;
            o.close();
        }
    }

    long size() {
        return size;
    }

    /** The temporary file holding the part, or null if it is in memory or was written elsewhere. */
    Path temporaryFile() {
        return temporary ? file : null;
    }

    InputStream open() throws IOException {
        if (deleted) {
            throw new IOException("Part \"" + name + "\" was deleted");
        }
        return file == null ? new ByteArrayInputStream(memory, 0, memorySize) : Files.newInputStream(file);
    }

    byte[] bytes() throws IOException {
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }

    /**
     * {@code Part.write}: moves the temporary file to {@code target} (or writes the bytes held
     * in memory there); the part then reads from {@code target}, which is the application's
     * and is never deleted by the container.
     */
    void writeTo(Path target) throws IOException {
        if (deleted) {
            throw new IOException("Part \"" + name + "\" was deleted");
        }
        if (file == null) {
            Files.write(target, memorySize == memory.length ? memory : Arrays.copyOf(memory, memorySize));
            return;
        }
        if (temporary) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            file = target;
            temporary = false;
        } else if (!file.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Frees the part's storage: the memory, and the temporary file if there still is one. */
    void delete() throws IOException {
        deleted = true;
        memory = EMPTY;
        memorySize = 0;
        discardFile();
    }

    /** Cleanup after the request or after a failed parse: never throws, never leaves a temporary file. */
    void discard() {
        try {
            delete();
        } catch (IOException | RuntimeException e) {
            ServerContext.ERROR_LOG.warn("Cannot delete the temporary file {} of multipart part \"{}\"", file, name, e);
        }
    }

    private void discardFile() throws IOException {
        OutputStream o = out;
        out = null;
        if (o != null) {
            try {
                o.close();
            } catch (IOException e) {
                // closing only to delete; the delete below is what matters
            }
        }
        if (temporary) {
            Files.deleteIfExists(file);
            temporary = false;
        }
    }
}
