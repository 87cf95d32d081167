package dev.unicorn.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SettingsReferenceTest {

    private static Path settingsDoc() {
        String root = System.getProperty("unicornRepositoryRoot");
        if (root != null && Files.exists(Path.of(root, "docs", "settings.md"))) {
            return Path.of(root, "docs", "settings.md");
        }
        // Run from the module directory without surefire's property (an IDE, say).
        return Path.of("..", "docs", "settings.md");
    }

    @Test
    void docsSettingsMdIsUpToDateWithTheDeclarations() throws IOException {
        Path doc = settingsDoc();
        String regenerate = "docs/settings.md is out of date with dev.unicorn.config.Settings. Regenerate it from "
                + "the repository root with JDK 21+:\n    " + SettingsReference.REGENERATE_COMMAND + "\n";
        assertThat(doc).as(regenerate + "(file not found: " + doc.toAbsolutePath() + ")").exists();
        assertThat(Files.readString(doc, StandardCharsets.UTF_8)).as(regenerate).isEqualTo(SettingsReference.markdown());
    }

    @Test
    void everySettingHasASectionWithKeysAndDefault() {
        String md = SettingsReference.markdown();
        for (Setting<?> s : Settings.all()) {
            assertThat(md).contains("\n## " + s.name() + "\n", "`" + s.propertyKey() + "`", "`" + s.envKey() + "`",
                    s.doc(), s.accepted());
        }
        assertThat(md).startsWith("# Settings reference\n");
        assertThat(md).contains("- Default: `127.0.0.1:8000`", "-Dunicorn.<name>=", "UNICORN_<NAME>",
                "defaults < code < environment < system properties");
    }

    @Test
    void mainWritesTheReferenceToTheGivenPath(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path out = dir.resolve("docs/settings.md");
        SettingsReference.main(new String[] {out.toString()});
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo(SettingsReference.markdown());
    }
}
