package dev.unicorn.bench.peers;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.servlet.ServletApp;

/**
 * Unicorn's Servlet adapter on the {@code virtual} worker model, serving the same
 * {@link BenchServlet} as Jetty's ee11 servlet peer and Tomcat, so that "servlet hello"
 * compares containers, not applications. Options as {@link UnicornBlockingPeer}'s.
 */
final class UnicornServletPeer implements Peer {
    @Override
    public String name() {
        return "unicorn-servlet";
    }

    @Override
    public String version() {
        return "Unicorn " + PomVersion.of("dev.unicorn", "unicorn");
    }

    @Override
    public String configuration() {
        return "Servlet adapter (ServletApp, sessions and multipart available but unused), virtual worker model, "
                + "default worker count (1), workerConnections 20000, keepalive 60 s, access log off";
    }

    @Override
    public boolean h2c() {
        return false;
    }

    @Override
    public Running start(int port, PeerOptions options) throws Exception {
        RunningServer server = UnicornBlockingPeer.start(new Unicorn(ServletApp.of(new BenchServlet())), port, options);
        return server::close; // the quick stop (which also destroys the servlet): nothing is in flight

    }
}
