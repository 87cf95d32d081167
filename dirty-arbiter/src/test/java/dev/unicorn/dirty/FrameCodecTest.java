package dev.unicorn.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final int MAX = WireFormat.DEFAULT_MAX_PAYLOAD;

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
    }

    private static String hexOf(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Decodes {@code bytes} fed in two parts split at {@code split}; returns every frame. */
    private static List<Frame> decodeSplit(byte[] bytes, int split) {
        FrameDecoder d = new FrameDecoder(MAX);
        List<Frame> out = new ArrayList<>();
        for (ByteBuffer part : List.of(ByteBuffer.wrap(bytes, 0, split), ByteBuffer.wrap(bytes, split, bytes.length - split))) {
            Frame f;
            while ((f = d.decode(part)) != null) {
                out.add(f);
            }
        }
        assertThat(d.atFrameBoundary()).isTrue();
        return out;
    }

    @Test
    void encodesACallByteForByteAsDocumented() {
        byte[] bytes = WireFormat.encode(Frame.of(FrameType.CALL, 1, "a.B", "ping", List.of(7L)), MAX);
        assertThat(hexOf(bytes)).isEqualTo(hexOf(hex("""
                5544 01 01 0000001f 0000000000000001
                11 00000003 612e42
                11 00000004 70696e67
                20 00000001 05 0000000000000007
                """)));
    }

    @Test
    void encodesEveryValueTypeByteForByteAsDocumented() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("k", true);
        byte[] bytes = WireFormat.encode(Frame.of(FrameType.RESULT, 2,
                Arrays.asList(null, false, -1L, 1.5d, new byte[] {1, 2}, "é", map)), MAX);
        assertThat(hexOf(bytes)).isEqualTo(hexOf(hex("""
                5544 01 02 00000035 0000000000000002
                20 00000007
                  00
                  01 00
                  05 ffffffffffffffff
                  06 3ff8000000000000
                  10 00000002 0102
                  11 00000002 c3a9
                  21 00000001 11 00000001 6b 01 01
                """)));
    }

    @Test
    void encodesFramesWithoutPayloadAsAHeaderOnly() {
        assertThat(hexOf(WireFormat.encode(Frame.of(FrameType.END, 3), MAX)))
                .isEqualTo("5544010500000000" + "0000000000000003");
        assertThat(hexOf(WireFormat.encode(Frame.of(FrameType.CANCEL, 0x0102030405060708L), MAX)))
                .isEqualTo("5544010600000000" + "0102030405060708");
    }

    @Test
    void sendsIntegersShortsAndBytesAsInt64AndFloatsAsFloat64() {
        Object back = WireFormat.copy(List.of(1, (short) 2, (byte) 3, 1.5f));
        assertThat(back).isEqualTo(List.of(1L, 2L, 3L, 1.5d));
    }

    @Test
    void decodesEveryFrameTypeSplitAtEveryByte() {
        List<Frame> frames = List.of(
                Frame.of(FrameType.CALL, 1, "app", "act", List.of(1L, "x", List.of(), Map.of())),
                Frame.of(FrameType.RESULT, 1, Map.of("a", List.of(true, 2.5d))),
                Frame.of(FrameType.ERROR, 2, "App", "java.lang.X", "boom", "at ..."),
                Frame.of(FrameType.CHUNK, 3, new byte[] {9}),
                Frame.of(FrameType.END, 3),
                Frame.of(FrameType.CANCEL, 4),
                Frame.of(FrameType.HEARTBEAT, 0),
                Frame.of(FrameType.HELLO, 0, 1L, "token", 1234L),
                Frame.of(FrameType.READY, 0),
                Frame.of(FrameType.SHUTDOWN, 0),
                Frame.of(FrameType.CREDIT, 5, 16L),
                Frame.of(FrameType.STASH, 6, 2L, "t", "k", null));
        ByteBuffer all = ByteBuffer.allocate(4096);
        for (Frame f : frames) {
            all.put(WireFormat.encode(f, MAX));
        }
        byte[] stream = Arrays.copyOf(all.array(), all.position());
        for (int split = 0; split <= stream.length; split++) {
            List<Frame> decoded = decodeSplit(stream, split);
            assertThat(decoded).hasSize(frames.size());
            for (int i = 0; i < frames.size(); i++) {
                assertThat(hexOf(WireFormat.encode(decoded.get(i), MAX)))
                        .as("frame %d, split at %d", i, split)
                        .isEqualTo(hexOf(WireFormat.encode(frames.get(i), MAX)));
            }
        }
    }

    @Test
    void decodesAFrameFedOneByteAtATime() {
        byte[] bytes = WireFormat.encode(Frame.of(FrameType.CALL, 9, "a", "b", List.of("hello")), MAX);
        FrameDecoder d = new FrameDecoder(MAX);
        Frame f = null;
        for (int i = 0; i < bytes.length; i++) {
            assertThat(f).isNull();
            f = d.decode(ByteBuffer.wrap(bytes, i, 1));
        }
        assertThat(f).isEqualTo(Frame.of(FrameType.CALL, 9, "a", "b", List.of("hello")));
    }

    @Test
    void rejectsABadMagic() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex("4744010500000000 0000000000000001"))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("bad magic 0x4744");
    }

    @Test
    void rejectsAnUnknownVersion() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex("5544020500000000 0000000000000001"))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("unsupported protocol version 2");
    }

    @Test
    void rejectsAnUnknownFrameType() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex("55440177 00000000 0000000000000001"))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("unknown frame type 0x77");
    }

    @Test
    void rejectsAPayloadAboveTheLimitAsSoonAsTheHeaderIsComplete() {
        FrameDecoder d = new FrameDecoder(1024);
        assertThatThrownBy(() -> d.decode(ByteBuffer.wrap(hex("55440102 00000401 0000000000000001"))))
                .isInstanceOf(DirtyProtocolException.class)
                .hasMessage("frame payload of 1025 bytes exceeds the limit of 1024");
    }

    @Test
    void refusesToEncodeAPayloadAboveTheLimit() {
        assertThatThrownBy(() -> WireFormat.encode(Frame.of(FrameType.RESULT, 1, new byte[2000]), 1024))
                .isInstanceOf(DirtyProtocolException.class)
                .hasMessage("frame payload of 2005 bytes exceeds the limit of 1024");
    }

    @Test
    void rejectsAPayloadOnAFrameTypeWithoutValues() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex("55440105 00000001 0000000000000001 00"))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("END frame must have an empty payload, not 1 bytes");
    }

    @Test
    void rejectsBytesLeftAfterTheValues() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex("55440102 00000002 0000000000000001 0000"))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("1 bytes left after the 1 value(s) of a RESULT frame");
    }

    @Test
    void rejectsAPayloadThatEndsInsideAValue() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex("55440102 00000003 0000000000000001 050000"))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("payload ends inside a value");
    }

    @Test
    void rejectsALengthBeyondThePayloadBeforeAllocatingIt() {
        // a list claiming 2^32-1 elements in a 5-byte payload
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex("55440102 00000005 0000000000000001 20ffffffff"))))
                .isInstanceOf(DirtyProtocolException.class)
                .hasMessage("length 4294967295 exceeds the 0 bytes left in the payload");
    }

    @Test
    void rejectsABoolByteOtherThanZeroOrOne() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex("55440102 00000002 0000000000000001 0102"))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("bool byte must be 0 or 1, not 2");
    }

    @Test
    void rejectsInvalidUtf8() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex("55440102 00000006 0000000000000001 1100000001ff"))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("string is not valid UTF-8");
    }

    @Test
    void rejectsAnUnknownValueType() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex("55440102 00000001 0000000000000001 07"))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("unknown value type 0x07");
    }

    @Test
    void rejectsMapKeysThatAreNotStrings() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex("55440102 00000007 0000000000000001 2100000001 0000"))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("map keys must be strings");
    }

    @Test
    void rejectsDuplicateMapKeys() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).decode(ByteBuffer.wrap(hex(
                "55440102 00000013 0000000000000001 2100000002 110000000161 00 110000000161 00"))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("duplicate map key \"a\"");
    }

    @Test
    void rejectsNestingDeeperThanTheLimitBothWays() {
        Object deep = List.of();
        for (int i = 0; i < WireFormat.MAX_DEPTH + 1; i++) {
            deep = List.of(deep);
        }
        Object tooDeep = deep;
        assertThatThrownBy(() -> WireFormat.check(tooDeep)).isInstanceOf(DirtyProtocolException.class)
                .hasMessageStartingWith("values nested deeper than 32");
        byte[] payload = new byte[5 * (WireFormat.MAX_DEPTH + 2)];
        ByteBuffer b = ByteBuffer.wrap(payload);
        for (int i = 0; i < WireFormat.MAX_DEPTH + 2; i++) {
            b.put((byte) 0x20).putInt(i == WireFormat.MAX_DEPTH + 1 ? 0 : 1);
        }
        assertThatThrownBy(() -> WireFormat.decodePayload(FrameType.RESULT, ByteBuffer.wrap(payload)))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("values nested deeper than 32");
    }

    @Test
    void refusesToSendValuesOfOtherTypes() {
        assertThatThrownBy(() -> WireFormat.check(List.of(new Object())))
                .isInstanceOf(DirtyProtocolException.class)
                .hasMessageStartingWith("cannot send a value of type java.lang.Object");
        assertThatThrownBy(() -> WireFormat.check(Map.of(1, "x")))
                .isInstanceOf(DirtyProtocolException.class)
                .hasMessage("map keys must be strings, not java.lang.Integer");
        assertThatThrownBy(() -> WireFormat.check("\ud800"))
                .isInstanceOf(DirtyProtocolException.class)
                .hasMessage("string is not valid Unicode (a lone surrogate)");
    }

    @Test
    void keepsRejectingAfterAProtocolError() {
        FrameDecoder d = new FrameDecoder(MAX);
        assertThatThrownBy(() -> d.decode(ByteBuffer.wrap(hex("0000000000000000 0000000000000000"))))
                .isInstanceOf(DirtyProtocolException.class);
        assertThatThrownBy(() -> d.decode(ByteBuffer.wrap(WireFormat.encode(Frame.of(FrameType.END, 1), MAX))))
                .isInstanceOf(DirtyProtocolException.class).hasMessage("decoder failed earlier");
    }

    @Test
    void roundTripsNanInfinitiesAndExtremeIntegers() {
        List<Object> values = List.of(Double.NaN, Double.NEGATIVE_INFINITY, -0.0d, Long.MIN_VALUE, Long.MAX_VALUE, "");
        assertThat(WireFormat.copy(values)).isEqualTo(values);
    }
}
