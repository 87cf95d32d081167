package dev.unicorn.http1;

import dev.unicorn.bench.codec.Inputs;
import dev.unicorn.http.Headers;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpGenerator;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.util.BufferUtil;
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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Encodes the head of a {@code 200} with Server, Date, Content-Type, three application fields
 * and Content-Length ({@link Inputs#RESPONSE_HEAD}): with Unicorn's
 * {@link ResponseBuffers.HeadWriter} in the order {@code Http1Response.commit} writes, and with
 * Jetty 12's {@link HttpGenerator#generateResponse}. The setup checks that both write the same
 * bytes.
 *
 * <p>Both variants start from ready values, as their servers hold them: Server and Date as
 * pre-encoded bytes (Unicorn's {@code serverHeaderLine} and date cache, Jetty's
 * {@link PreEncodedHttpField}s), the application's fields as name/value Strings, the content
 * length as a number. {@link #unicornChecked} adds the field validation {@code commit} runs on
 * application fields; Jetty's generator sanitises values while it writes them.
 *
 * <p>Lives in {@code dev.unicorn.http1} because the head writer is package-private.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ResponseHeadBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResponseHeadBenchmark {
    private final ResponseBuffers buffers = new ResponseBuffers(new dev.unicorn.server.BufferPool(16 * 1024, 1));
    private final byte[] serverLine = ("Server: " + Inputs.SERVER + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    private final byte[] date = Inputs.DATE.getBytes(StandardCharsets.ISO_8859_1);
    private final Headers appFields = new Headers();

    private final HttpGenerator generator = new HttpGenerator();
    private final ByteBuffer jettyHeader = BufferUtil.allocate(1024);
    private MetaData.Response jettyResponse;

    @Setup
    public void setUp() throws IOException {
        HttpFields.Mutable fields = HttpFields.build()
                .add(new PreEncodedHttpField(HttpHeader.SERVER, Inputs.SERVER))
                .add(new PreEncodedHttpField(HttpHeader.DATE, Inputs.DATE));
        for (Inputs.Field f : Inputs.APP_FIELDS) {
            appFields.add(f.name(), f.value());
            fields.add(f.name(), f.value());
        }
        jettyResponse = new MetaData.Response(Inputs.STATUS, null, HttpVersion.HTTP_1_1, fields.asImmutable(),
                Inputs.CONTENT_LENGTH);
        for (int round = 0; round < 3; round++) {
            expect("unicorn", unicorn());
            expect("unicornChecked", unicornChecked());
            expect("jetty", jetty());
        }
    }

    private static void expect(String who, ByteBuffer head) {
        String got = StandardCharsets.ISO_8859_1.decode(head.duplicate()).toString();
        if (!got.equals(Inputs.RESPONSE_HEAD)) {
            throw new IllegalStateException(who + " wrote\n" + got + "\nexpected\n" + Inputs.RESPONSE_HEAD);
        }
    }

    /** The head writer alone, fed the sequence {@code Http1Response.commit} feeds it. */
    @Benchmark
    public ByteBuffer unicorn() {
        ResponseBuffers.HeadWriter w = buffers.head();
        w.statusLine(Inputs.STATUS);
        w.raw(serverLine);
        w.field("Date", date);
        Headers h = appFields;
        for (int i = 0; i < h.size(); i++) {
            w.field(h.name(i), h.value(i));
        }
        w.field("Content-Length", Long.toString(Inputs.CONTENT_LENGTH));
        w.end();
        return w.buffer();
    }

    /** As {@link #unicorn}, plus the validation of application fields that {@code commit} runs first. */
    @Benchmark
    public ByteBuffer unicornChecked() {
        Headers h = appFields;
        for (int i = 0; i < h.size(); i++) {
            Http1Response.checkField(h.name(i), h.value(i));
        }
        return unicorn();
    }

    /** Jetty's generator, reset as for the next response of a connection, writing only the head. */
    @Benchmark
    public ByteBuffer jetty() throws IOException {
        HttpGenerator g = generator;
        g.reset();
        ByteBuffer header = jettyHeader;
        BufferUtil.clear(header);
        HttpGenerator.Result r = g.generateResponse(jettyResponse, false, header, null, null, false);
        if (r != HttpGenerator.Result.FLUSH) {
            throw new IllegalStateException("Jetty generator: " + r);
        }
        return header;
    }
}
