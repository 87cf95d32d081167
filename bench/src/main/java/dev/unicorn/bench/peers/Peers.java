package dev.unicorn.bench.peers;

import java.util.List;

/** The servers under comparison, in the order a load run visits them (Unicorn first). */
public final class Peers {
    private Peers() {
    }

    /** Every peer. */
    public static List<Peer> all() {
        return List.of(new UnicornVirtualPeer(), new JettyCorePeer(), new JettyServletPeer(),
                new UndertowPeer(), new TomcatPeer());
    }

    /** The peer called {@code name}. */
    public static Peer named(String name) {
        for (Peer p : all()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown server " + name + "; known: "
                + all().stream().map(Peer::name).toList());
    }
}
