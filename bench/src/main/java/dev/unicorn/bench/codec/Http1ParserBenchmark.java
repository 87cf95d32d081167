package dev.unicorn.bench.codec;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http1.Http1Event;
import dev.unicorn.http1.Http1Parser;
import dev.unicorn.http1.ParserOptions;
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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Parses a typical browser GET ({@link Inputs#CHROME_GET}: about 570 bytes, 11 fields) with
 * {@link Http1Parser}: once on a fresh parser (a new connection) and once on a parser that
 * has served requests before (a keep-alive connection). The comparison with Jetty is in
 * {@link RequestParseBenchmark}.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar Http1Parser -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Http1ParserBenchmark {
    private ByteBuffer request;
    private ParserOptions options;
    private Http1Parser keepAliveParser;

    @Setup
    public void setUp() {
        request = Inputs.CHROME_GET.buffer();
        options = ParserOptions.defaults();
        keepAliveParser = new Http1Parser(options, false, false, "http");
    }

    /** A new connection: a new parser, one request. */
    @Benchmark
    public void freshParser(Blackhole bh) throws BadRequestException {
        parseOne(new Http1Parser(options, false, false, "http"), bh);
    }

    /** The next request on a kept-alive connection: the parser and its buffer are reused. */
    @Benchmark
    public void keepAliveParser(Blackhole bh) throws BadRequestException {
        parseOne(keepAliveParser, bh);
    }

    private void parseOne(Http1Parser parser, Blackhole bh) throws BadRequestException {
        parser.receive(request.duplicate());
        while (true) {
            Http1Event e = parser.next();
            if (e instanceof Http1Event.EndOfMessage) {
                return;
            }
            if (e == Http1Event.NEED_DATA) {
                throw new IllegalStateException("incomplete request");
            }
            bh.consume(e);
        }
    }
}
