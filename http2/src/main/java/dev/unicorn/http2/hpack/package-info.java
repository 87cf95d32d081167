/**
 * HPACK (RFC 7541): a decoder that calls back per field and an encoder with an indexing
 * policy, sharing the static table, the dynamic table and the Huffman code.
 */
package dev.unicorn.http2.hpack;
