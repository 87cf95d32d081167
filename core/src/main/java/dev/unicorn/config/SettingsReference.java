package dev.unicorn.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Renders the settings reference ({@code docs/settings.md}) from {@link Settings#all()}, so the
 * documentation cannot drift from the declarations.
 */
public final class SettingsReference {

    /** The command that regenerates {@code docs/settings.md}, run from the repository root. */
    public static final String REGENERATE_COMMAND =
            "mvn -q -B -pl core compile && java -cp core/target/classes dev.unicorn.config.SettingsReference docs/settings.md";

    private SettingsReference() {
    }

    /** The Markdown text of the settings reference. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder(16 * 1024);
        sb.append("# Settings reference\n\n");
        sb.append("<!-- Generated from dev.unicorn.config.Settings by dev.unicorn.config.SettingsReference; do not edit.\n");
        sb.append("     Regenerate with: ").append(REGENERATE_COMMAND).append(" -->\n\n");
        sb.append("Every setting can be set in code with `Config.builder().set(Settings.WORKERS, 4)` ")
                .append("(or in string form, `set(\"workers\", \"4\")`), ")
                .append("with a system property `-Dunicorn.<name>=<value>`, ")
                .append("or with an environment variable `UNICORN_<NAME>` (the name in upper snake case). ")
                .append("Precedence, lowest to highest: defaults < code < environment < system properties. ")
                .append("`Config.build()` reports every invalid value at once; ")
                .append("`Config.describe()` prints the resolved values.\n\n");
        sb.append("| setting | default |\n|---|---|\n");
        for (Setting<?> s : Settings.all()) {
            sb.append("| [").append(s.name()).append("](#").append(s.name().toLowerCase(Locale.ROOT))
                    .append(") | ").append(code(defaultText(s)).replace("|", "\\|")).append(" |\n");
        }
        for (Setting<?> s : Settings.all()) {
            sb.append("\n## ").append(s.name()).append("\n\n");
            sb.append(s.doc()).append("\n\n");
            sb.append("- Type: ").append(s.typeName()).append('\n');
            sb.append("- Default: ").append(code(defaultText(s))).append('\n');
            sb.append("- Accepted: ").append(s.accepted()).append('\n');
            sb.append("- System property: `").append(s.propertyKey()).append("`\n");
            sb.append("- Environment variable: `").append(s.envKey()).append("`\n");
        }
        return sb.toString();
    }

    private static <T> String defaultText(Setting<T> setting) {
        return setting.format(setting.defaultValue());
    }

    /** Inline code; an empty value is shown as "(empty)". */
    private static String code(String text) {
        return text.isEmpty() ? "(empty)" : "`" + text + "`";
    }

    /**
     * Writes {@link #markdown()} to the file named by {@code args[0]}.
     *
     * @throws IOException if the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java dev.unicorn.config.SettingsReference <path to docs/settings.md>");
            System.exit(2);
        }
        Path target = Path.of(args[0]);
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        Files.writeString(target, markdown(), StandardCharsets.UTF_8);
    }
}
