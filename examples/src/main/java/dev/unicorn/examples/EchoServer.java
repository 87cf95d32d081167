package dev.unicorn.examples;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpApp;
import dev.unicorn.http.HttpRequest;
import dev.unicorn.http.RequestHead;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Answers every request with a JSON object describing what the server parsed: {@code method},
 * {@code target} (the raw request-target), {@code path} and {@code query} (as received),
 * {@code version}, {@code headers} ({@code [name, value]} pairs in wire order), {@code body}
 * (base64), {@code trailers}, {@code remote} ({@code ip:port}) and {@code scheme}. Strings are
 * the received bytes read as ISO-8859-1. Settings come from {@code -Dunicorn.<name>=} and
 * {@code UNICORN_*}.
 */
public final class EchoServer {
    private EchoServer() {
    }

    /** The application. */
    public static HttpApp app() {
        return (request, response) -> {
            byte[] body = request.body().readAllBytes();
            byte[] json = describe(request, body).getBytes(StandardCharsets.UTF_8);
            response.send(200, "application/json", json);
        };
    }

    /** The JSON description of {@code request} whose body was {@code body}. */
    static String describe(HttpRequest request, byte[] body) {
        return describe(request, body, request.trailers());
    }

    /**
     * The JSON description of a request with head {@code request}, body {@code body} and
     * {@code trailers}; shared with {@link AsyncEchoServer}.
     */
    static String describe(RequestHead request, byte[] body, Headers trailers) {
        StringBuilder sb = new StringBuilder(256 + body.length * 2);
        sb.append('{');
        field(sb, "method", request.method()).append(',');
        field(sb, "target", request.target()).append(',');
        field(sb, "path", request.path()).append(',');
        field(sb, "query", request.query()).append(',');
        field(sb, "version", request.version().toString()).append(',');
        sb.append("\"headers\":");
        pairs(sb, request.headers()).append(',');
        field(sb, "body", Base64.getEncoder().encodeToString(body)).append(',');
        sb.append("\"trailers\":");
        pairs(sb, trailers).append(',');
        field(sb, "remote", address(request.remoteAddress())).append(',');
        field(sb, "scheme", request.scheme());
        return sb.append('}').toString();
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress inet) {
            String ip = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + inet.getPort();
        }
        return String.valueOf(a);
    }

    private static StringBuilder pairs(StringBuilder sb, Headers headers) {
        sb.append('[');
        for (int i = 0; i < headers.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('[');
            string(sb, headers.name(i)).append(',');
            string(sb, headers.value(i)).append(']');
        }
        return sb.append(']');
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        string(sb, name).append(':');
        return string(sb, value);
    }

    /** A JSON string literal (RFC 8259 §7). */
    private static StringBuilder string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    /**
     * Starts the echo server and serves until the JVM is stopped. On every worker model: with
     * {@code -Dunicorn.workerModel=async} (or {@code UNICORN_WORKER_MODEL=async}) it serves
     * {@link AsyncEchoServer}'s non-blocking application, which answers alike.
     */
    public static void main(String[] args) throws InterruptedException {
        // The model the environment and system properties select, as start() will resolve it.
        boolean async = Config.builder().environment(System.getenv()).systemProperties(System.getProperties()).build()
                .get(Settings.WORKER_MODEL) == WorkerModelKind.ASYNC;
        Unicorn unicorn = async ? new Unicorn(AsyncEchoServer.app()) : new Unicorn(app());
        // gunicorn's signals: TERM stops gracefully, INT (Ctrl-C) quickly, HUP reloads, TTIN/TTOU scale.
        RunningServer server = unicorn.handleSignals(true).start();
        server.awaitTermination();
    }
}
