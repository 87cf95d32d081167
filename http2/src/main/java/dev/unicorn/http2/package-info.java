/**
 * HTTP/2 (RFC 9113) for Unicorn, sans I/O: {@link dev.unicorn.http2.Http2Connection} is the
 * server side of a connection as a state machine over bytes (preface, SETTINGS, stream states,
 * flow control credited on consumption, request validation, flood budgets, graceful GOAWAY),
 * built on the frame codec in {@code dev.unicorn.http2.frame} and HPACK in
 * {@code dev.unicorn.http2.hpack}. TLS/ALPN, h2c and the worker integration come later; see
 * {@code docs/http2.md}.
 */
package dev.unicorn.http2;
