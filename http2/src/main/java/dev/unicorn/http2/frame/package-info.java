/**
 * HTTP/2 frames (RFC 9113 §4, §6): a parser that validates every frame type and joins field
 * blocks, and a writer that produces the frames a server sends.
 */
package dev.unicorn.http2.frame;
