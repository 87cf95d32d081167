package dev.unicorn.bench.peers;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/** Jetty 12 with a core {@link Handler} (no Servlet layer), HTTP/1.1 and h2c. */
final class JettyCorePeer implements Peer {
    @Override
    public String name() {
        return "jetty-core";
    }

    @Override
    public String version() {
        return JettyConnectors.version();
    }

    @Override
    public String configuration() {
        return "core Handler (no Servlet layer), default QueuedThreadPool (200 threads), HTTP/1.1 and h2c on one connector, idle timeout 60 s, no access log";
    }

    @Override
    public boolean h2c() {
        return true;
    }

    @Override
    public Running start(int port, PeerOptions options) throws Exception {
        Server server = JettyConnectors.server(port);
        server.setHandler(new EndpointHandler());
        server.start();
        return server::stop;
    }

    /** A blocking handler (the default invocation type), since {@code /echo} and {@code /sleep} block. */
    private static final class EndpointHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            Endpoint e = Endpoint.match(request.getMethod(), Request.getPathInContext(request));
            if (e == null) {
                return false; // the server answers 404
            }
            byte[] body = e.answer(Content.Source.asInputStream(request));
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, e.contentType());
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}
