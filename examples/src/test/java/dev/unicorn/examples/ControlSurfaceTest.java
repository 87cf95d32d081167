package dev.unicorn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.test.Await;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The JMX MXBean and the POSIX signals, both opt-in. */
class ControlSurfaceTest {
    private static Unicorn unicorn(String name) {
        return new Unicorn((req, res) -> res.send(200, "text/plain", "ok".getBytes(StandardCharsets.US_ASCII)))
                .externalConfig(false).bind("127.0.0.1:0").name(name);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Await.until(condition, Duration.ofSeconds(10));
    }

    @Test
    void theMxBeanShowsStatsAndScalesTheServer() throws Exception {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.unicorn:type=Server,name=\"jmx-test\"");
        try (RunningServer server = unicorn("jmx-test").jmx(true).start()) {
            assertThat(mbs.getAttribute(name, "TargetWorkers")).isEqualTo(1);
            mbs.invoke(name, "addWorkers", new Object[] {2}, new String[] {"int"});
            await(() -> server.stats().workers().size() == 3);
            assertThat((String[]) mbs.getAttribute(name, "Workers")).hasSize(3)
                    .allSatisfy(line -> assertThat(line).matches("worker \\d+ virtual serving age=\\d+s requests=0 .*"));
            mbs.invoke(name, "shutdown", new Object[] {true}, new String[] {"boolean"});
            assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
        }
        await(() -> !mbs.isRegistered(name));
    }

    @Test
    void noMxBeanUnlessAskedFor() throws Exception {
        try (RunningServer server = unicorn("jmx-off").start()) {
            assertThat(ManagementFactory.getPlatformMBeanServer()
                    .isRegistered(new ObjectName("dev.unicorn:type=Server,name=\"jmx-off\""))).isFalse();
        }
    }

    /**
     * True when this process was started with SIGHUP ignored (under {@code nohup}, say): the JVM
     * then cannot handle it, and the server logs that HUP cannot be handled.
     */
    private static boolean hupIgnoredByParent() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 1L) != 0; // bit 0 is SIGHUP (1)
            }
        }
        return false;
    }

    @Test
    void hupReloadsAndTtinTtouScaleTheServer() throws Exception {
        Assumptions.assumeFalse(hupIgnoredByParent(), "SIGHUP is ignored by whoever started this JVM (nohup?)");
        long pid = ProcessHandle.current().pid();
        try (RunningServer server = unicorn("signals-test").handleSignals(true).start()) {
            signal("TTIN", pid);
            await(() -> server.workers() == 2 && server.stats().workers().size() == 2);
            signal("TTOU", pid);
            await(() -> server.workers() == 1 && server.stats().workers().size() == 1);
            signal("HUP", pid);
            await(() -> server.stats().reloads() == 1);
        }
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
