package dev.unicorn.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * An immutable, validated set of values for every {@link Settings setting}.
 *
 * <p>Built by {@link #builder()} from layers, lowest to highest precedence: defaults, values
 * set in code, environment variables ({@code UNICORN_<NAME>}) and system properties
 * ({@code unicorn.<name>}), as in gunicorn (config file, then {@code GUNICORN_CMD_ARGS},
 * then the command line).
 */
public final class Config {
    private final Map<Setting<?>, Object> values;

    private Config(Map<Setting<?>, Object> values) {
        this.values = values;
    }

    /** Every setting at its default. */
    public static Config defaults() {
        return builder().build();
    }

    /** A builder with no value set and no environment or system properties. */
    public static Builder builder() {
        return new Builder();
    }

    /** The value of {@code setting}. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object value = values.get(Objects.requireNonNull(setting, "setting"));
        if (value == null) {
            throw new IllegalArgumentException("not a setting of Settings.all(): " + setting);
        }
        return (T) value;
    }

    /** One {@code name = value} line per setting, in declaration order, values in string form. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Setting<?> s : Settings.all()) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(s.name()).append(" = ").append(formatted(s));
        }
        return sb.toString();
    }

    private <T> String formatted(Setting<T> setting) {
        T value = get(setting);
        if (SettingType.SECRET.equals(setting.typeName()) && !"".equals(value)) {
            return "(set, not shown)";
        }
        return setting.format(value);
    }

    /** Same as {@link #describe()}. */
    @Override
    public String toString() {
        return describe();
    }

    /** Equal when every setting has an equal value. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Config other && values.equals(other.values);
    }

    /** A hash of every value, consistent with {@link #equals(Object)}. */
    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /**
     * Collects values and builds a validated {@link Config}. Not thread-safe. Later calls for
     * the same setting in the same layer replace earlier ones.
     */
    public static final class Builder {
        /** A value from one layer: typed (from code) or text, and where it came from. */
        private record Given(Object value, String text, String source) {
        }

        private final Map<Setting<?>, Given> code = new LinkedHashMap<>();
        private Map<String, String> environment = Map.of();
        private Map<String, String> systemProperties = Map.of();

        private Builder() {
        }

        /** Sets {@code setting} to {@code value} (validated by {@link #build()}). */
        public <T> Builder set(Setting<T> setting, T value) {
            Objects.requireNonNull(setting, "setting");
            code.put(setting, new Given(value, null, "code"));
            return this;
        }

        /**
         * Sets the setting called {@code name} from its string form (validated by {@link #build()}).
         *
         * @throws ConfigException if no setting has that name; the message lists close names
         */
        public Builder set(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            Setting<?> setting = Settings.byName(name);
            if (setting == null) {
                throw new ConfigException(List.of(unknown(name, "code")));
            }
            code.put(setting, new Given(null, value, "code"));
            return this;
        }

        /**
         * Reads {@code UNICORN_<NAME>} variables of known settings from {@code env} (typically
         * {@code System.getenv()}); other variables are ignored, since the environment is shared
         * with other programs. Replaces an environment given before.
         */
        public Builder environment(Map<String, String> env) {
            Map<String, String> copy = new TreeMap<>();
            Objects.requireNonNull(env, "env").forEach((k, v) -> {
                if (k != null && v != null && k.startsWith("UNICORN_")) {
                    copy.put(k, v);
                }
            });
            this.environment = copy;
            return this;
        }

        /**
         * Reads {@code unicorn.<name>} keys from {@code props} (typically
         * {@code System.getProperties()}); a {@code unicorn.} key that names no setting is an
         * error reported by {@link #build()}. Replaces properties given before.
         */
        public Builder systemProperties(Properties props) {
            Map<String, String> copy = new TreeMap<>();
            Objects.requireNonNull(props, "props");
            for (String key : props.stringPropertyNames()) {
                if (key.startsWith("unicorn.")) {
                    copy.put(key, props.getProperty(key));
                }
            }
            this.systemProperties = copy;
            return this;
        }

        /**
         * Resolves every setting (defaults &lt; code &lt; environment &lt; system properties) and
         * validates every given value.
         *
         * @throws ConfigException naming every bad value and unknown key, one line each
         */
        public Config build() {
            List<String> problems = new ArrayList<>();
            Map<Setting<?>, Object> values = new LinkedHashMap<>();
            for (Setting<?> setting : Settings.all()) {
                values.put(setting, resolve(setting, problems));
            }
            for (String key : systemProperties.keySet()) {
                String name = key.substring("unicorn.".length());
                if (Settings.byName(name) == null) {
                    problems.add(unknown(name, "system property " + key));
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return new Config(values);
        }

        private <T> T resolve(Setting<T> setting, List<String> problems) {
            T value = setting.defaultValue();
            List<Given> layers = new ArrayList<>(3);
            Given fromCode = code.get(setting);
            if (fromCode != null) {
                layers.add(fromCode);
            }
            String env = environment.get(setting.envKey());
            if (env != null) {
                layers.add(new Given(null, env, "environment variable " + setting.envKey()));
            }
            String prop = systemProperties.get(setting.propertyKey());
            if (prop != null) {
                layers.add(new Given(null, prop, "system property " + setting.propertyKey()));
            }
            for (Given given : layers) {
                try {
                    value = given.text() != null ? setting.parse(given.text()) : setting.validate(cast(setting, given.value()));
                } catch (IllegalArgumentException | ClassCastException e) {
                    problems.add("Invalid setting " + setting.name() + " = " + quoted(setting, given) + " ("
                            + given.source() + "): " + (e instanceof ClassCastException
                                    ? "not a " + setting.type().getSimpleName() + "; expected " + setting.accepted()
                                    : e.getMessage()));
                }
            }
            return value;
        }

        @SuppressWarnings("unchecked")
        private static <T> T cast(Setting<T> setting, Object value) {
            // Guards against raw-typed callers: set(Setting, T) is checked at compile time otherwise.
            return (T) setting.type().cast(value);
        }

        private static <T> String quoted(Setting<T> setting, Given given) {
            String text = given.text();
            if (text == null) {
                try {
                    text = String.valueOf(setting.format(cast(setting, given.value())));
                } catch (RuntimeException e) {
                    text = String.valueOf(given.value());
                }
            }
            StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20 || c == 0x7f) {
                    // Keeps each problem on one line, whatever the value holds.
                    sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                } else {
                    sb.append(c);
                }
            }
            return sb.append('"').toString();
        }
    }

    /** The "unknown setting" line, with the names closest to {@code name}. */
    static String unknown(String name, String source) {
        List<String> close = closeNames(name);
        return "Unknown setting \"" + name + "\" (" + source + ")"
                + (close.isEmpty() ? "; see docs/settings.md for the settings"
                        : "; did you mean " + String.join(" or ", close) + "?");
    }

    /** Known names equal to {@code name} up to case and separators, or a few edits away from it. */
    static List<String> closeNames(String name) {
        String wanted = normalize(name);
        record Candidate(String name, int distance) {
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Setting<?> s : Settings.all()) {
            String known = normalize(s.name());
            int distance = editDistance(wanted, known);
            boolean contains = wanted.length() >= 4 && (known.contains(wanted) || wanted.contains(known));
            if (distance <= Math.max(2, known.length() / 4) || contains) {
                candidates.add(new Candidate(s.name(), contains ? Math.min(distance, 3) : distance));
            }
        }
        candidates.sort((a, b) -> Integer.compare(a.distance(), b.distance()));
        List<String> out = new ArrayList<>();
        // A name equal up to case and separators (limit_request_line) is the answer on its own.
        int limit = !candidates.isEmpty() && candidates.get(0).distance() == 0 ? 1 : 3;
        for (int i = 0; i < candidates.size() && i < limit; i++) {
            out.add(candidates.get(i).name());
        }
        return out;
    }

    private static String normalize(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '_' && c != '-' && c != '.') {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
