package dev.unicorn.servlet.multipart;

import dev.unicorn.http.BadRequestException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A header value of the form {@code value *( ";" name "=" ( token / quoted-string ) )}, as
 * Content-Type (RFC 9110 §8.3.1) and Content-Disposition (RFC 6266 §4.1) use it: the leading
 * value in lower case and the parameters by lower-case name, unquoted.
 *
 * <p>A quoted-string's backslash escapes only {@code "} and {@code \}; any other backslash is
 * kept, so that a Windows path sent as a file name survives. A parameter given twice is
 * refused: which one the sender meant is ambiguous.
 */
record HeaderValue(String value, Map<String, String> parameters) {

    String parameter(String name) {
        return parameters.get(name);
    }

    /** Parses {@code header}; {@code what} names it in the 400 message. */
    static HeaderValue parse(String header, String what) throws BadRequestException {
        int n = header.length();
        int i = skipWhitespace(header, 0);
        int start = i;
        while (i < n && (isToken(header.charAt(i)) || header.charAt(i) == '/')) {
            i++;
        }
        if (i == start) {
            throw malformed(what, header);
        }
        String value = header.substring(start, i).toLowerCase(Locale.ROOT);
        Map<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            i = skipWhitespace(header, i);
            if (i == n) {
                break;
            }
            if (header.charAt(i) != ';') {
                throw malformed(what, header);
            }
            i = skipWhitespace(header, i + 1);
            if (i == n || header.charAt(i) == ';') {
                continue; // RFC 9110 §5.6.6: empty parameters are allowed
            }
            int nameStart = i;
            while (i < n && isToken(header.charAt(i))) {
                i++;
            }
            if (i == nameStart) {
                throw malformed(what, header);
            }
            String name = header.substring(nameStart, i).toLowerCase(Locale.ROOT);
            i = skipWhitespace(header, i);
            if (i == n || header.charAt(i) != '=') {
                throw malformed(what, header);
            }
            i = skipWhitespace(header, i + 1);
            String parameterValue;
            if (i < n && header.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (true) {
                    if (i == n) {
                        throw new BadRequestException(400, "Unterminated quoted string in " + what + ": " + header);
                    }
                    char c = header.charAt(i);
                    if (c == '"') {
                        i++;
                        break;
                    }
                    if (c == '\\' && i + 1 < n && (header.charAt(i + 1) == '"' || header.charAt(i + 1) == '\\')) {
                        c = header.charAt(i + 1);
                        i++;
                    }
                    b.append(c);
                    i++;
                }
                parameterValue = b.toString();
            } else {
                int valueStart = i;
                while (i < n && isToken(header.charAt(i))) {
                    i++;
                }
                if (i == valueStart) {
                    throw malformed(what, header);
                }
                parameterValue = header.substring(valueStart, i);
            }
            if (parameters.putIfAbsent(name, parameterValue) != null) {
                throw new BadRequestException(400, "Parameter " + name + " given twice in " + what + ": " + header);
            }
        }
        return new HeaderValue(value, Collections.unmodifiableMap(parameters));
    }

    private static int skipWhitespace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** tchar, RFC 9110 §5.6.2. */
    static boolean isToken(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static BadRequestException malformed(String what, String header) {
        return new BadRequestException(400, "Malformed " + what + ": " + header);
    }
}
