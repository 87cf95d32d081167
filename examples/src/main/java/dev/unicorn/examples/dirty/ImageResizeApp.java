package dev.unicorn.examples.dirty;

import dev.unicorn.dirty.DirtyApp;
import dev.unicorn.dirty.DirtyContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.imageio.ImageIO;

/**
 * A dirty app that resizes images with a Lanczos-3 filter in plain Java ({@link Lanczos},
 * tabulated once per worker in {@link #init}). Actions:
 * <ul>
 *   <li>{@code resize(png bytes, width, height)}: a map {@code png} (the resized PNG),
 *       {@code worker} (worker id), {@code pid} (the worker JVM);</li>
 *   <li>{@code progress(size, width, height)}: renders a {@code size}×{@code size} test
 *       pattern, resizes it and streams {@code {"percent": n}} maps as rows complete (at most
 *       one per percent), then {@code {"done": true, "width", "height", "checksum", "pid"}}.</li>
 * </ul>
 * It also counts its calls in the stash table {@code resize}, key {@code calls}.
 */
public final class ImageResizeApp implements DirtyApp {
    /** Largest side accepted, in pixels (bounds the memory a call can take). */
    static final int MAX_SIDE = 4096;

    private Lanczos lanczos;
    private DirtyContext context;

    @Override
    public void init(DirtyContext context) {
        this.context = context;
        this.lanczos = new Lanczos();
        ImageIO.setUseCache(false); // no temporary files
    }

    @Override
    public Object handle(String action, List<Object> args) throws Exception {
        return switch (action) {
            case "resize" -> resize((byte[]) args.get(0), side(args.get(1)), side(args.get(2)));
            case "progress" -> progress(side(args.get(0)), side(args.get(1)), side(args.get(2)));
            default -> throw new IllegalArgumentException("unknown action " + action);
        };
    }

    private static int side(Object v) {
        long n = (Long) v;
        if (n < 1 || n > MAX_SIDE) {
            throw new IllegalArgumentException("a side must be 1 to " + MAX_SIDE + " pixels, not " + n);
        }
        return (int) n;
    }

    private Map<String, Object> resize(byte[] png, int width, int height) throws IOException {
        BufferedImage in = ImageIO.read(new ByteArrayInputStream(png));
        if (in == null) {
            throw new IllegalArgumentException("not an image ImageIO can read");
        }
        if (in.getWidth() > MAX_SIDE || in.getHeight() > MAX_SIDE) {
            throw new IllegalArgumentException("image larger than " + MAX_SIDE + " pixels on a side");
        }
        int[] src = in.getRGB(0, 0, in.getWidth(), in.getHeight(), null, 0, in.getWidth());
        int[] dst = lanczos.resize(src, in.getWidth(), in.getHeight(), width, height);
        countCall();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("png", encode(dst, width, height));
        out.put("worker", (long) context.workerId());
        out.put("pid", ProcessHandle.current().pid());
        return out;
    }

    /**
     * The resize as a stream: each element is computed when the caller asks for it (within its
     * credit), a few rows at a time until the percentage changes, so progress is live and a
     * caller who goes away (the stream is cancelled) stops the work between two steps.
     */
    private Iterator<Object> progress(int size, int width, int height) {
        Lanczos.Job job = lanczos.new Job(testPattern(size), size, size, width, height);
        return new Iterator<>() {
            private boolean finished;

            @Override
            public boolean hasNext() {
                return !finished;
            }

            @Override
            public Object next() {
                if (finished) {
                    throw new NoSuchElementException();
                }
                if (!job.isDone()) {
                    long before = 100L * job.rowsDone() / job.rows();
                    while (!job.isDone() && 100L * job.rowsDone() / job.rows() == before) {
                        job.step(1);
                    }
                    return Map.of("percent", 100L * job.rowsDone() / job.rows());
                }
                finished = true;
                countCall();
                long checksum = 0;
                for (int p : job.result()) {
                    checksum = checksum * 31 + p;
                }
                Map<String, Object> done = new LinkedHashMap<>();
                done.put("done", true);
                done.put("width", (long) width);
                done.put("height", (long) height);
                done.put("checksum", checksum);
                done.put("pid", ProcessHandle.current().pid());
                return done;
            }
        };
    }

    private void countCall() {
        // read-modify-write of the stash is not atomic; good enough for a counter shown in a demo
        long calls = (Long) context.stash().get("resize", "calls", 0L);
        context.stash().put("resize", "calls", calls + 1);
    }

    /** A deterministic size × size pattern: gradients and a checkerboard, so resampling has edges to smooth. */
    static int[] testPattern(int size) {
        int[] px = new int[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int checker = ((x / 16) + (y / 16)) % 2 == 0 ? 255 : 0;
                px[y * size + x] = (x * 255 / size) << 16 | (y * 255 / size) << 8 | checker;
            }
        }
        return px;
    }

    static byte[] encode(int[] rgb, int width, int height) throws IOException {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, width, height, rgb, 0, width);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(out, "png", bytes);
        return bytes.toByteArray();
    }
}
