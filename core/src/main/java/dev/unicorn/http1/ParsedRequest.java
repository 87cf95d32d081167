package dev.unicorn.http1;

import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpRequest;
import dev.unicorn.http.HttpVersion;
import dev.unicorn.http.TlsSession;
import java.net.SocketAddress;

/**
 * What both HTTP/1 drivers' requests answer from the parsed head alone: the request line, the
 * fields, the addresses (as a PROXY header or the decoder announced them) and the TLS session.
 * The blocking {@link Http1Request} and the non-blocking exchange of {@link Http1AsyncConnection}
 * add the body.
 */
abstract class ParsedRequest implements HttpRequest {
    final Http1Event.RequestHead head;
    final SocketAddress remote;
    final SocketAddress reached;
    private final TlsSession session;

    ParsedRequest(Http1Event.RequestHead head, SocketAddress remote, SocketAddress reached, TlsSession session) {
        this.head = head;
        this.remote = remote;
        this.reached = reached;
        this.session = session;
    }

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String target() {
        return head.target();
    }

    @Override
    public String path() {
        return head.path();
    }

    @Override
    public String query() {
        return head.query();
    }

    @Override
    public HttpVersion version() {
        return head.version();
    }

    @Override
    public Headers headers() {
        return head.headers();
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public SocketAddress localAddress() {
        return reached;
    }

    @Override
    public String scheme() {
        return head.scheme();
    }

    @Override
    public TlsSession tlsSession() {
        return session;
    }
}
