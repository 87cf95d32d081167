package dev.unicorn.http2.hpack;

/** Which fields {@link HpackEncoder} adds to the dynamic table. */
public enum IndexingPolicy {
    /**
     * Index every field that fits the table, as RFC 7541's Appendix C examples do. For tests
     * and benchmarks that reproduce those examples.
     */
    ALL,
    /**
     * The default. Secrets are sent never-indexed (RFC 7541 §7.1.3), so neither this table
     * nor an intermediary's holds them and a compression-ratio attack (CRIME) learns nothing:
     * {@code authorization}, {@code proxy-authorization}, {@code set-cookie}, and
     * {@code cookie} values shorter than 20 octets (guessable). Fields larger than a quarter
     * of the table are sent without indexing so that one of them cannot flush it.
     */
    PROTECT_SENSITIVE
}
