package dev.unicorn.config;

import dev.unicorn.log.AccessLogFormat;
import dev.unicorn.net.BindAddress;
import dev.unicorn.net.IpAllowList;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The kind of a setting's value: how its string form is parsed and printed, how a value is
 * checked (and copied to canonical immutable form), and the text describing what is accepted.
 * Parsers and checkers throw {@link IllegalArgumentException} with a specific reason, or with
 * no message when "expected {@link #accepted()}" says it all.
 */
record SettingType<T>(
        String name,
        Class<?> javaType,
        String accepted,
        Function<String, T> parser,
        Function<T, String> formatter,
        UnaryOperator<T> checker) {

    private static final Duration MAX_DURATION = Duration.ofDays(1);
    private static final String[] BYTE_SUFFIXES = {"", "k", "m", "g"};

    static SettingType<Integer> integer(int min, int max) {
        return new SettingType<>("integer", Integer.class,
                "an integer from " + min + " to " + max,
                text -> {
                    try {
                        return Integer.parseInt(text.strip());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException();
                    }
                },
                String::valueOf,
                value -> {
                    if (value < min || value > max) {
                        throw new IllegalArgumentException();
                    }
                    return value;
                });
    }

    static SettingType<Boolean> bool() {
        return new SettingType<>("boolean", Boolean.class, "true or false",
                text -> {
                    String s = text.strip();
                    if (s.equalsIgnoreCase("true")) {
                        return Boolean.TRUE;
                    }
                    if (s.equalsIgnoreCase("false")) {
                        return Boolean.FALSE;
                    }
                    throw new IllegalArgumentException();
                },
                String::valueOf,
                value -> value);
    }

    /** Seconds as a plain number (gunicorn's form), or a number with unit ms, s or m. */
    static SettingType<Duration> duration() {
        return new SettingType<>("duration", Duration.class,
                "a duration from 0 to 1 day: seconds as a plain number (30, 0.5) or a number with unit ms, s or m (500ms, 2s, 1m)",
                SettingType::parseDuration,
                SettingType::formatDuration,
                value -> {
                    if (value.isNegative()) {
                        throw new IllegalArgumentException("negative duration");
                    }
                    if (value.compareTo(MAX_DURATION) > 0) {
                        throw new IllegalArgumentException("longer than 1 day");
                    }
                    return value;
                });
    }

    private static Duration parseDuration(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        long unitNanos;
        if (s.endsWith("ms")) {
            unitNanos = 1_000_000L;
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            unitNanos = 1_000_000_000L;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            unitNanos = 60_000_000_000L;
            s = s.substring(0, s.length() - 1);
        } else {
            unitNanos = 1_000_000_000L;
        }
        boolean negative = s.startsWith("-");
        String digits = negative ? s.substring(1) : s;
        if (!isDecimal(digits)) {
            throw new IllegalArgumentException();
        }
        if (negative && new BigDecimal(digits).signum() != 0) {
            throw new IllegalArgumentException("negative duration");
        }
        BigDecimal nanos = new BigDecimal(digits).multiply(BigDecimal.valueOf(unitNanos));
        if (nanos.compareTo(BigDecimal.valueOf(MAX_DURATION.toNanos())) > 0) {
            throw new IllegalArgumentException("longer than 1 day");
        }
        if (nanos.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("finer than a nanosecond");
        }
        return Duration.ofNanos(nanos.longValueExact());
    }

    /** Digits with at most one '.', and at least one digit: no sign, exponent, or blanks. */
    private static boolean isDecimal(String s) {
        int digits = 0;
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c >= '0' && c <= '9') {
                digits++;
            } else {
                return false;
            }
        }
        return digits > 0 && dots <= 1;
    }

    private static String formatDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return new BigDecimal(BigInteger.valueOf(nanos), 9).stripTrailingZeros().toPlainString();
    }

    /** A byte count with optional k, m or g suffix (powers of 1024); -1 or "unlimited" for no limit. */
    static SettingType<Long> byteLimit() {
        return new SettingType<>("byte count", Long.class,
                "unlimited (or -1), or a byte count of 0 or more with an optional suffix k, m or g (powers of 1024)",
                text -> {
                    String s = text.strip().toLowerCase(Locale.ROOT);
                    if (s.equals("unlimited") || s.equals("-1")) {
                        return -1L;
                    }
                    int shift = 0;
                    if (!s.isEmpty()) {
                        for (int i = 1; i < BYTE_SUFFIXES.length; i++) {
                            if (s.endsWith(BYTE_SUFFIXES[i])) {
                                shift = 10 * i;
                                s = s.substring(0, s.length() - 1);
                                break;
                            }
                        }
                    }
                    if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        throw new IllegalArgumentException();
                    }
                    try {
                        long n = Long.parseLong(s);
                        if (n > (Long.MAX_VALUE >> shift)) {
                            throw new IllegalArgumentException("too large");
                        }
                        return n << shift;
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("too large");
                    }
                },
                value -> {
                    long v = value;
                    if (v < 0) {
                        return "unlimited";
                    }
                    int i = 0;
                    while (v != 0 && i < BYTE_SUFFIXES.length - 1 && (v & 1023) == 0) {
                        v >>= 10;
                        i++;
                    }
                    return v + BYTE_SUFFIXES[i];
                },
                value -> {
                    if (value < -1) {
                        throw new IllegalArgumentException();
                    }
                    return value;
                });
    }

    /** Lower-case constant names; {@code aliases} map further lower-case words to constants. */
    static <E extends Enum<E>> SettingType<E> enumeration(Class<E> type, Map<String, E> aliases) {
        StringJoiner names = new StringJoiner(", ");
        for (E e : type.getEnumConstants()) {
            names.add(lower(e));
        }
        StringBuilder accepted = new StringBuilder("one of ").append(names);
        if (!aliases.isEmpty()) {
            StringJoiner also = new StringJoiner(", ", " (also ", ")");
            aliases.forEach((alias, e) -> also.add(alias + " = " + lower(e)));
            accepted.append(also);
        }
        return new SettingType<>("enum " + type.getSimpleName(), type, accepted.toString(),
                text -> {
                    String s = text.strip().toLowerCase(Locale.ROOT);
                    for (E e : type.getEnumConstants()) {
                        if (lower(e).equals(s)) {
                            return e;
                        }
                    }
                    E alias = aliases.get(s);
                    if (alias == null) {
                        throw new IllegalArgumentException();
                    }
                    return alias;
                },
                SettingType::lower,
                value -> value);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    static SettingType<List<BindAddress>> bindList() {
        return new SettingType<>("list of addresses", List.class,
                "a comma-separated list of at least one address: host:port, [ipv6]:port, :port (all interfaces), "
                        + "host (port 8000) or unix:/path; port 0 to 65535 (0 = any free port)",
                text -> {
                    List<BindAddress> out = new ArrayList<>();
                    for (String part : text.split(",", -1)) {
                        if (part.isBlank() && text.isBlank()) {
                            break;
                        }
                        out.add(BindAddress.parse(part));
                    }
                    return out;
                },
                value -> join(value, BindAddress::toString),
                value -> {
                    if (value.isEmpty()) {
                        throw new IllegalArgumentException("no address");
                    }
                    return List.copyOf(value);
                });
    }

    static SettingType<IpAllowList> ipAllowList() {
        return new SettingType<>("IP allow list", IpAllowList.class,
                "* (everyone) or a comma-separated list of IPv4/IPv6 addresses and CIDR networks "
                        + "with zero host bits (10.0.0.0/8, fd00::/8); empty = none",
                IpAllowList::parse,
                IpAllowList::toString,
                value -> value);
    }

    /** {@code NAME=value,NAME=value}, names are tokens; insertion-ordered, unmodifiable. */
    static SettingType<Map<String, String>> headerValueMap() {
        return new SettingType<>("header map", Map.class,
                "comma-separated NAME=value pairs, NAME a header field name (token), value without commas or "
                        + "control characters; empty = none",
                text -> {
                    Map<String, String> out = new LinkedHashMap<>();
                    if (text.isBlank()) {
                        return out;
                    }
                    for (String part : text.split(",", -1)) {
                        int eq = part.indexOf('=');
                        if (eq < 0) {
                            throw new IllegalArgumentException("\"" + part.strip() + "\" has no '='");
                        }
                        String name = part.substring(0, eq).strip();
                        if (out.keySet().stream().anyMatch(name::equalsIgnoreCase)) {
                            throw new IllegalArgumentException("header " + name + " appears twice");
                        }
                        out.put(name, part.substring(eq + 1).strip());
                    }
                    return out;
                },
                value -> {
                    StringJoiner j = new StringJoiner(",");
                    value.forEach((k, v) -> j.add(k + "=" + v));
                    return j.toString();
                },
                value -> {
                    Map<String, String> copy = new LinkedHashMap<>();
                    value.forEach((k, v) -> {
                        Objects.requireNonNull(k);
                        Objects.requireNonNull(v);
                        checkToken(k);
                        if (v.isEmpty() || v.indexOf(',') >= 0 || !isFieldValue(v)) {
                            throw new IllegalArgumentException("invalid value \"" + v + "\" for header " + k);
                        }
                        copy.put(k, v);
                    });
                    return Collections.unmodifiableMap(copy);
                });
    }

    /** Comma-separated header names (tokens), or {@code *} when {@code allowStar}. */
    static SettingType<List<String>> headerNameList(boolean allowStar) {
        return new SettingType<>("list of header names", List.class,
                "comma-separated header field names (tokens)" + (allowStar ? " or *" : "") + "; empty = none",
                SettingType::splitList,
                value -> String.join(",", value),
                value -> {
                    for (String name : value) {
                        if (!(allowStar && "*".equals(name))) {
                            checkToken(name);
                        }
                    }
                    return List.copyOf(value);
                });
    }

    static SettingType<String> accessLogFormat() {
        return new SettingType<>("access log format", String.class,
                "a format of %(atom)s placeholders and text: atoms h l u t r s m U q H b B f a T M D L p, "
                        + "{header}i, {header}o, {name}e; %% for a literal %",
                text -> text,
                text -> text,
                value -> {
                    AccessLogFormat.compile(value);
                    return value;
                });
    }

    /** A field value (RFC 9110 §5.5) without leading or trailing blanks; empty allowed. */
    static SettingType<String> fieldValue() {
        return new SettingType<>("string", String.class,
                "a header field value: visible characters and inner spaces, no control characters (empty = none)",
                text -> text,
                text -> text,
                value -> {
                    if (!isFieldValue(value) || (!value.isEmpty()
                            && (isBlank(value.charAt(0)) || isBlank(value.charAt(value.length() - 1))))) {
                        throw new IllegalArgumentException();
                    }
                    return value;
                });
    }

    /** 1..maxLength characters of letters, digits, '.', '_' and '-'. */
    static SettingType<String> simpleName(int maxLength) {
        return new SettingType<>("string", String.class,
                "1 to " + maxLength + " characters of A-Z a-z 0-9 . _ -",
                text -> text,
                text -> text,
                value -> {
                    boolean ok = !value.isEmpty() && value.length() <= maxLength;
                    for (int i = 0; ok && i < value.length(); i++) {
                        char c = value.charAt(i);
                        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                                || c == '.' || c == '_' || c == '-';
                    }
                    if (!ok) {
                        throw new IllegalArgumentException();
                    }
                    return value;
                });
    }

    /** A file path; empty = none. Whether the file exists and what it holds is checked at start. */
    static SettingType<String> path() {
        return new SettingType<>("path", String.class,
                "a file path without control characters (empty = none)",
                text -> text.strip(),
                text -> text,
                value -> {
                    for (int i = 0; i < value.length(); i++) {
                        if (value.charAt(i) < 0x20 || value.charAt(i) == 0x7f) {
                            throw new IllegalArgumentException();
                        }
                    }
                    return value;
                });
    }

    /** A secret string (a password): taken as given, never printed by {@link Config#describe()}. */
    static SettingType<String> secret() {
        return new SettingType<>(SECRET, String.class, "any string (empty = none)",
                text -> text, text -> text, value -> value);
    }

    /** The type name of {@link #secret()} settings. */
    static final String SECRET = "secret";

    /**
     * A comma-separated list of at least one of {@code choices} (compared case-sensitively, as
     * JSSE names them), without duplicates, in the given order.
     */
    static SettingType<List<String>> choiceList(List<String> choices) {
        return new SettingType<>("list", List.class,
                "a comma-separated list of one or more of " + String.join(", ", choices),
                SettingType::splitList,
                value -> String.join(",", value),
                value -> {
                    if (value.isEmpty()) {
                        throw new IllegalArgumentException("empty list");
                    }
                    for (String v : value) {
                        if (!choices.contains(v)) {
                            throw new IllegalArgumentException("unknown \"" + v + "\"");
                        }
                    }
                    checkNoDuplicates(value);
                    return List.copyOf(value);
                });
    }

    /** A comma-separated list of names of characters A-Z a-z 0-9 _ (cipher suites); empty = the default. */
    static SettingType<List<String>> nameList(String emptyMeans) {
        return new SettingType<>("list", List.class,
                "a comma-separated list of names of A-Z a-z 0-9 _ characters (empty = " + emptyMeans + ")",
                SettingType::splitList,
                value -> String.join(",", value),
                value -> {
                    for (String v : value) {
                        if (v.isEmpty() || !v.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                                || (c >= '0' && c <= '9') || c == '_')) {
                            throw new IllegalArgumentException("invalid name \"" + v + "\"");
                        }
                    }
                    checkNoDuplicates(value);
                    return List.copyOf(value);
                });
    }

    /** A comma-separated list of at least one constant of {@code type}, lower case, without duplicates, in order. */
    static <E extends Enum<E>> SettingType<List<E>> enumList(Class<E> type) {
        SettingType<E> one = enumeration(type, Map.of());
        return new SettingType<>("list of " + type.getSimpleName(), List.class,
                "a comma-separated list of " + one.accepted().replaceFirst("^one of ", "one or more of ")
                        + ", in order of preference, without duplicates",
                text -> {
                    List<E> out = new ArrayList<>();
                    for (String part : splitList(text)) {
                        out.add(one.parser().apply(part));
                    }
                    return out;
                },
                value -> join(value, SettingType::lower),
                value -> {
                    if (value.isEmpty()) {
                        throw new IllegalArgumentException("empty list");
                    }
                    checkNoDuplicates(value);
                    return List.copyOf(value);
                });
    }

    /** The comma-separated parts of {@code text}, stripped; none for a blank text. */
    private static List<String> splitList(String text) {
        List<String> out = new ArrayList<>();
        if (text.isBlank()) {
            return out;
        }
        for (String part : text.split(",", -1)) {
            out.add(part.strip());
        }
        return out;
    }

    private static void checkNoDuplicates(List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.indexOf(values.get(i)) != i) {
                Object v = values.get(i);
                throw new IllegalArgumentException("\"" + (v instanceof Enum<?> e ? lower(e) : v) + "\" appears twice");
            }
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static <E> String join(List<E> values, Function<E, String> format) {
        StringJoiner j = new StringJoiner(",");
        for (E e : values) {
            j.add(format.apply(e));
        }
        return j.toString();
    }

    /** RFC 9110 §5.6.2 token. */
    private static void checkToken(String name) {
        boolean ok = !name.isEmpty();
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
        if (!ok) {
            throw new IllegalArgumentException("\"" + name + "\" is not a header field name");
        }
    }

    /** Visible ASCII, obs-text (0x80-0xff), space and tab; no other controls, no DEL. */
    private static boolean isFieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }
}
