package dev.unicorn.config;

/**
 * An HTTP protocol a listener may speak, as named in the {@code httpProtocols} setting
 * (gunicorn's {@code http_protocols}), with its ALPN identifier (RFC 7301).
 */
public enum HttpProtocol {
    /** HTTP/1.1 (and 1.0), ALPN {@code http/1.1}. */
    H1("http/1.1"),
    /** HTTP/2 over TLS, ALPN {@code h2}. */
    H2("h2");

    private final String alpn;

    HttpProtocol(String alpn) {
        this.alpn = alpn;
    }

    /** The ALPN protocol identifier. */
    public String alpn() {
        return alpn;
    }
}
