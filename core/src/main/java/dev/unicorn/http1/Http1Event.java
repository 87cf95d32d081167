package dev.unicorn.http1;

import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpVersion;

import java.nio.ByteBuffer;

/**
 * What a {@link RequestDecoder} ({@link Http1Parser}, the uWSGI codec) hands out. One request is a {@link RequestHead}, zero or
 * more {@link Body} events and an {@link EndOfMessage}; {@link #NEED_DATA} asks for more
 * bytes, {@link ConnectionClosed} reports a clean end of the connection.
 */
public sealed interface Http1Event {
    /** The parser needs more bytes (or the end of the stream) before it can say more. */
    Http1Event NEED_DATA = new NeedData();

    /** The type of {@link #NEED_DATA}; compare with {@code ==} against that instance. */
    record NeedData() implements Http1Event {
    }

    /**
     * A request line and its header fields, validated.
     *
     * @param method         the method (upper-cased when {@code casefoldHttpMethod} is set)
     * @param target         the request-target as sent (latin-1 decoded)
     * @param path           the path: of the URL for absolute-form, {@code *} for asterisk-form,
     *                       the target itself for authority-form
     * @param query          the query without {@code ?}, or ""
     * @param fragment       the fragment without {@code #}, or ""
     * @param version        the protocol version
     * @param headers        the kept fields in wire order, original spelling, values trimmed; read-only
     * @param contentLength  the Content-Length; -1 when chunked; 0 when there is no body
     * @param chunked        whether the body uses the chunked transfer coding
     * @param expectContinue whether the client waits for {@code 100 Continue} (HTTP/1.1 {@code Expect: 100-continue})
     * @param keepAlive      whether the request allows the connection to persist
     * @param scheme         {@code http} or {@code https}, after trusted secure-scheme headers
     * @param proxy          the client and the address it reached as a trusted proxy announced them
     *                       (a PROXY header, a uWSGI packet's variables), or null
     */
    record RequestHead(String method, String target, String path, String query, String fragment,
                       HttpVersion version, Headers headers, long contentLength, boolean chunked,
                       boolean expectContinue, boolean keepAlive, String scheme, ProxyInfo proxy)
            implements Http1Event {
    }

    /**
     * Some body bytes (de-chunked). The buffer is a read-only view of the parser's buffer,
     * valid only until the next call to {@link RequestDecoder#receive} or {@link RequestDecoder#next};
     * never empty.
     *
     * @param data the bytes
     */
    record Body(ByteBuffer data) implements Http1Event {
    }

    /**
     * The end of the request body.
     *
     * @param trailers the trailer fields of a chunked body; read-only, possibly empty
     */
    record EndOfMessage(Headers trailers) implements Http1Event {
    }

    /** The peer closed the connection between requests, with nothing left unparsed. */
    record ConnectionClosed() implements Http1Event {
        /** The shared instance the parser returns. */
        public static final ConnectionClosed INSTANCE = new ConnectionClosed();
    }
}
