package dev.unicorn.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChildJvmTest {
    @Test
    void theCommandLineUsesThisJvmsJavaAndClasspath() {
        List<String> cmd = new ChildJvm("a.Main", List.of("-Xmx64m"), List.of("x", "y"), Map.of()).commandLine();
        assertThat(cmd).containsExactly(ChildJvm.javaBinary().toString(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), "a.Main", "x", "y");
        assertThat(ChildJvm.javaBinary().toString()).startsWith(System.getProperty("java.home"));
    }

    @Test
    void aChildRunsTheMainClassWithTheClasspathAndEnvironmentAndReturnsItsStatus() throws Exception {
        Process p = new ChildJvm(ExitingMain.class.getName(), List.of(),
                List.of("42", System.getProperty("java.class.path")), Map.of("EXITING_MAIN", "yes")).start();
        assertThat(p.waitFor()).isEqualTo(42);
    }

    @Test
    void aStartedChildExitsWhenItsParentsPipeCloses() throws Exception {
        Process p = new ChildJvm(ExitingMain.class.getName(), List.of(), List.of("watch"), Map.of()).start();
        assertThat(p.isAlive()).isTrue();
        p.getOutputStream().close(); // what the kernel does when the parent dies
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(70);
    }
}
