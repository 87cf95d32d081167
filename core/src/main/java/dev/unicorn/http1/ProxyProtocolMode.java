package dev.unicorn.http1;

/** Whether connections start with a PROXY protocol header (HAProxy's v1 text or v2 binary form). */
public enum ProxyProtocolMode {
    /** No PROXY header is expected; a {@code PROXY ...} line is an invalid request line. */
    OFF,
    /** Every connection must start with a v1 (text) header. */
    V1,
    /** Every connection must start with a v2 (binary) header. */
    V2,
    /** A v1 or v2 header is accepted when present, and optional. */
    AUTO
}
