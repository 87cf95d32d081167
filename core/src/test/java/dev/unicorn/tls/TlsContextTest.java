package dev.unicorn.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.config.Config;
import dev.unicorn.config.ConfigException;
import dev.unicorn.config.HttpProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TlsContextTest {
    static final Path DIR = Path.of("src/test/resources/tls").toAbsolutePath();
    static final Set<HttpProtocol> H1 = EnumSet.of(HttpProtocol.H1);

    static String pem(String name) {
        return DIR.resolve(name).toString();
    }

    static TlsContext create(Map<String, String> settings) {
        return create(settings, null);
    }

    static TlsContext create(Map<String, String> settings, Supplier<SSLContext> supplied) {
        Config.Builder b = Config.builder();
        settings.forEach(b::set);
        return TlsContext.create(b.build(), supplied, H1);
    }

    static String problem(Map<String, String> settings) {
        return problem(settings, null);
    }

    static String problem(Map<String, String> settings, Supplier<SSLContext> supplied) {
        try {
            create(settings, supplied);
        } catch (ConfigException e) {
            assertThat(e.problems()).hasSize(1);
            return e.problems().get(0);
        }
        throw new AssertionError("no ConfigException for " + settings);
    }

    @Test
    void tlsIsOffWithoutCertfileKeyfileOrSuppliedContext() {
        assertThat(create(Map.of())).isNull();
    }

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource({
        "server-rsa.pem, server-rsa.key, ''",
        "server-rsa-chain.pem, server-rsa.key, ''",
        "server-rsa.pem, server-rsa-pkcs1.key, ''",
        "server-rsa.pem, server-rsa-encrypted.key, changeit",
        "server-ec.pem, server-ec.key, ''",
        "server-ec.pem, server-ec-sec1.key, ''",
    })
    void loadsEveryKeyFormatAndMakesEnginesWithTheConfiguredProtocols(String cert, String key, String password) {
        TlsContext tls = create(Map.of("certfile", pem(cert), "keyfile", pem(key), "keyPassword", password));
        SSLEngine engine = tls.newEngine();
        assertThat(engine.getUseClientMode()).isFalse();
        assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        assertThat(engine.getNeedClientAuth()).isFalse();
        assertThat(engine.getWantClientAuth()).isFalse();
        assertThat(tls.handshakeTimeoutNanos()).isEqualTo(10_000_000_000L);
    }

    @Test
    void certReqsOptionalAsksForAClientCertificateAndRequiredDemandsOne() {
        Map<String, String> base = Map.of("certfile", pem("server-ec.pem"), "keyfile", pem("server-ec.key"),
                "caCerts", pem("ca.pem"));
        SSLEngine optional = create(with(base, "certReqs", "optional")).newEngine();
        assertThat(optional.getWantClientAuth()).isTrue();
        assertThat(optional.getNeedClientAuth()).isFalse();
        SSLEngine required = create(with(base, "certReqs", "2")).newEngine();
        assertThat(required.getNeedClientAuth()).isTrue();
    }

    @Test
    void defaultCipherSuitesAreForwardSecretAeadOnly() {
        String[] suites = create(Map.of("certfile", pem("server-ec.pem"), "keyfile", pem("server-ec.key")))
                .newEngine().getEnabledCipherSuites();
        assertThat(suites).contains("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        for (String s : suites) {
            assertThat(s).doesNotContain("_CBC_", "TLS_RSA_WITH", "_NULL_", "_anon_", "_RC4_", "_3DES_");
        }
    }

    @Test
    void strongSuitesDropsCbcStaticRsaAndBrokenCiphers() {
        assertThat(TlsContext.strongSuites(new String[] {
            "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDH_anon_WITH_AES_128_GCM_SHA256", "SSL_RSA_WITH_RC4_128_MD5",
            "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"}))
                .containsExactly("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                        "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    }

    @Test
    void explicitCiphersAndProtocolsReachTheEngine() {
        SSLEngine engine = create(Map.of("certfile", pem("server-ec.pem"), "keyfile", pem("server-ec.key"),
                "tlsProtocols", "TLSv1.2", "ciphers", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")).newEngine();
        assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.2");
        assertThat(engine.getEnabledCipherSuites()).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    }

    @Test
    void alpnPicksTheFirstConfiguredProtocolTheServerServesAndTheClientOffers() {
        Map<String, String> base = Map.of("certfile", pem("server-ec.pem"), "keyfile", pem("server-ec.key"),
                "httpProtocols", "h2,h1");
        TlsContext h1Only = create(base);
        assertThat(h1Only.selectProtocol(List.of("h2", "http/1.1"))).isEqualTo("http/1.1");
        assertThat(h1Only.selectProtocol(List.of())).isEmpty();
        assertThat(h1Only.selectProtocol(List.of("h2"))).isNull();
        assertThat(h1Only.selectProtocol(List.of("spdy/3", "h2c"))).isNull();
        Config.Builder b = Config.builder();
        base.forEach(b::set);
        TlsContext both = TlsContext.create(b.build(), null, EnumSet.allOf(HttpProtocol.class));
        assertThat(both.selectProtocol(List.of("http/1.1", "h2"))).isEqualTo("h2");
    }

    @Test
    void aSuppliedContextServesWithTheConfiguredProtocols() throws Exception {
        SSLContext mine = SSLContext.getInstance("TLS");
        mine.init(null, null, null);
        TlsContext tls = create(Map.of("tlsProtocols", "TLSv1.3"), () -> mine);
        assertThat(tls.newEngine().getEnabledProtocols()).containsExactly("TLSv1.3");
    }

    // --- failures, one per setting

    @Test
    void aMissingCertfileIsNamed() {
        assertThat(problem(Map.of("certfile", "/no/such.pem", "keyfile", pem("server-rsa.key"))))
                .isEqualTo("Invalid setting certfile = \"/no/such.pem\": no such file");
    }

    @Test
    void aCertfileWithoutCertificatesIsNamed() {
        assertThat(problem(Map.of("certfile", pem("server-rsa.key"), "keyfile", pem("server-rsa.key"))))
                .isEqualTo("Invalid setting certfile = \"" + pem("server-rsa.key") + "\": no \"-----BEGIN CERTIFICATE-----\" block");
    }

    @Test
    void keyfileWithoutCertfileIsNamed() {
        assertThat(problem(Map.of("keyfile", pem("server-rsa.key"))))
                .isEqualTo("Missing setting certfile: keyfile is set, and TLS needs both certfile and keyfile");
    }

    @Test
    void aKeyfileWithoutAKeyIsNamed() {
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem"), "keyfile", pem("server-rsa.pem"))))
                .isEqualTo("Invalid setting keyfile = \"" + pem("server-rsa.pem") + "\": no \"-----BEGIN ... PRIVATE KEY-----\" block");
    }

    @Test
    void aKeyOfAnotherCertificateIsNamed() {
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem"), "keyfile", pem("server-ec.key"))))
                .isEqualTo("Invalid setting keyfile = \"" + pem("server-ec.key")
                        + "\": the key does not belong to the first certificate of certfile (CN=localhost,O=Unicorn Test)");
    }

    @Test
    void anEncryptedKeyWithoutPasswordNamesKeyPassword() {
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem"), "keyfile", pem("server-rsa-encrypted.key"))))
                .isEqualTo("Invalid setting keyPassword = \"\": the key is encrypted (ENCRYPTED PRIVATE KEY) and no "
                        + "keyPassword is set (keyfile " + pem("server-rsa-encrypted.key") + ")");
    }

    @Test
    void aWrongPasswordNamesKeyPasswordWithoutShowingIt() {
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem"), "keyfile", pem("server-rsa-encrypted.key"),
                "keyPassword", "wrong")))
                .isEqualTo("Invalid setting keyPassword = \"(not shown)\": keyPassword does not decrypt the key (keyfile "
                        + pem("server-rsa-encrypted.key") + ")");
    }

    @Test
    void aPasswordForAnUnencryptedKeyIsRefused() {
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem"), "keyfile", pem("server-rsa.key"),
                "keyPassword", "changeit")))
                .startsWith("Invalid setting keyPassword = \"(not shown)\": keyPassword is set but the key (PRIVATE KEY) is not encrypted");
    }

    @Test
    void aLegacyOpensslEncryptedKeyIsRefusedWithTheConversionCommand(@TempDir Path dir) throws Exception {
        Path legacy = Files.writeString(dir.resolve("legacy.key"), "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem"), "keyfile", legacy.toString())))
                .isEqualTo("Invalid setting keyfile = \"" + legacy + "\": RSA PRIVATE KEY has PEM headers (legacy OpenSSL "
                        + "encryption such as Proc-Type/DEK-Info): convert it to PKCS#8 with openssl pkcs8 -topk8");
    }

    @Test
    void certReqsWithoutCaCertsIsNamed() {
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem"), "keyfile", pem("server-rsa.key"),
                "certReqs", "required")))
                .isEqualTo("Invalid setting certReqs = \"required\": client certificates need caCerts, the CAs they must chain to");
    }

    @Test
    void caCertsWithCertReqsNoneIsNamed() {
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem"), "keyfile", pem("server-rsa.key"),
                "caCerts", pem("ca.pem"))))
                .isEqualTo("Invalid setting caCerts = \"" + pem("ca.pem") + "\": certReqs is none, so no client certificate "
                        + "is checked against it: set certReqs to optional or required");
    }

    @Test
    void anUnreadableCaCertsIsNamed() {
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem"), "keyfile", pem("server-rsa.key"),
                "caCerts", pem("ca.key"), "certReqs", "optional")))
                .isEqualTo("Invalid setting caCerts = \"" + pem("ca.key") + "\": no \"-----BEGIN CERTIFICATE-----\" block");
    }

    @Test
    void anUnknownCipherSuiteIsNamed() {
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem"), "keyfile", pem("server-rsa.key"),
                "ciphers", "TLS_NO_SUCH_SUITE")))
                .isEqualTo("Invalid setting ciphers = \"TLS_NO_SUCH_SUITE\": TLS_NO_SUCH_SUITE is not a cipher suite this JDK supports");
    }

    @Test
    void httpProtocolsWithNothingServableIsNamed() {
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem"), "keyfile", pem("server-rsa.key"),
                "httpProtocols", "h2")))
                .isEqualTo("Invalid setting httpProtocols = \"h2\": this server serves only [h1] on TLS connections so far");
    }

    @Test
    void tlsSettingsWithoutTlsAreNamed() {
        assertThat(problem(Map.of("caCerts", pem("ca.pem"))))
                .isEqualTo("Invalid setting caCerts = \"" + pem("ca.pem") + "\": TLS is off: set certfile and keyfile");
        assertThat(problem(Map.of("certReqs", "optional")))
                .isEqualTo("Invalid setting certReqs = \"optional\": TLS is off: set certfile and keyfile");
    }

    @Test
    void aSuppliedContextExcludesCertfile() throws Exception {
        SSLContext mine = SSLContext.getInstance("TLS");
        mine.init(null, null, null);
        assertThat(problem(Map.of("certfile", pem("server-rsa.pem")), () -> mine))
                .startsWith("Invalid setting certfile = \"" + pem("server-rsa.pem")
                        + "\": an SSLContext is supplied in code, which holds the keys and trust");
    }

    @Test
    void aSupplierReturningNullIsReported() {
        assertThatThrownBy(() -> create(Map.of(), () -> null)).isInstanceOf(ConfigException.class)
                .hasMessage("Invalid sslContext: the supplier returned null");
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
