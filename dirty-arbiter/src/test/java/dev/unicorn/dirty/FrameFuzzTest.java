package dev.unicorn.dirty;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameFuzzTest {
    private static final int MAX = 1 << 20;

    private static Object randomValue(Random r, int depth) {
        int kind = r.nextInt(depth > 3 ? 7 : 9);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> r.nextLong();
            case 3 -> r.nextDouble();
            case 4 -> {
                byte[] b = new byte[r.nextInt(20)];
                r.nextBytes(b);
                yield b;
            }
            case 5, 6 -> "s" + r.nextInt(1000) + (r.nextBoolean() ? "é漢" : "");
            case 7 -> {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    l.add(randomValue(r, depth + 1));
                }
                yield l;
            }
            default -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    m.put("k" + i, randomValue(r, depth + 1));
                }
                yield m;
            }
        };
    }

    private static Frame randomFrame(Random r) {
        FrameType t = FrameType.values()[r.nextInt(FrameType.values().length)];
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < t.arity; i++) {
            values.add(randomValue(r, 0));
        }
        return new Frame(t, r.nextLong(), values);
    }

    /** Feeds {@code bytes} in random pieces; returns how many frames came out. Only DirtyProtocolException may escape. */
    private static int feed(byte[] bytes, Random r) {
        FrameDecoder d = new FrameDecoder(MAX);
        int frames = 0;
        int pos = 0;
        while (pos < bytes.length) {
            int n = 1 + r.nextInt(Math.min(64, bytes.length - pos));
            ByteBuffer part = ByteBuffer.wrap(bytes, pos, n);
            while (d.decode(part) != null) {
                frames++;
            }
            pos += n;
        }
        return frames;
    }

    @Test
    void validRandomFramesSurviveEncodingAndRandomSplits() {
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            Frame f = randomFrame(r);
            byte[] bytes = WireFormat.encode(f, MAX);
            FrameDecoder d = new FrameDecoder(MAX);
            Frame back = null;
            int pos = 0;
            while (back == null) {
                int n = 1 + r.nextInt(Math.min(32, bytes.length - pos));
                back = d.decode(ByteBuffer.wrap(bytes, pos, n));
                pos += n;
            }
            assertThat(pos).isEqualTo(bytes.length);
            assertThat(WireFormat.encode(back, MAX)).isEqualTo(bytes);
        }
    }

    @Test
    void mutatedFramesRaiseNothingButProtocolExceptions() {
        Random r = new Random(7);
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = WireFormat.encode(randomFrame(r), MAX);
            int mutations = 1 + r.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                int at = r.nextInt(bytes.length);
                switch (r.nextInt(3)) {
                    case 0 -> bytes[at] = (byte) r.nextInt(256);
                    case 1 -> bytes[at] ^= (byte) (1 << r.nextInt(8));
                    default -> bytes = java.util.Arrays.copyOf(bytes, Math.max(1, at));
                }
            }
            try {
                feed(bytes, r);
            } catch (DirtyProtocolException e) {
                rejected++;
            }
        }
        assertThat(rejected).isPositive();
    }

    @Test
    void randomBytesRaiseNothingButProtocolExceptions() {
        Random r = new Random(99);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[1 + r.nextInt(80)];
            r.nextBytes(bytes);
            if (r.nextBoolean()) { // a valid header start, so the payload parser is reached too
                bytes[0] = 0x55;
                if (bytes.length > 3) {
                    bytes[1] = 0x44;
                    bytes[2] = 1;
                    bytes[3] = (byte) FrameType.values()[r.nextInt(FrameType.values().length)].code;
                }
                if (bytes.length > 7) {
                    ByteBuffer.wrap(bytes).putInt(4, Math.max(0, bytes.length - 16));
                }
            }
            try {
                feed(bytes, r);
            } catch (DirtyProtocolException e) {
                // expected for most inputs
            }
        }
    }

    @Test
    void aHeaderClaimingAHugePayloadAllocatesOnlyWhatArrives() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FrameDecoder d = new FrameDecoder(WireFormat.DEFAULT_MAX_PAYLOAD);
        ByteBuffer header = ByteBuffer.allocate(16).putShort((short) 0x5544).put((byte) 1).put((byte) 2)
                .putInt(WireFormat.DEFAULT_MAX_PAYLOAD).putLong(1).flip();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThat(d.decode(header)).isNull();
        assertThat(d.decode(ByteBuffer.wrap(new byte[] {0x10, 0, 0, 0}))).isNull();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).isLessThan(64 * 1024);
    }
}
