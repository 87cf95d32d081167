package dev.unicorn.examples.dirty;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.dirty.DirtyAppException;
import dev.unicorn.dirty.DirtyClient;
import dev.unicorn.dirty.DirtyException;
import dev.unicorn.dirty.DirtyNoWorkerException;
import dev.unicorn.dirty.DirtyStream;
import dev.unicorn.dirty.DirtyTimeoutException;
import dev.unicorn.dirty.DirtyWorkerDiedException;
import dev.unicorn.http.HttpApp;
import dev.unicorn.http.HttpRequest;
import dev.unicorn.http.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * An HTTP server whose heavy work runs in dirty worker JVMs ({@link ImageResizeApp} on two of
 * them):
 * <ul>
 *   <li>{@code POST /resize?width=W&height=H} with a PNG body answers the resized PNG, with
 *       the worker that did it in {@code X-Dirty-Worker} and {@code X-Dirty-Pid};</li>
 *   <li>{@code GET /resize/progress?size=S&width=W&height=H} resizes a generated test pattern
 *       and streams its progress as server-sent events ({@code event: progress}, then
 *       {@code event: done}); a client that goes away cancels the work in the worker;</li>
 *   <li>{@code GET /stats} answers how many resizes the workers counted in the stash.</li>
 * </ul>
 * Errors: 400 for bad parameters, 422 when the app refuses the input, 503 when no worker can
 * take the call or it died, 504 past the timeout.
 *
 * <p>The class owns its {@link Unicorn} and takes the dirty client from it before the server
 * starts ({@link Unicorn#dirtyClient()}). Settings may be overridden with
 * {@code -Dunicorn.<name>=} and {@code UNICORN_*} as usual.
 */
public final class DirtyExampleServer {
    /** The app's name, as calls and {@code dirtyApps} give it. */
    static final String APP = ImageResizeApp.class.getName();

    private final Unicorn unicorn;
    private final DirtyClient dirty;

    /** A server for {@code bind} with two dirty workers hosting {@link ImageResizeApp}. */
    public DirtyExampleServer(String bind) {
        this.unicorn = new Unicorn((HttpApp) this::handle)
                .bind(bind)
                .dirtyApps(APP + ":2")
                .dirtyWorkers(2)
                .dirtyThreads(2)
                .dirtyHeap(256L << 20);
        this.dirty = unicorn.dirtyClient();
    }

    /** The server description, for more settings before {@link Unicorn#start()}. */
    public Unicorn unicorn() {
        return unicorn;
    }

    /** Starts the server on the address given as first argument (default {@code 127.0.0.1:8000}). */
    public static void main(String[] args) throws InterruptedException {
        RunningServer server = new DirtyExampleServer(args.length > 0 ? args[0] : "127.0.0.1:8000").unicorn().start();
        System.out.println("listening on " + server.uri());
        server.awaitTermination();
    }

    private void handle(HttpRequest request, HttpResponse response) throws IOException {
        Map<String, String> query = query(request.query());
        try {
            switch (request.method() + " " + request.path()) {
                case "POST /resize" -> resize(request, response, query);
                case "GET /resize/progress" -> progress(response, query);
                case "GET /stats" -> text(response, 200, "resizes: " + dirty.stash().get("resize", "calls", 0L) + "\n");
                default -> text(response, 404, "not found\n");
            }
        } catch (NumberFormatException e) {
            text(response, 400, "bad number: " + e.getMessage() + "\n");
        } catch (DirtyAppException e) {
            text(response, 422, e.remoteMessage() + "\n");
        } catch (DirtyTimeoutException e) {
            text(response, 504, e.getMessage() + "\n");
        } catch (DirtyNoWorkerException | DirtyWorkerDiedException e) {
            text(response, 503, e.getMessage() + "\n");
        } catch (DirtyException e) {
            text(response, 500, e.getMessage() + "\n");
        }
    }

    private void resize(HttpRequest request, HttpResponse response, Map<String, String> query) throws IOException {
        long width = Long.parseLong(query.getOrDefault("width", "100"));
        long height = Long.parseLong(query.getOrDefault("height", "100"));
        byte[] png = request.body().readAllBytes();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) dirty.call(APP, "resize", png, width, height);
        response.headers().set("X-Dirty-Worker", String.valueOf(result.get("worker")));
        response.headers().set("X-Dirty-Pid", String.valueOf(result.get("pid")));
        response.send(200, "image/png", (byte[]) result.get("png"));
    }

    private void progress(HttpResponse response, Map<String, String> query) throws IOException {
        long size = Long.parseLong(query.getOrDefault("size", "1024"));
        long width = Long.parseLong(query.getOrDefault("width", "256"));
        long height = Long.parseLong(query.getOrDefault("height", "256"));
        try (DirtyStream events = dirty.stream(APP, "progress", size, width, height)) {
            if (!events.hasNext()) { // the first element (or the app's refusal) before committing to 200
                text(response, 500, "empty stream\n");
                return;
            }
            response.status(200);
            response.headers().set("Content-Type", "text/event-stream");
            response.headers().set("Cache-Control", "no-cache");
            OutputStream out = response.body();
            while (events.hasNext()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> event = (Map<String, Object>) events.next();
                String name = event.containsKey("done") ? "done" : "progress";
                out.write(("event: " + name + "\ndata: " + json(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush(); // a client that went away fails this write; closing the stream cancels the work
            }
            out.close();
        }
    }

    private static void text(HttpResponse response, int status, String body) throws IOException {
        if (response.isCommitted()) {
            throw new IOException("failed after the response started: " + body.strip());
        }
        response.send(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    /** A flat map of numbers and booleans as JSON, keys in the map's order. */
    private static String json(Map<String, Object> map) {
        StringBuilder sb = new StringBuilder("{");
        map.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return sb.append('}').toString();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.putIfAbsent(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
