package dev.unicorn.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.unicorn.net.BindAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfigTest {

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsHoldEveryDefault() {
        Config config = Config.defaults();
        for (Setting<?> s : Settings.all()) {
            assertThat(config.get(s)).as(s.name()).isEqualTo(s.defaultValue());
        }
    }

    @Test
    void codeOverridesTheDefault() {
        Config config = Config.builder().set(Settings.WORKERS, 4).build();
        assertThat(config.get(Settings.WORKERS)).isEqualTo(4);
    }

    @Test
    void environmentOverridesCode() {
        Config config = Config.builder()
                .set(Settings.WORKERS, 4)
                .environment(Map.of("UNICORN_WORKERS", "6"))
                .build();
        assertThat(config.get(Settings.WORKERS)).isEqualTo(6);
    }

    @Test
    void systemPropertiesOverrideEnvironmentAndCode() {
        Config config = Config.builder()
                .set(Settings.WORKERS, 4)
                .environment(Map.of("UNICORN_WORKERS", "6"))
                .systemProperties(props("unicorn.workers", "8"))
                .build();
        assertThat(config.get(Settings.WORKERS)).isEqualTo(8);
    }

    @Test
    void precedenceDoesNotDependOnCallOrder() {
        Config config = Config.builder()
                .systemProperties(props("unicorn.keepalive", "5"))
                .environment(Map.of("UNICORN_KEEPALIVE", "500ms", "UNICORN_TIMEOUT", "10"))
                .set(Settings.KEEPALIVE, Duration.ofSeconds(1))
                .set(Settings.TIMEOUT, Duration.ofSeconds(1))
                .set(Settings.GRACEFUL_TIMEOUT, Duration.ofSeconds(1))
                .build();
        assertThat(config.get(Settings.KEEPALIVE)).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.get(Settings.TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.get(Settings.GRACEFUL_TIMEOUT)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void stringFormInCodeIsTheCodeLayer() {
        Config config = Config.builder()
                .set("bind", ":9000,unix:/tmp/a.sock")
                .environment(Map.of("UNICORN_BACKLOG", "10"))
                .set("backlog", "20")
                .build();
        assertThat(config.get(Settings.BIND)).hasToString("[0.0.0.0:9000, unix:/tmp/a.sock]");
        assertThat(config.get(Settings.BACKLOG)).isEqualTo(10);
    }

    @Test
    void laterCodeValuesReplaceEarlierOnes() {
        Config config = Config.builder().set(Settings.WORKERS, 2).set("workers", "3").build();
        assertThat(config.get(Settings.WORKERS)).isEqualTo(3);
    }

    @Test
    void unrelatedEnvironmentVariablesAndPropertiesAreIgnored() {
        Config config = Config.builder()
                .environment(Map.of("PATH", "/bin", "UNICORN_HOME", "/opt/unicorn", "unicorn.workers", "9"))
                .systemProperties(props("java.version", "21", "UNICORN_WORKERS", "9"))
                .build();
        assertThat(config).isEqualTo(Config.defaults());
    }

    @Test
    void errorNamesSettingValueSourceAndAcceptedValues() {
        assertThatThrownBy(() -> Config.builder().systemProperties(props("unicorn.workers", "0")).build())
                .isInstanceOf(ConfigException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid setting workers = \"0\" (system property unicorn.workers): "
                        + "expected an integer from 1 to 1024");
    }

    @Test
    void errorListsEveryBadSettingOneLineEach() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Config.builder()
                .set(Settings.WORKERS, 0)
                .set("keepalive", "-1")
                .environment(Map.of("UNICORN_BIND", "host:99999", "UNICORN_PERMIT_OBSOLETE_FOLDING", "yes"))
                .systemProperties(props("unicorn.limitRequestLine", "0", "unicorn.wrkers", "2"))
                .build());
        assertThat(e.problems()).containsExactly(
                "Invalid setting bind = \"host:99999\" (environment variable UNICORN_BIND): port 99999 is out of "
                        + "range 0 to 65535; " + "expected " + Settings.BIND.accepted(),
                "Invalid setting workers = \"0\" (code): expected an integer from 1 to 1024",
                "Invalid setting keepalive = \"-1\" (code): negative duration; expected " + Settings.KEEPALIVE.accepted(),
                "Invalid setting limitRequestLine = \"0\" (system property unicorn.limitRequestLine): "
                        + "expected an integer from 1 to 65536",
                "Invalid setting permitObsoleteFolding = \"yes\" (environment variable UNICORN_PERMIT_OBSOLETE_FOLDING): "
                        + "expected true or false",
                "Unknown setting \"wrkers\" (system property unicorn.wrkers); did you mean workers?");
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
    }

    @Test
    void overriddenBadValuesAreStillReported() {
        // As gunicorn validates the config file even when the command line overrides it.
        assertThatThrownBy(() -> Config.builder()
                .environment(Map.of("UNICORN_WORKERS", "many"))
                .systemProperties(props("unicorn.workers", "2"))
                .build())
                .hasMessage("Invalid setting workers = \"many\" (environment variable UNICORN_WORKERS): "
                        + "expected an integer from 1 to 1024");
    }

    @Test
    void typedValuesAreQuotedInTheirStringForm() {
        assertThatThrownBy(() -> Config.builder().set(Settings.BIND, List.of()).build())
                .hasMessage("Invalid setting bind = \"\" (code): no address; expected " + Settings.BIND.accepted());
        assertThatThrownBy(() -> Config.builder().set(Settings.KEEPALIVE, Duration.ofDays(2)).build())
                .hasMessage("Invalid setting keepalive = \"172800s\" (code): longer than 1 day; expected "
                        + Settings.KEEPALIVE.accepted());
    }

    @Test
    void controlCharactersInBadValuesAreEscapedToKeepOneLinePerProblem() {
        assertThatThrownBy(() -> Config.builder().set("serverHeader", "x\r\nInjected: \"1\"").build())
                .hasMessage("Invalid setting serverHeader = \"x\\x0d\\x0aInjected: \\\"1\\\"\" (code): expected "
                        + Settings.SERVER_HEADER.accepted());
    }

    @Test
    void nullTypedValueIsReported() {
        assertThatThrownBy(() -> Config.builder().set(Settings.NAME, null).build())
                .hasMessage("Invalid setting name = \"null\" (code): the value is null; expected "
                        + Settings.NAME.accepted());
    }

    @Test
    void unknownNameInCodeFailsAtOnceWithCloseNames() {
        assertThatThrownBy(() -> Config.builder().set("worker", "2"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Unknown setting \"worker\" (code); did you mean workers or workerModel or workerConnections?");
    }

    @Test
    void gunicornSpellingSuggestsTheCamelCaseName() {
        assertThatThrownBy(() -> Config.builder().set("limit_request_line", "100"))
                .hasMessage("Unknown setting \"limit_request_line\" (code); did you mean limitRequestLine?");
    }

    @Test
    void unknownNameWithNothingCloseSaysWhereToLook() {
        assertThatThrownBy(() -> Config.builder().set("zzz", "1"))
                .hasMessage("Unknown setting \"zzz\" (code); see docs/settings.md for the settings");
    }

    @Test
    void unknownSystemPropertyUnderThePrefixIsAnError() {
        assertThatThrownBy(() -> Config.builder().systemProperties(props("unicorn.keepAlive", "3")).build())
                .hasMessage("Unknown setting \"keepAlive\" (system property unicorn.keepAlive); did you mean keepalive?");
    }

    @Test
    void describeNeverShowsTheKeyPassword() {
        assertThat(Config.builder().set("keyPassword", "s3cret").build().describe())
                .contains("\nkeyPassword = (set, not shown)\n").doesNotContain("s3cret");
        assertThat(Config.defaults().describe()).contains("\nkeyPassword = \n");
    }

    @Test
    void describeListsEveryValueInDeclarationOrder() {
        String described = Config.builder().set(Settings.WORKERS, 3).set(Settings.BIND, List.of(
                BindAddress.parse("[::1]:81"))).build().describe();
        List<String> lines = described.lines().toList();
        assertThat(lines).hasSize(Settings.all().size());
        assertThat(lines.get(0)).isEqualTo("bind = [::1]:81");
        assertThat(lines).contains("workers = 3", "keepalive = 2s", "limitRequestBody = unlimited",
                "secureSchemeHeaders = X-FORWARDED-PROTOCOL=ssl,X-FORWARDED-PROTO=https,X-FORWARDED-SSL=on",
                "accessLogFormat = %(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\"");
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).startsWith(Settings.all().get(i).name() + " = ");
        }
    }

    @Test
    void configsWithTheSameValuesAreEqual() {
        assertThat(Config.builder().set("workers", "2").build())
                .isEqualTo(Config.builder().set(Settings.WORKERS, 2).build())
                .hasSameHashCodeAs(Config.builder().set(Settings.WORKERS, 2).build())
                .isNotEqualTo(Config.defaults());
    }

    @Test
    void builderCopiesTheEnvironmentWhenGiven() {
        java.util.HashMap<String, String> env = new java.util.HashMap<>(Map.of("UNICORN_WORKERS", "2"));
        Config.Builder builder = Config.builder().environment(env);
        env.put("UNICORN_WORKERS", "3");
        assertThat(builder.build().get(Settings.WORKERS)).isEqualTo(2);
    }
}
