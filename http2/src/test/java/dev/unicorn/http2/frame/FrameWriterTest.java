package dev.unicorn.http2.frame;

import static dev.unicorn.http2.frame.Frames.concat;
import static dev.unicorn.http2.frame.Frames.frame;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameWriterTest {
    private final FrameWriter w = new FrameWriter(16);

    private String written() {
        return Frames.hex(w.pending());
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void writesSettingsAndTheirAck() {
        w.settings(List.of(new Frame.Setting(3, 100), new Frame.Setting(4, 65536)));
        w.settingsAck();
        assertThat(written()).isEqualTo(hex(concat(frame(4, 0, 0, "0003 00000064 0004 00010000"), frame(4, 1, 0, ""))));
    }

    @Test
    void writesPingGoAwayRstStreamAndWindowUpdate() {
        w.ping(true, 0x0102030405060708L);
        w.goAway(7, ErrorCode.ENHANCE_YOUR_CALM, "hi");
        w.rstStream(3, ErrorCode.REFUSED_STREAM);
        w.windowUpdate(0, 4096);
        assertThat(written()).isEqualTo(hex(concat(
                frame(6, 1, 0, "0102030405060708"),
                frame(7, 0, 0, "00000007 0000000b 6869"),
                frame(3, 0, 3, "00000007"),
                frame(8, 0, 0, "00001000"))));
    }

    @Test
    void splitsAFieldBlockIntoHeadersAndContinuationFramesOfTheMaxFrameSize() {
        byte[] block = new byte[16384 * 2 + 10];
        w.headers(1, ByteBuffer.wrap(block), true, 16384);
        assertThat(written()).isEqualTo(hex(concat(
                frame(1, 0x1, 1, new byte[16384]),
                frame(9, 0, 1, new byte[16384]),
                frame(9, 0x4, 1, new byte[10]))));
    }

    @Test
    void writesASmallFieldBlockAsOneHeadersFrame() {
        w.headers(3, ByteBuffer.wrap(new byte[] {(byte) 0x88}), false, 16384);
        assertThat(written()).isEqualTo(hex(frame(1, 0x4, 3, "88")));
    }

    @Test
    void writesData() {
        w.data(1, ByteBuffer.wrap(new byte[] {'h', 'i'}), true);
        assertThat(written()).isEqualTo(hex(frame(0, 1, 1, "6869")));
    }

    @Test
    void consumeDropsSentOctetsAndKeepsTheRest() {
        w.ping(false, 1);
        w.consume(9);
        assertThat(written()).isEqualTo("0000000000000001");
        assertThat(w.pendingBytes()).isEqualTo(8);
    }

    @Test
    void whatTheWriterWritesTheParserReads() throws Http2Exception {
        w.headers(1, ByteBuffer.wrap(new byte[40000]), false, 16384);
        w.data(1, ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
        FrameParser p = new FrameParser(16384, 65536, 4);
        ByteBuffer in = ByteBuffer.wrap(HexFormat.of().parseHex(written()));
        Frame.Headers h = (Frame.Headers) p.parse(in);
        assertThat(h.block().remaining()).isEqualTo(40000);
        assertThat(p.parse(in)).isInstanceOfSatisfying(Frame.Data.class, d -> assertThat(d.endStream()).isTrue());
    }
}
