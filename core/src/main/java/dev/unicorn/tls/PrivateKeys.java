package dev.unicorn.tls;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads an RSA or EC private key from PEM: PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8
 * ({@code ENCRYPTED PRIVATE KEY}, PBES2 as {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} and
 * OpenSSL 3's default write it), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1
 * ({@code EC PRIVATE KEY}). The last two are rewrapped as PKCS#8, which the JDK reads.
 */
final class PrivateKeys {
    /** rsaEncryption, 1.2.840.113549.1.1.1, as a DER OID. */
    private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    /** id-ecPublicKey, 1.2.840.10045.2.1, as a DER OID. */
    private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};

    /** Why a key could not be read, and which setting is to blame. */
    static final class KeyException extends Exception {
        final boolean password;

        KeyException(String message, boolean password) {
            super(message);
            this.password = password;
        }
    }

    private PrivateKeys() {
    }

    /**
     * The single private key of a PEM file.
     *
     * @param password the password of an encrypted key, empty if none was given
     * @throws KeyException saying what is wrong; {@code password} is true when the password is to blame
     */
    static PrivateKey read(byte[] file, String password) throws KeyException {
        List<Pem.Block> keys;
        try {
            keys = Pem.parse(file).stream().filter(b -> b.label().endsWith("PRIVATE KEY")).toList();
        } catch (IllegalArgumentException e) {
            throw new KeyException(e.getMessage(), false);
        }
        if (keys.isEmpty()) {
            throw new KeyException("no \"-----BEGIN ... PRIVATE KEY-----\" block", false);
        }
        if (keys.size() > 1) {
            throw new KeyException("holds " + keys.size() + " private keys; give exactly one", false);
        }
        Pem.Block key = keys.get(0);
        boolean encrypted = key.label().equals("ENCRYPTED PRIVATE KEY");
        if (encrypted && password.isEmpty()) {
            throw new KeyException("the key is encrypted (ENCRYPTED PRIVATE KEY) and no keyPassword is set", true);
        }
        if (!encrypted && !password.isEmpty()) {
            throw new KeyException("keyPassword is set but the key (" + key.label() + ") is not encrypted", true);
        }
        byte[] pkcs8 = switch (key.label()) {
            case "PRIVATE KEY" -> key.der();
            case "ENCRYPTED PRIVATE KEY" -> decrypt(key.der(), password);
            case "RSA PRIVATE KEY" -> pkcs8(concat(RSA_OID, DER_NULL), key.der());
            case "EC PRIVATE KEY" -> pkcs8(concat(EC_OID, sec1Curve(key.der())), key.der());
            default -> throw new KeyException("unsupported key format \"" + key.label() + "\"; expected PRIVATE KEY, "
                    + "ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY", false);
        };
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new KeyException("the key is neither an RSA nor an EC key (or it is corrupt)", false);
    }

    private static byte[] decrypt(byte[] der, String password) throws KeyException {
        EncryptedPrivateKeyInfo info;
        try {
            info = new EncryptedPrivateKeyInfo(der);
        } catch (java.io.IOException e) {
            throw new KeyException("the ENCRYPTED PRIVATE KEY does not decode: " + e.getMessage(), false);
        }
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray());
            SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
            Cipher cipher = Cipher.getInstance(info.getAlgName());
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(spec), info.getAlgParameters());
            return info.getKeySpec(cipher).getEncoded();
        } catch (InvalidKeySpecException e) {
            throw new KeyException("keyPassword does not decrypt the key", true);
        } catch (GeneralSecurityException e) {
            throw new KeyException("the key's encryption " + info.getAlgName() + " is not supported ("
                    + e.getMessage() + "); use PBES2, e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc", false);
        }
    }

    /** PrivateKeyInfo (RFC 5208): version 0, the algorithm, the key as an OCTET STRING. */
    private static byte[] pkcs8(byte[] algorithmContent, byte[] key) {
        return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, tlv(0x30, algorithmContent), tlv(0x04, key)));
    }

    /**
     * The named-curve OID of a SEC1 ECPrivateKey (RFC 5915): SEQUENCE { INTEGER 1, OCTET STRING,
     * [0] OID, [1] BIT STRING }; the JDK needs it beside the key.
     */
    private static byte[] sec1Curve(byte[] der) throws KeyException {
        try {
            int[] seq = header(der, 0, 0x30);
            int at = seq[0];
            int end = seq[0] + seq[1];
            while (at < end) {
                int tag = der[at] & 0xff;
                int[] h = header(der, at, tag);
                if (tag == 0xa0) {
                    int[] oid = header(der, h[0], 0x06);
                    return Arrays.copyOfRange(der, h[0], oid[0] + oid[1]);
                }
                at = h[0] + h[1];
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            // fall through
        }
        throw new KeyException("the EC PRIVATE KEY names no curve (or is corrupt); write it with openssl pkcs8 -topk8", false);
    }

    /** Where the content of the DER element at {@code at} starts and its length; checks the tag. */
    private static int[] header(byte[] der, int at, int tag) {
        if ((der[at] & 0xff) != tag) {
            throw new IllegalArgumentException("unexpected tag");
        }
        int len = der[at + 1] & 0xff;
        int start = at + 2;
        if (len > 0x80) {
            int n = len - 0x80;
            if (n > 3) {
                throw new IllegalArgumentException("too long");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[start++] & 0xff);
            }
        } else if (len == 0x80) {
            throw new IllegalArgumentException("indefinite length");
        }
        if (start + len > der.length) {
            throw new IllegalArgumentException("truncated");
        }
        return new int[] {start, len};
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
