package dev.unicorn.bench.exchange;

import dev.unicorn.bench.codec.Inputs;
import dev.unicorn.config.Config;
import dev.unicorn.http.HttpApp;
import dev.unicorn.http1.Http1Connection;
import dev.unicorn.server.ConnectionControl;
import dev.unicorn.server.ServerContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One whole HTTP/1.1 exchange on a kept-alive connection, in memory: {@link Http1Connection}
 * reads a request from a channel, runs the application, writes the response head and body.
 * No sockets and no threads, so the time and the bytes allocated per request ({@code -prof gc})
 * are the server's own per-request cost, free of the kernel and of the load generator. The
 * request is either a minimal {@code GET /plaintext} (wrk's) or a browser's GET
 * ({@link Inputs#CHROME_GET}); the application answers {@code Hello, World!} with a
 * Content-Length, like the load comparison's {@code /plaintext}.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar Http1Exchange -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.log.unicorn.access=warn")
public class Http1ExchangeBenchmark {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WRK_GET = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** Which request the client sends. */
    @Param({"wrk", "chrome"})
    public String request;

    private MemoryChannel channel;
    private Http1Connection connection;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] bytes = request.equals("wrk") ? WRK_GET : Inputs.CHROME_GET.bytes();
        HttpApp app = (req, res) -> res.send(200, "text/plain", HELLO);
        ServerContext ctx = new ServerContext(app, Config.defaults());
        channel = new MemoryChannel(bytes);
        connection = new Http1Connection(ctx, channel, new ConnectionControl(channel),
                new InetSocketAddress("127.0.0.1", 40000), new InetSocketAddress("127.0.0.1", 8080), false);
    }

    @TearDown(Level.Trial)
    public void checkResponses() {
        if (channel.responseBytes == 0 || channel.exchanges == 0) {
            throw new IllegalStateException("no response was written");
        }
    }

    /** The client's next request on the kept-alive connection, answered. */
    @Benchmark
    public long keepAliveExchange() {
        channel.offerRequest();
        if (connection.serveUntilIdle() != Http1Connection.Outcome.IDLE) {
            throw new IllegalStateException("the connection closed: " + channel.lastResponse());
        }
        return channel.responseBytes;
    }

    /** A channel that hands out one request per {@link #offerRequest()} and keeps only a count of what is written. */
    static final class MemoryChannel implements ByteChannel {
        private final byte[] request;
        private int unread;
        private final ByteBuffer last = ByteBuffer.allocate(512);
        long responseBytes;
        long exchanges;

        MemoryChannel(byte[] request) {
            this.request = request;
        }

        void offerRequest() {
            unread = request.length;
            exchanges++;
        }

        String lastResponse() {
            return new String(last.array(), 0, last.position(), StandardCharsets.US_ASCII);
        }

        @Override
        public int read(ByteBuffer dst) {
            if (unread == 0) {
                return 0;
            }
            int n = Math.min(unread, dst.remaining());
            dst.put(request, request.length - unread, n);
            unread -= n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            last.clear();
            if (n <= last.capacity()) {
                last.put(src.duplicate());
            }
            src.position(src.limit());
            responseBytes += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
