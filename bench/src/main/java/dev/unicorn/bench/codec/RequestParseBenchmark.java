package dev.unicorn.bench.codec;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http1.Http1Event;
import dev.unicorn.http1.Http1Parser;
import dev.unicorn.http1.ParserOptions;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One request parsed on a kept-alive connection, by Unicorn's {@link Http1Parser} and by
 * Jetty 12's {@link HttpParser}, from the same bytes ({@link Inputs}). Each variant keeps
 * what a server needs: method, target and fields (Unicorn: its {@code RequestHead};
 * Jetty: Strings and an immutable {@link HttpFields} snapshot, as Jetty's HttpConnection
 * takes), and copies the body bytes out to an application buffer.
 *
 * <p>Not the same work, by design of the two codecs: Unicorn's parser copies the input
 * into its own buffer, splits the target into path and query, enforces its field rules
 * (singletons, framing) and scans Connection for keep-alive; this Jetty handler stops at
 * what its parser reports (no HttpURI parse).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar RequestParseBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestParseBenchmark {
    @Param({"chromeGet", "apiGet", "chunkedPost"})
    public String input;

    private Inputs.Request request;

    private Http1Parser unicornParser;
    private ByteBuffer unicornInput;
    private final Seen unicornSeen = new Seen();

    private final JettyRequest jettyHandler = new JettyRequest();
    private HttpParser jettyParser;
    private ByteBuffer jettyInput;

    /** What a parse delivered, for the sanity check. */
    static final class Seen {
        String method;
        String target;
        int fieldCount;
        int bodyBytes;
        final byte[] body = new byte[64 * 1024];
    }

    @Setup
    public void setUp() throws BadRequestException {
        request = Inputs.request(input);
        // writable heap buffers: Jetty takes its array fast paths only when hasArray()
        unicornInput = ByteBuffer.wrap(request.bytes().clone());
        jettyInput = ByteBuffer.wrap(request.bytes().clone());
        unicornParser = new Http1Parser(ParserOptions.defaults(), false, false, "http");
        jettyParser = new HttpParser(jettyHandler);
        for (int round = 0; round < 3; round++) { // the first and later requests of a connection
            unicorn();
            check("unicorn", unicornSeen);
            jetty();
            check("jetty", jettyHandler.seen);
            if (!Arrays.equals(unicornSeen.body, 0, request.bodyBytes(), jettyHandler.seen.body, 0, request.bodyBytes())) {
                throw new IllegalStateException("the two parsers delivered different body bytes");
            }
        }
    }

    private void check(String who, Seen s) {
        if (!request.method().equals(s.method) || !request.target().equals(s.target)
                || request.fieldCount() != s.fieldCount || request.bodyBytes() != s.bodyBytes) {
            throw new IllegalStateException(who + " parsed " + input + " as " + s.method + " " + s.target + " with "
                    + s.fieldCount + " fields and " + s.bodyBytes + " body bytes; expected " + request.method() + " "
                    + request.target() + " with " + request.fieldCount() + " fields and " + request.bodyBytes());
        }
    }

    /** The next request on a kept-alive connection: one parser, requests back to back. */
    @Benchmark
    public Object unicorn() throws BadRequestException {
        Http1Parser parser = unicornParser;
        Seen seen = unicornSeen;
        ByteBuffer in = unicornInput;
        in.clear();
        parser.receive(in);
        Http1Event.RequestHead head = null;
        int bodyBytes = 0;
        while (true) {
            Http1Event e = parser.next();
            if (e instanceof Http1Event.RequestHead h) {
                head = h;
            } else if (e instanceof Http1Event.Body b) {
                ByteBuffer data = b.data();
                int n = data.remaining();
                data.get(seen.body, bodyBytes, n);
                bodyBytes += n;
            } else if (e instanceof Http1Event.EndOfMessage) {
                break;
            } else {
                throw new IllegalStateException("incomplete request: " + e);
            }
        }
        seen.method = head.method();
        seen.target = head.target();
        seen.fieldCount = head.headers().size();
        seen.bodyBytes = bodyBytes;
        return head;
    }

    /** The same with Jetty: parseNext until the message completes, then reset for the next one. */
    @Benchmark
    public Object jetty() {
        HttpParser parser = jettyParser;
        ByteBuffer in = jettyInput;
        in.clear();
        while (!parser.parseNext(in)) {
            if (!in.hasRemaining()) {
                throw new IllegalStateException("incomplete request");
            }
        }
        parser.reset();
        return jettyHandler.headers;
    }

    /**
     * A minimal server-side handler: keeps method and URI as Strings, collects fields into a
     * reused {@link HttpFields.Mutable} and takes an immutable snapshot when the head
     * completes, copies content out.
     */
    static final class JettyRequest implements HttpParser.RequestHandler {
        final Seen seen = new Seen();
        private final HttpFields.Mutable fields = HttpFields.build(32);
        HttpVersion version;
        HttpFields headers;

        @Override
        public void startRequest(String method, String uri, HttpVersion version) {
            seen.method = method;
            seen.target = uri;
            seen.bodyBytes = 0;
            this.version = version;
            fields.clear();
        }

        @Override
        public void parsedHeader(HttpField field) {
            fields.add(field);
        }

        @Override
        public boolean headerComplete() {
            headers = fields.asImmutable();
            seen.fieldCount = headers.size();
            return false;
        }

        @Override
        public boolean content(ByteBuffer content) {
            int n = content.remaining();
            content.get(seen.body, seen.bodyBytes, n);
            seen.bodyBytes += n;
            return false;
        }

        @Override
        public boolean contentComplete() {
            return false;
        }

        @Override
        public boolean messageComplete() {
            return true;
        }

        @Override
        public void earlyEOF() {
            throw new IllegalStateException("early EOF");
        }

        @Override
        public void badMessage(HttpException failure) {
            throw new IllegalStateException("Jetty rejected the request: " + failure);
        }
    }
}
