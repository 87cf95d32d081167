package dev.unicorn.bench.codec;

import dev.unicorn.http.Headers;
import dev.unicorn.http2.hpack.HpackDecoder;
import dev.unicorn.http2.hpack.HpackException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * HPACK decoding of the same blocks by Unicorn's {@link HpackDecoder} (fields collected into a
 * core {@link Headers}, as the connection does) and Jetty's
 * {@link org.eclipse.jetty.http2.hpack.HpackDecoder} (which builds its {@code MetaData}).
 * "first" is a connection's first block (literals, Huffman, a fresh decoder per operation);
 * "repeat" is the same fields again on a warm connection (table indices only).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar HpackDecode -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HpackDecodeBenchmark {
    private ByteBuffer firstRequest;
    private ByteBuffer repeatRequest;
    private ByteBuffer firstResponse;
    private HpackDecoder warmUnicorn;
    private org.eclipse.jetty.http2.hpack.HpackDecoder warmJetty;

    @Setup
    public void setUp() throws Exception {
        firstRequest = HpackInputs.firstBlock(HpackInputs.REQUEST);
        repeatRequest = HpackInputs.repeatBlock(HpackInputs.REQUEST);
        firstResponse = HpackInputs.firstBlock(HpackInputs.RESPONSE);
        warmUnicorn = new HpackDecoder(4096, 65536);
        warmUnicorn.decode(firstRequest.duplicate(), (n, v, s) -> { });
        warmJetty = jettyDecoder();
        warmJetty.decode(firstRequest.duplicate());
    }

    private static org.eclipse.jetty.http2.hpack.HpackDecoder jettyDecoder() {
        return new org.eclipse.jetty.http2.hpack.HpackDecoder(65536, () -> 0L);
    }

    private static Headers unicorn(HpackDecoder d, ByteBuffer block) throws HpackException {
        Headers h = new Headers(24);
        d.decode(block.duplicate(), (n, v, s) -> h.add(n, v));
        return h;
    }

    @Benchmark
    public Headers unicornFirstRequest() throws HpackException {
        return unicorn(new HpackDecoder(4096, 65536), firstRequest);
    }

    @Benchmark
    public Object jettyFirstRequest() throws Exception {
        return jettyDecoder().decode(firstRequest.duplicate());
    }

    @Benchmark
    public Headers unicornRepeatRequest() throws HpackException {
        return unicorn(warmUnicorn, repeatRequest);
    }

    @Benchmark
    public Object jettyRepeatRequest() throws Exception {
        return warmJetty.decode(repeatRequest.duplicate());
    }

    @Benchmark
    public Headers unicornFirstResponse() throws HpackException {
        return unicorn(new HpackDecoder(4096, 65536), firstResponse);
    }

    @Benchmark
    public Object jettyFirstResponse() throws Exception {
        return jettyDecoder().decode(firstResponse.duplicate());
    }
}
