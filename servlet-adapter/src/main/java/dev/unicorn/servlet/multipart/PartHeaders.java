package dev.unicorn.servlet.multipart;

import dev.unicorn.http.BadRequestException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The header fields of one part, in order, and what RFC 7578 makes of them: the field name
 * and file name from Content-Disposition (§4.2) and the part's Content-Type (§4.4).
 *
 * @param names            field names as sent
 * @param values           field values, index for index
 * @param name             the form field's name
 * @param submittedFileName the file name ({@code filename*} decoded if given, else
 *                          {@code filename}); null for a plain form field
 * @param contentType      the part's Content-Type, null if absent
 */
record PartHeaders(List<String> names, List<String> values, String name, String submittedFileName,
        String contentType) {
    /** RFC 7578 §4.7: any other Content-Transfer-Encoding is deprecated and refused. */
    private static final Set<String> IDENTITY_ENCODINGS = Set.of("7bit", "8bit", "binary");

    static PartHeaders of(List<String> names, List<String> values) throws BadRequestException {
        String disposition = null;
        String contentType = null;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String value = values.get(i);
            if (name.equalsIgnoreCase("Content-Disposition")) {
                if (disposition != null) {
                    throw new BadRequestException(400, "Part with two Content-Disposition fields");
                }
                disposition = value;
            } else if (name.equalsIgnoreCase("Content-Type")) {
                if (contentType != null) {
                    throw new BadRequestException(400, "Part with two Content-Type fields");
                }
                HeaderValue.parse(value, "part Content-Type");
                contentType = value;
            } else if (name.equalsIgnoreCase("Content-Transfer-Encoding")
                    && !IDENTITY_ENCODINGS.contains(value.toLowerCase(Locale.ROOT))) {
                throw new BadRequestException(400, "Unsupported Content-Transfer-Encoding in a part: " + value);
            }
        }
        if (disposition == null) {
            throw new BadRequestException(400, "Part without Content-Disposition");
        }
        HeaderValue d = HeaderValue.parse(disposition, "Content-Disposition");
        if (!d.value().equals("form-data")) {
            throw new BadRequestException(400, "Part with Content-Disposition " + d.value() + ", not form-data");
        }
        String fieldName = d.parameter("name");
        if (fieldName == null) {
            throw new BadRequestException(400, "Part without a name in Content-Disposition: " + disposition);
        }
        String fileName = d.parameter("filename");
        String extended = d.parameter("filename*");
        if (extended != null) {
            fileName = decodeExtValue(extended);
        }
        return new PartHeaders(List.copyOf(names), List.copyOf(values), fieldName, fileName, contentType);
    }

    String first(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    Collection<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                out.add(values.get(i));
            }
        }
        return out;
    }

    /** Each name once, in the order and spelling of its first appearance. */
    Collection<String> distinctNames() {
        Set<String> seen = new LinkedHashSet<>();
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (seen.add(name.toLowerCase(Locale.ROOT))) {
                out.add(name);
            }
        }
        return out;
    }

    /** RFC 8187 §3.2 (was RFC 5987) ext-value: {@code charset "'" [ language ] "'" value-chars}. */
    static String decodeExtValue(String ext) throws BadRequestException {
        int q1 = ext.indexOf('\'');
        int q2 = q1 < 0 ? -1 : ext.indexOf('\'', q1 + 1);
        if (q2 < 0) {
            throw new BadRequestException(400, "Malformed filename* (RFC 8187 ext-value): " + ext);
        }
        Charset charset;
        try {
            charset = Charset.forName(ext.substring(0, q1));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new BadRequestException(400, "Unsupported charset in filename*: " + ext);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ext.length());
        for (int i = q2 + 1; i < ext.length(); i++) {
            char c = ext.charAt(i);
            if (c == '%' && i + 2 < ext.length() && hex(ext.charAt(i + 1)) >= 0 && hex(ext.charAt(i + 2)) >= 0) {
                bytes.write(hex(ext.charAt(i + 1)) << 4 | hex(ext.charAt(i + 2)));
                i += 2;
            } else if (isAttrChar(c)) {
                bytes.write(c);
            } else {
                throw new BadRequestException(400, "Malformed filename* (RFC 8187 ext-value): " + ext);
            }
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new BadRequestException(400, "filename* is not valid " + charset.name() + ": " + ext);
        }
    }

    /** RFC 8187 attr-char. */
    private static boolean isAttrChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$&+-.^_`|~".indexOf(c) >= 0;
    }

    /** The value of an ASCII hex digit, or -1 (Character.digit would take other scripts' digits). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
