package dev.unicorn;

import dev.unicorn.config.CertReqs;
import dev.unicorn.config.Config;
import dev.unicorn.config.ConfigException;
import dev.unicorn.config.HttpProtocol;
import dev.unicorn.config.Settings;
import dev.unicorn.config.WorkerModelKind;
import dev.unicorn.dirty.DirtyClient;
import dev.unicorn.dirty.DirtyHooks;
import dev.unicorn.dirty.DirtyPool;
import dev.unicorn.http.AsyncHttpApp;
import dev.unicorn.http.HttpApp;
import dev.unicorn.http1.HeaderMapPolicy;
import dev.unicorn.http1.ProxyProtocolMode;
import dev.unicorn.net.BindAddress;
import dev.unicorn.net.Listener;
import dev.unicorn.server.ServerContext;
import dev.unicorn.servlet.ServletApp;
import dev.unicorn.tls.TlsContext;
import dev.unicorn.workers.Arbiter;
import dev.unicorn.workers.ServerHooks;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

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
    /** What TLS connections can be served with on every worker model today (the HTTP/2 module will add h2). */
    private static final Set<HttpProtocol> TLS_SERVABLE = EnumSet.of(HttpProtocol.H1);

    private final Supplier<?> appFactory;
    private final Config.Builder config = Config.builder();
    private boolean externalConfig = true;
    private Supplier<SSLContext> sslContext;
    private ServerHooks hooks = ServerHooks.NONE;
    private final DirtyPool dirty = new DirtyPool();
    /** Ends the application with the server (a {@link ServletApp} is destroyed); nothing for other apps. */
    private Runnable stopApp = () -> { };

    /** A server for {@code app}, with default settings. */
    public Unicorn(HttpApp app) {
        Objects.requireNonNull(app, "app");
        this.appFactory = () -> app;
    }

    /**
     * A server for one servlet, mapped as the default servlet ({@code /}) of a root context:
     * see {@link ServletApp#of(Servlet)}. The servlet is initialised when the server starts.
     */
    public Unicorn(Servlet servlet) {
        this(ServletApp.of(Objects.requireNonNull(servlet, "servlet")));
    }

    /**
     * A server for a servlet application. {@link #start()} starts it first (initializers,
     * listeners, filters, load-on-startup servlets) and fails if it fails; a reload keeps the
     * same started application. When the server has stopped (or {@code start()} failed after
     * starting it) the application is stopped too: servlets and filters destroyed in reverse,
     * then the context listeners told.
     */
    public Unicorn(ServletApp app) {
        Objects.requireNonNull(app, "app");
        this.stopApp = app::stop;
        this.appFactory = () -> {
            try {
                app.start();
            } catch (ServletException e) {
                throw new IllegalStateException("the servlet application failed to start: " + e.getMessage(), e);
            }
            return app;
        };
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

    /** PEM file with the server certificate chain; with {@link #keyfile(String)} every TCP listener speaks TLS. */
    public Unicorn certfile(String path) {
        config.set(Settings.CERTFILE, path);
        return this;
    }

    /** PEM file with the private key of the certificate (PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1). */
    public Unicorn keyfile(String path) {
        config.set(Settings.KEYFILE, path);
        return this;
    }

    /** Password of an encrypted ({@code ENCRYPTED PRIVATE KEY}) key file. */
    public Unicorn keyPassword(String password) {
        config.set(Settings.KEY_PASSWORD, password);
        return this;
    }

    /** PEM file with the CAs client certificates must chain to. */
    public Unicorn caCerts(String path) {
        config.set(Settings.CA_CERTS, path);
        return this;
    }

    /** Whether TLS clients must present a certificate. */
    public Unicorn certReqs(CertReqs reqs) {
        config.set(Settings.CERT_REQS, reqs);
        return this;
    }

    /** TLS versions accepted, e.g. {@code "TLSv1.3", "TLSv1.2"}. */
    public Unicorn tlsProtocols(String... protocols) {
        config.set(Settings.TLS_PROTOCOLS, List.of(protocols));
        return this;
    }

    /** Cipher suites accepted (JSSE names); none given means the JDK's strong defaults. */
    public Unicorn ciphers(String... suites) {
        config.set(Settings.CIPHERS, List.of(suites));
        return this;
    }

    /** Time a client has to complete the TLS handshake. */
    public Unicorn tlsHandshakeTimeout(Duration timeout) {
        config.set(Settings.TLS_HANDSHAKE_TIMEOUT, timeout);
        return this;
    }

    /** Protocols offered by ALPN on TLS listeners, in order of preference. */
    public Unicorn httpProtocols(HttpProtocol... protocols) {
        config.set(Settings.HTTP_PROTOCOLS, List.of(protocols));
        return this;
    }

    /**
     * Serves TLS with the application's own {@link SSLContext} (its keys and trust) instead of
     * {@code certfile}/{@code keyfile}; called once by {@link #start()}. {@code tlsProtocols},
     * {@code ciphers}, {@code certReqs}, {@code tlsHandshakeTimeout} and {@code httpProtocols}
     * still apply. Code only: there is no property or environment form. {@code null} removes it.
     */
    public Unicorn sslContext(Supplier<SSLContext> supplier) {
        this.sslContext = supplier;
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

    /** Dirty apps to host ({@code com.example.Resize} or {@code com.example.Resize:2}); see {@code docs/dirty.md}. */
    public Unicorn dirtyApps(String... specs) {
        config.set(Settings.DIRTY_APPS, List.of(specs));
        return this;
    }

    /** Number of dirty worker JVMs. */
    public Unicorn dirtyWorkers(int workers) {
        config.set(Settings.DIRTY_WORKERS, workers);
        return this;
    }

    /** Calls run at once per dirty worker. */
    public Unicorn dirtyThreads(int threads) {
        config.set(Settings.DIRTY_THREADS, threads);
        return this;
    }

    /** Longest dirty call; its worker is replaced past it (0 = none). */
    public Unicorn dirtyTimeout(Duration timeout) {
        config.set(Settings.DIRTY_TIMEOUT, timeout);
        return this;
    }

    /** Time a stopping dirty worker has to finish its calls. */
    public Unicorn dirtyGracefulTimeout(Duration timeout) {
        config.set(Settings.DIRTY_GRACEFUL_TIMEOUT, timeout);
        return this;
    }

    /** Maximum heap of each dirty worker JVM in bytes (-1 = the JVM's default). */
    public Unicorn dirtyHeap(long bytes) {
        config.set(Settings.DIRTY_HEAP, bytes);
        return this;
    }

    /** Run the dirty apps in this JVM instead of child JVMs. */
    public Unicorn dirtyInProcess(boolean inProcess) {
        config.set(Settings.DIRTY_IN_PROCESS, inProcess);
        return this;
    }

    /**
     * The client of this server's dirty apps, to hand to the application before {@link #start()}
     * (for example from the constructor of a class that owns its {@code Unicorn}); its calls
     * fail with a {@code DirtyException} until the server has started them, and after it stopped.
     * The same as {@link RunningServer#dirty()}{@code .client()}. The pool belongs to one
     * running server at a time: starting a second server from this description while the first
     * runs with {@code dirtyApps} fails.
     */
    public DirtyClient dirtyClient() {
        return dirty.client();
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
        TlsContext tls = TlsContext.create(resolved, sslContext, TLS_SERVABLE);
        hooks.onStarting();
        List<Listener> listeners = new ArrayList<>();
        boolean dirtyStarted = false;
        try {
            for (BindAddress address : resolved.get(Settings.BIND)) {
                listeners.add(Listener.bind(address, resolved.get(Settings.BACKLOG), tls));
            }
            startDirty(resolved);
            dirtyStarted = true;
            Arbiter arbiter = new Arbiter(resolved, appFactory, hooks, listeners);
            arbiter.start();
            Runnable controls = controls(arbiter, resolved);
            return new RunningServer(arbiter, listeners, resolved, dirty, () -> {
                controls.run();
                stopApplication();
                dirty.close(); // after the HTTP workers and the application: nothing is left to call it
            });
        } catch (IOException e) {
            closeAll(listeners);
            stopApplication();
            if (dirtyStarted) {
                dirty.close();
            }
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeAll(listeners);
            stopApplication();
            if (dirtyStarted) {
                dirty.close();
            }
            throw e;
        }
    }

    private void stopApplication() {
        try {
            stopApp.run();
        } catch (RuntimeException e) {
            ServerContext.ERROR_LOG.error("The application failed to stop", e);
        }
    }

    /** Starts the dirty apps before the HTTP workers (gunicorn's order), when {@code dirtyApps} is set. */
    private void startDirty(Config resolved) throws IOException {
        ServerHooks h = hooks;
        try {
            dirty.start(resolved, new DirtyHooks() {
                @Override
                public void onDirtyStarting() {
                    h.onDirtyStarting();
                }

                @Override
                public void dirtyWorkerInit(int workerId, long pid, List<String> apps) {
                    h.dirtyWorkerInit(workerId, pid, apps);
                }

                @Override
                public void dirtyWorkerExit(int workerId, long pid, int exitCode) {
                    h.dirtyWorkerExit(workerId, pid, exitCode);
                }
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("a dirty app failed to start: " + e, e);
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
