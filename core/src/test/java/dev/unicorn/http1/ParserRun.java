package dev.unicorn.http1;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http.Headers;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives an {@link Http1Parser} over some input cut into pieces and records what came out:
 * the exchanges, the error, and a transcript (events as text, consecutive Body events merged)
 * that must be identical whatever the cuts.
 */
final class ParserRun {
    /** One request as the server would see it. */
    static final class Exchange {
        Http1Event.RequestHead head;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        Headers trailers;
        boolean complete;

        String body() {
            return body.toString(StandardCharsets.ISO_8859_1);
        }

        byte[] bodyBytes() {
            return body.toByteArray();
        }
    }

    final List<Exchange> exchanges = new ArrayList<>();
    final List<String> transcript = new ArrayList<>();
    BadRequestException error;
    boolean closed;
    /** Stopped like a server would: after a request that does not allow keep-alive. */
    boolean stoppedAfterClose;

    private final StringBuilder pendingBody = new StringBuilder();
    private Http1Parser parser;

    /** Settings of one run. */
    record Setup(ParserOptions options, boolean peerTrusted, boolean proxyAllowed, String scheme,
                 boolean eof, boolean stopWhenNotKeepAlive) {
        Http1Parser parser() {
            return new Http1Parser(options, peerTrusted, proxyAllowed, scheme);
        }
    }

    /** Feeds {@code input} cut at {@code cuts} (ascending indexes). */
    static ParserRun run(Setup setup, byte[] input, int[] cuts) {
        ParserRun r = new ParserRun();
        r.parser = setup.parser();
        int from = 0;
        boolean stop = false;
        for (int i = 0; i <= cuts.length && !stop; i++) {
            int to = i < cuts.length ? cuts[i] : input.length;
            if (to > from) {
                r.parser.receive(ByteBuffer.wrap(input, from, to - from));
                from = to;
                stop = r.drain(setup);
            }
        }
        if (!stop && setup.eof()) {
            r.parser.receiveEof();
            r.drain(setup);
        }
        r.flushBody();
        return r;
    }

    static ParserRun whole(Setup setup, byte[] input) {
        return run(setup, input, new int[0]);
    }

    static ParserRun byteByByte(Setup setup, byte[] input) {
        int[] cuts = new int[Math.max(input.length - 1, 0)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return run(setup, input, cuts);
    }

    Http1Parser parser() {
        return parser;
    }

    /** Reads events until more data is needed; returns true when the run is over. */
    private boolean drain(Setup setup) {
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
                    Exchange x = current();
                    x.trailers = end.trailers();
                    x.complete = true;
                    transcript.add("END " + end.trailers());
                    if (setup.stopWhenNotKeepAlive() && !x.head.keepAlive()) {
                        stoppedAfterClose = true;
                        return true;
                    }
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
                + " fragment=" + h.fragment() + " " + h.version() + " headers=" + h.headers()
                + " length=" + h.contentLength() + " chunked=" + h.chunked() + " expect=" + h.expectContinue()
                + " keepAlive=" + h.keepAlive() + " scheme=" + h.scheme() + " proxy=" + h.proxy();
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
