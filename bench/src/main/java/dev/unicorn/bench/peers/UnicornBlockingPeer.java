package dev.unicorn.bench.peers;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.HttpApp;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Unicorn with one of its blocking worker models ({@code virtual}, {@code threads}, {@code sync})
 * and default worker count, named {@code unicorn-<model>}. {@code key=value} options other than
 * {@link PeerServer}'s own are passed to {@link Unicorn#set}, so a run can try other settings
 * ({@code workers=2}).
 */
final class UnicornBlockingPeer implements Peer {
    private static final HttpApp APP = (request, response) -> {
        Endpoint e = Endpoint.match(request.method(), request.path());
        if (e == null) {
            response.send(404, "text/plain", new byte[0]);
        } else {
            response.send(200, e.contentType(), e.answer(request.body()));
        }
    };

    private final WorkerModelKind model;

    UnicornBlockingPeer(WorkerModelKind model) {
        if (model == WorkerModelKind.ASYNC) {
            throw new IllegalArgumentException("async runs non-blocking applications: see UnicornAsyncPeer");
        }
        this.model = model;
    }

    private String modelName() {
        return model.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String name() {
        return "unicorn-" + modelName();
    }

    @Override
    public String version() {
        return "Unicorn " + PomVersion.of("dev.unicorn", "unicorn");
    }

    @Override
    public String configuration() {
        return modelName() + " worker model, default worker count (1)"
                + (model == WorkerModelKind.THREADS ? " and threads (2 x cores)" : "")
                + ", workerConnections 20000, keepalive 60 s, access log off";
    }

    @Override
    public boolean h2c() {
        return false;
    }

    @Override
    public Running start(int port, PeerOptions options) {
        RunningServer server = start(new Unicorn(APP).workerModel(model), port, options);
        return server::close; // the quick stop: nothing is in flight when the runner stops a server
    }

    /**
     * Starts {@code unicorn} as every Unicorn peer runs: on 127.0.0.1:{@code port}, with the
     * comparison's connection limit and idle timeout, and the command line's other options as
     * settings.
     */
    static RunningServer start(Unicorn unicorn, int port, PeerOptions options) {
        unicorn.externalConfig(false)
                .bind("127.0.0.1:" + port)
                .workerConnections(MAX_CONNECTIONS)
                .keepalive(Duration.ofSeconds(IDLE_TIMEOUT_SECONDS));
        for (Map.Entry<String, String> option : options.values().entrySet()) {
            if (!PeerServer.OWN_OPTIONS.contains(option.getKey())) {
                unicorn.set(option.getKey(), option.getValue());
            }
        }
        return unicorn.start();
    }
}
