package dev.unicorn.http2;

import static dev.unicorn.http2.TestClient.data;
import static dev.unicorn.http2.TestClient.get;
import static dev.unicorn.http2.frame.Frames.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.http.Headers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The budgets of {@link Http2Options}: each abuse ends the connection with ENHANCE_YOUR_CALM. */
class FloodTest {
    private static TestClient client(int resets, int control, int empty) {
        return new TestClient(Http2Options.defaults().withBudgets(resets, control, empty)).open();
    }

    private static String last(List<String> frames) {
        return frames.get(frames.size() - 1);
    }

    @Test
    void rapidResetEndsTheConnectionWithEnhanceYourCalm() {
        TestClient c = client(10, 100, 100);
        for (int i = 0; i < 10; i++) {
            int id = 1 + 2 * i;
            c.send(c.headers(id, true, get("/")), frame(0x3, 0, id, "00000008"));
        }
        assertThat(c.read()).isEmpty();
        List<String> events = c.send(c.headers(21, true, get("/")), frame(0x3, 0, 21, "00000008"));
        assertThat(last(events)).isEqualTo("ConnectionError[error=ENHANCE_YOUR_CALM, message=too many stream resets (rapid reset)]");
        assertThat(c.read()).containsExactly("GOAWAY 21 ENHANCE_YOUR_CALM");
    }

    @Test
    void streamsThatCompleteEarnResetsBack() {
        TestClient c = client(2, 100, 100);
        int id = 1;
        for (int round = 0; round < 20; round++) {
            c.send(c.headers(id, true, get("/")), frame(0x3, 0, id, "00000008"));
            id += 2;
            c.send(c.headers(id, true, get("/")));
            c.conn.sendHeaders(id, 204, new Headers(), true);
            id += 2;
        }
        assertThat(c.read()).noneMatch(f -> f.startsWith("GOAWAY"));
    }

    @Test
    void resetsTheServerIsMadeToSendCountAsResetsToo() {
        TestClient c = client(3, 100, 100);
        for (int id = 1; id <= 7; id += 2) {
            c.send(c.headers(id, false, get("/")), frame(0x8, 0, id, "00000000")); // each a stream error
        }
        assertThat(last(c.read())).isEqualTo("GOAWAY 7 ENHANCE_YOUR_CALM");
    }

    @Test
    void aPingFloodEndsTheConnectionWithEnhanceYourCalm() {
        TestClient c = client(100, 5, 100);
        for (int i = 0; i < 6; i++) {
            c.send(frame(0x6, 0, 0, "0000000000000000"));
        }
        assertThat(last(c.read())).isEqualTo("GOAWAY 0 ENHANCE_YOUR_CALM");
    }

    @Test
    void aSettingsFloodEndsTheConnectionWithEnhanceYourCalm() {
        TestClient c = client(100, 5, 100); // the opening SETTINGS counted one
        for (int i = 0; i < 5; i++) {
            c.send(frame(0x4, 0, 0, ""));
        }
        assertThat(last(c.read())).isEqualTo("GOAWAY 0 ENHANCE_YOUR_CALM");
    }

    @Test
    void pingsBetweenRealRequestsAreFine() {
        TestClient c = client(100, 3, 100);
        for (int id = 1; id < 40; id += 2) {
            c.send(frame(0x6, 0, 0, "0000000000000000"), c.headers(id, true, get("/")));
        }
        assertThat(c.read()).noneMatch(f -> f.startsWith("GOAWAY"));
    }

    @Test
    void anEmptyDataFloodEndsTheConnectionWithEnhanceYourCalm() {
        TestClient c = client(100, 100, 5);
        c.send(c.headers(1, false, ":method: POST", ":scheme: https", ":path: /", ":authority: a"));
        for (int i = 0; i < 6; i++) {
            c.send(data(1, false, ""));
        }
        assertThat(last(c.read())).isEqualTo("GOAWAY 1 ENHANCE_YOUR_CALM");
    }

    @Test
    void aFloodOfUnknownFramesEndsTheConnectionWithEnhanceYourCalm() {
        TestClient c = client(100, 100, 5);
        for (int i = 0; i < 6; i++) {
            c.send(frame(0xfa, 0, 0, ""));
        }
        assertThat(last(c.read())).isEqualTo("GOAWAY 0 ENHANCE_YOUR_CALM");
    }

    @Test
    void aContinuationFloodEndsTheConnectionWithEnhanceYourCalm() {
        TestClient c = new TestClient().open();
        c.send(frame(0x1, 0, 1, c.block(get("/"))));
        for (int i = 0; i < 33; i++) {
            c.send(frame(0x9, 0, 1, ""));
        }
        assertThat(c.read()).containsExactly("GOAWAY 0 ENHANCE_YOUR_CALM");
    }

    @Test
    void aWindowUpdateFloodEndsTheConnectionWithEnhanceYourCalm() {
        TestClient c = client(100, 100, 5);
        for (int i = 0; i < 6; i++) {
            c.send(frame(0x8, 0, 0, "00000001"));
        }
        assertThat(last(c.read())).isEqualTo("GOAWAY 0 ENHANCE_YOUR_CALM");
    }

    @Test
    void windowUpdatesAnsweringOurDataAreFine() {
        TestClient c = client(100, 100, 5);
        c.send(c.headers(1, true, get("/")));
        c.conn.sendHeaders(1, 200, new Headers(), false);
        for (int i = 0; i < 50; i++) {
            c.conn.sendData(1, java.nio.ByteBuffer.allocate(100), false);
            c.send(frame(0x8, 0, 1, "00000064"), frame(0x8, 0, 0, "00000064"));
        }
        assertThat(c.read()).noneMatch(f -> f.startsWith("GOAWAY"));
    }
}
