package dev.unicorn.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to launch a child JVM: the parent's own java binary and classpath, the given JVM options,
 * main class and arguments, and extra environment variables (passed in the environment rather
 * than the command line when they are secrets: {@code ps} shows command lines).
 *
 * <p>The child's standard input is a pipe that the parent never writes and never closes: it
 * reaches end-of-file exactly when the parent process is gone, however it died, which
 * {@link ParentWatch} in the child turns into an exit. Standard output and error are inherited.
 *
 * @param mainClass  the child's main class, on the parent's classpath
 * @param jvmOptions options before the main class ({@code -Xmx256m}, {@code -XX:+UseSerialGC})
 * @param args       arguments after the main class
 * @param env        variables added to the inherited environment
 */
public record ChildJvm(String mainClass, List<String> jvmOptions, List<String> args, Map<String, String> env) {
    /** Copies the lists and map; nothing may be null. */
    public ChildJvm {
        Objects.requireNonNull(mainClass, "mainClass");
        jvmOptions = List.copyOf(jvmOptions);
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    /** The full command line: java binary, options, {@code -cp} classpath, main class, arguments. */
    public List<String> commandLine() {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary().toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** Starts the child; see the class description for its standard streams. */
    public Process start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(commandLine())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The java binary running this JVM ({@code java.home}/bin/java, else the launcher of this process). */
    public static Path javaBinary() {
        Path home = Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java");
        if (Files.isExecutable(home)) {
            return home;
        }
        return ProcessHandle.current().info().command().map(Path::of)
                .orElseThrow(() -> new IllegalStateException("cannot find the java binary of this JVM"));
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }
}
