package dev.unicorn.config;

/**
 * Whether a TLS listener asks clients for a certificate (gunicorn's {@code cert_reqs}, whose
 * numeric values 0, 1 and 2 are accepted as aliases).
 */
public enum CertReqs {
    /** No client certificate is requested. */
    NONE,
    /** A certificate is requested; a client without one is served, a client with an untrusted one is refused. */
    OPTIONAL,
    /** A certificate trusted by {@code caCerts} is required; the handshake fails without one. */
    REQUIRED
}
