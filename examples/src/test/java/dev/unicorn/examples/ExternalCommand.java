package dev.unicorn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real peer (curl, wrk) run as a child process, with its output and exit status. */
public record ExternalCommand(int exitCode, String stdout, String stderr) {

    /** True if {@code program} is an executable file in a directory of {@code PATH}. */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code command} to completion (at most {@code timeoutSeconds}, then it is killed and the test fails). */
    public static ExternalCommand run(long timeoutSeconds, List<String> command) {
        try {
            Path out = Files.createTempFile("unicorn-cmd", ".out");
            Path err = Files.createTempFile("unicorn-cmd", ".err");
            try {
                Process p = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s; stderr:\n"
                            + Files.readString(err, StandardCharsets.ISO_8859_1));
                }
                return new ExternalCommand(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                        Files.readString(err, StandardCharsets.ISO_8859_1));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    /** Fails unless the command exited with 0; returns this for chaining. */
    public ExternalCommand succeeded() {
        assertThat(exitCode).as("exit status; stderr:%n%s", stderr).isZero();
        return this;
    }
}
