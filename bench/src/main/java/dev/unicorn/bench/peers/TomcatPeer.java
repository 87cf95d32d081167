package dev.unicorn.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.apache.coyote.http2.Http2Protocol;

/**
 * Embedded Tomcat 11 with {@link BenchServlet} on its NIO connector (default 200 threads),
 * and h2c through Tomcat's HTTP/2 upgrade protocol.
 *
 * <p>Tomcat's default {@code maxKeepAliveRequests} of 100 closes every keep-alive connection
 * after 100 requests, which no other peer does; it is lifted so every server keeps its
 * connections for the whole run.
 */
final class TomcatPeer implements Peer {
    @Override
    public String name() {
        return "tomcat";
    }

    @Override
    public String version() {
        return ServerInfo.getServerInfo();
    }

    @Override
    public String configuration() {
        return "embedded, NIO connector, default executor (200 threads), maxConnections 20000, maxKeepAliveRequests unlimited (default 100), keepAliveTimeout 60 s, h2c via Http2Protocol, no access log valve";
    }

    @Override
    public boolean h2c() {
        return true;
    }

    @Override
    public Running start(int port, PeerOptions options) throws Exception {
        Path base = Files.createTempDirectory("unicorn-bench-tomcat").toAbsolutePath();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxConnections", Integer.toString(MAX_CONNECTIONS));
        connector.setProperty("maxKeepAliveRequests", "-1");
        connector.setProperty("keepAliveTimeout", Integer.toString(IDLE_TIMEOUT_SECONDS * 1000));
        connector.setProperty("connectionTimeout", Integer.toString(IDLE_TIMEOUT_SECONDS * 1000));
        Http2Protocol h2 = new Http2Protocol();
        h2.setKeepAliveTimeout(IDLE_TIMEOUT_SECONDS * 1000L);
        connector.addUpgradeProtocol(h2);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "bench", new BenchServlet()).addMapping("/*");
        tomcat.start();
        if (context.getState() != LifecycleState.STARTED) {
            // Tomcat logs a failed context and keeps serving 404s; fail instead
            stop(tomcat, base);
            throw new IllegalStateException("Tomcat's context did not start (state " + context.getState() + ")");
        }
        return () -> stop(tomcat, base);
    }

    private static void stop(Tomcat tomcat, Path base) throws LifecycleException, IOException {
        tomcat.stop();
        tomcat.destroy();
        try (Stream<Path> files = Files.walk(base)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
