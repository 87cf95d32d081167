package dev.unicorn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.config.ConfigException;
import dev.unicorn.config.Setting;
import dev.unicorn.config.Settings;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class UnicornBuilderTest {
    private static final Set<String> BUILDER_METHODS = Arrays.stream(Unicorn.class.getMethods())
            .filter(m -> m.getReturnType() == Unicorn.class && !Modifier.isStatic(m.getModifiers()))
            .map(Method::getName)
            .collect(Collectors.toSet());

    @Test
    void everySettingHasABuilderMethodOfTheSameName() {
        List<String> missing = Settings.all().stream().map(Setting::name)
                .filter(name -> !BUILDER_METHODS.contains(name)).toList();
        assertThat(missing).as("settings without a Unicorn builder method").isEmpty();
    }

    @Test
    void everySettingBuilderMethodNamesASetting() {
        Set<String> settings = Settings.all().stream().map(Setting::name).collect(Collectors.toSet());
        List<String> extra = BUILDER_METHODS.stream()
                .filter(name -> !settings.contains(name) && !Set.of("set", "externalConfig", "hooks", "sslContext").contains(name))
                .sorted().toList();
        assertThat(extra).as("builder methods that are not settings").isEmpty();
    }

    @Test
    void startRejectsEveryInvalidSettingInOneMessage() {
        Unicorn unicorn = new Unicorn((req, res) -> { }).externalConfig(false).workers(0).limitRequestLine(-1);
        assertThatThrownBy(unicorn::start)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers = \"0\"")
                .hasMessageContaining("limitRequestLine = \"-1\"");
    }

    @Test
    void startRejectsAnUnparsableBindAddressNamingIt() {
        Unicorn unicorn = new Unicorn((req, res) -> { }).externalConfig(false).bind("127.0.0.1:99999");
        assertThatThrownBy(unicorn::start)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bind")
                .hasMessageContaining("127.0.0.1:99999");
    }

    @Test
    void systemPropertiesOverrideValuesSetInCode() {
        System.setProperty("unicorn.serverHeader", "from-property");
        try (RunningServer server = new Unicorn((req, res) -> { }).serverHeader("from-code").bind("127.0.0.1:0").start()) {
            assertThat(server.config().get(Settings.SERVER_HEADER)).isEqualTo("from-property");
        } finally {
            System.clearProperty("unicorn.serverHeader");
        }
    }

    @Test
    void externalConfigFalseIgnoresSystemProperties() {
        System.setProperty("unicorn.serverHeader", "from-property");
        try (RunningServer server = new Unicorn((req, res) -> { }).externalConfig(false).serverHeader("from-code")
                .bind("127.0.0.1:0").start()) {
            assertThat(server.config().get(Settings.SERVER_HEADER)).isEqualTo("from-code");
        } finally {
            System.clearProperty("unicorn.serverHeader");
        }
    }

    @Test
    void portZeroReportsTheBoundPortAndUri() {
        try (RunningServer server = new Unicorn((req, res) -> { }).externalConfig(false).bind("127.0.0.1:0").start()) {
            assertThat(server.port()).isPositive();
            assertThat(server.uri().toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
        }
    }
}
