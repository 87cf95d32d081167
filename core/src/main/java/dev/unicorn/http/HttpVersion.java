package dev.unicorn.http;

/**
 * An HTTP protocol version. {@link #HTTP_1_0}, {@link #HTTP_1_1} and {@link #HTTP_2} are
 * shared instances; other versions only appear when a leniency setting admits them.
 *
 * @param major the major version digit
 * @param minor the minor version digit
 */
public record HttpVersion(int major, int minor) {
    /** HTTP/1.0. */
    public static final HttpVersion HTTP_1_0 = new HttpVersion(1, 0);
    /** HTTP/1.1. */
    public static final HttpVersion HTTP_1_1 = new HttpVersion(1, 1);
    /** HTTP/2. */
    public static final HttpVersion HTTP_2 = new HttpVersion(2, 0);

    /** Returns the shared instance for the common versions, a new one otherwise. */
    public static HttpVersion of(int major, int minor) {
        if (major == 1 && minor == 1) {
            return HTTP_1_1;
        }
        if (major == 1 && minor == 0) {
            return HTTP_1_0;
        }
        if (major == 2 && minor == 0) {
            return HTTP_2;
        }
        return new HttpVersion(major, minor);
    }

    /** True for HTTP/1.1 and later. */
    public boolean atLeast11() {
        return major > 1 || (major == 1 && minor >= 1);
    }

    /** The protocol string, e.g. {@code HTTP/1.1} (HTTP/2 is {@code HTTP/2.0}, as gunicorn logs it). */
    @Override
    public String toString() {
        return "HTTP/" + major + "." + minor;
    }
}
