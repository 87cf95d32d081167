package dev.unicorn.bench.codec;

import dev.unicorn.http2.hpack.HpackEncoder;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.MetaData;
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
 * HPACK encoding of the same fields by Unicorn's {@link HpackEncoder} (default policy:
 * Huffman when no longer, sensitive fields never indexed) and Jetty's
 * {@link org.eclipse.jetty.http2.hpack.HpackEncoder} (from its prebuilt {@code MetaData}).
 * "first" uses a fresh encoder per operation (a connection's first block); "repeat" a warm one.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar HpackEncode -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HpackEncodeBenchmark {
    private MetaData.Request jettyRequest;
    private MetaData.Response jettyResponse;
    private final ByteBuffer jettyOut = ByteBuffer.allocate(8192);
    private HpackEncoder warmUnicorn;
    private org.eclipse.jetty.http2.hpack.HpackEncoder warmJetty;

    @Setup
    public void setUp() throws Exception {
        jettyRequest = HpackInputs.jettyRequest();
        jettyResponse = HpackInputs.jettyResponse();
        warmUnicorn = new HpackEncoder();
        unicorn(warmUnicorn, HpackInputs.RESPONSE);
        warmJetty = new org.eclipse.jetty.http2.hpack.HpackEncoder();
        jetty(warmJetty, jettyResponse);
    }

    private static ByteBuffer unicorn(HpackEncoder e, String[] fields) {
        for (int i = 0; i < fields.length; i += 2) {
            e.header(fields[i], fields[i + 1]);
        }
        return e.finish();
    }

    private ByteBuffer jetty(org.eclipse.jetty.http2.hpack.HpackEncoder e, MetaData m) throws Exception {
        jettyOut.clear();
        e.encode(jettyOut, m);
        return jettyOut;
    }

    @Benchmark
    public ByteBuffer unicornFirstRequest() {
        return unicorn(new HpackEncoder(), HpackInputs.REQUEST);
    }

    @Benchmark
    public ByteBuffer jettyFirstRequest() throws Exception {
        return jetty(new org.eclipse.jetty.http2.hpack.HpackEncoder(), jettyRequest);
    }

    @Benchmark
    public ByteBuffer unicornFirstResponse() {
        return unicorn(new HpackEncoder(), HpackInputs.RESPONSE);
    }

    @Benchmark
    public ByteBuffer jettyFirstResponse() throws Exception {
        return jetty(new org.eclipse.jetty.http2.hpack.HpackEncoder(), jettyResponse);
    }

    @Benchmark
    public ByteBuffer unicornRepeatResponse() {
        return unicorn(warmUnicorn, HpackInputs.RESPONSE);
    }

    @Benchmark
    public ByteBuffer jettyRepeatResponse() throws Exception {
        return jetty(warmJetty, jettyResponse);
    }
}
