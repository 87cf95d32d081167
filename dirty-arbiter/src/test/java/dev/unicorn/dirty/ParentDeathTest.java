package dev.unicorn.dirty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.process.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParentDeathTest {
    @Test
    void sigkillOfTheParentJvmLeavesNoWorkerRunningAfterTwoSeconds() throws Exception {
        List<String> cmd = new ChildJvm(OrphanParentMain.class.getName(), List.of("-XX:+UseSerialGC"), List.of(), Map.of())
                .commandLine();
        Process parent = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<ProcessHandle> workers = new ArrayList<>();
        Path socket = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).startsWith("PIDS ");
            for (String pid : line.substring(5).split(" ")) {
                workers.add(ProcessHandle.of(Long.parseLong(pid)).orElseThrow());
            }
            assertThat(workers).hasSize(2).allMatch(ProcessHandle::isAlive);
            String socketLine = out.readLine();
            assertThat(socketLine).startsWith("SOCKET ");
            socket = Path.of(socketLine.substring(7));
            assertThat(workers).allMatch(w -> w.parent().map(p -> p.pid() == parent.pid()).orElse(false));

            parent.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup in the parent
            parent.waitFor();
            Poll.until(() -> workers.stream().noneMatch(ProcessHandle::isAlive), Duration.ofSeconds(2));
        } finally {
            parent.destroyForcibly();
            workers.forEach(ProcessHandle::destroyForcibly);
            if (socket != null) { // a killed parent cannot remove its socket directory (docs/dirty.md)
                Files.deleteIfExists(socket);
                Files.deleteIfExists(socket.getParent());
            }
        }
    }
}
