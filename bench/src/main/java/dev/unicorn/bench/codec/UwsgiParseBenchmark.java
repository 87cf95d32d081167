package dev.unicorn.bench.codec;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http1.Http1Event;
import dev.unicorn.uwsgi.UwsgiOptions;
import dev.unicorn.uwsgi.UwsgiParser;
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

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Parses the browser GET of {@link Http1ParserBenchmark} ({@link Inputs#CHROME_GET}) as nginx's
 * {@code uwsgi_pass} carries it: the 14 variables of {@code uwsgi_params}, the two
 * {@code uwsgi_param} lines of the reference configuration ({@code HTTP_X_FORWARDED_FOR},
 * {@code HTTP_X_REAL_IP}), then the browser's 11 header lines as {@code HTTP_*} variables, in
 * the order nginx 1.22 sends them (995 bytes, 27 variables). Once on a fresh parser (a
 * new upstream connection) and once on a parser that has served packets before.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar UwsgiParse -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UwsgiParseBenchmark {
    /** nginx on the same host, as the default {@code uwsgiAllowIps} admits it. */
    private static final InetSocketAddress NGINX = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);

    private ByteBuffer packet;
    private UwsgiOptions options;
    private UwsgiParser keepAliveParser;

    @Setup
    public void setUp() {
        packet = ByteBuffer.wrap(nginxPacket()).asReadOnlyBuffer();
        options = UwsgiOptions.defaults();
        keepAliveParser = new UwsgiParser(options, NGINX, "http");
    }

    /** A new upstream connection: a new parser, one packet. */
    @Benchmark
    public void freshParser(Blackhole bh) throws BadRequestException {
        parseOne(new UwsgiParser(options, NGINX, "http"), bh);
    }

    /** The next packet on a kept connection: the parser and its buffer are reused. */
    @Benchmark
    public void keepAliveParser(Blackhole bh) throws BadRequestException {
        parseOne(keepAliveParser, bh);
    }

    private void parseOne(UwsgiParser parser, Blackhole bh) throws BadRequestException {
        parser.receive(packet.duplicate());
        while (true) {
            Http1Event e = parser.next();
            if (e instanceof Http1Event.EndOfMessage) {
                return;
            }
            if (e == Http1Event.NEED_DATA) {
                throw new IllegalStateException("incomplete packet");
            }
            bh.consume(e);
        }
    }

    /** {@link Inputs#CHROME_GET_TEXT} as nginx forwards it with {@code include uwsgi_params}. */
    static byte[] nginxPacket() {
        ByteArrayOutputStream vars = new ByteArrayOutputStream();
        var("QUERY_STRING", "ref=home", vars);
        var("REQUEST_METHOD", "GET", vars);
        var("CONTENT_TYPE", "", vars);
        var("CONTENT_LENGTH", "", vars);
        var("REQUEST_URI", "/products/42?ref=home", vars);
        var("PATH_INFO", "/products/42", vars);
        var("DOCUMENT_ROOT", "/usr/share/nginx/html", vars);
        var("SERVER_PROTOCOL", "HTTP/1.1", vars);
        var("REQUEST_SCHEME", "https", vars);
        var("HTTPS", "on", vars);
        var("REMOTE_ADDR", "203.0.113.195", vars);
        var("REMOTE_PORT", "52114", vars);
        var("SERVER_PORT", "443", vars);
        var("SERVER_NAME", "shop.example.com", vars);
        var("HTTP_X_FORWARDED_FOR", "203.0.113.195", vars);
        var("HTTP_X_REAL_IP", "203.0.113.195", vars);
        String[] lines = Inputs.CHROME_GET_TEXT.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toUpperCase().replace('-', '_');
            var("HTTP_" + name, lines[i].substring(colon + 1).trim(), vars);
        }
        byte[] block = vars.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(block.length & 0xff);
        out.write(block.length >>> 8);
        out.write(0);
        out.writeBytes(block);
        return out.toByteArray();
    }

    private static void var(String key, String value, ByteArrayOutputStream out) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        out.write(k.length & 0xff);
        out.write(k.length >>> 8);
        out.writeBytes(k);
        out.write(v.length & 0xff);
        out.write(v.length >>> 8);
        out.writeBytes(v);
    }
}
