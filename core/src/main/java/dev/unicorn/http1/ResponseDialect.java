package dev.unicorn.http1;

import dev.unicorn.http.HttpVersion;

/**
 * What the peer of a connection understands of an HTTP/1.1-formatted response, chosen by the
 * connection's {@link RequestDecoder}. The status line, header fields, the no-body rules of
 * RFC 9110 §6.4.1 and the server-owned fields are the same in every dialect; only the framing
 * of a body of unknown length and the interim responses differ.
 */
public enum ResponseDialect {
    /**
     * A full HTTP/1.1 client: a body of unknown length is chunked for an HTTP/1.1 request (with
     * the application's trailers), {@code 100 Continue} and {@code 103 Early Hints} are sent.
     */
    HTTP_1_1,
    /**
     * A gateway that parses the response head as HTTP/1.1 but decodes no chunking and takes any
     * status line as the final one (nginx's {@code uwsgi_pass}): a body of unknown length is
     * delimited by closing the connection, trailers are dropped, and no 1xx is ever sent. The
     * connection persists only when the body's length is known.
     */
    CLOSE_DELIMITED;

    /** Whether a body of unknown length may be chunked in the response to a request of {@code version}. */
    boolean chunking(HttpVersion version) {
        return this == HTTP_1_1 && version.atLeast11();
    }

    /**
     * Whether interim responses ({@code 100 Continue}, {@code 103 Early Hints}) may precede the
     * response to a request of {@code version}.
     */
    boolean interimResponses(HttpVersion version) {
        return this == HTTP_1_1 && version.atLeast11();
    }
}
