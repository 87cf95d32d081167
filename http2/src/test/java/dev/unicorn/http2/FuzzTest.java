package dev.unicorn.http2;

import static dev.unicorn.http2.TestClient.data;
import static dev.unicorn.http2.TestClient.get;
import static dev.unicorn.http2.TestClient.preface;
import static dev.unicorn.http2.frame.Frames.concat;
import static dev.unicorn.http2.frame.Frames.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.http.Headers;
import dev.unicorn.http2.frame.FrameParser;
import dev.unicorn.http2.frame.Http2Exception;
import dev.unicorn.http2.hpack.HpackDecoder;
import dev.unicorn.http2.hpack.HpackException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input, fed at random split points: nothing may escape but a connection
 * or stream error (as events and frames), and the connection must keep answering sanely.
 * Seeds are fixed, so a failure reproduces.
 */
class FuzzTest {
    private static byte[] conversation() {
        TestClient c = new TestClient();
        return concat(preface(), TestClient.settingsAck(),
                c.headers(1, false, ":method: POST", ":scheme: https", ":path: /a", ":authority: x", "content-length: 6"),
                data(1, false, "abc"), frame(0x0, 0x8, 1, "01 646566 00"),
                frame(0x1, 0x1, 3, c.block(get("/b"))), frame(0x9, 0x4, 3, c.block("x-more: 1")),
                frame(0x6, 0, 0, "0102030405060708"), frame(0x8, 0, 0, "00001000"), frame(0x8, 0, 3, "00000010"),
                frame(0x2, 0, 5, "00000003 10"), frame(0x3, 0, 3, "00000008"),
                c.headers(5, true, get("/c")), frame(0x7, 0, 0, "00000005 00000000"));
    }

    private static byte[] mutate(byte[] input, Random r) {
        byte[] b = input.clone();
        int kind = r.nextInt(4);
        switch (kind) {
            case 0 -> { // flip bytes
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                    b[24 + r.nextInt(b.length - 24)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> { // random bytes at a random place
                int at = 24 + r.nextInt(b.length - 24);
                byte[] junk = new byte[1 + r.nextInt(40)];
                r.nextBytes(junk);
                b = concat(java.util.Arrays.copyOf(b, at), junk, java.util.Arrays.copyOfRange(b, at, b.length));
            }
            case 2 -> b = java.util.Arrays.copyOf(b, 24 + r.nextInt(b.length - 24)); // truncated
            default -> { // a random frame appended
                byte[] payload = new byte[r.nextInt(30)];
                r.nextBytes(payload);
                b = concat(b, frame(r.nextInt(12), r.nextInt(256), r.nextInt(8), payload));
            }
        }
        return b;
    }

    @Test
    void mutatedConversationsEndInEventsNeverInExceptions() {
        byte[] base = conversation();
        Random r = new Random(20261129);
        for (int round = 0; round < 3000; round++) {
            byte[] input = mutate(base, r);
            Http2Connection conn = new Http2Connection(Http2Options.defaults());
            int split = r.nextInt(input.length + 1);
            List<Http2Event> first = conn.receive(ByteBuffer.wrap(input, 0, split));
            respond(conn, first);
            List<Http2Event> second = conn.receive(ByteBuffer.wrap(input, split, input.length - split));
            respond(conn, second);
            // whatever happened, the output is well-formed frames
            ByteBuffer out = conn.pendingOutput();
            FrameParser p = new FrameParser(16384, 1 << 20, 1000);
            try {
                while (p.parse(out) != null) {
                    // every frame parses
                }
            } catch (Http2Exception e) {
                throw new AssertionError("round " + round + ": server wrote a bad frame: " + e.getMessage(), e);
            }
            assertThat(out.hasRemaining()).as("round %d: output ends on a frame boundary", round).isFalse();
        }
    }

    /** Answers every request, consuming its data, as an application would. */
    private static void respond(Http2Connection conn, List<Http2Event> events) {
        for (Http2Event e : events) {
            switch (e) {
                case Http2Event.RequestHeaders h -> conn.sendHeaders(h.streamId(), 200, Headers.of("x", "y"), h.endStream());
                case Http2Event.Data d -> {
                    conn.consumed(d.streamId(), d.data().remaining());
                    if (d.endStream()) {
                        conn.sendData(d.streamId(), ByteBuffer.wrap(new byte[] {1, 2}), true);
                    }
                }
                default -> {
                }
            }
        }
    }

    @Test
    void randomBytesAfterThePrefaceEndInEventsNeverInExceptions() {
        Random r = new Random(7);
        for (int round = 0; round < 3000; round++) {
            byte[] junk = new byte[r.nextInt(200)];
            r.nextBytes(junk);
            Http2Connection conn = new Http2Connection(Http2Options.defaults());
            conn.receive(ByteBuffer.wrap(concat(preface(), junk)));
        }
    }

    @Test
    void theHpackDecoderThrowsOnlyHpackExceptionsOnRandomInput() {
        Random r = new Random(11);
        for (int round = 0; round < 20000; round++) {
            byte[] junk = new byte[r.nextInt(64)];
            r.nextBytes(junk);
            HpackDecoder d = new HpackDecoder(4096, 8192);
            try {
                d.decode(ByteBuffer.wrap(junk), (n, v, s) -> { });
            } catch (HpackException expected) {
                // a compression error or a list over the limit
            }
        }
    }

    @Test
    void theFrameParserThrowsOnlyHttp2ExceptionsOnRandomInputAtEverySplit() {
        Random r = new Random(13);
        for (int round = 0; round < 500; round++) {
            byte[] junk = new byte[r.nextInt(120)];
            r.nextBytes(junk);
            for (int i = 0; i < junk.length; i += 9) {
                junk[i] = 0; // keep lengths small enough that frames complete
            }
            for (int split = 0; split <= junk.length; split++) {
                FrameParser p = new FrameParser(16384, 4096, 4);
                ByteBuffer b = ByteBuffer.allocate(junk.length);
                b.put(junk, 0, split).flip();
                try {
                    drain(p, b);
                    b.compact().put(junk, split, junk.length - split).flip();
                    drain(p, b);
                } catch (Http2Exception expected) {
                    // a protocol error
                }
            }
        }
    }

    private static void drain(FrameParser p, ByteBuffer b) throws Http2Exception {
        while (true) {
            try {
                if (p.parse(b) == null) {
                    return;
                }
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    throw e;
                }
            }
        }
    }
}
