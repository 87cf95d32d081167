package dev.unicorn.bench.peers;

import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Jetty;

/** The connector both Jetty peers use: HTTP/1.1 and h2c (prior knowledge or upgrade) on one port. */
final class JettyConnectors {
    private JettyConnectors() {
    }

    static String version() {
        return "Jetty " + Jetty.VERSION;
    }

    /** A server on its default {@code QueuedThreadPool} (200 threads) with the shared connector. */
    static Server server(int port) {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(server,
                new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setIdleTimeout(Peer.IDLE_TIMEOUT_SECONDS * 1000L);
        server.addConnector(connector);
        // Jetty has no connection limit unless a ConnectionLimit is added, so none is.
        return server;
    }
}
