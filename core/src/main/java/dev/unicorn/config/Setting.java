package dev.unicorn.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration setting, declared once in {@link Settings}: its name, type, default,
 * string form, validation and documentation. Everything else (the builder, environment and
 * system property loading, error messages, {@code docs/settings.md}, {@link Config#describe()})
 * is derived from this declaration.
 *
 * @param <T> the value type
 */
public final class Setting<T> {
    private final String name;
    private final SettingType<T> type;
    private final T defaultValue;
    private final String doc;
    private final String envKey;

    Setting(String name, SettingType<T> type, T defaultValue, String doc) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.doc = Objects.requireNonNull(doc, "doc");
        this.envKey = "UNICORN_" + upperSnake(name);
        try {
            this.defaultValue = type.checker().apply(defaultValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid default for " + name + ": " + e.getMessage(), e);
        }
    }

    /** The camelCase name, as in gunicorn where gunicorn has the setting ({@code limitRequestLine}). */
    public String name() {
        return name;
    }

    /** The Java class of values ({@code Integer}, {@code Duration}, {@code List}, ...). */
    public Class<?> type() {
        return type.javaType();
    }

    /** A short human name of the type, as printed in the docs ({@code integer}, {@code duration}, ...). */
    public String typeName() {
        return type.name();
    }

    /** The value used when nothing else is set. */
    public T defaultValue() {
        return defaultValue;
    }

    /** One line of documentation. */
    public String doc() {
        return doc;
    }

    /** What values are accepted, as in "expected ..." of error messages and in the docs. */
    public String accepted() {
        return type.accepted();
    }

    /** The system property key: {@code unicorn.<name>}. */
    public String propertyKey() {
        return "unicorn." + name;
    }

    /** The environment variable: {@code UNICORN_} and the name in upper snake case ({@code UNICORN_LIMIT_REQUEST_LINE}). */
    public String envKey() {
        return envKey;
    }

    /**
     * Parses and validates the string form of a value.
     *
     * @throws IllegalArgumentException whose message says why and what is accepted
     */
    public T parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            return type.checker().apply(type.parser().apply(text));
        } catch (IllegalArgumentException e) {
            throw rejection(e);
        }
    }

    /**
     * Validates a value given in code and returns it in canonical, immutable form (lists and
     * maps are copied).
     *
     * @throws IllegalArgumentException whose message says why and what is accepted
     */
    public T validate(T value) {
        try {
            if (value == null) {
                throw new IllegalArgumentException("the value is null");
            }
            return type.checker().apply(value);
        } catch (IllegalArgumentException e) {
            throw rejection(e);
        } catch (NullPointerException e) {
            throw rejection(new IllegalArgumentException("contains null"));
        }
    }

    /** The string form of {@code value}, which {@link #parse(String)} reads back. */
    public String format(T value) {
        return type.formatter().apply(value);
    }

    private IllegalArgumentException rejection(IllegalArgumentException cause) {
        String reason = cause.getMessage();
        String expected = "expected " + accepted();
        return new IllegalArgumentException(reason == null || reason.isEmpty() ? expected : reason + "; " + expected, cause);
    }

    /** The setting's name. */
    @Override
    public String toString() {
        return name;
    }

    static String upperSnake(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                sb.append('_');
            }
            sb.append(Character.toUpperCase(c));
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }
}
