package dev.unicorn.bench.peers;

import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/** Jetty 12 with an ee11 {@link ServletContextHandler} holding {@link BenchServlet}. */
final class JettyServletPeer implements Peer {
    @Override
    public String name() {
        return "jetty-servlet";
    }

    @Override
    public String version() {
        return JettyConnectors.version() + " (ee11 servlet)";
    }

    @Override
    public String configuration() {
        return "ee11 ServletContextHandler with one HttpServlet, otherwise as jetty-core";
    }

    @Override
    public boolean h2c() {
        return true;
    }

    @Override
    public Running start(int port, PeerOptions options) throws Exception {
        Server server = JettyConnectors.server(port);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new BenchServlet()), "/*");
        server.setHandler(context);
        server.start();
        return server::stop;
    }
}
