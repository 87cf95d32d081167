package dev.unicorn.http2.hpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HpackEncoderTest {
    private final HpackEncoder encoder = new HpackEncoder();

    @Test
    void authorizationIsNeverIndexedByDefault() {
        encoder.header("authorization", "Bearer abc");
        String hex = Hex.of(encoder.finish());
        assertThat(hex).startsWith("1f08"); // never-indexed, name index 23 (15 + 8)
        assertThat(encoder.tableSize()).isZero();
    }

    @Test
    void shortCookiesAreNeverIndexedButLongOnesAre() {
        encoder.header("cookie", "id=1");
        assertThat(Hex.of(encoder.finish())).startsWith("1f11"); // name index 32
        encoder.header("cookie", "session=0123456789abcdef");
        assertThat(Hex.of(encoder.finish())).startsWith("60"); // incremental, name index 32
        assertThat(encoder.tableSize()).isEqualTo(32 + 6 + 24);
    }

    @Test
    void setCookieIsNeverIndexedByDefault() {
        encoder.header("set-cookie", "a=b; Path=/; HttpOnly; Secure; SameSite=Lax");
        assertThat(Hex.of(encoder.finish())).startsWith("1f28"); // name index 55
    }

    @Test
    void aFieldLargerThanAQuarterOfTheTableIsNotIndexedByDefault() {
        encoder.header("x-big", "v".repeat(1100));
        assertThat(Hex.of(encoder.finish())).startsWith("00");
        assertThat(encoder.tableSize()).isZero();
    }

    @Test
    void aRepeatedFieldIsSentAsOneIndexByte() {
        encoder.header("x-trace", "abc");
        encoder.finish();
        encoder.header("x-trace", "abc");
        assertThat(Hex.of(encoder.finish())).isEqualTo("be");
    }

    @Test
    void aSmallerPeerTableIsAnnouncedAtTheStartOfTheNextBlock() {
        encoder.setPeerMaxTableSize(0);
        encoder.header(":method", "GET");
        assertThat(Hex.of(encoder.finish())).isEqualTo("2082");
    }

    @Test
    void aTableThatShrankAndGrewAnnouncesTheMinimumThenTheFinalSize() {
        encoder.setPeerMaxTableSize(100);
        encoder.setPeerMaxTableSize(2048);
        assertThat(Hex.of(encoder.finish())).isEqualTo("3f45" + "3fe10f");
    }

    @Test
    void theTableNeverGrowsBeyondTheEncodersOwnLimit() {
        HpackEncoder e = new HpackEncoder(1024, true, IndexingPolicy.PROTECT_SENSITIVE);
        e.setPeerMaxTableSize(65536);
        assertThat(Hex.of(e.finish())).isEmpty(); // started at 1024 already: nothing to announce
    }

    @Test
    void everyOctetRoundTripsThroughHuffmanCoding() throws HpackException {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < 256; c++) {
            all.append((char) c);
        }
        HpackEncoder e = new HpackEncoder(4096, true, IndexingPolicy.ALL);
        e.header("x", all.toString());
        e.header("y", "");
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        List<String> values = new ArrayList<>();
        d.decode(e.finish(), (n, v, s) -> values.add(v));
        assertThat(values).containsExactly(all.toString(), "");
    }
}
