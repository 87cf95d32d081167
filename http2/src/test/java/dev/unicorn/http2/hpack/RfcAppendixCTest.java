package dev.unicorn.http2.hpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every example of RFC 7541 Appendix C, decoded and encoded byte for byte, with the dynamic
 * table size after each block.
 */
class RfcAppendixCTest {
    record Block(String hex, List<String> fields, int tableSize) {
    }

    static Block block(String hex, int tableSize, String... fields) {
        return new Block(hex, List.of(fields), tableSize);
    }

    private static List<String> decode(HpackDecoder d, String hex) throws HpackException {
        List<String> out = new ArrayList<>();
        d.decode(Hex.buffer(hex), (n, v, s) -> out.add(n + ": " + v));
        return out;
    }

    private static void checkSequence(int tableSize, boolean huffman, Block... blocks) throws HpackException {
        HpackDecoder decoder = new HpackDecoder(tableSize, 1 << 20);
        HpackEncoder encoder = new HpackEncoder(tableSize, huffman, IndexingPolicy.ALL);
        for (Block b : blocks) {
            assertThat(decode(decoder, b.hex)).containsExactlyElementsOf(b.fields);
            assertThat(decoder.tableSize()).isEqualTo(b.tableSize);
            for (String f : b.fields) {
                int colon = f.indexOf(": ", 1);
                encoder.header(f.substring(0, colon), f.substring(colon + 2));
            }
            assertThat(Hex.of(encoder.finish())).isEqualTo(b.hex.replace(" ", ""));
            assertThat(encoder.tableSize()).isEqualTo(b.tableSize);
        }
    }

    @Test
    void c21LiteralWithIndexingIsDecodedAndEncodedAndAddedToTheTable() throws HpackException {
        checkSequence(4096, false, block("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572", 55,
                "custom-key: custom-header"));
    }

    @Test
    void c22LiteralWithoutIndexingLeavesTheTableEmpty() throws HpackException {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertThat(decode(d, "040c 2f73 616d 706c 652f 7061 7468")).containsExactly(":path: /sample/path");
        assertThat(d.tableSize()).isZero();
    }

    @Test
    void c23NeverIndexedLiteralIsReportedSensitiveAndEncodedAsNeverIndexed() throws HpackException {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        List<Boolean> sensitive = new ArrayList<>();
        d.decode(Hex.buffer("1008 7061 7373 776f 7264 0673 6563 7265 74"), (n, v, s) -> sensitive.add(s));
        assertThat(sensitive).containsExactly(true);
        assertThat(d.tableSize()).isZero();
        HpackEncoder e = new HpackEncoder(4096, false, IndexingPolicy.ALL);
        e.header("password", "secret", true);
        assertThat(Hex.of(e.finish())).isEqualTo("100870617373776f726406736563726574");
    }

    @Test
    void c24IndexedFieldIsTakenFromTheStaticTable() throws HpackException {
        checkSequence(4096, false, block("82", 0, ":method: GET"));
    }

    @Test
    void c3RequestsWithoutHuffman() throws HpackException {
        checkSequence(4096, false,
                block("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", 57,
                        ":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"),
                block("8286 84be 5808 6e6f 2d63 6163 6865", 110,
                        ":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com",
                        "cache-control: no-cache"),
                block("8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65", 164,
                        ":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com",
                        "custom-key: custom-value"));
    }

    @Test
    void c4RequestsWithHuffman() throws HpackException {
        checkSequence(4096, true,
                block("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", 57,
                        ":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"),
                block("8286 84be 5886 a8eb 1064 9cbf", 110,
                        ":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com",
                        "cache-control: no-cache"),
                block("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf", 164,
                        ":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com",
                        "custom-key: custom-value"));
    }

    @Test
    void c5ResponsesWithoutHuffmanEvictInATableOf256() throws HpackException {
        checkSequence(256, false,
                block("4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a"
                        + "3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", 222,
                        ":status: 302", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                        "location: https://www.example.com"),
                block("4803 3330 37c1 c0bf", 222,
                        ":status: 307", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                        "location: https://www.example.com"),
                block("88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0"
                        + "5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851"
                        + "5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31", 215,
                        ":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT",
                        "location: https://www.example.com", "content-encoding: gzip",
                        "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"));
    }

    @Test
    void c6ResponsesWithHuffmanEvictInATableOf256() throws HpackException {
        checkSequence(256, true,
                block("4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e"
                        + "919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3", 222,
                        ":status: 302", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                        "location: https://www.example.com"),
                block("4883 640e ffc1 c0bf", 222,
                        ":status: 307", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                        "location: https://www.example.com"),
                block("88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7"
                        + "821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0"
                        + "03ed 4ee5 b106 3d50 07", 215,
                        ":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT",
                        "location: https://www.example.com", "content-encoding: gzip",
                        "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"));
    }

    @Test
    void c1IntegersBeyondTheirPrefixUseContinuationBytes() throws HpackException {
        // C.1.2: 1337 with a 5-bit prefix is 1f 9a 0a; here as a 7-bit string length 1337 = 7f ba 09
        String value = "x".repeat(1337);
        HpackEncoder e = new HpackEncoder(4096, false, IndexingPolicy.PROTECT_SENSITIVE);
        e.header("custom", value);
        String hex = Hex.of(e.finish());
        assertThat(hex).startsWith("0006637573746f6d" + "7fba09");
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertThat(decode(d, hex)).containsExactly("custom: " + value);
    }
}
