package dev.unicorn.bench;

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
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Parses a typical browser GET (about 500 bytes, 12 fields, as Chrome sends it) with
 * {@link Http1Parser}: once on a fresh parser (a new connection) and once on a parser that
 * has served requests before (a keep-alive connection).
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
    static final String CHROME_GET = "GET /products/42?ref=home HTTP/1.1\r\n"
            + "Host: shop.example.com\r\n"
            + "Connection: keep-alive\r\n"
            + "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
            + "sec-ch-ua-mobile: ?0\r\n"
            + "sec-ch-ua-platform: \"Linux\"\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/124.0.0.0 Safari/537.36\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: en-GB,en;q=0.9\r\n"
            + "Cookie: session=7f3c2a9b1d; theme=dark\r\n"
            + "\r\n";

    private ByteBuffer request;
    private ParserOptions options;
    private Http1Parser keepAliveParser;

    @Setup
    public void setUp() {
        request = ByteBuffer.wrap(CHROME_GET.getBytes(StandardCharsets.ISO_8859_1)).asReadOnlyBuffer();
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
