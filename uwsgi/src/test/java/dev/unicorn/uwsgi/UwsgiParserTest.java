package dev.unicorn.uwsgi;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http1.Http1Event;
import dev.unicorn.http1.ParserOptions;
import dev.unicorn.http1.ResponseDialect;
import dev.unicorn.net.IpAllowList;
import dev.unicorn.net.IpLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The packet codec: header, vars block, body, the next packet, the end of the stream, and
 * every error with its status. Each input runs whole, byte by byte and cut at every index,
 * and must give the same events.
 */
class UwsgiParserTest {

    private static UwsgiParser parser(UwsgiOptions options) {
        return UwsgiRun.parser(options);
    }

    /** A peer at the IP literal {@code ip}, built without any lookup. */
    private static InetSocketAddress peer(String ip) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(IpLiteral.parse(ip)), 40_000);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    /** The first event a parser allowing {@code allowIps} gives a GET from {@code peer}. */
    private static String firstEvent(String allowIps, SocketAddress peer) {
        UwsgiOptions options = UwsgiOptions.defaults().withAllowIps(IpAllowList.parse(allowIps));
        return UwsgiRun.everySplit(() -> new UwsgiParser(options, peer, "http"), Packet.get("/").bytes()).transcript.getFirst();
    }

    private static UwsgiRun error(byte[] input) {
        UwsgiRun r = UwsgiRun.everySplit(input);
        assertThat(r.error).as("%s", r.transcript).isNotNull();
        return r;
    }

    @Test
    void parsesTheTestVectorOfTheFormatWithItsLittleEndianDatasize() {
        byte[] packet = Packet.of("REQUEST_METHOD", "GET", "PATH_INFO", "/hi", "QUERY_STRING", "a=1", "HTTP_HOST", "ex").bytes();
        assertThat(HexFormat.of().formatHex(packet, 0, 6)).isEqualTo("004700000e00"); // datasize 71 = 0x0047, LE
        UwsgiRun r = UwsgiRun.everySplit(packet);
        assertThat(r.transcript).containsExactly(
                "HEAD GET target=/hi?a=1 path=/hi query=a=1 HTTP/1.1 headers=[host: ex] length=0 scheme=http proxy=null",
                "END []",
                "CLOSED");
    }

    @Test
    void readsADatasizeAboveOneByteAsLittleEndian() {
        // 0x0102 = 258 bytes; read big-endian it would be 513 and the parser would wait for more.
        String filler = "x".repeat(258 - (2 + 14 + 2 + 3) - (2 + 11 + 2 + 1) - (2 + 6 + 2));
        byte[] packet = Packet.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/", "FILLER", filler).bytes();
        assertThat(packet[1]).isEqualTo((byte) 0x02);
        assertThat(packet[2]).isEqualTo((byte) 0x01);
        assertThat(UwsgiRun.everySplit(packet).head().target()).isEqualTo("/");
    }

    @Test
    void streamsTheBodyOfContentLengthBytesAsBodyEvents() {
        byte[] packet = Packet.of("REQUEST_METHOD", "POST", "REQUEST_URI", "/echo").body("hello world").bytes();
        UwsgiRun r = UwsgiRun.everySplit(packet);
        assertThat(r.only().body()).isEqualTo("hello world");
        assertThat(r.head().contentLength()).isEqualTo(11);
        assertThat(r.transcript).containsExactly(
                "HEAD POST target=/echo path=/echo query= HTTP/1.1 headers=[content-length: 11] length=11 scheme=http proxy=null",
                "BODY hello world",
                "END []",
                "CLOSED");
    }

    @Test
    void handsOutTheBodyInPiecesAsItArrivesWithoutBufferingItWhole() throws Exception {
        UwsgiParser p = UwsgiRun.parser();
        byte[] packet = Packet.of("REQUEST_METHOD", "PUT", "REQUEST_URI", "/f").body("a".repeat(100_000)).bytes();
        int headEnd = packet.length - 100_000;
        p.receive(ByteBuffer.wrap(packet, 0, headEnd + 10));
        assertThat(p.next()).isInstanceOf(Http1Event.RequestHead.class);
        assertThat(((Http1Event.Body) p.next()).data().remaining()).isEqualTo(10);
        assertThat(p.next()).isSameAs(Http1Event.NEED_DATA);
        assertThat(p.suggestedReadSize()).isEqualTo(16 * 1024);
        long total = 10;
        int at = headEnd + 10;
        while (total < 100_000) {
            int n = Math.min(p.suggestedReadSize(), packet.length - at);
            p.receive(ByteBuffer.wrap(packet, at, n));
            at += n;
            Http1Event e;
            while ((e = p.next()) instanceof Http1Event.Body b) {
                total += b.data().remaining();
            }
            assertThat(p.bufferCapacity()).isLessThanOrEqualTo(32 * 1024);
            if (total < 100_000) {
                assertThat(e).isSameAs(Http1Event.NEED_DATA);
            } else {
                assertThat(e).isInstanceOf(Http1Event.EndOfMessage.class);
            }
        }
    }

    @Test
    void servesTheNextPacketOnTheSameConnection() {
        byte[] input = Packet.concat(
                Packet.of("REQUEST_METHOD", "POST", "REQUEST_URI", "/a").body("12345").bytes(),
                Packet.get("/b").bytes());
        UwsgiRun r = UwsgiRun.everySplit(input);
        assertThat(r.exchanges).hasSize(2);
        assertThat(r.exchanges.get(0).body()).isEqualTo("12345");
        assertThat(r.exchanges.get(1).head.target()).isEqualTo("/b");
        assertThat(r.closed).isTrue();
    }

    @Test
    void keepsTheNextPacketBufferedUntilTheCurrentRequestEnds() throws Exception {
        UwsgiParser p = UwsgiRun.parser();
        p.receive(ByteBuffer.wrap(Packet.concat(Packet.get("/a").bytes(), Packet.get("/b").bytes())));
        assertThat(((Http1Event.RequestHead) p.next()).target()).isEqualTo("/a");
        assertThat(p.next()).isInstanceOf(Http1Event.EndOfMessage.class);
        assertThat(p.hasBufferedData()).isTrue();
        assertThat(((Http1Event.RequestHead) p.next()).target()).isEqualTo("/b");
        assertThat(p.next()).isInstanceOf(Http1Event.EndOfMessage.class);
        assertThat(p.hasBufferedData()).isFalse();
        assertThat(p.next()).isSameAs(Http1Event.NEED_DATA);
    }

    @Test
    void reportsACleanCloseOnEofBeforeAnyPacket() throws Exception {
        UwsgiParser p = UwsgiRun.parser();
        p.receiveEof();
        assertThat(p.next()).isSameAs(Http1Event.ConnectionClosed.INSTANCE);
    }

    @Test
    void reportsACleanCloseOnEofAtAPacketBoundaryAfterARequest() {
        // gunicorn's gthread worker answers this with a spurious 500 and an ERROR log.
        UwsgiRun r = UwsgiRun.everySplit(Packet.get("/").bytes());
        assertThat(r.transcript).endsWith("END []", "CLOSED");
        assertThat(r.error).isNull();
    }

    @Test
    void closesWithoutAnAnswerOnEofInsideThePacketHeader() {
        UwsgiRun r = UwsgiRun.whole(new byte[] {0, 10});
        assertThat(r.error.status()).isZero();
        assertThat(r.error.getMessage()).isEqualTo("connection closed inside a uWSGI packet head");
    }

    @Test
    void closesWithoutAnAnswerOnEofInsideTheVarsBlock() {
        byte[] packet = Packet.get("/").bytes();
        UwsgiRun r = UwsgiRun.whole(java.util.Arrays.copyOf(packet, packet.length - 1));
        assertThat(r.error.status()).isZero();
    }

    @Test
    void answers400OnEofInsideTheBody() {
        byte[] packet = Packet.of("REQUEST_METHOD", "POST", "REQUEST_URI", "/").body("abcdef").bytes();
        UwsgiRun r = UwsgiRun.everySplit(java.util.Arrays.copyOf(packet, packet.length - 2));
        assertThat(r.transcript).endsWith("BODY abcd", "ERROR 400 connection closed inside the request body");
    }

    @Test
    void rejectsEveryModifier1ButZeroWith501AsSoonAsItsByteArrives() throws Exception {
        for (int m : new int[] {1, 5, 30, 111, 255}) {
            UwsgiParser p = UwsgiRun.parser();
            p.receive(ByteBuffer.wrap(new byte[] {(byte) m}));
            assertThatThrownBy(p::next).isInstanceOfSatisfying(BadRequestException.class, e -> {
                assertThat(e.status()).isEqualTo(501);
                assertThat(e.getMessage()).isEqualTo("unsupported uWSGI modifier1 " + m);
            });
        }
    }

    @Test
    void hintsAtHttpWhenModifier1IsAnUppercaseLetter() throws Exception {
        UwsgiParser p = UwsgiRun.parser();
        p.receive(ByteBuffer.wrap(new byte[] {72})); // uWSGI's chunked-input modifier, and 'H'
        assertThatThrownBy(p::next).isInstanceOfSatisfying(BadRequestException.class, e -> {
            assertThat(e.status()).isEqualTo(501);
            assertThat(e.getMessage()).isEqualTo("unsupported uWSGI modifier1 72 (HTTP sent to a uWSGI listener?)");
        });
    }

    @Test
    void saysSoWhenHttpIsSentToAUwsgiListener() {
        UwsgiRun r = error(Packet.latin1("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertThat(r.error.status()).isEqualTo(501);
        assertThat(r.error.getMessage()).isEqualTo("unsupported uWSGI modifier1 71 (HTTP sent to a uWSGI listener?)");
    }

    @Test
    void ignoresModifier2() {
        assertThat(UwsgiRun.everySplit(Packet.get("/").modifier2(7).bytes()).head().target()).isEqualTo("/");
    }

    @Test
    void answersAPeerOutsideTheAllowListWith403BeforeReadingItsPacket() {
        byte[] notEvenUwsgi = Packet.get("/").modifier1(5).bytes();
        UwsgiRun r = UwsgiRun.everySplit(() -> new UwsgiParser(UwsgiOptions.defaults(), peer("192.0.2.7"), "http"), notEvenUwsgi);
        assertThat(r.transcript).containsExactly("ERROR 403 uWSGI request from a peer not in uwsgiAllowIps");
    }

    @Test
    void closesCleanlyWhenAPeerOutsideTheAllowListSendsNothing() throws Exception {
        UwsgiParser p = new UwsgiParser(UwsgiOptions.defaults(), peer("192.0.2.7"), "http");
        assertThat(p.next()).isSameAs(Http1Event.NEED_DATA);
        p.receiveEof();
        assertThat(p.next()).isSameAs(Http1Event.ConnectionClosed.INSTANCE);
    }

    @Test
    void admitsAPeerInsideACidrNetworkOfTheAllowList() {
        // gunicorn compares strings: 127.0.0.0/8 never matches 127.0.0.2 there.
        assertThat(firstEvent("127.0.0.0/8", peer("127.0.0.2"))).startsWith("HEAD GET target=/ ");
        assertThat(firstEvent("10.0.0.0/8,fd00::/8", peer("fd00::1:2"))).startsWith("HEAD GET target=/ ");
        assertThat(firstEvent("127.0.0.0/8", peer("128.0.0.1"))).isEqualTo("ERROR 403 uWSGI request from a peer not in uwsgiAllowIps");
    }

    @Test
    void admitsAnIpv4MappedPeerWhenItsIpv4AddressIsListed() {
        assertThat(firstEvent("127.0.0.1", peer("::ffff:127.0.0.1"))).startsWith("HEAD GET target=/ ");
    }

    @Test
    void admitsAUnixSocketPeerWhateverTheAllowList() {
        assertThat(firstEvent("192.0.2.1", UnixDomainSocketAddress.of("/run/app.sock"))).startsWith("HEAD GET target=/ ");
    }

    @Test
    void admitsEveryPeerWithAStar() {
        assertThat(firstEvent("*", peer("203.0.113.9"))).startsWith("HEAD GET target=/ ");
    }

    @Test
    void admitsOnlyLoopbackPeersByDefault() {
        assertThat(firstEvent(UwsgiOptions.DEFAULT_ALLOW_IPS, peer("::1"))).startsWith("HEAD GET target=/ ");
        assertThat(firstEvent(UwsgiOptions.DEFAULT_ALLOW_IPS, peer("10.1.2.3")))
                .isEqualTo("ERROR 403 uWSGI request from a peer not in uwsgiAllowIps");
    }

    @Test
    void rejectsAKeySizeCrossingTheEndOfTheBlock() {
        byte[] block = Packet.concat(Packet.get("/").block(), new byte[] {3});
        UwsgiRun r = error(withBlock(block));
        assertThat(r.transcript).containsExactly("ERROR 400 invalid uWSGI packet: truncated key size");
    }

    @Test
    void rejectsAKeyCrossingTheEndOfTheBlock() {
        byte[] block = Packet.concat(Packet.get("/").block(), new byte[] {5, 0, 'A', 'B'});
        assertThat(error(withBlock(block)).transcript).containsExactly("ERROR 400 invalid uWSGI packet: truncated key");
    }

    @Test
    void rejectsAValueSizeCrossingTheEndOfTheBlock() {
        byte[] block = Packet.concat(Packet.get("/").block(), new byte[] {2, 0, 'A', 'B', 1});
        assertThat(error(withBlock(block)).transcript).containsExactly("ERROR 400 invalid uWSGI packet: truncated value size");
    }

    @Test
    void rejectsAValueCrossingTheEndOfTheBlock() {
        byte[] block = Packet.concat(Packet.get("/").block(), new byte[] {2, 0, 'A', 'B', 9, 0, 'x'});
        assertThat(error(withBlock(block)).transcript).containsExactly("ERROR 400 invalid uWSGI packet: truncated value");
    }

    @Test
    void rejectsAVariableWithAnEmptyName() {
        byte[] block = Packet.concat(Packet.get("/").block(), new byte[] {0, 0, 1, 0, 'x'});
        assertThat(error(withBlock(block)).transcript).containsExactly("ERROR 400 invalid uWSGI packet: empty variable name");
    }

    @Test
    void rejectsADatasizeLongerThanTheVarsWithTheBodyAsTruncatedVars() {
        // A datasize two bytes too long swallows the start of the body into the block: "ab" reads
        // as a key size of 0x6261.
        Packet p = Packet.of("REQUEST_METHOD", "POST", "REQUEST_URI", "/").body("ab");
        p.datasize(p.block().length + 2);
        assertThat(error(p.bytes()).transcript).containsExactly("ERROR 400 invalid uWSGI packet: truncated key");
    }

    @Test
    void acceptsExactlyUwsgiMaxVarsVariables() {
        UwsgiOptions three = UwsgiOptions.defaults().withMaxVars(3);
        byte[] packet = Packet.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/", "X", "1").bytes();
        assertThat(UwsgiRun.everySplit(() -> parser(three), packet).head().target()).isEqualTo("/");
    }

    @Test
    void rejectsMoreThanUwsgiMaxVarsVariablesWith431() {
        UwsgiOptions three = UwsgiOptions.defaults().withMaxVars(3);
        byte[] packet = Packet.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/", "X", "1", "Y", "2").bytes();
        assertThat(UwsgiRun.everySplit(() -> parser(three), packet).transcript)
                .containsExactly("ERROR 431 uWSGI packet with more than uwsgiMaxVars (3) variables");
    }

    @Test
    void rejectsAVarsBlockOverUwsgiMaxVarsSizeWith431AsSoonAsTheHeaderArrives() throws Exception {
        UwsgiParser p = parser(UwsgiOptions.defaults().withMaxVarsSize(1024));
        p.receive(ByteBuffer.wrap(new byte[] {0, 0x01, 0x04, 0})); // 1025
        assertThatThrownBy(p::next).isInstanceOfSatisfying(BadRequestException.class, e -> {
            assertThat(e.status()).isEqualTo(431);
            assertThat(e.getMessage()).isEqualTo("uWSGI vars block of 1025 bytes over uwsgiMaxVarsSize (1024)");
        });
    }

    @Test
    void acceptsTheLargestVarsBlockTheFormatCanExpress() {
        Packet base = Packet.get("/big");
        int filler = 65535 - base.block().length - (2 + 6 + 2);
        byte[] packet = base.var("FILLER", "f".repeat(filler)).bytes();
        assertThat(packet[1]).isEqualTo((byte) 0xff);
        assertThat(packet[2]).isEqualTo((byte) 0xff);
        UwsgiRun r = UwsgiRun.whole(packet);
        assertThat(r.head().target()).isEqualTo("/big");
        assertThat(UwsgiRun.byteByByte(UwsgiRun.parser(), packet).transcript).isEqualTo(r.transcript);
    }

    @Test
    void asksForTheRestOfThePacketHeadOnceItsSizeIsKnown() throws Exception {
        UwsgiParser p = UwsgiRun.parser();
        byte[] packet = Packet.get("/").var("PAD", "p".repeat(5000)).bytes();
        assertThat(p.suggestedReadSize()).isEqualTo(1024);
        p.receive(ByteBuffer.wrap(packet, 0, 100));
        assertThat(p.next()).isSameAs(Http1Event.NEED_DATA);
        assertThat(p.suggestedReadSize()).isEqualTo(packet.length - 100);
    }

    @Test
    void readsIntoItsOwnBufferWithoutACopy() throws Exception {
        UwsgiParser p = UwsgiRun.parser();
        byte[] packet = Packet.get("/direct").bytes();
        ByteBuffer room = p.receiveBuffer(packet.length);
        assertThat(room.remaining()).isGreaterThanOrEqualTo(packet.length);
        room.put(packet);
        p.received(packet.length);
        assertThat(((Http1Event.RequestHead) p.next()).target()).isEqualTo("/direct");
    }

    @Test
    void releasesABufferGrownForALargePacketOnceItIsDone() throws Exception {
        UwsgiParser p = UwsgiRun.parser();
        p.receive(ByteBuffer.wrap(Packet.get("/").var("PAD", "p".repeat(20_000)).bytes()));
        assertThat(p.next()).isInstanceOf(Http1Event.RequestHead.class);
        assertThat(p.bufferCapacity()).isGreaterThan(20_000);
        assertThat(p.next()).isInstanceOf(Http1Event.EndOfMessage.class);
        assertThat(p.bufferCapacity()).isZero();
    }

    @Test
    void refusesToGoOnAfterAnError() throws Exception {
        UwsgiParser p = UwsgiRun.parser();
        p.receive(ByteBuffer.wrap(new byte[] {9}));
        assertThatThrownBy(p::next).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(p::next).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesBytesAfterTheEndOfTheStream() {
        UwsgiParser p = UwsgiRun.parser();
        p.receiveEof();
        assertThatThrownBy(() -> p.receive(ByteBuffer.wrap(new byte[] {0}))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void appliesLimitRequestBodyToContentLengthBeforeTheBodyArrives() {
        UwsgiOptions small = UwsgiOptions.defaults().withHttp(ParserOptions.defaults().withLimitRequestBody(10));
        byte[] packet = Packet.of("REQUEST_METHOD", "POST", "REQUEST_URI", "/", "CONTENT_LENGTH", "11").bytes();
        assertThat(UwsgiRun.everySplit(() -> parser(small), packet).transcript)
                .containsExactly("ERROR 413 CONTENT_LENGTH 11 over limitRequestBody");
    }

    @Test
    void refusesLimitsOutsideTheirRange() {
        UwsgiOptions d = UwsgiOptions.defaults();
        assertThatThrownBy(() -> d.withMaxVars(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxVars must be at least 1: 0");
        assertThatThrownBy(() -> d.withMaxVarsSize(65536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxVarsSize must be 1 to 65535: 65536");
        assertThatThrownBy(() -> d.withMaxVarsSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tellsTheConnectionThatResponsesMayNeitherBeChunkedNorInterim() {
        assertThat(UwsgiRun.parser().responseDialect()).isEqualTo(ResponseDialect.CLOSE_DELIMITED);
    }

    /** A packet whose vars block is {@code block}, with its exact size. */
    private static byte[] withBlock(byte[] block) {
        return Packet.concat(new byte[] {0, (byte) block.length, (byte) (block.length >>> 8), 0}, block);
    }
}
