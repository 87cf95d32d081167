package dev.unicorn.http;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a request's TLS connection negotiated, as the application sees it.
 *
 * @param protocol            the TLS version, e.g. {@code TLSv1.3}
 * @param cipherSuite         the cipher suite, e.g. {@code TLS_AES_128_GCM_SHA256}
 * @param applicationProtocol the protocol ALPN selected ({@code http/1.1}, {@code h2}), empty when the client offered none
 * @param peerCertificates    the client's certificate chain, its own certificate first; empty when it sent none
 */
public record TlsSession(String protocol, String cipherSuite, String applicationProtocol,
                         List<X509Certificate> peerCertificates) {
    /** Copies the chain. */
    public TlsSession {
        peerCertificates = List.copyOf(peerCertificates);
    }

    /** The client certificate's subject as an RFC 2253 name ({@code CN=alice,O=Example}), or {@code null} without one. */
    public String peerSubject() {
        return peerCertificates.isEmpty() ? null : peerCertificates.get(0).getSubjectX500Principal().getName();
    }
}
