package dev.unicorn.bench.peers;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.http.HttpApp;
import java.time.Duration;
import java.util.Map;

/**
 * Unicorn with its {@code virtual} worker model and default worker count. {@code key=value}
 * options other than {@link PeerServer}'s own are passed to {@link Unicorn#set}, so a run can
 * try other settings ({@code workers=2}).
 */
final class UnicornVirtualPeer implements Peer {
    private static final HttpApp APP = (request, response) -> {
        Endpoint e = Endpoint.match(request.method(), request.path());
        if (e == null) {
            response.send(404, "text/plain", new byte[0]);
        } else {
            response.send(200, e.contentType(), e.answer(request.body()));
        }
    };

    @Override
    public String name() {
        return "unicorn-virtual";
    }

    @Override
    public String version() {
        return "Unicorn " + PomVersion.of("dev.unicorn", "unicorn");
    }

    @Override
    public String configuration() {
        return "virtual worker model, default worker count (1), workerConnections 20000, keepalive 60 s, access log off";
    }

    @Override
    public boolean h2c() {
        return false;
    }

    @Override
    public Running start(int port, PeerOptions options) {
        Unicorn unicorn = new Unicorn(APP)
                .externalConfig(false)
                .bind("127.0.0.1:" + port)
                .workerConnections(MAX_CONNECTIONS)
                .keepalive(Duration.ofSeconds(IDLE_TIMEOUT_SECONDS));
        for (Map.Entry<String, String> option : options.values().entrySet()) {
            if (!PeerServer.OWN_OPTIONS.contains(option.getKey())) {
                unicorn.set(option.getKey(), option.getValue());
            }
        }
        RunningServer server = unicorn.start();
        return server::close; // the quick stop: nothing is in flight when the runner stops a server
    }
}
