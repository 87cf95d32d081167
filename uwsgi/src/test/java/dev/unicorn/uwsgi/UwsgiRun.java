package dev.unicorn.uwsgi;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http1.Http1Event;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives a {@link UwsgiParser} over some input cut into pieces, feeding only after
 * {@code NEED_DATA} as a connection does, and records what came out: the requests, the error,
 * and a transcript (events as text, consecutive Body events merged) that must be identical
 * whatever the cuts.
 */
final class UwsgiRun {
    /** One request as the server would see it. */
    static final class Exchange {
        Http1Event.RequestHead head;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean complete;

        String body() {
            return body.toString(StandardCharsets.ISO_8859_1);
        }
    }

    final List<Exchange> exchanges = new ArrayList<>();
    final List<String> transcript = new ArrayList<>();
    BadRequestException error;
    boolean closed;
    private final StringBuilder pendingBody = new StringBuilder();
    private final UwsgiParser parser;

    private UwsgiRun(UwsgiParser parser) {
        this.parser = parser;
    }

    /** nginx on the same host: a peer the default {@code uwsgiAllowIps} allows. */
    static final InetSocketAddress NGINX = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);

    static UwsgiParser parser() {
        return parser(UwsgiOptions.defaults());
    }

    static UwsgiParser parser(UwsgiOptions options) {
        return new UwsgiParser(options, NGINX, "http");
    }

    /** Feeds {@code input} to {@code parser} cut at {@code cuts} (ascending indexes), then the end of the stream. */
    static UwsgiRun run(UwsgiParser parser, byte[] input, int[] cuts) {
        UwsgiRun r = new UwsgiRun(parser);
        int from = 0;
        boolean stop = r.drain();
        for (int i = 0; i <= cuts.length && !stop; i++) {
            int to = i < cuts.length ? cuts[i] : input.length;
            if (to > from) {
                parser.receive(ByteBuffer.wrap(input, from, to - from));
                from = to;
                stop = r.drain();
            }
        }
        if (!stop) {
            parser.receiveEof();
            r.drain();
        }
        r.flushBody();
        return r;
    }

    static UwsgiRun whole(UwsgiParser parser, byte[] input) {
        return run(parser, input, new int[0]);
    }

    static UwsgiRun whole(byte[] input) {
        return whole(parser(), input);
    }

    static UwsgiRun byteByByte(UwsgiParser parser, byte[] input) {
        int[] cuts = new int[Math.max(input.length - 1, 0)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return run(parser, input, cuts);
    }

    /**
     * Runs {@code input} whole, byte by byte, and cut in two at every index, on fresh parsers
     * from {@code parsers}; asserts every run gives the transcript of the whole one, and returns that.
     */
    static UwsgiRun everySplit(java.util.function.Supplier<UwsgiParser> parsers, byte[] input) {
        UwsgiRun whole = whole(parsers.get(), input);
        assertThat(byteByByte(parsers.get(), input).transcript).as("byte by byte").isEqualTo(whole.transcript);
        for (int cut = 1; cut < input.length; cut++) {
            assertThat(run(parsers.get(), input, new int[] {cut}).transcript).as("cut at %d", cut)
                    .isEqualTo(whole.transcript);
        }
        return whole;
    }

    static UwsgiRun everySplit(byte[] input) {
        return everySplit(UwsgiRun::parser, input);
    }

    /** Reads events until more data is needed; returns true when the run is over. */
    private boolean drain() {
        while (true) {
            Http1Event e;
            try {
                e = parser.next();
            } catch (BadRequestException ex) {
                flushBody();
                error = ex;
                transcript.add("ERROR " + ex.status() + " " + ex.getMessage());
                return true;
            }
            if (e == Http1Event.NEED_DATA) {
                return false;
            }
            if (e instanceof Http1Event.Body b) {
                ByteBuffer data = b.data();
                if (!data.isReadOnly() || !data.hasRemaining()) {
                    throw new AssertionError("Body must be read-only and non-empty");
                }
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                current().body.writeBytes(bytes);
                pendingBody.append(new String(bytes, StandardCharsets.ISO_8859_1));
                continue;
            }
            flushBody();
            switch (e) {
                case Http1Event.RequestHead h -> {
                    Exchange x = new Exchange();
                    x.head = h;
                    exchanges.add(x);
                    transcript.add("HEAD " + describe(h));
                }
                case Http1Event.EndOfMessage end -> {
                    current().complete = true;
                    transcript.add("END " + end.trailers());
                }
                case Http1Event.ConnectionClosed c -> {
                    closed = true;
                    transcript.add("CLOSED");
                    return true;
                }
                default -> throw new AssertionError("unexpected event " + e);
            }
        }
    }

    private Exchange current() {
        if (exchanges.isEmpty() || exchanges.getLast().complete) {
            throw new AssertionError("body or end outside of a request");
        }
        return exchanges.getLast();
    }

    private void flushBody() {
        if (!pendingBody.isEmpty()) {
            transcript.add("BODY " + pendingBody);
            pendingBody.setLength(0);
        }
    }

    static String describe(Http1Event.RequestHead h) {
        return h.method() + " target=" + h.target() + " path=" + h.path() + " query=" + h.query()
                + " " + h.version() + " headers=" + h.headers() + " length=" + h.contentLength()
                + " scheme=" + h.scheme() + " proxy=" + h.proxy();
    }

    /** The only exchange; fails when there is not exactly one. */
    Exchange only() {
        if (exchanges.size() != 1) {
            throw new AssertionError("expected exactly one request, got " + transcript);
        }
        return exchanges.getFirst();
    }

    Http1Event.RequestHead head() {
        return only().head;
    }
}
