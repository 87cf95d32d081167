package dev.unicorn.uwsgi;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http1.Http1Event;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated packets, fed as a connection feeds them (a read of the suggested size after
 * each {@code NEED_DATA}, straight into the parser's buffer): the parser never throws anything
 * but a {@link BadRequestException} with one of its statuses, never hangs, and its buffer never
 * grows past one packet head plus one read. Seeded, so a failure repeats.
 */
class UwsgiParserFuzzTest {
    private static final Set<Integer> STATUSES = Set.of(0, 400, 411, 413, 414, 431, 501);
    /** One whole packet head, and one body read on top. */
    private static final int BUFFER_BOUND = 2 * (UwsgiParser.HEADER_SIZE + UwsgiOptions.MAX_VARS_SIZE) + 16 * 1024;
    private static final String[] NGINX = {
        "get-with-query", "post-json", "post-chunked-upload", "get-encoded-path", "head", "repeated-headers", "http2-client",
        "https", "client-of-nginx-unix-socket"};

    @Test
    void randomBytesGetOnlyProtocolErrorsAndABoundedBuffer() {
        Random random = new Random(0x75777367L);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < 20_000; i++) {
            byte[] input = new byte[random.nextInt(400)];
            random.nextBytes(input);
            if (input.length > 0 && random.nextBoolean()) {
                input[0] = 0; // get past modifier1 half of the time
                if (input.length > 3) {
                    input[2] = (byte) random.nextInt(2); // and often to a small datasize
                }
            }
            outcomes.merge(feed(input, random), 1, Integer::sum);
        }
        assertThat(outcomes.keySet()).contains("400", "501", "0");
    }

    @Test
    void mutatedNginxPacketsGetOnlyProtocolErrorsAndABoundedBuffer() {
        Random random = new Random(0x6e67696eL);
        byte[][] packets = new byte[NGINX.length][];
        for (int i = 0; i < NGINX.length; i++) {
            packets[i] = Packet.nginx(NGINX[i]);
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < 30_000; i++) {
            byte[] input = packets[random.nextInt(packets.length)];
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                input = mutate(input, random);
            }
            outcomes.merge(feed(input, random), 1, Integer::sum);
        }
        assertThat(outcomes.keySet()).contains("ok", "400", "0");
    }

    @Test
    void validPacketsBackToBackAreAllServedWhateverTheReadSizes() {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            int n = 1 + random.nextInt(5);
            byte[][] parts = new byte[n][];
            for (int k = 0; k < n; k++) {
                parts[k] = Packet.nginx(NGINX[random.nextInt(NGINX.length)]);
            }
            byte[] input = Packet.concat(parts);
            UwsgiParser parser = UwsgiRun.parser();
            int requests = 0;
            int at = 0;
            try {
                while (true) {
                    Http1Event e = parser.next();
                    if (e instanceof Http1Event.ConnectionClosed) {
                        break;
                    }
                    if (e instanceof Http1Event.RequestHead) {
                        requests++;
                    }
                    if (e == Http1Event.NEED_DATA) {
                        at = read(parser, input, at, 1 + random.nextInt(300));
                    }
                }
            } catch (BadRequestException e) {
                throw new AssertionError("valid input rejected: " + e.getMessage(), e);
            }
            assertThat(requests).isEqualTo(n);
        }
    }

    /** Feeds {@code input} to a fresh parser in reads of random sizes; returns the outcome ("ok" or the status). */
    private static String feed(byte[] input, Random random) {
        UwsgiParser parser = UwsgiRun.parser();
        int at = 0;
        int steps = 0;
        try {
            while (true) {
                if (++steps > 10 * input.length + 100) {
                    throw new AssertionError("no progress on " + java.util.HexFormat.of().formatHex(input));
                }
                Http1Event e = parser.next();
                if (e instanceof Http1Event.ConnectionClosed) {
                    return "ok";
                }
                if (e == Http1Event.NEED_DATA) {
                    int want = random.nextBoolean() ? parser.suggestedReadSize() : 1 + random.nextInt(64);
                    at = read(parser, input, at, want);
                    assertThat(parser.bufferCapacity()).isLessThanOrEqualTo(BUFFER_BOUND);
                }
            }
        } catch (BadRequestException e) {
            assertThat(STATUSES).as("status of \"%s\"", e.getMessage()).contains(e.status());
            return Integer.toString(e.status());
        }
    }

    /** One read of at most {@code want} bytes from {@code input} at {@code at} (or the end of the stream); returns the new position. */
    private static int read(UwsgiParser parser, byte[] input, int at, int want) {
        if (at == input.length) {
            parser.receiveEof();
            return at;
        }
        ByteBuffer room = parser.receiveBuffer(want);
        int n = Math.min(Math.min(want, room.remaining()), input.length - at);
        room.put(input, at, n);
        parser.received(n);
        return at + n;
    }

    private static byte[] mutate(byte[] in, Random random) {
        if (in.length < 2) {
            return new byte[] {0, (byte) random.nextInt(256)};
        }
        int i = random.nextInt(in.length);
        byte[] out;
        switch (random.nextInt(7)) {
            case 0 -> { // flip one bit
                out = in.clone();
                out[i] ^= (byte) (1 << random.nextInt(8));
            }
            case 1 -> { // a random byte
                out = in.clone();
                out[i] = (byte) random.nextInt(256);
            }
            case 2 -> { // cut short
                out = java.util.Arrays.copyOf(in, i);
            }
            case 3 -> { // drop one byte
                out = new byte[in.length - 1];
                System.arraycopy(in, 0, out, 0, i);
                System.arraycopy(in, i + 1, out, i, in.length - i - 1);
            }
            case 4 -> { // insert one byte
                out = new byte[in.length + 1];
                System.arraycopy(in, 0, out, 0, i);
                out[i] = (byte) random.nextInt(256);
                System.arraycopy(in, i, out, i + 1, in.length - i);
            }
            case 5 -> { // a length field (datasize, or any 16-bit size in the block) set to an extreme
                out = in.clone();
                int at = Math.min(i, in.length - 2);
                int v = random.nextBoolean() ? 0xffff : random.nextInt(8);
                out[at] = (byte) v;
                out[at + 1] = (byte) (v >>> 8);
            }
            default -> { // duplicate a slice (a repeated variable, a second packet)
                int len = Math.min(1 + random.nextInt(64), in.length - i);
                out = new byte[in.length + len];
                System.arraycopy(in, 0, out, 0, i + len);
                System.arraycopy(in, i, out, i + len, in.length - i);
            }
        }
        return out;
    }
}
