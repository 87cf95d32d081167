package dev.unicorn.http2.frame;

import static dev.unicorn.http2.frame.Frames.concat;
import static dev.unicorn.http2.frame.Frames.frame;
import static dev.unicorn.http2.frame.Frames.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameParserTest {
    private static FrameParser parser() {
        return new FrameParser(16384, 65536, 8);
    }

    /** Renders a frame with its byte payloads as hex, so that results compare by value. */
    static String describe(Frame f) {
        return switch (f) {
            case Frame.Data d -> "DATA " + d.streamId() + " " + hex(d.data()) + (d.endStream() ? " END" : "") + " flow=" + d.flowControlled();
            case Frame.Headers h -> "HEADERS " + h.streamId() + " " + hex(h.block()) + (h.endStream() ? " END" : "") + " " + h.priority();
            case Frame.GoAway g -> "GOAWAY " + g.lastStreamId() + " " + g.errorCode() + " " + hex(g.debugData());
            default -> f.toString();
        };
    }

    /** Parses {@code input} fed whole and split at every position, asserting the same frames each time. */
    static List<String> parseAllSplits(byte[] input) throws Http2Exception {
        List<String> whole = parse(input, input.length);
        for (int split = 0; split < input.length; split++) {
            assertThat(parse(input, split)).as("split at %d", split).isEqualTo(whole);
        }
        return whole;
    }

    private static List<String> parse(byte[] input, int split) throws Http2Exception {
        FrameParser p = parser();
        ByteBuffer buf = ByteBuffer.allocate(input.length);
        List<String> out = new ArrayList<>();
        buf.put(input, 0, split).flip();
        for (Frame f; (f = p.parse(buf)) != null; ) {
            out.add(describe(f));
        }
        buf.compact().put(input, split, input.length - split).flip();
        for (Frame f; (f = p.parse(buf)) != null; ) {
            out.add(describe(f));
        }
        assertThat(buf.hasRemaining()).isFalse();
        return out;
    }

    private static Http2Exception failure(byte[] input) {
        FrameParser p = parser();
        ByteBuffer buf = ByteBuffer.wrap(input);
        try {
            while (p.parse(buf) != null) {
                // keep going until the error
            }
        } catch (Http2Exception e) {
            return e;
        }
        throw new AssertionError("no error");
    }

    private static void assertConnectionError(byte[] input, ErrorCode code) {
        Http2Exception e = failure(input);
        assertThat(e.isConnectionError()).as(e.getMessage()).isTrue();
        assertThat(e.error()).as(e.getMessage()).isEqualTo(code);
    }

    private static void assertStreamError(byte[] input, int stream, ErrorCode code) {
        Http2Exception e = failure(input);
        assertThat(e.streamId()).as(e.getMessage()).isEqualTo(stream);
        assertThat(e.error()).as(e.getMessage()).isEqualTo(code);
    }

    @Test
    void parsesEveryFrameTypeWhateverTheSplit() throws Http2Exception {
        byte[] input = concat(
                frame(0x4, 0, 0, "0003 00000064 0004 00010000"),
                frame(0x4, 1, 0, ""),
                frame(0x1, 0x5, 1, "8286"),
                frame(0x0, 0x1, 3, "68656c6c6f"),
                frame(0x2, 0, 5, "80000003 0f"),
                frame(0x3, 0, 1, "00000008"),
                frame(0x6, 0, 0, "0102030405060708"),
                frame(0x6, 1, 0, "0000000000000001"),
                frame(0x7, 0, 0, "00000007 0000000b 6869"),
                frame(0x8, 0, 0, "00001000"),
                frame(0x8, 0, 1, "7fffffff"),
                frame(0xfa, 0xff, 9, "0102"));
        assertThat(parseAllSplits(input)).containsExactly(
                "Settings[ack=false, values=[Setting[id=3, value=100], Setting[id=4, value=65536]]]",
                "Settings[ack=true, values=[]]",
                "HEADERS 1 8286 END null",
                "DATA 3 68656c6c6f END flow=5",
                "PriorityFrame[streamId=5, priority=Priority[dependency=3, exclusive=true, weight=16]]",
                "RstStream[streamId=1, errorCode=8]",
                "Ping[ack=false, payload=72623859790382856]",
                "Ping[ack=true, payload=1]",
                "GOAWAY 7 11 6869",
                "WindowUpdate[streamId=0, increment=4096]",
                "WindowUpdate[streamId=1, increment=2147483647]",
                "Unknown[type=250, streamId=9, length=2]");
    }

    @Test
    void stripsDataPaddingButCountsItForFlowControl() throws Http2Exception {
        assertThat(parseAllSplits(frame(0x0, 0x8, 1, "03 6869 000000"))).containsExactly("DATA 1 6869 flow=6");
    }

    @Test
    void stripsHeadersPaddingAndReadsThePriority() throws Http2Exception {
        assertThat(parseAllSplits(frame(0x1, 0x2c, 3, "02 00000001 ff 82 0000")))
                .containsExactly("HEADERS 3 82 Priority[dependency=1, exclusive=false, weight=256]");
    }

    @Test
    void joinsHeadersAndContinuationFramesIntoOneBlock() throws Http2Exception {
        byte[] input = concat(frame(0x1, 0x1, 1, "82"), frame(0x9, 0, 1, "86"), frame(0x9, 0x4, 1, "84"));
        assertThat(parseAllSplits(input)).containsExactly("HEADERS 1 828684 END null");
    }

    @Test
    void ignoresTheReservedBitOfTheStreamId() throws Http2Exception {
        assertThat(parseAllSplits(frame(0x8, 0, 0x80000001, "00000001"))).containsExactly("WindowUpdate[streamId=1, increment=1]");
    }

    @Test
    void rejectsAFrameOverTheMaxFrameSizeFromItsHeaderAlone() {
        byte[] header = {0x00, 0x40, 0x01, 0x0, 0x0, 0, 0, 0, 1}; // 16385 octets announced, none sent
        assertConnectionError(header, ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void rejectsDataOnStreamZero() {
        assertConnectionError(frame(0x0, 0, 0, "00"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void rejectsDataPaddingAsLongAsThePayload() {
        assertConnectionError(frame(0x0, 0x8, 1, "03 0000"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void rejectsHeadersPaddingBeyondTheFragment() {
        assertConnectionError(frame(0x1, 0xc, 1, "02 82"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void rejectsHeadersOnStreamZero() {
        assertConnectionError(frame(0x1, 0x4, 0, "82"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void rejectsAFrameOtherThanContinuationInsideAFieldBlock() {
        assertConnectionError(concat(frame(0x1, 0, 1, "82"), frame(0x6, 0, 0, "0000000000000000")), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void rejectsContinuationOfAnotherStream() {
        assertConnectionError(concat(frame(0x1, 0, 1, "82"), frame(0x9, 0x4, 3, "86")), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void rejectsContinuationWithoutAFieldBlock() {
        assertConnectionError(frame(0x9, 0x4, 1, "86"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void rejectsAContinuationFloodOfEmptyFrames() {
        byte[][] parts = new byte[10][];
        parts[0] = frame(0x1, 0, 1, "82");
        for (int i = 1; i < parts.length; i++) {
            parts[i] = frame(0x9, 0, 1, "");
        }
        assertConnectionError(concat(parts), ErrorCode.ENHANCE_YOUR_CALM);
    }

    @Test
    void rejectsAFieldBlockOverItsSizeLimit() {
        FrameParser p = new FrameParser(16384, 20000, 8);
        byte[] input = concat(frame(0x1, 0, 1, new byte[16000]), frame(0x9, 0x4, 1, new byte[5000]));
        assertThatThrownBy(() -> {
            ByteBuffer b = ByteBuffer.wrap(input);
            while (p.parse(b) != null) {
                // until the error
            }
        }).isInstanceOfSatisfying(Http2Exception.class, e -> assertThat(e.error()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM));
    }

    @Test
    void rejectsPushPromiseFromAClient() {
        assertConnectionError(frame(0x5, 0x4, 1, "00000002 82"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void priorityOfTheWrongLengthIsAStreamError() {
        assertStreamError(frame(0x2, 0, 1, "00000003"), 1, ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void priorityOnItselfIsAStreamError() {
        assertStreamError(frame(0x2, 0, 3, "00000003 10"), 3, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void priorityOnStreamZeroIsAConnectionError() {
        assertConnectionError(frame(0x2, 0, 0, "00000003 10"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void rstStreamOfTheWrongLengthIsAConnectionError() {
        assertConnectionError(frame(0x3, 0, 1, "000008"), ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void rstStreamOnStreamZeroIsAConnectionError() {
        assertConnectionError(frame(0x3, 0, 0, "00000008"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void settingsOnAStreamIsAConnectionError() {
        assertConnectionError(frame(0x4, 0, 1, ""), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void settingsAckWithAPayloadIsAFrameSizeError() {
        assertConnectionError(frame(0x4, 1, 0, "0003 00000064"), ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void settingsNotAMultipleOfSixIsAFrameSizeError() {
        assertConnectionError(frame(0x4, 0, 0, "0003 000000"), ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void enablePushOtherThanZeroOrOneIsAProtocolError() {
        assertConnectionError(frame(0x4, 0, 0, "0002 00000002"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void initialWindowSizeAbove2To31IsAFlowControlError() {
        assertConnectionError(frame(0x4, 0, 0, "0004 80000000"), ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void maxFrameSizeBelow16384IsAProtocolError() {
        assertConnectionError(frame(0x4, 0, 0, "0005 00003fff"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void maxFrameSizeAbove2To24IsAProtocolError() {
        assertConnectionError(frame(0x4, 0, 0, "0005 01000000"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void enableConnectProtocolOtherThanZeroOrOneIsAProtocolError() {
        assertConnectionError(frame(0x4, 0, 0, "0008 00000002"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void unknownSettingsAreIgnored() throws Http2Exception {
        assertThat(parseAllSplits(frame(0x4, 0, 0, "00ff 00000001 0001 00000000")))
                .containsExactly("Settings[ack=false, values=[Setting[id=1, value=0]]]");
    }

    @Test
    void pingOfTheWrongLengthIsAFrameSizeError() {
        assertConnectionError(frame(0x6, 0, 0, "01020304"), ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void pingOnAStreamIsAProtocolError() {
        assertConnectionError(frame(0x6, 0, 1, "0102030405060708"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void goAwayOnAStreamIsAProtocolError() {
        assertConnectionError(frame(0x7, 0, 1, "00000000 00000000"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void goAwayShorterThanEightIsAFrameSizeError() {
        assertConnectionError(frame(0x7, 0, 0, "00000000"), ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void windowUpdateOfTheWrongLengthIsAFrameSizeError() {
        assertConnectionError(frame(0x8, 0, 1, "000001"), ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void aZeroWindowIncrementOnTheConnectionIsAConnectionError() {
        assertConnectionError(frame(0x8, 0, 0, "00000000"), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void aZeroWindowIncrementOnAStreamIsAStreamError() {
        assertStreamError(frame(0x8, 0, 5, "00000000"), 5, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void parsingGoesOnAfterAStreamError() throws Http2Exception {
        FrameParser p = parser();
        ByteBuffer b = ByteBuffer.wrap(concat(frame(0x8, 0, 5, "00000000"), frame(0x6, 0, 0, "0000000000000001")));
        assertThatThrownBy(() -> p.parse(b)).isInstanceOf(Http2Exception.class);
        assertThat(p.parse(b)).isEqualTo(new Frame.Ping(false, 1));
    }
}
