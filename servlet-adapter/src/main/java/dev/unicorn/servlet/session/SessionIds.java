package dev.unicorn.servlet.session;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids: 192 bits from a {@link SecureRandom}, written in URL-safe base64 without
 * padding (32 characters of {@code A-Z a-z 0-9 - _}), so an id is safe in a cookie, a URL
 * and a log line, and cannot be guessed (OWASP asks for at least 64 bits of entropy).
 */
final class SessionIds {
    static final int RANDOM_BYTES = 24;
    static final int LENGTH = 32;

    private final SecureRandom random;
    private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

    SessionIds(SecureRandom random) {
        this.random = random;
    }

    String next() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return encoder.encodeToString(bytes);
    }

    /** True if {@code id} has the shape of an id this class makes; anything else is never looked up. */
    static boolean isWellFormed(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
