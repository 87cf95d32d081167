package dev.unicorn.bench.peers;

import dev.unicorn.config.WorkerModelKind;
import java.util.List;
import java.util.stream.Stream;

/** The servers under comparison, in the order a load run visits them (Unicorn first). */
public final class Peers {
    private Peers() {
    }

    /**
     * Every server of the comparison: Unicorn on each worker model that keeps connections alive
     * ({@code sync} answers every request with {@code Connection: close}, as gunicorn's sync
     * worker does, so keep-alive and pipelined points would only measure reconnecting), then
     * the peers.
     */
    public static List<Peer> all() {
        return List.of(new UnicornBlockingPeer(WorkerModelKind.VIRTUAL), new UnicornBlockingPeer(WorkerModelKind.THREADS),
                new UnicornAsyncPeer(), new UnicornServletPeer(), new JettyCorePeer(), new JettyServletPeer(), new UndertowPeer(), new TomcatPeer());
    }

    /** Servers only {@code bench/models.sh} runs: Unicorn's {@code sync} model. */
    static List<Peer> modelsOnly() {
        return List.of(new UnicornBlockingPeer(WorkerModelKind.SYNC));
    }

    /** The name of every peer {@link #named} knows. */
    public static List<String> names() {
        return known().map(Peer::name).toList();
    }

    /** The peer called {@code name}. */
    public static Peer named(String name) {
        return known().filter(p -> p.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("unknown server " + name + "; known: " + names()));
    }

    private static Stream<Peer> known() {
        return Stream.concat(all().stream(), modelsOnly().stream());
    }
}
