package dev.unicorn.uwsgi;

import dev.unicorn.http1.ParserOptions;
import dev.unicorn.net.IpAllowList;
import java.util.Objects;

/**
 * The settings of {@link UwsgiParser}: who may send packets, the uWSGI limits, plus the HTTP limits that apply to
 * the request a packet carries, taken from the HTTP/1.1 parser's options so that a request is
 * bounded alike whichever protocol carried it.
 *
 * <p>Of {@code http} the codec applies {@code limitRequestLine} (to {@code REQUEST_URI}, 414),
 * {@code limitRequestFields} (to the {@code HTTP_*} variables, 431),
 * {@code limitRequestFieldSize} (to each of them, 431), {@code limitRequestBody} (to
 * {@code CONTENT_LENGTH}, 413), {@code permitUnconventionalHttpMethod} and
 * {@code casefoldHttpMethod}. The others concern HTTP/1.1 syntax that a packet cannot hold
 * (folding, spaces before colons, PROXY headers) or trust that a uWSGI peer has anyway
 * (scheme and forwarder headers): see {@code docs/uwsgi.md}.
 *
 * @param allowIps    the peers allowed to send packets ({@code uwsgiAllowIps}): IPs and CIDR
 *                    networks, {@code *} for all; a Unix-socket peer always is. Others get 403,
 *                    and an allowed peer is trusted for {@code REMOTE_ADDR} and the like
 * @param maxVars     most variables in one packet (431 above); at least 1
 * @param maxVarsSize largest vars block in bytes (431 above), 1 to 65535 (the format's own bound)
 * @param http        the HTTP limits and leniencies that apply to the request
 */
public record UwsgiOptions(IpAllowList allowIps, int maxVars, int maxVarsSize, ParserOptions http) {
    /** The largest vars block the format can express: its size is an unsigned 16-bit field. */
    public static final int MAX_VARS_SIZE = 65535;
    /** The default {@code uwsgiAllowIps}: gunicorn's {@code uwsgi_allow_ips}, the loopback addresses. */
    public static final String DEFAULT_ALLOW_IPS = "127.0.0.1,::1";
    /** The default {@code uwsgiMaxVars}: gunicorn's {@code MAX_UWSGI_VARS}. */
    public static final int DEFAULT_MAX_VARS = 1000;

    /** Validates the limits. */
    public UwsgiOptions {
        if (maxVars < 1) {
            throw new IllegalArgumentException("maxVars must be at least 1: " + maxVars);
        }
        if (maxVarsSize < 1 || maxVarsSize > MAX_VARS_SIZE) {
            throw new IllegalArgumentException("maxVarsSize must be 1 to " + MAX_VARS_SIZE + ": " + maxVarsSize);
        }
        Objects.requireNonNull(allowIps, "allowIps");
        Objects.requireNonNull(http, "http");
    }

    /** The defaults: loopback peers, 1000 variables, the format's 65535-byte block, and the HTTP parser's defaults. */
    public static UwsgiOptions defaults() {
        return new UwsgiOptions(IpAllowList.parse(DEFAULT_ALLOW_IPS), DEFAULT_MAX_VARS, MAX_VARS_SIZE,
                ParserOptions.defaults());
    }

    /** A copy with {@code allowIps} replaced. */
    public UwsgiOptions withAllowIps(IpAllowList v) {
        return new UwsgiOptions(v, maxVars, maxVarsSize, http);
    }

    /** A copy with {@code maxVars} replaced. */
    public UwsgiOptions withMaxVars(int v) {
        return new UwsgiOptions(allowIps, v, maxVarsSize, http);
    }

    /** A copy with {@code maxVarsSize} replaced. */
    public UwsgiOptions withMaxVarsSize(int v) {
        return new UwsgiOptions(allowIps, maxVars, v, http);
    }

    /** A copy with {@code http} replaced. */
    public UwsgiOptions withHttp(ParserOptions v) {
        return new UwsgiOptions(allowIps, maxVars, maxVarsSize, v);
    }
}
