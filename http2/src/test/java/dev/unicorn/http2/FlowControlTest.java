package dev.unicorn.http2;

import static dev.unicorn.http2.TestClient.data;
import static dev.unicorn.http2.TestClient.get;
import static dev.unicorn.http2.frame.Frames.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.http.Headers;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** RFC 9113 §6.9: windows both ways; credit returns when the application consumes. */
class FlowControlTest {
    private static final String[] POST = {":method: POST", ":scheme: https", ":path: /", ":authority: a"};

    @Test
    void creditReturnsOnlyWhenTheApplicationConsumesNotWhenDataArrives() {
        TestClient c = new TestClient().open();
        c.send(c.headers(1, false, POST), data(1, false, 16384), data(1, false, 16384), data(1, false, 16384));
        assertThat(c.read()).isEmpty();
        c.conn.consumed(1, 16384);
        assertThat(c.read()).isEmpty(); // below half the stream window
        c.conn.consumed(1, 16384);
        assertThat(c.read()).containsExactly("WINDOW_UPDATE 1 32768");
    }

    @Test
    void theConnectionWindowIsReturnedOnceHalfOfItIsConsumed() {
        TestClient c = new TestClient(Http2Options.defaults().withConnectionWindowSize(65535).withInitialWindowSize(1 << 20)).open();
        c.send(c.headers(1, false, POST), data(1, false, 16384), data(1, false, 16384));
        c.conn.consumed(1, 32768);
        assertThat(c.read()).containsExactly("WINDOW_UPDATE 0 32768");
    }

    @Test
    void consumingMoreThanWasDeliveredIsAnApplicationBug() {
        TestClient c = new TestClient().open();
        c.send(c.headers(1, false, POST), data(1, false, "abc"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.conn.consumed(1, 4))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dataBeyondTheStreamWindowIsAStreamFlowControlError() {
        TestClient c = new TestClient(Http2Options.defaults().withInitialWindowSize(100)).open();
        c.send(c.headers(1, false, POST));
        assertThat(c.send(data(1, false, 101))).containsExactly(
                "StreamReset[streamId=1, error=FLOW_CONTROL_ERROR, byPeer=false]");
        assertThat(c.read()).containsExactly("RST_STREAM 1 FLOW_CONTROL_ERROR");
    }

    @Test
    void beforeItsSettingsAreAcknowledgedTheDefaultWindowStillHolds() {
        TestClient c = new TestClient(Http2Options.defaults().withInitialWindowSize(100));
        c.send(TestClient.preface());
        c.read();
        assertThat(c.send(c.headers(1, false, POST), data(1, false, 1000))).hasSize(2);
        assertThat(c.read()).isEmpty();
    }

    @Test
    void dataBeyondTheConnectionWindowIsAConnectionFlowControlError() {
        TestClient c = new TestClient(Http2Options.defaults().withConnectionWindowSize(65535).withInitialWindowSize(1 << 20)).open();
        c.send(c.headers(1, false, POST), data(1, false, 16384), data(1, false, 16384), data(1, false, 16384),
                data(1, false, 16383), data(1, false, 1));
        assertThat(c.read()).containsExactly("GOAWAY 1 FLOW_CONTROL_ERROR");
    }

    @Test
    void paddingIsCreditedAtOnce() {
        TestClient c = new TestClient(Http2Options.defaults().withInitialWindowSize(200)).open();
        c.send(c.headers(1, false, POST));
        byte[] payload = new byte[151];
        payload[0] = (byte) 149; // 1 data octet, 149 of padding
        c.send(frame(0x0, 0x8, 1, payload));
        assertThat(c.read()).containsExactly("WINDOW_UPDATE 1 150");
    }

    @Test
    void dataOnAClosedStreamStillCountsForTheConnectionAndIsCreditedBack() {
        TestClient c = new TestClient(Http2Options.defaults().withConnectionWindowSize(65535)).open();
        c.send(c.headers(1, false, POST));
        c.conn.resetStream(1, dev.unicorn.http2.frame.ErrorCode.CANCEL);
        c.read();
        c.send(data(1, false, 16384), data(1, false, 16384));
        assertThat(c.read()).containsExactly("WINDOW_UPDATE 0 32768");
    }

    @Test
    void unconsumedDataOfAResetStreamIsReturnedToTheConnection() {
        TestClient c = new TestClient(Http2Options.defaults().withConnectionWindowSize(65535)).open();
        c.send(c.headers(1, false, POST), data(1, false, 16384), data(1, false, 16384));
        c.send(frame(0x3, 0, 1, "00000008"));
        assertThat(c.read()).containsExactly("WINDOW_UPDATE 0 32768");
    }

    @Test
    void sendingStopsAtThePeersWindowAndResumesAfterItsWindowUpdate() {
        TestClient c = new TestClient().open();
        c.send(c.headers(1, true, get("/")));
        c.conn.sendHeaders(1, 200, new Headers(), false);
        ByteBuffer body = ByteBuffer.allocate(70000);
        assertThat(c.conn.sendData(1, body, true)).isEqualTo(65535);
        assertThat(c.conn.sendWindow(1)).isZero();
        assertThat(c.read()).containsExactly("HEADERS 1 [:status: 200]", "DATA 1 16384", "DATA 1 16384", "DATA 1 16384",
                "DATA 1 16383");
        assertThat(c.send(frame(0x8, 0, 0, "00010000"))).containsExactly("WindowUpdated[streamId=0]");
        assertThat(c.conn.sendData(1, body, true)).isZero(); // the stream window is still closed
        assertThat(c.send(frame(0x8, 0, 1, "00010000"))).containsExactly("WindowUpdated[streamId=1]");
        assertThat(c.conn.sendData(1, body, true)).isEqualTo(4465);
        assertThat(c.read()).containsExactly("DATA 1 4465 END");
    }

    @Test
    void framesFollowTheLargerMaxFrameSizeThePeerAllows() {
        TestClient c = new TestClient();
        c.send(TestClient.preface(), frame(0x4, 0, 0, "0005 00008000 0004 00100000"), TestClient.settingsAck());
        c.read();
        c.send(c.headers(1, true, get("/")), frame(0x8, 0, 0, "00100000"));
        c.conn.sendHeaders(1, 200, new Headers(), false);
        c.conn.sendData(1, ByteBuffer.allocate(40000), true);
        assertThat(c.read()).containsExactly("HEADERS 1 [:status: 200]", "DATA 1 32768", "DATA 1 7232 END");
    }

    @Test
    void aSmallerInitialWindowShrinksOpenStreamsBelowZero() {
        TestClient c = new TestClient().open();
        c.send(c.headers(1, true, get("/")));
        c.conn.sendHeaders(1, 200, new Headers(), false);
        c.conn.sendData(1, ByteBuffer.allocate(1000), false);
        c.send(frame(0x4, 0, 0, "0004 00000064")); // 100: the stream's window is now 100 - 1000
        assertThat(c.conn.sendWindow(1)).isZero();
        c.send(frame(0x8, 0, 1, "00000384")); // +900
        assertThat(c.conn.sendWindow(1)).isZero();
        c.send(frame(0x8, 0, 1, "00000001"));
        assertThat(c.conn.sendWindow(1)).isEqualTo(1);
    }

    @Test
    void aStreamWindowAbove2To31IsAStreamFlowControlError() {
        TestClient c = new TestClient().open();
        c.send(c.headers(1, true, get("/")));
        c.send(frame(0x8, 0, 1, "7fffffff"));
        assertThat(c.read()).containsExactly("RST_STREAM 1 FLOW_CONTROL_ERROR");
    }

    @Test
    void aConnectionWindowAbove2To31IsAConnectionFlowControlError() {
        TestClient c = new TestClient().open();
        c.send(frame(0x8, 0, 0, "7fffffff"));
        assertThat(c.read()).containsExactly("GOAWAY 0 FLOW_CONTROL_ERROR");
    }

    @Test
    void anInitialWindowThatOverflowsAnOpenStreamIsAConnectionFlowControlError() {
        TestClient c = new TestClient().open();
        c.send(c.headers(1, true, get("/")), frame(0x8, 0, 1, "7fff0000"));
        c.send(frame(0x4, 0, 0, "0004 7fffffff"));
        assertThat(c.read()).containsExactly("GOAWAY 1 FLOW_CONTROL_ERROR");
    }

    @Test
    void contentLengthBelowTheDataIsAStreamProtocolError() {
        TestClient c = new TestClient().open();
        c.send(c.headers(1, false, ":method: POST", ":scheme: https", ":path: /", ":authority: a", "content-length: 2"));
        c.send(data(1, false, "abc"));
        assertThat(c.read()).containsExactly("RST_STREAM 1 PROTOCOL_ERROR");
    }

    @Test
    void contentLengthAboveTheDataIsAStreamProtocolError() {
        TestClient c = new TestClient().open();
        c.send(c.headers(1, false, ":method: POST", ":scheme: https", ":path: /", ":authority: a", "content-length: 4"));
        c.send(data(1, true, "abc"));
        assertThat(c.read()).containsExactly("RST_STREAM 1 PROTOCOL_ERROR");
    }

    @Test
    void contentLengthMatchingTheDataIsAccepted() {
        TestClient c = new TestClient().open();
        c.send(c.headers(1, false, ":method: POST", ":scheme: https", ":path: /", ":authority: a", "content-length: 3"));
        assertThat(c.send(data(1, false, "ab"), data(1, true, "c"))).containsExactly("DATA 1 ab", "DATA 1 c END");
        assertThat(c.read()).isEmpty();
    }
}
