package dev.unicorn.http1;

/**
 * What to do with a request header whose name contains an underscore ({@code X_Forwarded_For}),
 * which CGI-style consumers confuse with its dashed twin (gunicorn's {@code header_map}).
 */
public enum HeaderMapPolicy {
    /** Silently discard the field (the default). */
    DROP,
    /** Reject the request with 400. */
    REFUSE,
    /** Keep the field as it is. */
    DANGEROUS
}
