package dev.unicorn.server;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import dev.unicorn.http.AsyncHttpApp;
import dev.unicorn.http.HttpApp;
import java.util.Objects;
import dev.unicorn.http1.ParserOptions;
import dev.unicorn.log.AccessLogFormat;
import dev.unicorn.net.IpAllowList;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection of one server shares: the application (a blocking {@link HttpApp}
 * or a non-blocking {@link AsyncHttpApp}), the resolved settings in the
 * form the hot path wants them (parser options, nanosecond timeouts, pre-encoded header
 * bytes), the date cache and the loggers. Immutable apart from the date cache; one per
 * server, never static.
 */
public final class ServerContext {
    /** The error log, {@code unicorn.error}. */
    public static final Logger ERROR_LOG = LoggerFactory.getLogger("unicorn.error");
    /** The access log, {@code unicorn.access}. */
    public static final Logger ACCESS_LOG = LoggerFactory.getLogger("unicorn.access");

    private final HttpApp app;
    private final AsyncHttpApp asyncApp;
    private final Config config;
    private final ParserOptions parserOptions;
    private final IpAllowList forwardedAllowIps;
    private final IpAllowList proxyAllowIps;
    private final byte[] serverHeaderLine;
    private final long keepaliveNanos;
    private final long timeoutNanos;
    private final AccessLogFormat accessLogFormat;
    private final DateCache dateCache = new DateCache();
    /** Response staging buffers, lent per response (16 KiB each; at most 256 kept). */
    private final BufferPool responseBuffers = new BufferPool(16 * 1024, 256);
    private final long pid = ProcessHandle.current().pid();

    /** Resolves {@code config} for serving the blocking {@code app}. */
    public ServerContext(HttpApp app, Config config) {
        this(Objects.requireNonNull(app, "app"), null, config);
    }

    /** Resolves {@code config} for serving the non-blocking {@code app}. */
    public ServerContext(AsyncHttpApp app, Config config) {
        this(null, Objects.requireNonNull(app, "app"), config);
    }

    /**
     * Resolves {@code config} for serving {@code app}, an {@link HttpApp} or an
     * {@link AsyncHttpApp} (for callers that take either kind from one factory).
     *
     * @throws IllegalArgumentException if {@code app} is neither
     */
    public static ServerContext forApplication(Object app, Config config) {
        if (app instanceof HttpApp blocking) {
            return new ServerContext(blocking, config);
        }
        if (app instanceof AsyncHttpApp async) {
            return new ServerContext(async, config);
        }
        throw new IllegalArgumentException("the application must be an HttpApp or an AsyncHttpApp, not "
                + (app == null ? "null" : app.getClass().getName()));
    }

    private ServerContext(HttpApp app, AsyncHttpApp asyncApp, Config config) {
        this.app = app;
        this.asyncApp = asyncApp;
        this.config = config;
        this.parserOptions = new ParserOptions(
                config.get(Settings.LIMIT_REQUEST_LINE),
                config.get(Settings.LIMIT_REQUEST_FIELDS),
                config.get(Settings.LIMIT_REQUEST_FIELD_SIZE),
                config.get(Settings.LIMIT_REQUEST_BODY),
                config.get(Settings.PERMIT_OBSOLETE_FOLDING),
                config.get(Settings.PERMIT_UNCONVENTIONAL_HTTP_METHOD),
                config.get(Settings.PERMIT_UNCONVENTIONAL_HTTP_VERSION),
                config.get(Settings.CASEFOLD_HTTP_METHOD),
                config.get(Settings.STRIP_HEADER_SPACES),
                config.get(Settings.REQUIRE_HOST_HEADER),
                config.get(Settings.HEADER_MAP),
                config.get(Settings.SECURE_SCHEME_HEADERS),
                Set.copyOf(config.get(Settings.FORWARDER_HEADERS)),
                config.get(Settings.PROXY_PROTOCOL));
        this.forwardedAllowIps = config.get(Settings.FORWARDED_ALLOW_IPS);
        this.proxyAllowIps = config.get(Settings.PROXY_ALLOW_IPS);
        String server = config.get(Settings.SERVER_HEADER);
        this.serverHeaderLine = server.isEmpty() ? new byte[0]
                : ("Server: " + server + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        this.keepaliveNanos = config.get(Settings.KEEPALIVE).toNanos();
        Duration timeout = config.get(Settings.TIMEOUT);
        this.timeoutNanos = timeout.isZero() ? 0 : timeout.toNanos();
        this.accessLogFormat = AccessLogFormat.compile(config.get(Settings.ACCESS_LOG_FORMAT));
    }

    /**
     * The blocking application.
     *
     * @throws IllegalStateException if this server runs an {@link AsyncHttpApp}
     */
    public HttpApp app() {
        if (app == null) {
            throw new IllegalStateException("this server runs an AsyncHttpApp, not a blocking HttpApp");
        }
        return app;
    }

    /**
     * The non-blocking application.
     *
     * @throws IllegalStateException if this server runs a blocking {@link HttpApp}
     */
    public AsyncHttpApp asyncApp() {
        if (asyncApp == null) {
            throw new IllegalStateException("this server runs a blocking HttpApp, not an AsyncHttpApp");
        }
        return asyncApp;
    }

    /** True if the application is an {@link AsyncHttpApp}. */
    public boolean isAsync() {
        return asyncApp != null;
    }

    /** The resolved settings. */
    public Config config() {
        return config;
    }

    /** The HTTP/1 parser options derived from the settings. */
    public ParserOptions parserOptions() {
        return parserOptions;
    }

    /** Peers trusted for scheme and forwarder headers. */
    public IpAllowList forwardedAllowIps() {
        return forwardedAllowIps;
    }

    /** Peers allowed to send a PROXY protocol header. */
    public IpAllowList proxyAllowIps() {
        return proxyAllowIps;
    }

    /** {@code Server: <value>\r\n}, or empty when no Server header is sent. */
    public byte[] serverHeaderLine() {
        return serverHeaderLine;
    }

    /** Keep-alive idle time in nanoseconds; 0 disables keep-alive. */
    public long keepaliveNanos() {
        return keepaliveNanos;
    }

    /** The bound on one blocking read or write for a request in nanoseconds; 0 means none. */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** The compiled access-log format. */
    public AccessLogFormat accessLogFormat() {
        return accessLogFormat;
    }

    /** The shared Date header cache. */
    public DateCache dateCache() {
        return dateCache;
    }

    /** The pool response staging buffers come from. */
    public BufferPool responseBuffers() {
        return responseBuffers;
    }

    /** This process's id, for the access log. */
    public long pid() {
        return pid;
    }
}
