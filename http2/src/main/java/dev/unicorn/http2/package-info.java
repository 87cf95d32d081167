/**
 * HTTP/2 (RFC 9113) and HPACK (RFC 7541) for Unicorn: a sans-I/O frame codec, HPACK with static and dynamic tables and Huffman coding, the stream state machine and flow control, h2 over TLS (ALPN) and h2c (prior knowledge and Upgrade). Filled by the HTTP/2 and TLS issue.
 */
package dev.unicorn.http2;
