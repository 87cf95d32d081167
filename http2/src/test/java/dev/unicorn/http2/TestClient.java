package dev.unicorn.http2;

import dev.unicorn.http2.frame.Frame;
import dev.unicorn.http2.frame.FrameParser;
import dev.unicorn.http2.frame.Frames;
import dev.unicorn.http2.frame.Http2Exception;
import dev.unicorn.http2.hpack.HpackDecoder;
import dev.unicorn.http2.hpack.HpackEncoder;
import dev.unicorn.http2.hpack.HpackException;
import dev.unicorn.http2.hpack.IndexingPolicy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A scripted HTTP/2 client for the connection tests: it builds raw frames, feeds them to an
 * {@link Http2Connection}, and renders both the events and the server's frames as text.
 */
final class TestClient {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final Http2Connection conn;
    final HpackEncoder encoder = new HpackEncoder(4096, true, IndexingPolicy.ALL);
    private final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
    private final FrameParser parser = new FrameParser(16_777_215, 1 << 24, 100_000);
    private ByteBuffer serverBytes = ByteBuffer.allocate(0);

    TestClient(Http2Options options) {
        conn = new Http2Connection(options);
    }

    TestClient() {
        this(Http2Options.defaults());
    }

    /** Preface and an empty SETTINGS. */
    static byte[] preface() {
        return Frames.concat(PREFACE, Frames.frame(0x4, 0, 0, ""));
    }

    static byte[] settingsAck() {
        return Frames.frame(0x4, 1, 0, "");
    }

    /** A HEADERS frame with END_HEADERS carrying {@code fields} ("name: value"). */
    byte[] headers(int stream, boolean endStream, String... fields) {
        return Frames.frame(0x1, 0x4 | (endStream ? 1 : 0), stream, block(fields));
    }

    byte[] block(String... fields) {
        for (String f : fields) {
            int colon = f.startsWith(": ") ? 0 : f.indexOf(": ", 1); // ": x" has an empty name
            encoder.header(f.substring(0, colon), f.substring(colon + 2));
        }
        ByteBuffer b = encoder.finish();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    static String[] get(String path) {
        return new String[] {":method: GET", ":scheme: https", ":path: " + path, ":authority: example.com"};
    }

    static byte[] data(int stream, boolean endStream, String text) {
        return Frames.frame(0x0, endStream ? 1 : 0, stream, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    static byte[] data(int stream, boolean endStream, int length) {
        return Frames.frame(0x0, endStream ? 1 : 0, stream, new byte[length]);
    }

    /** Feeds {@code bytes} in one call and renders the events. */
    List<String> send(byte[]... parts) {
        return describe(conn.receive(ByteBuffer.wrap(Frames.concat(parts))));
    }

    /** Feeds {@code bytes} in two calls split at {@code split}, rendering events as they come. */
    List<String> sendSplit(byte[] bytes, int split) {
        List<String> out = new ArrayList<>(describe(conn.receive(ByteBuffer.wrap(bytes, 0, split))));
        out.addAll(describe(conn.receive(ByteBuffer.wrap(bytes, split, bytes.length - split))));
        return out;
    }

    static List<String> describe(List<Http2Event> events) {
        List<String> out = new ArrayList<>();
        for (Http2Event e : events) {
            out.add(switch (e) {
                case Http2Event.RequestHeaders r -> "REQUEST " + r.streamId() + " " + r.request().method() + " "
                        + r.request().scheme() + " " + r.request().authority() + " " + r.request().target() + " "
                        + r.request().headers() + (r.endStream() ? " END" : "");
                case Http2Event.Data d -> "DATA " + d.streamId() + " "
                        + StandardCharsets.ISO_8859_1.decode(d.data().duplicate()) + (d.endStream() ? " END" : "");
                default -> e.toString();
            });
        }
        return out;
    }

    /** Reads and renders every frame the server wrote since the last call. */
    List<String> read() {
        ByteBuffer pending = conn.pendingOutput();
        int n = pending.remaining();
        ByteBuffer b = ByteBuffer.allocate(serverBytes.remaining() + n);
        b.put(serverBytes).put(pending).flip();
        conn.consumeOutput(n);
        serverBytes = b;
        List<String> out = new ArrayList<>();
        try {
            for (Frame f; (f = parser.parse(serverBytes)) != null; ) {
                out.add(render(f));
            }
        } catch (Http2Exception | HpackException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private String render(Frame f) throws HpackException {
        return switch (f) {
            case Frame.Headers h -> {
                List<String> fields = new ArrayList<>();
                decoder.decode(h.block(), (name, value, s) -> fields.add(name + ": " + value));
                yield "HEADERS " + h.streamId() + " " + fields + (h.endStream() ? " END" : "");
            }
            case Frame.Data d -> "DATA " + d.streamId() + " " + d.data().remaining() + (d.endStream() ? " END" : "");
            case Frame.GoAway g -> "GOAWAY " + g.lastStreamId() + " "
                    + dev.unicorn.http2.frame.ErrorCode.of(g.errorCode());
            case Frame.RstStream r -> "RST_STREAM " + r.streamId() + " " + dev.unicorn.http2.frame.ErrorCode.of(r.errorCode());
            case Frame.WindowUpdate w -> "WINDOW_UPDATE " + w.streamId() + " " + w.increment();
            case Frame.Settings s -> s.ack() ? "SETTINGS ACK" : "SETTINGS " + s.values();
            case Frame.Ping p -> "PING " + (p.ack() ? "ACK " : "") + Long.toHexString(p.payload());
            default -> f.toString();
        };
    }

    /** Opens the connection: preface, SETTINGS, the ACK of the server's SETTINGS; drops the server's opening frames. */
    TestClient open() {
        send(preface(), settingsAck());
        read();
        return this;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
