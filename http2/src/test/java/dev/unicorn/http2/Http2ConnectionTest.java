package dev.unicorn.http2;

import static dev.unicorn.http2.TestClient.data;
import static dev.unicorn.http2.TestClient.get;
import static dev.unicorn.http2.TestClient.preface;
import static dev.unicorn.http2.TestClient.settingsAck;
import static dev.unicorn.http2.frame.Frames.concat;
import static dev.unicorn.http2.frame.Frames.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.http.Headers;
import dev.unicorn.http2.frame.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Http2ConnectionTest {
    private final TestClient client = new TestClient();

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    // ------------------------------------------------------------- preface and SETTINGS

    @Test
    void sendsItsSettingsAndRaisesTheConnectionWindowBeforeReadingAnything() {
        assertThat(client.read()).containsExactly(
                "SETTINGS [Setting[id=2, value=0], Setting[id=3, value=100], Setting[id=6, value=65536]]",
                "WINDOW_UPDATE 0 983041");
    }

    @Test
    void acknowledgesTheClientsSettings() {
        client.read();
        assertThat(client.send(preface())).isEmpty();
        assertThat(client.read()).containsExactly("SETTINGS ACK");
    }

    @Test
    void anInvalidPrefaceIsAConnectionProtocolError() {
        client.read();
        assertThat(client.send("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .containsExactly("ConnectionError[error=PROTOCOL_ERROR, message=invalid connection preface (§3.4)]");
        assertThat(client.read()).containsExactly("GOAWAY 0 PROTOCOL_ERROR");
        assertThat(client.conn.isFinished()).isTrue();
    }

    @Test
    void aPrefaceNotFollowedBySettingsIsAConnectionProtocolError() {
        client.read();
        client.send(TestClient.PREFACE, frame(0x6, 0, 0, "0000000000000000"));
        assertThat(client.read()).containsExactly("GOAWAY 0 PROTOCOL_ERROR");
    }

    @Test
    void nothingIsReadAfterAConnectionError() {
        client.read();
        client.send("XXXXXXXXXXXXXXXXXXXXXXXXXXXX".getBytes(StandardCharsets.US_ASCII));
        client.read();
        assertThat(client.send(preface())).isEmpty();
        assertThat(client.read()).isEmpty();
    }

    @Test
    void answersPingWithTheSamePayload() {
        client.open();
        client.send(frame(0x6, 0, 0, "0102030405060708"));
        assertThat(client.read()).containsExactly("PING ACK 102030405060708");
    }

    @Test
    void reportsTheAckOfItsOwnPing() {
        client.open();
        client.conn.ping(42);
        assertThat(client.read()).containsExactly("PING 2a");
        assertThat(client.send(frame(0x6, 1, 0, "000000000000002a"))).containsExactly("PingAcknowledged[payload=42]");
    }

    // ------------------------------------------------------------- a whole exchange, every split

    @Test
    void aRequestWithBodyAndTrailersGivesTheSameEventsAndFramesWhereverTheInputIsSplit() {
        byte[] conversation = null;
        List<String> expectedEvents = null;
        List<String> expectedFrames = null;
        for (int split = 0; ; split++) {
            TestClient c = new TestClient();
            byte[] block = c.block(":method: POST", ":scheme: https", ":path: /upload?x=1", ":authority: example.com",
                    "content-type: text/plain", "content-length: 5");
            byte[] input = concat(preface(), settingsAck(),
                    frame(0x1, 0, 1, java.util.Arrays.copyOfRange(block, 0, 3)),
                    frame(0x9, 0, 1, java.util.Arrays.copyOfRange(block, 3, 10)),
                    frame(0x9, 0x4, 1, java.util.Arrays.copyOfRange(block, 10, block.length)),
                    data(1, false, "he"), frame(0x0, 0x8, 1, "02 6c6c6f 0000"),
                    frame(0x1, 0x5, 1, c.block("x-checksum: abc")));
            if (conversation == null) {
                conversation = input;
            }
            assertThat(input).isEqualTo(conversation);
            List<String> events = c.sendSplit(input, split);
            List<String> frames = c.read();
            if (expectedEvents == null) {
                expectedEvents = events;
                expectedFrames = frames;
                assertThat(events).containsExactly(
                        "REQUEST 1 POST https example.com /upload?x=1 [host: example.com, content-type: text/plain, content-length: 5]",
                        "DATA 1 he",
                        "DATA 1 llo",
                        "Trailers[streamId=1, trailers=[x-checksum: abc]]");
            } else {
                assertThat(events).as("split at %d", split).isEqualTo(expectedEvents);
                assertThat(frames).as("split at %d", split).isEqualTo(expectedFrames);
            }
            if (split == input.length) {
                break;
            }
        }
    }

    @Test
    void aResponseGoesOutAsHeadersAndDataWithEndStream() {
        client.open();
        assertThat(client.send(client.headers(1, true, get("/")))).containsExactly(
                "REQUEST 1 GET https example.com / [host: example.com] END");
        assertThat(client.conn.sendHeaders(1, 200, Headers.of("Content-Type", "text/plain"), false)).isTrue();
        assertThat(client.conn.sendData(1, text("hello"), true)).isEqualTo(5);
        assertThat(client.read()).containsExactly(
                "HEADERS 1 [:status: 200, content-type: text/plain]",
                "DATA 1 5 END");
        assertThat(client.conn.openStreams()).isZero();
    }

    // ------------------------------------------------------------- stream states (§5.1)

    @Test
    void headersOnAnEvenStreamIsAConnectionProtocolError() {
        client.open();
        client.send(client.headers(2, true, get("/")));
        assertThat(client.read()).containsExactly("GOAWAY 0 PROTOCOL_ERROR");
    }

    @Test
    void aStreamIdBelowAnEarlierOneIsAConnectionProtocolError() {
        client.open();
        client.send(client.headers(5, true, get("/")), client.headers(3, true, get("/")));
        assertThat(client.read()).containsExactly("GOAWAY 5 PROTOCOL_ERROR");
    }

    @Test
    void headersOnAClosedStreamIsAConnectionStreamClosedError() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        client.conn.sendHeaders(1, 204, new Headers(), true);
        client.read();
        client.send(client.headers(1, true, get("/")));
        assertThat(client.read()).containsExactly("GOAWAY 1 STREAM_CLOSED");
    }

    @Test
    void dataOnAnIdleStreamIsAConnectionProtocolError() {
        client.open();
        client.send(data(1, true, "x"));
        assertThat(client.read()).containsExactly("GOAWAY 0 PROTOCOL_ERROR");
    }

    @Test
    void dataAfterEndStreamIsAStreamClosedStreamError() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        assertThat(client.send(data(1, false, "x"))).containsExactly(
                "StreamReset[streamId=1, error=STREAM_CLOSED, byPeer=false]");
        assertThat(client.read()).containsExactly("RST_STREAM 1 STREAM_CLOSED");
        assertThat(client.conn.sendHeaders(1, 200, new Headers(), true)).isFalse();
    }

    @Test
    void dataOnAStreamThePeerResetIsAStreamClosedStreamError() {
        client.open();
        client.send(client.headers(1, false, get("/")));
        assertThat(client.send(frame(0x3, 0, 1, "00000008"))).containsExactly(
                "StreamReset[streamId=1, error=CANCEL, byPeer=true]");
        client.send(data(1, false, "x"));
        assertThat(client.read()).containsExactly("RST_STREAM 1 STREAM_CLOSED");
    }

    @Test
    void framesOnAStreamWeResetAreIgnored() {
        client.open();
        client.send(client.headers(1, false, get("/")));
        client.conn.resetStream(1, ErrorCode.CANCEL);
        assertThat(client.send(data(1, false, "x"), client.headers(1, true, "x-late: 1"), frame(0x8, 0, 1, "00000001")))
                .isEmpty();
        assertThat(client.read()).containsExactly("RST_STREAM 1 CANCEL");
    }

    @Test
    void rstStreamOnAnIdleStreamIsAConnectionProtocolError() {
        client.open();
        client.send(frame(0x3, 0, 1, "00000008"));
        assertThat(client.read()).containsExactly("GOAWAY 0 PROTOCOL_ERROR");
    }

    @Test
    void windowUpdateOnAnIdleStreamIsAConnectionProtocolError() {
        client.open();
        client.send(frame(0x8, 0, 1, "00000001"));
        assertThat(client.read()).containsExactly("GOAWAY 0 PROTOCOL_ERROR");
    }

    @Test
    void priorityOnAnIdleStreamIsAccepted() {
        client.open();
        assertThat(client.send(frame(0x2, 0, 3, "00000000 10"), client.headers(1, true, get("/")))).hasSize(1);
        assertThat(client.read()).isEmpty();
    }

    @Test
    void aStreamDependingOnItselfIsAStreamProtocolError() {
        client.open();
        byte[] block = client.block(get("/"));
        client.send(frame(0x1, 0x25, 1, concat(new byte[] {0, 0, 0, 1, 15}, block)));
        assertThat(client.read()).containsExactly("RST_STREAM 1 PROTOCOL_ERROR");
    }

    @Test
    void trailersWithoutEndStreamAreAStreamProtocolError() {
        client.open();
        client.send(client.headers(1, false, get("/")));
        client.send(client.headers(1, false, "x-trailer: 1"));
        assertThat(client.read()).containsExactly("RST_STREAM 1 PROTOCOL_ERROR");
    }

    @Test
    void trailersWithPseudoHeadersAreAStreamProtocolError() {
        client.open();
        client.send(client.headers(1, false, get("/")));
        client.send(client.headers(1, true, ":path: /"));
        assertThat(client.read()).containsExactly("RST_STREAM 1 PROTOCOL_ERROR");
    }

    @Test
    void aStreamErrorFromTheFrameLayerResetsTheStream() {
        client.open();
        client.send(client.headers(1, false, get("/")));
        assertThat(client.send(frame(0x8, 0, 1, "00000000"))).containsExactly(
                "StreamReset[streamId=1, error=PROTOCOL_ERROR, byPeer=false]");
        assertThat(client.read()).containsExactly("RST_STREAM 1 PROTOCOL_ERROR");
    }

    @Test
    void aFrameOverTheMaxFrameSizeIsAConnectionFrameSizeError() {
        client.open();
        client.send(client.headers(1, false, get("/")), data(1, false, 16385));
        assertThat(client.read()).containsExactly("GOAWAY 1 FRAME_SIZE_ERROR");
    }

    @Test
    void aMalformedHeaderBlockIsACompressionError() {
        client.open();
        client.send(frame(0x1, 0x5, 1, "80"));
        assertThat(client.read()).containsExactly("GOAWAY 1 COMPRESSION_ERROR");
    }

    @Test
    void unknownFrameTypesAreIgnored() {
        client.open();
        assertThat(client.send(frame(0xfa, 0, 0, "0102"), client.headers(1, true, get("/")))).hasSize(1);
        assertThat(client.read()).isEmpty();
    }

    // ------------------------------------------------------------- concurrency

    @Test
    void streamsBeyondTheConcurrencyLimitAreRefusedAndTheConnectionGoesOn() {
        TestClient c = new TestClient(Http2Options.defaults().withMaxConcurrentStreams(2)).open();
        assertThat(c.send(c.headers(1, true, get("/")), c.headers(3, true, get("/")), c.headers(5, true, get("/"))))
                .hasSize(2);
        assertThat(c.read()).containsExactly("RST_STREAM 5 REFUSED_STREAM");
        c.conn.sendHeaders(1, 204, new Headers(), true);
        assertThat(c.send(c.headers(7, true, get("/")))).hasSize(1);
    }

    // ------------------------------------------------------------- GOAWAY

    @Test
    void gracefulGoAwayAnnouncesTheLastStreamOnlyAfterAPingRoundTrip() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        client.conn.goAway();
        assertThat(client.read()).containsExactly("GOAWAY 2147483647 NO_ERROR", "PING 676f617761792121");
        // a stream the client sent before it saw the GOAWAY is still served
        assertThat(client.send(client.headers(3, true, get("/")))).hasSize(1);
        assertThat(client.send(frame(0x6, 1, 0, "676f617761792121"))).isEmpty();
        assertThat(client.read()).containsExactly("GOAWAY 3 NO_ERROR");
        assertThat(client.conn.isFinished()).isFalse();
    }

    @Test
    void afterTheFinalGoAwayNewStreamsAreIgnoredAndOpenOnesFinish() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        client.conn.goAway();
        client.send(frame(0x6, 1, 0, "676f617761792121"));
        client.read();
        assertThat(client.send(client.headers(3, false, get("/")), data(3, true, "ignored too"))).isEmpty();
        assertThat(client.read()).isEmpty();
        client.conn.sendHeaders(1, 200, new Headers(), true);
        assertThat(client.read()).containsExactly("HEADERS 1 [:status: 200] END");
        assertThat(client.conn.isFinished()).isTrue();
    }

    @Test
    void reportsThePeersGoAway() {
        client.open();
        assertThat(client.send(frame(0x7, 0, 0, "00000000 00000000 6279 65"))).containsExactly(
                "GoAwayReceived[lastStreamId=0, error=NO_ERROR, debug=bye]");
        assertThat(client.conn.isFinished()).isTrue();
    }

    // ------------------------------------------------------------- responses

    @Test
    void aHeadResponseEndsAtItsHeaders() {
        client.open();
        client.send(client.headers(1, true, ":method: HEAD", ":scheme: https", ":path: /", ":authority: a"));
        assertThat(client.conn.sendHeaders(1, 200, Headers.of("content-length", "10"), false)).isFalse();
        assertThat(client.conn.sendData(1, text("0123456789"), true)).isEqualTo(-1);
        assertThat(client.read()).containsExactly("HEADERS 1 [:status: 200, content-length: 10] END");
    }

    @Test
    void a304ResponseEndsAtItsHeaders() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        assertThat(client.conn.sendHeaders(1, 304, new Headers(), false)).isFalse();
        assertThat(client.read()).containsExactly("HEADERS 1 [:status: 304] END");
    }

    @Test
    void earlyHintsPrecedeTheFinalResponse() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        client.conn.sendHeaders(1, 103, Headers.of("link", "</a.css>; rel=preload"), false);
        client.conn.sendHeaders(1, 200, new Headers(), true);
        assertThat(client.read()).containsExactly(
                "HEADERS 1 [:status: 103, link: </a.css>; rel=preload]",
                "HEADERS 1 [:status: 200] END");
    }

    @Test
    void anInterimResponseCannotEndTheStream() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        assertThatThrownBy(() -> client.conn.sendHeaders(1, 100, new Headers(), true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void responseTrailersEndTheStream() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        client.conn.sendHeaders(1, 200, new Headers(), false);
        client.conn.sendData(1, text("ok"), false);
        assertThat(client.conn.sendTrailers(1, Headers.of("grpc-status", "0"))).isTrue();
        assertThat(client.read()).containsExactly(
                "HEADERS 1 [:status: 200]", "DATA 1 2", "HEADERS 1 [grpc-status: 0] END");
        assertThat(client.conn.openStreams()).isZero();
    }

    @Test
    void responseFieldNamesGoOutLowercaseWithoutConnectionSpecificFields() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        client.conn.sendHeaders(1, 200, Headers.of("X-Custom", "1", "Connection", "close", "Transfer-Encoding", "chunked",
                "Keep-Alive", "5"), true);
        assertThat(client.read()).containsExactly("HEADERS 1 [:status: 200, x-custom: 1] END");
    }

    @Test
    void anInvalidResponseFieldIsRefusedBeforeAnythingIsEncoded() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        assertThatThrownBy(() -> client.conn.sendHeaders(1, 200, Headers.of("x-ok", "1", "x-bad", "a\r\nb"), true))
                .isInstanceOf(IllegalArgumentException.class);
        client.conn.sendHeaders(1, 200, Headers.of("x-ok", "1"), true);
        assertThat(client.read()).containsExactly("HEADERS 1 [:status: 200, x-ok: 1] END");
    }

    @Test
    void aResponseValueBeyondOneOctetPerCharIsRefused() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        assertThatThrownBy(() -> client.conn.sendHeaders(1, 200, Headers.of("x-price", "5 \u20ac"), true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aResponseCompletedBeforeTheRequestEndsStopsTheUploadWithNoError() {
        client.open();
        client.send(client.headers(1, false, ":method: POST", ":scheme: https", ":path: /", ":authority: a"));
        client.conn.sendHeaders(1, 413, new Headers(), true);
        assertThat(client.read()).containsExactly("HEADERS 1 [:status: 413] END", "RST_STREAM 1 NO_ERROR");
        assertThat(client.send(data(1, true, "late"))).isEmpty();
        assertThat(client.read()).isEmpty();
    }

    @Test
    void anApplicationResetSendsRstStream() {
        client.open();
        client.send(client.headers(1, true, get("/")));
        client.conn.sendHeaders(1, 200, new Headers(), false);
        client.conn.resetStream(1, ErrorCode.INTERNAL_ERROR);
        assertThat(client.read()).containsExactly("HEADERS 1 [:status: 200]", "RST_STREAM 1 INTERNAL_ERROR");
        assertThat(client.conn.sendData(1, text("x"), true)).isEqualTo(-1);
    }

    @Test
    void theEncoderFollowsThePeersHeaderTableSize() {
        client.read();
        client.send(TestClient.PREFACE, frame(0x4, 0, 0, "0001 00000000"), settingsAck());
        client.read();
        client.send(client.headers(1, true, get("/")));
        client.conn.sendHeaders(1, 200, Headers.of("x-a", "1"), true);
        assertThat(client.read()).containsExactly("HEADERS 1 [:status: 200, x-a: 1] END");
    }

    @Test
    void eventsAreInputOrder() {
        client.open();
        List<String> events = new ArrayList<>(client.send(client.headers(1, false, get("/")),
                client.headers(3, true, get("/b")), data(1, true, "x")));
        assertThat(events).containsExactly(
                "REQUEST 1 GET https example.com / [host: example.com]",
                "REQUEST 3 GET https example.com /b [host: example.com] END",
                "DATA 1 x END");
    }

    @Test
    void aFieldBlockCutIntoContinuationFramesAtEveryPositionDecodesTheSame() {
        for (int at = 0, length = Integer.MAX_VALUE; at <= length; at++) {
            TestClient c = new TestClient().open();
            byte[] block = c.block(":method: GET", ":scheme: https", ":path: /a/b?c=d", ":authority: example.com",
                    "accept: text/html", "user-agent: test/1.0");
            length = block.length;
            assertThat(c.send(frame(0x1, 0x1, 1, java.util.Arrays.copyOfRange(block, 0, at)),
                    frame(0x9, 0x4, 1, java.util.Arrays.copyOfRange(block, at, block.length))))
                    .as("cut at %d", at)
                    .containsExactly("REQUEST 1 GET https example.com /a/b?c=d "
                            + "[host: example.com, accept: text/html, user-agent: test/1.0] END");
        }
    }
}
