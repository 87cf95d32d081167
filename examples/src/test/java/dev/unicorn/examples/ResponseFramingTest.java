package dev.unicorn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpApp;
import dev.unicorn.http.HttpRequest;
import dev.unicorn.http.HttpResponse;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

/**
 * The response rules of RFC 9110/9112 as Unicorn applies them, one sentence-named case each:
 * a custom application, the bytes a client sends, and the exact bytes that come back (the
 * {@code Date} value masked). Most cases pipeline a second request ({@link #NEXT}) behind the
 * first: its response arriving intact proves the first response carried no stray body bytes.
 * Each case runs against its own server.
 */
class ResponseFramingTest {
    /** The value every {@code Date} field is replaced with by {@link #masked(String)}. */
    static final String DATE = "<date>";
    private static final Pattern DATE_FIELD = Pattern.compile("(?m)^Date: [^\r\n]*\r\n");

    /** {@code transcript} with every Date value replaced by {@link #DATE}. */
    static String masked(String transcript) {
        return DATE_FIELD.matcher(transcript).replaceAll("Date: " + DATE + "\r\n");
    }

    /** A second request pipelined behind the one under test; it asks to close afterwards. */
    static final String NEXT = "GET /next HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    /** The complete answer to {@link #NEXT}. */
    static final String NEXT_RESPONSE =
            head("200 OK", "Content-Type: text/plain", "Content-Length: 4", "Connection: close") + "next";

    private static final Pattern IMF_FIXDATE =
            Pattern.compile("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");

    /** One response rule: the application, the server settings, and the conversation that checks it. */
    record Case(String name, Consumer<Unicorn> config, HttpApp app, Conversation conversation) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What the client does and expects; {@code calls} counts how often the application ran (not for /next). */
    @FunctionalInterface
    interface Conversation {
        void run(RawClient wire, AtomicInteger calls) throws Exception;
    }

    @FunctionalInterface
    interface Responder {
        void respond(HttpResponse response) throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void responseRule(Case c) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Unicorn unicorn = new Unicorn(routed(c.app(), calls)).externalConfig(false).bind("127.0.0.1:0").name("framing");
        c.config().accept(unicorn);
        try (RunningServer server = unicorn.start(); RawClient wire = RawClient.connect("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5))) {
            c.conversation().run(wire, calls);
        } catch (AssertionFailedError e) {
            // Surefire names parameterized runs by index: put the case's sentence in the message
            throw new AssertionFailedError(c.name() + "\n" + e.getMessage(),
                    e.isExpectedDefined() ? e.getExpected().getValue() : null,
                    e.isActualDefined() ? e.getActual().getValue() : null, e);
        } catch (AssertionError e) {
            throw new AssertionError(c.name() + "\n" + e.getMessage(), e);
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        noBodyResponses(cases);
        bodyLength(cases);
        http10Framing(cases);
        invalidApplicationHeaders(cases);
        applicationFailures(cases);
        hopByHopHeaders(cases);
        expectations(cases);
        earlyHints(cases);
        trailers(cases);
        requestBodyLimit(cases);
        keepAlive(cases);
        return cases.stream();
    }

    // --- HEAD, 204, 304, 1xx: RFC 9110 §6.4.1, §8.6, §15.3.5, §15.4.5

    private static void noBodyResponses(List<Case> cases) {
        cases.add(exact("HEAD keeps the application's Content-Length and sends no body",
                respond(r -> write(r.status(200), "hello", "Content-Length", "5")),
                "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT,
                head("200 OK", "Content-Length: 5") + NEXT_RESPONSE));
        cases.add(exact("HEAD drops the application's Transfer-Encoding and body",
                respond(r -> write(r, "hello", "Transfer-Encoding", "chunked")),
                "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT,
                head("200 OK") + NEXT_RESPONSE));
        cases.add(exact("HEAD with Content-Length and Transfer-Encoding from the application keeps only the Content-Length",
                respond(r -> write(r, "hello", "Content-Length", "5", "Transfer-Encoding", "chunked")),
                "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT,
                head("200 OK", "Content-Length: 5") + NEXT_RESPONSE));
        cases.add(exact("HEAD with a large flushed body and no Content-Length sends neither body nor chunking",
                respond(r -> {
                    write(r, payload(20_000));
                    r.body().flush();
                    write(r, payload(20_000));
                }),
                "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT,
                head("200 OK") + NEXT_RESPONSE));
        cases.add(exact("204 drops the application's Content-Length and body",
                respond(r -> write(r.status(204), "hello", "Content-Length", "5")),
                get("/") + NEXT,
                head("204 No Content") + NEXT_RESPONSE));
        cases.add(exact("204 drops the application's Transfer-Encoding and body",
                respond(r -> write(r.status(204), "hello", "Transfer-Encoding", "chunked")),
                get("/") + NEXT,
                head("204 No Content") + NEXT_RESPONSE));
        cases.add(exact("204 drops both Content-Length and Transfer-Encoding from the application",
                respond(r -> write(r.status(204), "hello", "Content-Length", "5", "Transfer-Encoding", "chunked")),
                get("/") + NEXT,
                head("204 No Content") + NEXT_RESPONSE));
        cases.add(exact("204 with a large flushed body sends nothing after the head",
                respond(r -> {
                    r.status(204);
                    write(r, payload(20_000));
                    r.body().flush();
                    write(r, payload(20_000));
                }),
                get("/") + NEXT,
                head("204 No Content") + NEXT_RESPONSE));
        cases.add(exact("304 keeps the application's Content-Length and sends no body",
                respond(r -> write(r.status(304), "hello", "Content-Length", "5")),
                get("/") + NEXT,
                head("304 Not Modified", "Content-Length: 5") + NEXT_RESPONSE));
        cases.add(exact("304 drops the application's Transfer-Encoding and body",
                respond(r -> write(r.status(304), "hello", "Transfer-Encoding", "chunked")),
                get("/") + NEXT,
                head("304 Not Modified") + NEXT_RESPONSE));
        cases.add(exact("304 with Content-Length and Transfer-Encoding from the application keeps only the Content-Length",
                respond(r -> write(r.status(304), "hello", "Content-Length", "5", "Transfer-Encoding", "chunked")),
                get("/") + NEXT,
                head("304 Not Modified", "Content-Length: 5") + NEXT_RESPONSE));
        cases.add(exact("304 to a HEAD request keeps the Content-Length and sends no body",
                respond(r -> write(r.status(304), "hello", "Content-Length", "5")),
                "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT,
                head("304 Not Modified", "Content-Length: 5") + NEXT_RESPONSE));
        // A 1xx status as the final answer: the client reads it as interim and would take the
        // next response for this request's, so the server sends the head alone (no body, no
        // Content-Length, no chunking) and ends the connection instead of answering NEXT.
        cases.add(exact("1xx as the final status carries no body nor framing headers and closes the connection",
                respond(r -> write(r.status(102), "hello", "Content-Length", "5", "Transfer-Encoding", "chunked")),
                get("/") + NEXT,
                head("102 Processing", "Connection: close")));
        cases.add(exact("100 as the final status with a body written sends the head alone and closes",
                respond(r -> write(r.status(100), "hello")),
                get("/") + NEXT,
                head("100 Continue", "Connection: close")));
    }

    // --- Content-Length and chunking: RFC 9112 §6.1-§6.3, §7.1

    private static void bodyLength(List<Case> cases) {
        cases.add(exact("a body shorter than the application's Content-Length is truncated and the connection closed",
                respond(r -> write(r, "hello", "Content-Length", "10")),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 10") + "hello"));
        cases.add(exact("a body longer than the application's Content-Length is cut at the Content-Length",
                respond(r -> write(r, "hello world", "Content-Length", "5")),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("a large body written in pieces beyond its Content-Length is cut at exactly that length",
                respond(r -> {
                    r.headers().set("Content-Length", "20000");
                    String body = payload(30_000);
                    for (int i = 0; i < body.length(); i += 7_000) {
                        write(r, body.substring(i, Math.min(body.length(), i + 7_000)));
                        r.body().flush();
                    }
                }),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 20000") + payload(20_000) + NEXT_RESPONSE));
        cases.add(exact("a Content-Length set by the application survives an early flush",
                respond(r -> {
                    write(r, "hello", "Content-Length", "11");
                    r.body().flush();
                    write(r, " world");
                }),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 11") + "hello world" + NEXT_RESPONSE));
        cases.add(exact("a small body written in pieces without Content-Length gets a computed Content-Length",
                respond(r -> {
                    write(r, "hel");
                    write(r, "lo");
                }),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("an application that writes nothing gets Content-Length 0",
                (req, res) -> { },
                get("/") + NEXT,
                head("200 OK", "Content-Length: 0") + NEXT_RESPONSE));
        cases.add(exact("a body of exactly 16 KiB without Content-Length still gets a computed Content-Length",
                respond(r -> write(r, payload(16_384))),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 16384") + payload(16_384) + NEXT_RESPONSE));
        cases.add(chunked("a body one byte over 16 KiB without Content-Length on HTTP/1.1 is chunked",
                respond(r -> write(r, payload(16_385))),
                payload(16_385)));
        cases.add(chunked("a 100 KB body written in small pieces without Content-Length is chunked",
                respond(r -> {
                    String body = payload(100_000);
                    for (int i = 0; i < body.length(); i += 1_000) {
                        write(r, body.substring(i, i + 1_000));
                    }
                }),
                payload(100_000)));
        cases.add(exact("a flushed small body without Content-Length is chunked exactly as flushed",
                respond(r -> {
                    write(r, "hello");
                    r.body().flush();
                    write(r, " world");
                }),
                get("/") + NEXT,
                head("200 OK", "Transfer-Encoding: chunked") + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" + NEXT_RESPONSE));
        cases.add(exact("a flush before any body byte commits a chunked response that ends with an empty last chunk",
                respond(r -> r.body().flush()),
                get("/") + NEXT,
                head("200 OK", "Transfer-Encoding: chunked") + "0\r\n\r\n" + NEXT_RESPONSE));
        cases.add(exact("closing the body stream finishes the response before the application returns",
                respond(r -> {
                    OutputStream out = r.body();
                    out.write(latin1("done"));
                    out.close();
                }),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 4") + "done" + NEXT_RESPONSE));
    }

    // --- HTTP/1.0 framing: RFC 9112 §6.3 (close-delimited), §9.3 (persistence)

    private static void http10Framing(List<Case> cases) {
        cases.add(exact("HTTP/1.0 with a large streamed body and no Content-Length is delimited by the close",
                respond(r -> {
                    write(r, payload(20_000));
                    r.body().flush();
                    write(r, payload(20_000));
                }),
                "GET / HTTP/1.0\r\n\r\n",
                head("200 OK", "Connection: close") + payload(20_000) + payload(20_000)));
        cases.add(exact("HTTP/1.0 keep-alive with a large streamed body and no Content-Length still closes",
                respond(r -> {
                    write(r, payload(20_000));
                    r.body().flush();
                }),
                "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + NEXT,
                head("200 OK", "Connection: close") + payload(20_000)));
        cases.add(exact("HTTP/1.0 with a small body gets a computed Content-Length and Connection: close",
                respond(r -> write(r, "hello")),
                "GET / HTTP/1.0\r\n\r\n" + NEXT,
                head("200 OK", "Content-Length: 5", "Connection: close") + "hello"));
        cases.add(exact("HTTP/1.0 keep-alive gets Connection: keep-alive and the next request is served",
                respond(r -> write(r, "hello")),
                "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + NEXT,
                head("200 OK", "Content-Length: 5", "Connection: keep-alive") + "hello" + NEXT_RESPONSE));
        cases.add(exact("HTTP/1.0 responses start with an HTTP/1.1 status line",
                respond(r -> write(r.status(404), "gone")),
                "GET / HTTP/1.0\r\n\r\n",
                head("404 Not Found", "Content-Length: 4", "Connection: close") + "gone"));
    }

    // --- Fields the application builds: RFC 9110 §5.1 (token names), §5.5 (no CR, LF or NUL in values)

    private static void invalidApplicationHeaders(List<Case> cases) {
        cases.add(serverError("an application header value with CR gives 500 and closes",
                respond(r -> write(r, "x", "X-Bad", "a\rb"))));
        cases.add(serverError("an application header value with LF gives 500 and closes",
                respond(r -> write(r, "x", "X-Bad", "a\nb"))));
        cases.add(serverError("an application header value smuggling a second field with CRLF gives 500 and closes",
                respond(r -> write(r, "x", "X-Bad", "a\r\nSet-Cookie: stolen=1"))));
        cases.add(serverError("an application header value with NUL gives 500 and closes",
                respond(r -> write(r, "x", "X-Bad", "a\0b"))));
        cases.add(serverError("an application header value beyond Latin-1 gives 500 and closes",
                respond(r -> write(r, "x", "X-Bad", "snow\u2603man"))));
        cases.add(serverError("an application header name with a space gives 500 and closes",
                respond(r -> write(r, "x", "X Bad", "v"))));
        cases.add(serverError("an application header name with a colon gives 500 and closes",
                respond(r -> write(r, "x", "X-Bad:", "v"))));
        cases.add(serverError("an empty application header name gives 500 and closes",
                respond(r -> write(r, "x", "", "v"))));
        cases.add(serverError("an application header name with a non-ASCII letter gives 500 and closes",
                respond(r -> write(r, "x", "X-Caf\u00e9", "v"))));
        cases.add(serverError("an application Content-Length that is not a number gives 500 and closes",
                respond(r -> write(r, "x", "Content-Length", "abc"))));
        cases.add(serverError("two different Content-Length values from the application give 500 and close",
                respond(r -> write(r, "hello", "Content-Length", "5", "Content-Length", "6"))));
        cases.add(serverError("status 101 without a protocol upgrade gives 500 and closes",
                respond(r -> write(r.status(101), "x"))));
    }

    // --- Application failures: HttpApp's contract

    private static void applicationFailures(List<Case> cases) {
        cases.add(serverError("an exception before anything is written gives 500 with Connection: close",
                respond(r -> {
                    throw new IllegalStateException("boom");
                })));
        cases.add(serverError("an exception after headers were set but before commit gives a 500 without those headers",
                respond(r -> {
                    r.status(201).headers().set("X-Secret", "leaked");
                    write(r, "partial");
                    throw new IllegalStateException("boom");
                })));
        cases.add(exact("an exception after a flush closes the connection with a chunked body missing its last chunk",
                respond(r -> {
                    write(r, "hello");
                    r.body().flush();
                    throw new IllegalStateException("boom");
                }),
                get("/") + NEXT,
                head("200 OK", "Transfer-Encoding: chunked") + "5\r\nhello\r\n"));
        cases.add(exact("an exception after a flush with a Content-Length closes the connection with the body short",
                respond(r -> {
                    write(r, "hello", "Content-Length", "10");
                    r.body().flush();
                    throw new IllegalStateException("boom");
                }),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 10") + "hello"));
        cases.add(exact("an exception after the body was closed leaves the complete response and closes",
                respond(r -> {
                    write(r, "hello");
                    r.body().close();
                    throw new IllegalStateException("boom");
                }),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5") + "hello"));
    }

    // --- Hop-by-hop and server-owned fields: RFC 9110 §7.6.1, §6.6.1, §10.2.4

    private static void hopByHopHeaders(List<Case> cases) {
        cases.add(exact("Connection: keep-alive from the application is dropped",
                respond(r -> write(r, "hello", "Connection", "keep-alive")),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("Transfer-Encoding from the application is dropped and the server frames the body",
                respond(r -> write(r, "hello", "Transfer-Encoding", "chunked")),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("Upgrade from the application is dropped",
                respond(r -> write(r, "hello", "Upgrade", "websocket")),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("Keep-Alive from the application is dropped",
                respond(r -> write(r, "hello", "Keep-Alive", "timeout=99")),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("Proxy-Connection and TE from the application are dropped",
                respond(r -> write(r, "hello", "Proxy-Connection", "keep-alive", "TE", "trailers")),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("the application's other fields keep their order and spelling",
                respond(r -> write(r, "hello", "x-lower", "1", "X-Multi", "a", "X-MULTI", "b", "Content-Type", "text/plain")),
                get("/") + NEXT,
                head("200 OK", "x-lower: 1", "X-Multi: a", "X-MULTI: b", "Content-Type: text/plain", "Content-Length: 5")
                        + "hello" + NEXT_RESPONSE));
        cases.add(exact("Connection: close from the application is honoured and the next request is not served",
                respond(r -> write(r, "hello", "Connection", "close")),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5", "Connection: close") + "hello"));
        cases.add(exact("Connection: close inside a list from the application is honoured",
                respond(r -> write(r, "hello", "Connection", "X-Foo, Close")),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5", "Connection: close") + "hello"));
        cases.add(exact("Server and Date from the application are replaced by the server's, once each",
                respond(r -> write(r, "hello", "Server", "evil/1.0", "Date", "Thu, 01 Jan 1970 00:00:00 GMT")),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(new Case("every response carries exactly one Server field and one IMF-fixdate Date field", u -> { },
                respond(r -> write(r, "hello")),
                (wire, calls) -> {
                    String transcript = wire.send(get("/") + NEXT).readUntilClosed();
                    String first = transcript.substring(0, transcript.indexOf("\r\n\r\n") + 2);
                    assertThat(fields(first, "Server")).containsExactly("unicorn");
                    assertThat(fields(first, "Date")).singleElement().matches(d -> IMF_FIXDATE.matcher(d).matches(), "IMF-fixdate");
                }));
        cases.add(new Case("an empty serverHeader setting sends no Server field",
                u -> u.serverHeader(""),
                respond(r -> write(r, "hello")),
                (wire, calls) -> assertThat(masked(wire.send(
                                "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").readUntilClosed()))
                        .isEqualTo("HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")));
    }

    // --- Expect: RFC 9110 §10.1.1

    private static void expectations(List<Case> cases) {
        HttpApp echoBody = (req, res) -> res.send(200, null, req.body().readAllBytes());
        cases.add(continued("100 Continue is sent when the application reads the body, then the response",
                echoBody,
                "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
                "hello" + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(new Case("an application answering without reading the body sends no 100 and closes", u -> { },
                respond(r -> write(r, "no", "Content-Length", "2")),
                (wire, calls) -> {
                    wire.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
                    assertThat(masked(wire.readUntilClosed()))
                            .isEqualTo(head("200 OK", "Content-Length: 2", "Connection: close") + "no");
                }));
        cases.add(exact("Expect: 100-continue with an empty body sends no 100",
                echoBody,
                "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n" + NEXT,
                head("200 OK", "Content-Length: 0") + NEXT_RESPONSE));
        cases.add(continued("Expect: 100-continue is matched case-insensitively",
                echoBody,
                "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-Continue\r\n\r\n",
                "hi" + NEXT,
                head("200 OK", "Content-Length: 2") + "hi" + NEXT_RESPONSE));
        cases.add(exact("Expect: 100-continue from an HTTP/1.0 client is ignored",
                echoBody,
                "POST / HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
                head("200 OK", "Content-Length: 5", "Connection: close") + "hello"));
        cases.add(new Case("an expectation other than 100-continue gets 417 and the application is not called", u -> { },
                echoBody,
                (wire, calls) -> {
                    String transcript = wire.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                            + "Expect: something-else\r\n\r\nhello" + NEXT).readUntilClosed();
                    assertServerError(transcript, 417, "Expectation Failed");
                    assertThat(calls).hasValue(0);
                }));
    }

    // --- 103 Early Hints: RFC 8297

    private static void earlyHints(List<Case> cases) {
        String hint = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n";
        cases.add(exact("early hints go out as 103 before the final response",
                respond(r -> {
                    r.earlyHints(Headers.of("Link", "</style.css>; rel=preload"));
                    write(r, "hello");
                }),
                get("/") + NEXT,
                hint + head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("two early hints go out in order before the final response",
                respond(r -> {
                    r.earlyHints(Headers.of("Link", "</style.css>; rel=preload"));
                    r.earlyHints(Headers.of("Link", "</app.js>; rel=preload", "Link", "</font.woff2>; rel=preload"));
                    write(r, "hello");
                }),
                get("/") + NEXT,
                hint + "HTTP/1.1 103 Early Hints\r\nLink: </app.js>; rel=preload\r\nLink: </font.woff2>; rel=preload\r\n\r\n"
                        + head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("early hints are not sent to an HTTP/1.0 client",
                respond(r -> {
                    r.earlyHints(Headers.of("Link", "</style.css>; rel=preload"));
                    write(r, "hello");
                }),
                "GET / HTTP/1.0\r\n\r\n",
                head("200 OK", "Content-Length: 5", "Connection: close") + "hello"));
        cases.add(serverError("early hints with a CRLF in a field value give 500 and send no 103",
                respond(r -> {
                    r.earlyHints(Headers.of("Link", "</a.css>\r\nSet-Cookie: stolen=1"));
                    write(r, "hello");
                })));
        cases.add(exact("early hints after the response is committed are ignored",
                respond(r -> {
                    write(r, "hello");
                    r.body().flush();
                    r.earlyHints(Headers.of("Link", "</style.css>; rel=preload"));
                }),
                get("/") + NEXT,
                head("200 OK", "Transfer-Encoding: chunked") + "5\r\nhello\r\n0\r\n\r\n" + NEXT_RESPONSE));
    }

    // --- Trailers: RFC 9112 §7.1.2

    private static void trailers(List<Case> cases) {
        cases.add(exact("trailers set by the application arrive after a chunked body",
                respond(r -> {
                    r.trailers(Headers.of("X-Checksum", "abc", "X-Count", "5"));
                    write(r, "hello");
                }),
                get("/") + NEXT,
                head("200 OK", "Transfer-Encoding: chunked") + "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Count: 5\r\n\r\n"
                        + NEXT_RESPONSE));
        cases.add(exact("trailers after an empty body arrive in the last chunk",
                respond(r -> r.trailers(Headers.of("X-Checksum", "none"))),
                get("/") + NEXT,
                head("200 OK", "Transfer-Encoding: chunked") + "0\r\nX-Checksum: none\r\n\r\n" + NEXT_RESPONSE));
        cases.add(exact("trailers set after a flush arrive after the chunked body",
                respond(r -> {
                    write(r, "hello");
                    r.body().flush();
                    r.trailers(Headers.of("X-Late", "yes"));
                }),
                get("/") + NEXT,
                head("200 OK", "Transfer-Encoding: chunked") + "5\r\nhello\r\n0\r\nX-Late: yes\r\n\r\n" + NEXT_RESPONSE));
        cases.add(serverError("an invalid trailer field with nothing sent yet gives 500 and closes",
                respond(r -> {
                    r.trailers(Headers.of("X-Bad", "a\r\nSet-Cookie: stolen=1"));
                    write(r, "hello");
                })));
        cases.add(exact("an invalid trailer field set after a flush ends the connection without the last chunk",
                respond(r -> {
                    write(r, "hello");
                    r.body().flush();
                    r.trailers(Headers.of("X-Bad", "a\r\nSet-Cookie: stolen=1"));
                }),
                get("/") + NEXT,
                head("200 OK", "Transfer-Encoding: chunked") + "5\r\nhello\r\n"));
        cases.add(exact("trailers are dropped on a response with a Content-Length",
                respond(r -> {
                    r.trailers(Headers.of("X-Checksum", "abc"));
                    write(r, "hello", "Content-Length", "5");
                }),
                get("/") + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("trailers are dropped on an HTTP/1.0 response, which is delimited by the close",
                respond(r -> {
                    r.trailers(Headers.of("X-Checksum", "abc"));
                    write(r, "hello");
                }),
                "GET / HTTP/1.0\r\n\r\n",
                head("200 OK", "Connection: close") + "hello"));
    }

    // --- limitRequestBody: RFC 9110 §15.5.14

    private static void requestBodyLimit(List<Case> cases) {
        HttpApp readsBody = (req, res) -> res.send(200, null, req.body().readAllBytes());
        Consumer<Unicorn> limit16 = u -> u.limitRequestBody(16);
        cases.add(new Case("a Content-Length over limitRequestBody gets 413 without calling the application", limit16,
                readsBody,
                (wire, calls) -> {
                    String transcript = wire.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n" + "x".repeat(17))
                            .readUntilClosed();
                    assertServerError(transcript, 413, "Content Too Large");
                    assertThat(calls).hasValue(0);
                }));
        cases.add(new Case("a chunked body growing over limitRequestBody gets 413", limit16,
                readsBody,
                (wire, calls) -> {
                    String transcript = wire.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "a\r\n0123456789\r\n7\r\nabcdefg\r\n0\r\n\r\n").readUntilClosed();
                    assertServerError(transcript, 413, "Content Too Large");
                }));
        cases.add(new Case("a Content-Length over limitRequestBody with Expect: 100-continue gets 413 and no 100", limit16,
                readsBody,
                (wire, calls) -> {
                    String transcript = wire.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\nExpect: 100-continue\r\n\r\n")
                            .readUntilClosed();
                    assertServerError(transcript, 413, "Content Too Large");
                    assertThat(calls).hasValue(0);
                }));
        cases.add(exact("a Content-Length exactly at limitRequestBody is served",
                limit16, readsBody,
                "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 16\r\n\r\n" + "x".repeat(16) + NEXT,
                head("200 OK", "Content-Length: 16") + "x".repeat(16) + NEXT_RESPONSE));
        cases.add(exact("a chunked body exactly at limitRequestBody is served",
                limit16, readsBody,
                "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n" + NEXT,
                head("200 OK", "Content-Length: 16") + "0123456789abcdef" + NEXT_RESPONSE));
    }

    // --- Persistence: RFC 9112 §9.3, §9.6

    private static void keepAlive(List<Case> cases) {
        HttpApp hello = respond(r -> write(r, "hello"));
        cases.add(exact("HTTP/1.1 keeps the connection open by default and serves the next request",
                hello, get("/") + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("HTTP/1.0 without keep-alive closes after the response",
                hello, "GET / HTTP/1.0\r\n\r\n" + NEXT,
                head("200 OK", "Content-Length: 5", "Connection: close") + "hello"));
        cases.add(exact("a request with Connection: close closes after the response",
                hello, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" + NEXT,
                head("200 OK", "Content-Length: 5", "Connection: close") + "hello"));
        cases.add(exact("Connection: close is recognised in any case and inside a list",
                hello, "GET / HTTP/1.1\r\nHost: t\r\nConnection: X-Foo, CLOSE\r\n\r\n" + NEXT,
                head("200 OK", "Content-Length: 5", "Connection: close") + "hello"));
        cases.add(exact("keepalive 0 closes every connection after one response",
                u -> u.keepalive(Duration.ZERO), hello, get("/") + NEXT,
                head("200 OK", "Content-Length: 5", "Connection: close") + "hello"));
        cases.add(exact("an unread request body under 64 KiB is discarded and the next request served",
                hello, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + payload(1_000) + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(exact("an unread chunked request body is discarded and the next request served",
                hello, "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + NEXT,
                head("200 OK", "Content-Length: 5") + "hello" + NEXT_RESPONSE));
        cases.add(new Case("an unread request body over 64 KiB closes the connection after the response", u -> { },
                hello,
                (wire, calls) -> assertThat(masked(wire.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"
                        + payload(1_000)).readUntilClosed()))
                        .isEqualTo(head("200 OK", "Content-Length: 5", "Connection: close") + "hello")));
        cases.add(new Case("a request split across many writes is served as if sent at once", u -> { },
                (req, res) -> res.send(200, null, req.body().readAllBytes()),
                (wire, calls) -> assertThat(masked(wire.sendByteByByte(
                        "POST /split?q=1 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n" + NEXT)
                        .readUntilClosed()))
                        .isEqualTo(head("200 OK", "Content-Length: 5") + "abcde" + NEXT_RESPONSE)));
    }

    // --- Pipelining: RFC 9112 §9.3.2

    @Test
    void sixteenPipelinedRequestsGetTheSameResponsesInOrderAsSixteenSentOneByOne() throws Exception {
        List<String> requests = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String method = switch (i % 4) {
                case 0 -> "GET";
                case 1 -> "HEAD";
                case 2 -> "POST";
                default -> "DELETE";
            };
            String body = method.equals("POST") ? "body-" + i : "";
            methods.add(method);
            requests.add(method + " /p/" + i + " HTTP/1.1\r\nHost: t\r\n"
                    + (body.isEmpty() ? "" : "Content-Length: " + body.length() + "\r\n") + "\r\n" + body);
        }
        HttpApp app = (req, res) -> {
            byte[] body = req.body().readAllBytes();
            int i = Integer.parseInt(req.path().substring(3));
            res.headers().add("X-Index", Integer.toString(i));
            // every fourth answer is large enough to be chunked, the others carry a Content-Length
            String text = req.method() + " " + req.path() + " " + new String(body, StandardCharsets.ISO_8859_1);
            write(res, i % 4 == 0 ? text + payload(20_000) : text);
        };
        try (RunningServer server = new Unicorn(app).externalConfig(false).bind("127.0.0.1:0").start()) {
            List<String> oneByOne = new ArrayList<>();
            try (RawClient client = RawClient.connect("127.0.0.1", server.port())) {
                for (int i = 0; i < 16; i++) {
                    oneByOne.add(summary(client.send(requests.get(i)).readResponse(methods.get(i))));
                }
            }
            List<String> pipelined;
            try (RawClient client = RawClient.connect("127.0.0.1", server.port())) {
                client.send(String.join("", requests)).shutdownOutput();
                pipelined = client.readResponses(methods).stream().map(ResponseFramingTest::summary).toList();
            }
            assertThat(oneByOne).hasSize(16);
            assertThat(oneByOne.get(2)).isEqualTo("200 Server=unicorn X-Index=2 Content-Length=16 body=POST /p/2 body-2");
            assertThat(pipelined).containsExactlyElementsOf(oneByOne);
        }
    }

    /** A response without its Date: status, fields in order and body. */
    private static String summary(RawResponse r) {
        StringBuilder sb = new StringBuilder().append(r.status());
        for (int i = 0; i < r.headers().size(); i++) {
            if (!r.headers().name(i).equalsIgnoreCase("Date")) {
                sb.append(' ').append(r.headers().name(i)).append('=').append(r.headers().value(i));
            }
        }
        return sb.append(" body=").append(new String(r.body(), StandardCharsets.ISO_8859_1)).toString();
    }

    // --- Building cases

    /** A case that sends {@code request} in one write and expects exactly {@code expected} until the close. */
    private static Case exact(String name, HttpApp app, String request, String expected) {
        return exact(name, u -> { }, app, request, expected);
    }

    private static Case exact(String name, Consumer<Unicorn> config, HttpApp app, String request, String expected) {
        return new Case(name, config, app,
                (wire, calls) -> assertThat(masked(wire.send(request).readUntilClosed())).isEqualTo(expected));
    }

    /**
     * A case that sends a request head asking for {@code 100 Continue}, waits for exactly that
     * interim response before sending {@code rest} (as a real client does), then expects
     * {@code expected} until the close.
     */
    private static Case continued(String name, HttpApp app, String head, String rest, String expected) {
        return new Case(name, u -> { }, app, (wire, calls) -> {
            wire.send(head);
            assertThat(wire.readExactly(25)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            wire.send(rest);
            assertThat(masked(wire.readUntilClosed())).isEqualTo(expected);
        });
    }

    /** A case whose HTTP/1.1 response must be chunked (sizes are the server's choice) and decode to {@code body}. */
    private static Case chunked(String name, HttpApp app, String body) {
        return new Case(name, u -> { }, app, (wire, calls) -> {
            String transcript = masked(wire.send(get("/") + NEXT).readUntilClosed());
            String expectedHead = head("200 OK", "Transfer-Encoding: chunked");
            assertThat(transcript).startsWith(expectedHead);
            Dechunked d = dechunk(transcript.substring(expectedHead.length()));
            assertThat(d.body()).isEqualTo(body);
            assertThat(d.trailers()).isEmpty();
            assertThat(d.rest()).isEqualTo(NEXT_RESPONSE);
        });
    }

    /** A case whose application fails before commit: 500, Connection: close, the close, NEXT unanswered. */
    private static Case serverError(String name, HttpApp app) {
        return new Case(name, u -> { }, app,
                (wire, calls) -> assertServerError(wire.send(get("/") + NEXT).readUntilClosed(), 500, "Internal Server Error"));
    }

    /**
     * The server's own error answer, then the close: exact head (its plain-text diagnostic's
     * length as Content-Length) and a one-line body starting with the status and reason.
     */
    static void assertServerError(String transcript, int status, String reason) {
        String masked = masked(transcript);
        int end = masked.indexOf("\r\n\r\n");
        assertThat(end).as("a response head in: %s",
                masked.isEmpty() ? "(nothing: the server closed the connection without a response)" : masked).isPositive();
        String body = masked.substring(end + 4);
        assertThat(masked.substring(0, end + 4)).isEqualTo(head(status + " " + reason,
                "Content-Type: text/plain; charset=utf-8", "Content-Length: " + body.length(), "Connection: close"));
        assertThat(body).startsWith(status + " " + reason + ": ").endsWith("\n").hasLineCount(1);
    }

    /** A response head as the server writes it: status line, Server, Date (masked), {@code fields}. */
    static String head(String status, String... fields) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n")
                .append("Server: unicorn\r\n").append("Date: ").append(DATE).append("\r\n");
        for (String f : fields) {
            sb.append(f).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    /** {@code n} printable bytes in a repeating, position-dependent pattern. */
    static String payload(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + (i * 7 + i / 26) % 26));
        }
        return sb.toString();
    }

    private static HttpApp respond(Responder responder) {
        return (req, res) -> responder.respond(res);
    }

    /** Adds {@code fields} (name, value, ...) and writes {@code body} without finishing the response. */
    static void write(HttpResponse response, String body, String... fields) throws java.io.IOException {
        for (int i = 0; i < fields.length; i += 2) {
            response.headers().add(fields[i], fields[i + 1]);
        }
        response.body().write(latin1(body));
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Answers /next itself (the pipelined probe); everything else goes to the case's application. */
    private static HttpApp routed(HttpApp app, AtomicInteger calls) {
        return (HttpRequest req, HttpResponse res) -> {
            if (req.path().equals("/next")) {
                res.send(200, "text/plain", latin1("next"));
                return;
            }
            calls.incrementAndGet();
            app.handle(req, res);
        };
    }

    private static List<String> fields(String head, String name) {
        List<String> values = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^" + name + ": ([^\r\n]*)\r\n").matcher(head);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    record Dechunked(String body, String trailers, String rest) {
    }

    /** Decodes a chunked body strictly (RFC 9112 §7.1); {@code rest} is what follows its end. */
    static Dechunked dechunk(String s) {
        StringBuilder body = new StringBuilder();
        int pos = 0;
        while (true) {
            int eol = s.indexOf("\r\n", pos);
            assertThat(eol).as("chunk size line at %d", pos).isGreaterThanOrEqualTo(0);
            int size = Integer.parseInt(s.substring(pos, eol), 16);
            pos = eol + 2;
            if (size == 0) {
                int end = s.startsWith("\r\n", pos) ? pos : s.indexOf("\r\n\r\n", pos) + 2;
                return new Dechunked(body.toString(), s.substring(pos, end), s.substring(end + 2));
            }
            body.append(s, pos, pos + size);
            assertThat(s.substring(pos + size, pos + size + 2)).as("CRLF after chunk data").isEqualTo("\r\n");
            pos += size + 2;
        }
    }
}
