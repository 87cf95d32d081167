package dev.unicorn.http2.hpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HpackDecoderTest {
    private final HpackDecoder decoder = new HpackDecoder(4096, 8192);
    private final List<String> fields = new ArrayList<>();

    private void decode(String hex) throws HpackException {
        decoder.decode(Hex.buffer(hex), (n, v, s) -> fields.add(n + ": " + v));
    }

    private void assertCompressionError(String hex, String message) {
        assertThatThrownBy(() -> decode(hex)).isInstanceOfSatisfying(HpackException.class,
                e -> assertThat(e.headerListTooLarge()).isFalse()).hasMessageContaining(message);
    }

    @Test
    void rejectsIndexZero() {
        assertCompressionError("80", "index 0");
    }

    @Test
    void rejectsAnIndexPastTheDynamicTable() {
        assertCompressionError("be", "index 62"); // empty dynamic table: 62 does not exist
    }

    @Test
    void rejectsALiteralNameIndexPastTheTables() {
        assertCompressionError("7f00 0161", "index 63");
    }

    @Test
    void rejectsASizeUpdateAfterAField() {
        assertCompressionError("82 20", "after a field");
    }

    @Test
    void rejectsASizeUpdateAboveTheAdvertisedLimit() {
        assertCompressionError("3fe2 1f", "exceeds the limit 4096"); // 4097
    }

    @Test
    void acceptsTwoSizeUpdatesAtTheStartOfABlock() throws HpackException {
        decode("20 3f81 1f 82"); // 0, then 4000
        assertThat(fields).containsExactly(":method: GET");
        assertThat(decoder.tableCapacity()).isEqualTo(4000);
    }

    @Test
    void aSizeUpdateEvictsEntries() throws HpackException {
        decode("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");
        assertThat(decoder.tableSize()).isEqualTo(55);
        decode("3f15"); // 36: the 55-octet entry no longer fits
        assertThat(decoder.tableSize()).isZero();
        assertCompressionError("be", "index 62");
    }

    @Test
    void requiresASizeUpdateAfterTheLimitWasLowered() throws HpackException {
        decoder.setMaxTableSize(100);
        assertCompressionError("82", "expected a dynamic table size update");
    }

    @Test
    void acceptsTheRequiredSizeUpdateAfterTheLimitWasLowered() throws HpackException {
        decoder.setMaxTableSize(100);
        decode("3f45 82"); // 100
        assertThat(fields).containsExactly(":method: GET");
    }

    @Test
    void rejectsATruncatedInteger() {
        assertCompressionError("ff", "truncated integer");
    }

    @Test
    void rejectsAnIntegerAboveTwoToThe31() {
        assertCompressionError("ff ffffffff0f", "exceeds 2^31-1");
    }

    @Test
    void rejectsAStringLongerThanTheBlock() {
        assertCompressionError("0003 6162", "exceeds the block");
    }

    @Test
    void rejectsAFieldCutBeforeItsValue() {
        assertCompressionError("0001 61", "truncated field");
    }

    @Test
    void rejectsHuffmanEos() {
        // name "a" literal; value Huffman: EOS (30 ones) padded to 32 bits
        assertCompressionError("0001 61 84 ffffffff", "invalid Huffman");
    }

    @Test
    void rejectsHuffmanPaddingLongerThanSevenBits() {
        // 'a' = 00011 (5 bits), then 11 bits of ones
        assertCompressionError("0001 61 82 1fff", "invalid Huffman");
    }

    @Test
    void rejectsHuffmanPaddingThatIsNotAllOnes() {
        // 'a' = 00011 then padding 000
        assertCompressionError("0001 61 81 18", "invalid Huffman");
    }

    @Test
    void acceptsHuffmanPaddingOfOnes() throws HpackException {
        decode("0001 61 81 1f");
        assertThat(fields).containsExactly("a: a");
    }

    @Test
    void aHeaderListOverTheLimitIsADistinctErrorAndTheTableStaysInStep() {
        HpackDecoder small = new HpackDecoder(4096, 60);
        List<String> seen = new ArrayList<>();
        // custom-key: custom-header (55) indexed, then :method GET (42): 97 > 60
        assertThatThrownBy(() -> small.decode(
                Hex.buffer("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572 82"),
                (n, v, s) -> seen.add(n)))
                .isInstanceOfSatisfying(HpackException.class, e -> assertThat(e.headerListTooLarge()).isTrue());
        assertThat(seen).containsExactly("custom-key");
        assertThat(small.tableSize()).isEqualTo(55);
    }

    @Test
    void anHpackBombRepeatingAHugeEntryStopsAtTheListLimit() throws HpackException {
        HpackDecoder d = new HpackDecoder(4096, 16384);
        // one 4000-octet value indexed, then referenced 1000 times (one byte each)
        HpackEncoder e = new HpackEncoder(4096, false, IndexingPolicy.ALL);
        e.header("x", "v".repeat(4000));
        StringBuilder hex = new StringBuilder(Hex.of(e.finish()));
        hex.append("be".repeat(1000));
        int[] calls = {0};
        assertThatThrownBy(() -> d.decode(Hex.buffer(hex.toString()), (n, v, s) -> calls[0]++))
                .isInstanceOfSatisfying(HpackException.class, ex -> assertThat(ex.headerListTooLarge()).isTrue());
        assertThat(calls[0]).isEqualTo(4); // 4 × 4033 ≤ 16384 < 5 × 4033
    }

    @Test
    void indexedFieldsReuseTheTablesStrings() throws HpackException {
        List<String> values = new ArrayList<>();
        decoder.decode(Hex.buffer("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572 be be"),
                (n, v, s) -> values.add(v));
        assertThat(values.get(1)).isSameAs(values.get(2));
    }

    @Test
    void commonLiteralNamesAreSharedInstances() throws HpackException {
        List<String> names = new ArrayList<>();
        for (boolean huffman : new boolean[] {false, true}) {
            HpackEncoder e = new HpackEncoder(4096, huffman, IndexingPolicy.ALL);
            e.header("sec-fetch-site", "same-origin");
            new HpackDecoder(4096, 8192).decode(e.finish(), (n, v, s) -> names.add(n));
        }
        assertThat(names.get(0)).isEqualTo("sec-fetch-site").isSameAs(names.get(1));
    }
}
