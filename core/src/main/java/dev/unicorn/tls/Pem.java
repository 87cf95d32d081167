package dev.unicorn.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The blocks of a PEM file (RFC 7468): {@code -----BEGIN LABEL-----}, base64, {@code
 * -----END LABEL-----}. Text around blocks is ignored, as OpenSSL does; headers inside a block
 * (the legacy {@code Proc-Type} encryption) are refused.
 */
final class Pem {
    /** One block: its label and the decoded bytes. */
    record Block(String label, byte[] der) {
    }

    private Pem() {
    }

    /**
     * @throws IllegalArgumentException naming what is wrong (an unterminated block, bad base64, headers)
     */
    static List<Block> parse(byte[] file) {
        String text = new String(file, StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        int at = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", at);
            if (begin < 0) {
                return blocks;
            }
            int labelEnd = text.indexOf("-----", begin + 11);
            if (labelEnd < 0) {
                throw new IllegalArgumentException("malformed BEGIN line");
            }
            String label = text.substring(begin + 11, labelEnd);
            String endLine = "-----END " + label + "-----";
            int end = text.indexOf(endLine, labelEnd + 5);
            if (end < 0) {
                throw new IllegalArgumentException("no \"" + endLine + "\" for \"-----BEGIN " + label + "-----\"");
            }
            String body = text.substring(labelEnd + 5, end);
            if (body.indexOf(':') >= 0) {
                throw new IllegalArgumentException(label + " has PEM headers (legacy OpenSSL encryption such as "
                        + "Proc-Type/DEK-Info): convert it to PKCS#8 with openssl pkcs8 -topk8");
            }
            try {
                blocks.add(new Block(label, Base64.getMimeDecoder().decode(body.strip())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(label + " is not valid base64");
            }
            at = end + endLine.length();
        }
    }

    /**
     * The certificates of a PEM file, in file order.
     *
     * @throws IllegalArgumentException if it holds none, or one does not decode
     */
    static List<X509Certificate> certificates(byte[] file) {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : parse(file)) {
                if (b.label().equals("CERTIFICATE")) {
                    certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("a CERTIFICATE does not decode: " + e.getMessage());
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("no \"-----BEGIN CERTIFICATE-----\" block");
        }
        return certs;
    }
}
