package dev.unicorn.config;

import java.util.List;

/**
 * A configuration is invalid. The message has one line per problem, naming the setting, the
 * offending value, where it came from and what is accepted, for example
 * {@code Invalid setting workers = "0" (system property unicorn.workers): expected an integer from 1 to 1024}.
 */
public final class ConfigException extends IllegalArgumentException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** Creates an exception reporting {@code problems}, one line each (at least one). */
    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problem to report");
        }
        this.problems = List.copyOf(problems);
    }

    /** The problems, one line each, in declaration order of the settings. */
    public List<String> problems() {
        return problems;
    }
}
