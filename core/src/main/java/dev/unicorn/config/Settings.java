package dev.unicorn.config;

import dev.unicorn.http1.HeaderMapPolicy;
import dev.unicorn.http1.ProxyProtocolMode;
import dev.unicorn.net.BindAddress;
import dev.unicorn.net.IpAllowList;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the server, each declared exactly once. Names follow gunicorn's (in
 * camelCase) where gunicorn has the setting; see {@code docs/settings.md}, generated from
 * this class by {@link SettingsReference}.
 */
public final class Settings {
    private Settings() {
    }

    // --- Server socket

    /** Addresses to listen on (gunicorn {@code bind}). */
    public static final Setting<List<BindAddress>> BIND = new Setting<>("bind", SettingType.bindList(),
            List.of(BindAddress.parse("127.0.0.1:8000")),
            "Addresses to listen on; several may be given.");

    /** Maximum number of pending connections (gunicorn {@code backlog}). */
    public static final Setting<Integer> BACKLOG = new Setting<>("backlog", SettingType.integer(1, 65535), 2048,
            "Maximum number of pending connections in the listen queue (the OS may cap it).");

    // --- Worker processes

    /** Number of workers (gunicorn {@code workers}). */
    public static final Setting<Integer> WORKERS = new Setting<>("workers", SettingType.integer(1, 1024), 1,
            "Number of workers, supervised serving units that share the listeners.");

    /** How workers serve connections (gunicorn {@code worker_class}). */
    public static final Setting<WorkerModelKind> WORKER_MODEL = new Setting<>("workerModel",
            SettingType.enumeration(WorkerModelKind.class, Map.of("gthread", WorkerModelKind.THREADS)),
            WorkerModelKind.VIRTUAL,
            "How a worker serves connections and on which threads the application runs; async runs a non-blocking AsyncHttpApp on one event-loop thread per worker, the others a blocking HttpApp.");

    /**
     * Request threads per worker of the {@code threads} model (gunicorn {@code threads}). The
     * default is not gunicorn's 1: a Python thread mostly waits for the GIL, whereas a Java
     * handler runs in parallel and typically blocks on I/O (JDBC, HTTP calls), so it needs more
     * threads than cores; the cap bounds platform-thread stacks and context switches on large
     * machines (use the {@code virtual} model for very high concurrency). A fixed value 0 for
     * "auto" keeps the documented default the same on every machine.
     */
    public static final Setting<Integer> THREADS = new Setting<>("threads", SettingType.integer(0, 4096), 0,
            "Request threads per worker of the threads model; 0 means twice the available processors, at least 4 and at most 64 (blocking Java handlers need more threads than cores; gunicorn's 1 suits GIL-bound Python). At most workerConnections - threads idle keep-alive connections are kept per worker. Other models ignore it.");

    /** Maximum concurrent connections per worker (gunicorn {@code worker_connections}). */
    public static final Setting<Integer> WORKER_CONNECTIONS = new Setting<>("workerConnections",
            SettingType.integer(1, 1_000_000), 1000,
            "Maximum number of simultaneous connections per worker; further connections wait in the backlog.");

    /** Worker silence limit before it is aborted (gunicorn {@code timeout}). */
    public static final Setting<Duration> TIMEOUT = new Setting<>("timeout", SettingType.duration(),
            Duration.ofSeconds(30),
            "A request running longer is aborted (503 if nothing was sent, else its connection is closed) and its worker replaced; also bounds each blocking read or write; 0 disables both.");

    /** Recycle a worker after this many requests (gunicorn {@code max_requests}). */
    public static final Setting<Integer> MAX_REQUESTS = new Setting<>("maxRequests",
            SettingType.integer(0, Integer.MAX_VALUE), 0,
            "A worker that has served this many requests drains and is replaced (guards against leaks); 0 disables it.");

    /** Random spread added to {@code maxRequests} per worker (gunicorn {@code max_requests_jitter}). */
    public static final Setting<Integer> MAX_REQUESTS_JITTER = new Setting<>("maxRequestsJitter",
            SettingType.integer(0, Integer.MAX_VALUE), 0,
            "Each worker's limit is maxRequests plus a random 0..maxRequestsJitter, so workers do not all recycle at once.");

    /** Time to finish in-flight work on stop or reload (gunicorn {@code graceful_timeout}). */
    public static final Setting<Duration> GRACEFUL_TIMEOUT = new Setting<>("gracefulTimeout",
            SettingType.duration(), Duration.ofSeconds(30),
            "Time allowed for in-flight requests after a stop or reload before they are forced to end.");

    /** Idle time of a keep-alive connection (gunicorn {@code keepalive}). */
    public static final Setting<Duration> KEEPALIVE = new Setting<>("keepalive", SettingType.duration(),
            Duration.ofSeconds(2),
            "How long an idle keep-alive connection waits for the next request; 0 disables keep-alive.");

    // --- Security: request limits

    /** Maximum request-line length (gunicorn {@code limit_request_line}). */
    public static final Setting<Integer> LIMIT_REQUEST_LINE = new Setting<>("limitRequestLine",
            SettingType.integer(1, 65536), 4094,
            "Maximum length of the request line in bytes, CRLF excluded; longer lines get 414.");

    /** Maximum number of header fields (gunicorn {@code limit_request_fields}). */
    public static final Setting<Integer> LIMIT_REQUEST_FIELDS = new Setting<>("limitRequestFields",
            SettingType.integer(1, 32768), 100,
            "Maximum number of header fields in a request; more get 431.");

    /** Maximum size of one header field line (gunicorn {@code limit_request_field_size}). */
    public static final Setting<Integer> LIMIT_REQUEST_FIELD_SIZE = new Setting<>("limitRequestFieldSize",
            SettingType.integer(1, 65536), 8190,
            "Maximum size of one header field line in bytes, CRLF included; larger get 431.");

    /** Maximum request body size (gunicorn has none). */
    public static final Setting<Long> LIMIT_REQUEST_BODY = new Setting<>("limitRequestBody",
            SettingType.byteLimit(), -1L,
            "Maximum request body size in bytes; a larger body gets 413. -1 (unlimited) by default, as gunicorn has no limit.");

    // --- HTTP parsing leniency (strict by default)

    /** Accept obs-fold continuation lines (gunicorn {@code permit_obsolete_folding}). */
    public static final Setting<Boolean> PERMIT_OBSOLETE_FOLDING = new Setting<>("permitObsoleteFolding",
            SettingType.bool(), false,
            "Accept obsolete line folding in header fields (joined with a space) instead of answering 400.");

    /** Accept unusual methods (gunicorn {@code permit_unconventional_http_method}). */
    public static final Setting<Boolean> PERMIT_UNCONVENTIONAL_HTTP_METHOD = new Setting<>(
            "permitUnconventionalHttpMethod", SettingType.bool(), false,
            "Accept methods shorter than 3 or longer than 20 characters, or with lower-case letters or '#'.");

    /** Accept unusual versions (gunicorn {@code permit_unconventional_http_version}). */
    public static final Setting<Boolean> PERMIT_UNCONVENTIONAL_HTTP_VERSION = new Setting<>(
            "permitUnconventionalHttpVersion", SettingType.bool(), false,
            "Accept any well-formed HTTP/d.d version; otherwise versions other than 1.0 and 1.1 get 505.");

    /** Upper-case the method (gunicorn {@code casefold_http_method}). */
    public static final Setting<Boolean> CASEFOLD_HTTP_METHOD = new Setting<>("casefoldHttpMethod",
            SettingType.bool(), false,
            "Upper-case the request method; only useful with permitUnconventionalHttpMethod.");

    /** Accept blanks before the colon of a field (gunicorn {@code strip_header_spaces}). */
    public static final Setting<Boolean> STRIP_HEADER_SPACES = new Setting<>("stripHeaderSpaces",
            SettingType.bool(), false,
            "Accept and strip whitespace between a header field name and the colon (a request smuggling risk).");

    /** Require a Host header on HTTP/1.1 requests. */
    public static final Setting<Boolean> REQUIRE_HOST_HEADER = new Setting<>("requireHostHeader",
            SettingType.bool(), true,
            "Answer 400 to an HTTP/1.1 request without a Host header (RFC 9112 section 3.2); a second Host is always 400.");

    /** Header names with underscores (gunicorn {@code header_map}). */
    public static final Setting<HeaderMapPolicy> HEADER_MAP = new Setting<>("headerMap",
            SettingType.enumeration(HeaderMapPolicy.class, Map.of()), HeaderMapPolicy.DROP,
            "What to do with request header names containing '_': drop the field, refuse the request (400), or keep it (dangerous).");

    // --- Proxies

    /** Peers trusted for forwarded headers (gunicorn {@code forwarded_allow_ips}). */
    public static final Setting<IpAllowList> FORWARDED_ALLOW_IPS = new Setting<>("forwardedAllowIps",
            SettingType.ipAllowList(), IpAllowList.parse("127.0.0.1,::1"),
            "Peers trusted to set secureSchemeHeaders and forwarderHeaders; Unix socket peers are always trusted.");

    /** Peers allowed to send a PROXY header (gunicorn {@code proxy_allow_ips}). */
    public static final Setting<IpAllowList> PROXY_ALLOW_IPS = new Setting<>("proxyAllowIps",
            SettingType.ipAllowList(), IpAllowList.parse("127.0.0.1,::1"),
            "Peers allowed to send a PROXY protocol header; Unix socket peers are always allowed.");

    /** Headers from a trusted proxy that mark a request https (gunicorn {@code secure_scheme_headers}). */
    public static final Setting<Map<String, String>> SECURE_SCHEME_HEADERS = new Setting<>("secureSchemeHeaders",
            SettingType.headerValueMap(), defaultSecureSchemeHeaders(),
            "Header and value pairs that, sent by a trusted peer, mark the request as https; conflicting values get 400.");

    /** Underscore header names a trusted proxy may set (gunicorn {@code forwarder_headers}). */
    public static final Setting<List<String>> FORWARDER_HEADERS = new Setting<>("forwarderHeaders",
            SettingType.headerNameList(true), List.of("SCRIPT_NAME", "PATH_INFO"),
            "Header names containing '_' that a trusted peer may send despite headerMap; * for all.");

    /** PROXY protocol mode (gunicorn {@code proxy_protocol}). */
    public static final Setting<ProxyProtocolMode> PROXY_PROTOCOL = new Setting<>("proxyProtocol",
            SettingType.enumeration(ProxyProtocolMode.class, proxyProtocolAliases()), ProxyProtocolMode.OFF,
            "Whether connections start with a PROXY protocol header: off, v1 (text), v2 (binary) or auto (either, optional).");

    // --- TLS

    /** Server certificate chain (gunicorn {@code certfile}). */
    public static final Setting<String> CERTFILE = new Setting<>("certfile", SettingType.path(), "",
            "PEM file with the server certificate first, then its intermediates; set with keyfile, it makes every TCP listener TLS (Unix sockets stay plain).");

    /** Server private key (gunicorn {@code keyfile}). */
    public static final Setting<String> KEYFILE = new Setting<>("keyfile", SettingType.path(), "",
            "PEM file with the private key of certfile: PKCS#8 (PRIVATE KEY, or ENCRYPTED PRIVATE KEY with keyPassword), PKCS#1 (RSA PRIVATE KEY) or SEC1 (EC PRIVATE KEY); RSA or EC.");

    /** Password of an encrypted key (gunicorn has none: Python prompts). */
    public static final Setting<String> KEY_PASSWORD = new Setting<>("keyPassword", SettingType.secret(), "",
            "Password of an ENCRYPTED PRIVATE KEY in keyfile; required for one, refused for an unencrypted key. Never shown by describe().");

    /** Trusted CAs for client certificates (gunicorn {@code ca_certs}). */
    public static final Setting<String> CA_CERTS = new Setting<>("caCerts", SettingType.path(), "",
            "PEM file with the CA certificates client certificates must chain to; required when certReqs is optional or required.");

    /** Client certificate requirement (gunicorn {@code cert_reqs}). */
    public static final Setting<CertReqs> CERT_REQS = new Setting<>("certReqs",
            SettingType.enumeration(CertReqs.class, certReqsAliases()), CertReqs.NONE,
            "Whether clients must present a certificate trusted by caCerts: none, optional (asked for, not required) or required (the handshake fails without one).");

    /** Enabled TLS versions (gunicorn {@code ssl_version}, as a list). */
    public static final Setting<List<String>> TLS_PROTOCOLS = new Setting<>("tlsProtocols",
            SettingType.choiceList(List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1")), List.of("TLSv1.3", "TLSv1.2"),
            "TLS versions a TLS listener accepts; older ones are refused in the handshake. TLSv1.1 and TLSv1 are weak and usually disabled by the JDK itself (jdk.tls.disabledAlgorithms).");

    /** Enabled cipher suites (gunicorn {@code ciphers}). */
    public static final Setting<List<String>> CIPHERS = new Setting<>("ciphers",
            SettingType.nameList("the JDK's default suites without weak ones: only forward-secret AEAD suites"), List.of(),
            "Cipher suites a TLS listener accepts, JSSE names (TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ...); a name the JDK does not support fails start().");

    /** Time a client has to complete the TLS handshake. */
    public static final Setting<Duration> TLS_HANDSHAKE_TIMEOUT = new Setting<>("tlsHandshakeTimeout",
            SettingType.duration(), Duration.ofSeconds(10),
            "A TLS connection whose handshake is not complete after this long is closed; 0 disables it (then only the first-byte timeout applies until the client's first message).");

    /** ALPN protocols in order of preference (gunicorn {@code http_protocols}). */
    public static final Setting<List<HttpProtocol>> HTTP_PROTOCOLS = new Setting<>("httpProtocols",
            SettingType.enumList(HttpProtocol.class), List.of(HttpProtocol.H1),
            "Protocols offered by ALPN on TLS listeners, in order of preference (h2,h1); a protocol is selected only if the server can serve it on the worker model (today h1 only), and a client offering none of them is refused.");

    // --- Logging and naming

    /** Access log line format (gunicorn {@code access_log_format}). */
    public static final Setting<String> ACCESS_LOG_FORMAT = new Setting<>("accessLogFormat",
            SettingType.accessLogFormat(), "%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\"",
            "Format of the lines of the unicorn.access logger, in gunicorn's atom syntax.");

    /** Value of the Server response header. */
    public static final Setting<String> SERVER_HEADER = new Setting<>("serverHeader", SettingType.fieldValue(),
            "unicorn",
            "Value of the Server response header; empty sends no Server header.");

    /** Server name used in thread and log names (gunicorn {@code proc_name}). */
    public static final Setting<String> NAME = new Setting<>("name", SettingType.simpleName(32), "unicorn",
            "Name of this server, used in thread names and log lines (two servers in one JVM should differ).");

    // --- Control

    /** Handle gunicorn's POSIX signals (opt-in: an embedded server leaves signals to its host). */
    public static final Setting<Boolean> HANDLE_SIGNALS = new Setting<>("handleSignals", SettingType.bool(), false,
            "Handle HUP (reload), TERM (graceful stop), INT (quick stop), TTIN/TTOU (add/remove a worker) and USR1 like gunicorn.");

    /** Register the server as a JMX MXBean. */
    public static final Setting<Boolean> JMX = new Setting<>("jmx", SettingType.bool(), false,
            "Register a JMX MXBean dev.unicorn:type=Server,name=<name> with stats and scale, reload and shutdown operations.");

    // --- Dirty arbiter (module unicorn-dirty-arbiter; docs/dirty.md)

    /** Dirty apps and their allocation (gunicorn {@code dirty_apps}). */
    public static final Setting<List<String>> DIRTY_APPS = new Setting<>("dirtyApps", dirtyAppList(), List.of(),
            "Dirty apps to host, comma-separated: a DirtyApp class name, or name:N for an app that only N workers load (gunicorn's module:Class:N). Non-empty starts the dirty arbiter with the server.");

    /** Number of dirty worker JVMs (gunicorn {@code dirty_workers}). */
    public static final Setting<Integer> DIRTY_WORKERS = new Setting<>("dirtyWorkers", SettingType.integer(1, 256), 1,
            "Number of dirty workers (child JVMs); an app limited to N workers is loaded by the first N. Unlike gunicorn, 0 is not accepted: dirtyApps alone decides whether the arbiter runs.");

    /** Concurrent calls per dirty worker (gunicorn {@code dirty_threads}). */
    public static final Setting<Integer> DIRTY_THREADS = new Setting<>("dirtyThreads", SettingType.integer(1, 1024), 1,
            "Threads per dirty worker running calls; that many calls run at once per worker (many more may be in flight, queued in the worker).");

    /** Longest dirty call (gunicorn {@code dirty_timeout}). */
    public static final Setting<Duration> DIRTY_TIMEOUT = new Setting<>("dirtyTimeout", SettingType.duration(),
            Duration.ofSeconds(300),
            "A dirty call (or the wait for the next chunk of a stream) running longer fails with a timeout and its worker is killed and replaced; also the heartbeat limit of a worker and the default per-call timeout. 0 disables all three.");

    /** Time for dirty workers to finish on stop or reload (gunicorn {@code dirty_graceful_timeout}). */
    public static final Setting<Duration> DIRTY_GRACEFUL_TIMEOUT = new Setting<>("dirtyGracefulTimeout",
            SettingType.duration(), Duration.ofSeconds(30),
            "Time a stopping or retired dirty worker has to finish its calls before it is killed.");

    /** Maximum heap of each dirty worker JVM. */
    public static final Setting<Long> DIRTY_HEAP = new Setting<>("dirtyHeap", SettingType.byteLimit(), -1L,
            "Maximum heap of each dirty worker JVM (-Xmx); unlimited (-1) leaves the JVM's default.");

    /** Run dirty apps in this JVM instead of child JVMs. */
    public static final Setting<Boolean> DIRTY_IN_PROCESS = new Setting<>("dirtyInProcess", SettingType.bool(), false,
            "Run the dirty apps in this JVM on a bounded pool (dirtyWorkers x dirtyThreads threads, one instance per app) instead of child JVMs: same client API, no isolation; for tests and small deployments.");

    /** A list of DirtyApp class names, each optionally followed by :N (1 to 256). */
    private static SettingType<List<String>> dirtyAppList() {
        java.util.regex.Pattern spec = java.util.regex.Pattern.compile(
                "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*(:([1-9][0-9]{0,2}))?");
        return new SettingType<>("list", List.class,
                "a comma-separated list of class names, each optionally followed by :N with N from 1 to 256, without duplicates",
                text -> {
                    List<String> out = new java.util.ArrayList<>();
                    for (String part : text.split(",", -1)) {
                        if (!part.isBlank()) {
                            out.add(part.strip());
                        }
                    }
                    return out;
                },
                value -> String.join(",", value),
                value -> {
                    java.util.Set<String> names = new java.util.HashSet<>();
                    for (String v : value) {
                        java.util.regex.Matcher m = spec.matcher(v);
                        if (!m.matches() || (m.group(3) != null && Integer.parseInt(m.group(3)) > 256)) {
                            throw new IllegalArgumentException("invalid dirty app \"" + v + "\"");
                        }
                        if (!names.add(m.group(2) == null ? v : v.substring(0, v.length() - m.group(2).length()))) {
                            throw new IllegalArgumentException("dirty app listed twice: \"" + v + "\"");
                        }
                    }
                    return List.copyOf(value);
                });
    }

    private static final List<Setting<?>> ALL = List.of(
            BIND, BACKLOG, WORKERS, WORKER_MODEL, THREADS, WORKER_CONNECTIONS, TIMEOUT, MAX_REQUESTS, MAX_REQUESTS_JITTER,
            GRACEFUL_TIMEOUT, KEEPALIVE,
            LIMIT_REQUEST_LINE, LIMIT_REQUEST_FIELDS, LIMIT_REQUEST_FIELD_SIZE, LIMIT_REQUEST_BODY,
            PERMIT_OBSOLETE_FOLDING, PERMIT_UNCONVENTIONAL_HTTP_METHOD, PERMIT_UNCONVENTIONAL_HTTP_VERSION,
            CASEFOLD_HTTP_METHOD, STRIP_HEADER_SPACES, REQUIRE_HOST_HEADER, HEADER_MAP,
            FORWARDED_ALLOW_IPS, PROXY_ALLOW_IPS, SECURE_SCHEME_HEADERS, FORWARDER_HEADERS, PROXY_PROTOCOL,
            CERTFILE, KEYFILE, KEY_PASSWORD, CA_CERTS, CERT_REQS, TLS_PROTOCOLS, CIPHERS, TLS_HANDSHAKE_TIMEOUT,
            HTTP_PROTOCOLS,
            ACCESS_LOG_FORMAT, SERVER_HEADER, NAME, HANDLE_SIGNALS, JMX,
            DIRTY_APPS, DIRTY_WORKERS, DIRTY_THREADS, DIRTY_TIMEOUT, DIRTY_GRACEFUL_TIMEOUT, DIRTY_HEAP, DIRTY_IN_PROCESS);

    /** Every setting, in declaration order. */
    public static List<Setting<?>> all() {
        return ALL;
    }

    /** The setting called {@code name}, or {@code null}. */
    public static Setting<?> byName(String name) {
        for (Setting<?> s : ALL) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static Map<String, String> defaultSecureSchemeHeaders() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("X-FORWARDED-PROTOCOL", "ssl");
        m.put("X-FORWARDED-PROTO", "https");
        m.put("X-FORWARDED-SSL", "on");
        return m;
    }

    private static Map<String, CertReqs> certReqsAliases() {
        Map<String, CertReqs> m = new LinkedHashMap<>();
        m.put("0", CertReqs.NONE);
        m.put("1", CertReqs.OPTIONAL);
        m.put("2", CertReqs.REQUIRED);
        return m;
    }

    private static Map<String, ProxyProtocolMode> proxyProtocolAliases() {
        Map<String, ProxyProtocolMode> m = new LinkedHashMap<>();
        m.put("true", ProxyProtocolMode.AUTO);
        m.put("false", ProxyProtocolMode.OFF);
        return m;
    }
}
