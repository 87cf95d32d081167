package dev.unicorn.bench.codec;

import dev.unicorn.http.Headers;
import dev.unicorn.http2.frame.Frame;
import dev.unicorn.http2.frame.FrameParser;
import dev.unicorn.http2.frame.FrameWriter;
import dev.unicorn.http2.hpack.HpackDecoder;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.http2.frames.WindowUpdateFrame;
import org.eclipse.jetty.http2.parser.Parser;
import org.eclipse.jetty.io.ArrayByteBufferPool;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Frame parsing of one client exchange as it repeats on a connection: a connection
 * WINDOW_UPDATE, a HEADERS with the browser request block, four 4 KiB DATA frames, a PING and a
 * stream WINDOW_UPDATE (about 16.6 KB), by Unicorn's {@link FrameParser} plus
 * {@link HpackDecoder} and by Jetty's {@link Parser} (which decodes HPACK itself). Both
 * parsers are reused, as on a connection. SETTINGS is left out: Jetty's parser rightly treats
 * a SETTINGS frame per exchange as a flood.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar FrameParse -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameParseBenchmark {
    private ByteBuffer input;
    private FrameParser unicornParser;
    private HpackDecoder unicornHpack;
    private Parser jettyParser;
    private Blackhole sink;

    @Setup
    public void setUp(Blackhole bh) {
        sink = bh;
        FrameWriter w = new FrameWriter(32768);
        w.windowUpdate(0, 15663105);
        w.headers(1, HpackInputs.firstBlock(HpackInputs.REQUEST), false, 16384);
        for (int i = 0; i < 4; i++) {
            w.data(1, ByteBuffer.allocate(4096), i == 3);
        }
        w.ping(false, 42);
        w.windowUpdate(1, 65536);
        ByteBuffer pending = w.pending();
        input = ByteBuffer.allocate(pending.remaining());
        input.put(pending).flip();
        unicornParser = new FrameParser(16384, 131072, 32);
        unicornHpack = new HpackDecoder(4096, 65536);
        jettyParser = new Parser(new ArrayByteBufferPool(), 65536);
        jettyParser.init(new Parser.Listener() {
            @Override
            public void onData(DataFrame frame) {
                sink.consume(frame);
            }

            @Override
            public void onHeaders(HeadersFrame frame) {
                sink.consume(frame);
            }

            @Override
            public void onPing(PingFrame frame) {
                sink.consume(frame);
            }

            @Override
            public void onWindowUpdate(WindowUpdateFrame frame) {
                sink.consume(frame);
            }

            @Override
            public void onConnectionFailure(int error, String reason) {
                throw new IllegalStateException(reason);
            }
        });
    }

    @Benchmark
    public void unicorn(Blackhole bh) throws Exception {
        ByteBuffer in = input.duplicate();
        for (Frame f; (f = unicornParser.parse(in)) != null; ) {
            if (f instanceof Frame.Headers h) {
                Headers fields = new Headers(24);
                unicornHpack.decode(h.block(), (n, v, s) -> fields.add(n, v));
                bh.consume(fields);
            } else {
                bh.consume(f);
            }
        }
    }

    @Benchmark
    public void jetty() {
        jettyParser.parse(input.duplicate());
    }
}
