package dev.unicorn;

import dev.unicorn.config.Config;
import dev.unicorn.config.ConfigException;
import dev.unicorn.config.Settings;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.http.AsyncHttpApp;
import dev.unicorn.http.HttpApp;
import dev.unicorn.http1.HeaderMapPolicy;
import dev.unicorn.http1.ProxyProtocolMode;
import dev.unicorn.net.BindAddress;
import dev.unicorn.net.Listener;
import dev.unicorn.workers.Arbiter;
import dev.unicorn.workers.ServerHooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An HTTP server for one application, configured with builder methods and started with
 * {@link #start()}:
 *
 * <pre>{@code
 * RunningServer server = new Unicorn((req, res) -> res.send(200, "text/plain", "Hello".getBytes()))
 *         .bind("127.0.0.1:8000")
 *         .workers(4)
 *         .start();
 * }</pre>
 *
 * <p>Every builder method sets the setting of the same name (see {@code docs/settings.md}).
 * Values are checked by {@link #start()}, which fails with a {@link ConfigException} naming
 * each bad setting, its value and what is accepted. Unless {@link #externalConfig(boolean)}
 * turns it off, the environment ({@code UNICORN_<NAME>}) and system properties
 * ({@code unicorn.<name>}) override values set in code, as gunicorn's command line overrides
 * its config file.
 *
 * <p>A {@code Unicorn} is a description; each {@link #start()} starts an independent server.
 */
public final class Unicorn {
    /** Gives an {@link HttpApp} or an {@link AsyncHttpApp}; the arbiter checks it against the worker model. */
    private final Supplier<?> appFactory;
    private final Config.Builder config = Config.builder();
    private boolean externalConfig = true;
    private ServerHooks hooks = ServerHooks.NONE;

    /** A server for {@code app}, with default settings. */
    public Unicorn(HttpApp app) {
        Objects.requireNonNull(app, "app");
        this.appFactory = () -> app;
    }

    /**
     * A server whose application comes from {@code appFactory}: called once at
     * {@link #start()} and again on every {@link RunningServer#reload()}, so a reload serves a
     * fresh application (gunicorn reloads the app module on HUP).
     */
    public Unicorn(Supplier<HttpApp> appFactory) {
        this.appFactory = Objects.requireNonNull(appFactory, "appFactory");
    }

    /**
     * A server for the non-blocking {@code app}, run by the {@code async} worker model: set
     * {@code workerModel(WorkerModelKind.ASYNC)}; {@link #start()} fails on any other model
     * (and a blocking {@link HttpApp} fails on {@code async}), naming the models that can run it.
     */
    public Unicorn(AsyncHttpApp app) {
        Objects.requireNonNull(app, "app");
        this.appFactory = () -> app;
    }

    /**
     * A server whose non-blocking application comes from {@code appFactory}, called once at
     * {@link #start()} and again on every {@link RunningServer#reload()} (see
     * {@link #Unicorn(AsyncHttpApp)} for the worker model it needs).
     */
    public static Unicorn ofAsync(Supplier<AsyncHttpApp> appFactory) {
        return new Unicorn(Objects.requireNonNull(appFactory, "appFactory"), (Void) null);
    }

    /** For {@link #ofAsync}: a second {@code Supplier} constructor would clash with {@link #Unicorn(Supplier)} after erasure. */
    private Unicorn(Supplier<?> appFactory, Void erasureTag) {
        this.appFactory = appFactory;
    }

    /** Lifecycle callbacks (gunicorn's server hooks). */
    public Unicorn hooks(ServerHooks hooks) {
        this.hooks = Objects.requireNonNull(hooks, "hooks");
        return this;
    }

    /** Sets a setting from its string form, as a system property would (e.g. {@code set("keepalive", "5s")}). */
    public Unicorn set(String name, String value) {
        config.set(name, value);
        return this;
    }

    /**
     * Whether {@code UNICORN_*} environment variables and {@code unicorn.*} system properties
     * override the values set in code (default {@code true}).
     */
    public Unicorn externalConfig(boolean enabled) {
        this.externalConfig = enabled;
        return this;
    }

    /** Addresses to listen on: {@code host:port}, {@code [v6]:port}, {@code :port}, {@code unix:/path}. */
    public Unicorn bind(String... addresses) {
        return set(Settings.BIND.name(), String.join(",", addresses));
    }

    /** Listen backlog. */
    public Unicorn backlog(int backlog) {
        config.set(Settings.BACKLOG, backlog);
        return this;
    }

    /** Number of workers. */
    public Unicorn workers(int workers) {
        config.set(Settings.WORKERS, workers);
        return this;
    }

    /** The worker model (gunicorn's {@code worker_class}). */
    public Unicorn workerModel(WorkerModelKind model) {
        config.set(Settings.WORKER_MODEL, model);
        return this;
    }

    /** Maximum concurrent connections per worker. */
    public Unicorn workerConnections(int connections) {
        config.set(Settings.WORKER_CONNECTIONS, connections);
        return this;
    }

    /** Request threads per worker of the {@code threads} model; 0 picks twice the available processors (4 to 64). */
    public Unicorn threads(int threads) {
        config.set(Settings.THREADS, threads);
        return this;
    }

    /** Recycle a worker after this many requests (0: never). */
    public Unicorn maxRequests(int requests) {
        config.set(Settings.MAX_REQUESTS, requests);
        return this;
    }

    /** Random spread added to {@code maxRequests} per worker. */
    public Unicorn maxRequestsJitter(int jitter) {
        config.set(Settings.MAX_REQUESTS_JITTER, jitter);
        return this;
    }

    /** A request running longer is aborted and its worker replaced; also bounds each blocking read and write. {@code Duration.ZERO} disables it. */
    public Unicorn timeout(Duration timeout) {
        config.set(Settings.TIMEOUT, timeout);
        return this;
    }

    /** How long a graceful stop waits for in-flight requests. */
    public Unicorn gracefulTimeout(Duration timeout) {
        config.set(Settings.GRACEFUL_TIMEOUT, timeout);
        return this;
    }

    /** How long an idle keep-alive connection waits for its next request; {@code Duration.ZERO} disables keep-alive. */
    public Unicorn keepalive(Duration keepalive) {
        config.set(Settings.KEEPALIVE, keepalive);
        return this;
    }

    /** Maximum request-line length in bytes (414 beyond). */
    public Unicorn limitRequestLine(int bytes) {
        config.set(Settings.LIMIT_REQUEST_LINE, bytes);
        return this;
    }

    /** Maximum number of request header fields (431 beyond). */
    public Unicorn limitRequestFields(int fields) {
        config.set(Settings.LIMIT_REQUEST_FIELDS, fields);
        return this;
    }

    /** Maximum size of one request header line, CRLF included (431 beyond). */
    public Unicorn limitRequestFieldSize(int bytes) {
        config.set(Settings.LIMIT_REQUEST_FIELD_SIZE, bytes);
        return this;
    }

    /** Maximum request body size in bytes, -1 for unlimited (413 beyond). */
    public Unicorn limitRequestBody(long bytes) {
        config.set(Settings.LIMIT_REQUEST_BODY, bytes);
        return this;
    }

    /** Accept obsolete line folding in request headers. */
    public Unicorn permitObsoleteFolding(boolean permit) {
        config.set(Settings.PERMIT_OBSOLETE_FOLDING, permit);
        return this;
    }

    /** Accept methods outside gunicorn's conventional form (3-20 upper-case token characters). */
    public Unicorn permitUnconventionalHttpMethod(boolean permit) {
        config.set(Settings.PERMIT_UNCONVENTIONAL_HTTP_METHOD, permit);
        return this;
    }

    /** Accept well-formed HTTP versions other than 1.0 and 1.1. */
    public Unicorn permitUnconventionalHttpVersion(boolean permit) {
        config.set(Settings.PERMIT_UNCONVENTIONAL_HTTP_VERSION, permit);
        return this;
    }

    /** Upper-case request methods. */
    public Unicorn casefoldHttpMethod(boolean casefold) {
        config.set(Settings.CASEFOLD_HTTP_METHOD, casefold);
        return this;
    }

    /** Accept whitespace between a header name and its colon. */
    public Unicorn stripHeaderSpaces(boolean strip) {
        config.set(Settings.STRIP_HEADER_SPACES, strip);
        return this;
    }

    /** Reject HTTP/1.1 requests without Host (RFC 9112 §3.2). */
    public Unicorn requireHostHeader(boolean require) {
        config.set(Settings.REQUIRE_HOST_HEADER, require);
        return this;
    }

    /** What to do with request header names containing an underscore. */
    public Unicorn headerMap(HeaderMapPolicy policy) {
        config.set(Settings.HEADER_MAP, policy);
        return this;
    }

    /** Peers (IPs, CIDRs or {@code *}) trusted for scheme and forwarder headers. */
    public Unicorn forwardedAllowIps(String list) {
        return set(Settings.FORWARDED_ALLOW_IPS.name(), list);
    }

    /** Peers (IPs, CIDRs or {@code *}) allowed to send a PROXY protocol header. */
    public Unicorn proxyAllowIps(String list) {
        return set(Settings.PROXY_ALLOW_IPS.name(), list);
    }

    /** Headers from a trusted proxy that mark a request https, with the value that means https. */
    public Unicorn secureSchemeHeaders(Map<String, String> headers) {
        config.set(Settings.SECURE_SCHEME_HEADERS, new LinkedHashMap<>(headers));
        return this;
    }

    /** Underscore header names a trusted proxy may send regardless of {@code headerMap}. */
    public Unicorn forwarderHeaders(String... names) {
        config.set(Settings.FORWARDER_HEADERS, List.of(names));
        return this;
    }

    /** Whether connections start with a PROXY protocol header. */
    public Unicorn proxyProtocol(ProxyProtocolMode mode) {
        config.set(Settings.PROXY_PROTOCOL, mode);
        return this;
    }

    /** The access-log format, in gunicorn's atom syntax. */
    public Unicorn accessLogFormat(String format) {
        config.set(Settings.ACCESS_LOG_FORMAT, format);
        return this;
    }

    /** The Server header value; empty to send none. */
    public Unicorn serverHeader(String value) {
        config.set(Settings.SERVER_HEADER, value);
        return this;
    }

    /** Handle gunicorn's POSIX signals (HUP, TERM, INT, TTIN, TTOU, USR1); off by default for embedded use. */
    public Unicorn handleSignals(boolean handle) {
        config.set(Settings.HANDLE_SIGNALS, handle);
        return this;
    }

    /** Register a JMX MXBean {@code dev.unicorn:type=Server,name=<name>}. */
    public Unicorn jmx(boolean register) {
        config.set(Settings.JMX, register);
        return this;
    }

    /** The server name used in thread and log names. */
    public Unicorn name(String name) {
        config.set(Settings.NAME, name);
        return this;
    }

    /**
     * Validates the settings, binds every address and starts the workers.
     *
     * @throws ConfigException      naming each invalid setting
     * @throws UncheckedIOException naming the address that could not be bound
     */
    public RunningServer start() {
        if (externalConfig) {
            config.environment(System.getenv()).systemProperties(System.getProperties());
        }
        Config resolved = config.build();
        hooks.onStarting();
        List<Listener> listeners = new ArrayList<>();
        try {
            for (BindAddress address : resolved.get(Settings.BIND)) {
                listeners.add(Listener.bind(address, resolved.get(Settings.BACKLOG)));
            }
            Arbiter arbiter = new Arbiter(resolved, appFactory, hooks, listeners);
            arbiter.start();
            return new RunningServer(arbiter, listeners, resolved, controls(arbiter, resolved));
        } catch (IOException e) {
            closeAll(listeners);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeAll(listeners);
            throw e;
        }
    }

    /** Starts the optional control surfaces (signals, JMX); returns what undoes them when the server ends. */
    private static Runnable controls(Arbiter arbiter, Config config) {
        PosixSignals signals = config.get(Settings.HANDLE_SIGNALS) ? PosixSignals.install(arbiter) : null;
        ServerManagement management = null;
        if (config.get(Settings.JMX)) {
            management = new ServerManagement(arbiter);
            management.register(config.get(Settings.NAME));
        }
        ServerManagement m = management;
        return () -> {
            if (signals != null) {
                signals.restore();
            }
            if (m != null) {
                m.unregister();
            }
        };
    }

    private static void closeAll(List<Listener> listeners) {
        for (Listener l : listeners) {
            try {
                l.close();
            } catch (IOException ignored) {
                // start() is failing already
            }
        }
    }
}
