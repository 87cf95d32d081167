package dev.unicorn.tls;

import dev.unicorn.config.CertReqs;
import dev.unicorn.config.Config;
import dev.unicorn.config.ConfigException;
import dev.unicorn.config.HttpProtocol;
import dev.unicorn.config.Setting;
import dev.unicorn.config.Settings;
import dev.unicorn.server.BufferPool;
import dev.unicorn.server.ServerContext;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS set-up of a server, resolved once at start from the TLS settings ({@code certfile},
 * {@code keyfile}, {@code keyPassword}, {@code caCerts}, {@code certReqs}, {@code tlsProtocols},
 * {@code ciphers}, {@code tlsHandshakeTimeout}, {@code httpProtocols}) or from an
 * {@link SSLContext} the application supplies: it makes a {@link TlsChannel} per accepted
 * connection. Immutable apart from its buffer pool; one per server.
 *
 * <p>ALPN (RFC 7301) picks the first protocol of {@code httpProtocols} that the client offers
 * and the server can serve ({@code servable}: today HTTP/1.1 only, so {@code h2} in the list is
 * skipped until the HTTP/2 module plugs in); a client that offers only protocols we cannot
 * serve is refused with the {@code no_application_protocol} alert, and one that offers none
 * gets HTTP/1.1 without ALPN.
 */
public final class TlsContext {
    private static final String[] NO_STRINGS = new String[0];

    private final SSLContext sslContext;
    private final String[] protocols;
    private final String[] cipherSuites;
    private final CertReqs certReqs;
    private final long handshakeTimeoutNanos;
    private final List<HttpProtocol> httpProtocols;
    private final Set<HttpProtocol> servable;
    private final BufferPool buffers;

    private TlsContext(SSLContext sslContext, String[] protocols, String[] cipherSuites, CertReqs certReqs,
                       Duration handshakeTimeout, List<HttpProtocol> httpProtocols, Set<HttpProtocol> servable) {
        this.sslContext = sslContext;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
        this.certReqs = certReqs;
        this.handshakeTimeoutNanos = handshakeTimeout.toNanos();
        this.httpProtocols = httpProtocols;
        this.servable = servable.isEmpty() ? Set.of() : EnumSet.copyOf(servable);
        SSLEngine probe = sslContext.createSSLEngine();
        int size = Math.max(probe.getSession().getPacketBufferSize(), probe.getSession().getApplicationBufferSize());
        this.buffers = new BufferPool(size, 256);
    }

    /**
     * The TLS set-up the settings describe, or {@code null} when TLS is off (neither
     * {@code certfile} nor {@code supplied}).
     *
     * @param config   the resolved settings
     * @param supplied gives the application's own {@link SSLContext} (its key and trust
     *                 material; protocols, ciphers, {@code certReqs} and ALPN still apply), or {@code null}
     * @param servable the protocols the server can serve on TLS connections
     * @throws ConfigException naming each TLS setting that is wrong (a missing or unreadable file,
     *                         a wrong password, a key that does not match the certificate, an unknown
     *                         cipher, settings that do not go together)
     */
    public static TlsContext create(Config config, Supplier<SSLContext> supplied, Set<HttpProtocol> servable) {
        List<String> problems = new ArrayList<>();
        String certfile = config.get(Settings.CERTFILE);
        String keyfile = config.get(Settings.KEYFILE);
        String password = config.get(Settings.KEY_PASSWORD);
        String caCerts = config.get(Settings.CA_CERTS);
        CertReqs certReqs = config.get(Settings.CERT_REQS);
        boolean tls = !certfile.isEmpty() || !keyfile.isEmpty() || supplied != null;
        if (!tls) {
            for (Setting<String> s : List.of(Settings.KEY_PASSWORD, Settings.CA_CERTS)) {
                if (!config.get(s).isEmpty()) {
                    problems.add(invalid(s, config.get(s), "TLS is off: set certfile and keyfile"));
                }
            }
            if (certReqs != CertReqs.NONE) {
                problems.add(invalid(Settings.CERT_REQS, config, "TLS is off: set certfile and keyfile"));
            }
            fail(problems);
            return null;
        }
        SSLContext context = null;
        if (supplied != null) {
            for (Setting<String> s : List.of(Settings.CERTFILE, Settings.KEYFILE, Settings.KEY_PASSWORD, Settings.CA_CERTS)) {
                if (!config.get(s).isEmpty()) {
                    problems.add(invalid(s, config.get(s), "an SSLContext is supplied in code, which holds the keys and trust"));
                }
            }
            if (problems.isEmpty()) {
                try {
                    context = supplied.get();
                } catch (RuntimeException e) {
                    problems.add("Invalid sslContext: the supplier threw " + e);
                }
                if (context == null && problems.isEmpty()) {
                    problems.add("Invalid sslContext: the supplier returned null");
                }
            }
        } else {
            context = fromFiles(certfile, keyfile, password, caCerts, certReqs, problems);
        }
        if (supplied == null && !caCerts.isEmpty() && certReqs == CertReqs.NONE) {
            problems.add(invalid(Settings.CA_CERTS, caCerts, "certReqs is none, so no client certificate is checked "
                    + "against it: set certReqs to optional or required"));
        }
        if (supplied == null && caCerts.isEmpty() && certReqs != CertReqs.NONE) {
            problems.add(invalid(Settings.CERT_REQS, config, "client certificates need caCerts, the CAs they must chain to"));
        }
        if (context == null) {
            fail(problems);
        }
        SSLParameters supported = context.getSupportedSSLParameters();
        List<String> protocols = config.get(Settings.TLS_PROTOCOLS);
        for (String p : protocols) {
            if (!Arrays.asList(supported.getProtocols()).contains(p)) {
                problems.add(invalid(Settings.TLS_PROTOCOLS, config, p + " is not supported by this JDK"));
            }
        }
        List<String> ciphers = config.get(Settings.CIPHERS);
        List<String> suites;
        if (ciphers.isEmpty()) {
            suites = strongSuites(context.getDefaultSSLParameters().getCipherSuites());
        } else {
            suites = ciphers;
            for (String c : ciphers) {
                if (!Arrays.asList(supported.getCipherSuites()).contains(c)) {
                    problems.add(invalid(Settings.CIPHERS, config, c + " is not a cipher suite this JDK supports"));
                }
            }
        }
        if (config.get(Settings.HTTP_PROTOCOLS).stream().noneMatch(servable::contains)) {
            problems.add(invalid(Settings.HTTP_PROTOCOLS, config, "this server serves only "
                    + servable.stream().map(p -> p.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList()
                    + " on TLS connections so far"));
        }
        fail(problems);
        return new TlsContext(context, protocols.toArray(NO_STRINGS), suites.toArray(NO_STRINGS), certReqs,
                config.get(Settings.TLS_HANDSHAKE_TIMEOUT), config.get(Settings.HTTP_PROTOCOLS), servable);
    }

    private static SSLContext fromFiles(String certfile, String keyfile, String password, String caCerts,
                                        CertReqs certReqs, List<String> problems) {
        if (certfile.isEmpty() || keyfile.isEmpty()) {
            Setting<String> missing = certfile.isEmpty() ? Settings.CERTFILE : Settings.KEYFILE;
            Setting<String> given = certfile.isEmpty() ? Settings.KEYFILE : Settings.CERTFILE;
            problems.add("Missing setting " + missing.name() + ": " + given.name() + " is set, and TLS needs both "
                    + "certfile and keyfile");
            return null;
        }
        List<X509Certificate> chain = null;
        PrivateKey key = null;
        try {
            chain = Pem.certificates(readFile(certfile));
        } catch (IOException | IllegalArgumentException e) {
            problems.add(invalid(Settings.CERTFILE, certfile, e.getMessage()));
        }
        try {
            key = PrivateKeys.read(readFile(keyfile), password);
        } catch (IOException e) {
            problems.add(invalid(Settings.KEYFILE, keyfile, e.getMessage()));
        } catch (PrivateKeys.KeyException e) {
            problems.add(e.password ? invalid(Settings.KEY_PASSWORD, password.isEmpty() ? "" : "(not shown)",
                    e.getMessage() + " (keyfile " + keyfile + ")") : invalid(Settings.KEYFILE, keyfile, e.getMessage()));
        }
        if (chain != null && key != null && !matches(key, chain.get(0))) {
            problems.add(invalid(Settings.KEYFILE, keyfile, "the key does not belong to the first certificate of certfile ("
                    + chain.get(0).getSubjectX500Principal().getName() + ")"));
        }
        List<X509Certificate> trusted = null;
        if (!caCerts.isEmpty()) {
            try {
                trusted = Pem.certificates(readFile(caCerts));
            } catch (IOException | IllegalArgumentException e) {
                problems.add(invalid(Settings.CA_CERTS, caCerts, e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        try {
            char[] storePassword = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", key, storePassword, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, storePassword);
            TrustManagerFactory tmf = null;
            if (trusted != null && certReqs != CertReqs.NONE) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                for (int i = 0; i < trusted.size(); i++) {
                    trust.setCertificateEntry("ca" + i, trusted.get(i));
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            problems.add(invalid(Settings.CERTFILE, certfile, "cannot build the TLS context: " + e.getMessage()));
            return null;
        }
    }

    private static byte[] readFile(String path) throws IOException {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p)) {
            throw new IOException(Files.exists(p) ? "not a regular file" : "no such file");
        }
        if (Files.size(p) > 1 << 20) {
            throw new IOException("larger than 1 MiB: not a PEM file");
        }
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new IOException("cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Whether {@code key} signs what {@code cert}'s public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        if (!cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        try {
            byte[] data = "unicorn key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(data);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * The JDK's default suites minus weak ones: what remains is TLS 1.3's suites and TLS 1.2's
     * forward-secret (ECDHE, DHE) AEAD suites (GCM, ChaCha20-Poly1305), plus the renegotiation
     * signalling value. CBC modes, static RSA key exchange, and anything NULL, anon, export,
     * RC4, DES or MD5 are dropped.
     */
    static List<String> strongSuites(String[] defaults) {
        List<String> out = new ArrayList<>();
        for (String s : defaults) {
            boolean tls13 = s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_");
            boolean forwardSecretAead = (s.contains("_ECDHE_") || s.contains("_DHE_"))
                    && (s.contains("_GCM_") || s.contains("_CHACHA20_POLY1305_"));
            boolean weak = s.contains("_NULL_") || s.contains("_anon_") || s.contains("_EXPORT") || s.contains("_RC4_")
                    || s.contains("_DES") || s.endsWith("_MD5");
            if ((tls13 || forwardSecretAead || s.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) && !weak) {
                out.add(s);
            }
        }
        return out;
    }

    private static String invalid(Setting<?> setting, Config config, String reason) {
        return invalid(setting, format(setting, config), reason);
    }

    private static <T> String format(Setting<T> setting, Config config) {
        return setting.format(config.get(setting));
    }

    private static String invalid(Setting<?> setting, String value, String reason) {
        return "Invalid setting " + setting.name() + " = \"" + value + "\": " + reason;
    }

    private static void fail(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** How long a client has to complete the handshake, in nanoseconds; 0 means no limit. */
    public long handshakeTimeoutNanos() {
        return handshakeTimeoutNanos;
    }

    /**
     * A TLS channel over a newly accepted {@code socket}, its handshake not started.
     *
     * @param expectProxyHeader whether a PROXY protocol header may precede the handshake (the
     *                          peer is allowed to send one and {@code proxyProtocol} is on): it is
     *                          then read in the clear and handed to the HTTP parser first
     */
    public TlsChannel newChannel(SocketChannel socket, boolean expectProxyHeader) {
        return new TlsChannel(socket, newEngine(), buffers, expectProxyHeader);
    }

    /** Whether a PROXY header may precede the TLS handshake from {@code peer} ({@code proxyProtocol} on, peer allowed). */
    public static boolean expectsProxyHeader(ServerContext ctx, java.net.SocketAddress peer) {
        return ctx.parserOptions().proxyProtocol() != dev.unicorn.http1.ProxyProtocolMode.OFF
                && ctx.proxyAllowIps().allowsPeer(peer);
    }

    SSLEngine newEngine() {
        SSLEngine engine = sslContext.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(protocols);
        params.setCipherSuites(cipherSuites);
        params.setUseCipherSuitesOrder(true);
        switch (certReqs) {
            case NONE -> params.setNeedClientAuth(false);
            case OPTIONAL -> params.setWantClientAuth(true);
            case REQUIRED -> params.setNeedClientAuth(true);
        }
        engine.setSSLParameters(params);
        engine.setHandshakeApplicationProtocolSelector((e, offered) -> selectProtocol(offered));
        return engine;
    }

    /**
     * The ALPN choice for the protocols a client offered: the first of {@code httpProtocols}
     * that it offered and that the server serves; {@code ""} (no ALPN) when it offered none;
     * {@code null} (refuse the handshake) when it offered only others.
     */
    String selectProtocol(List<String> offered) {
        if (offered.isEmpty()) {
            return "";
        }
        for (HttpProtocol p : httpProtocols) {
            if (servable.contains(p) && offered.contains(p.alpn())) {
                return p.alpn();
            }
        }
        return null;
    }
}
