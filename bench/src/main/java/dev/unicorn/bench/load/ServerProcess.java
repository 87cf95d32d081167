package dev.unicorn.bench.load;

import dev.unicorn.bench.peers.FirstResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@code PeerServer} JVM started by the runner. Its stdout is watched for {@code READY};
 * stdout and stderr both go to a log file. {@link #close()} sends SIGTERM (the server stops
 * through its shutdown hook) and kills it if it has not exited within 15 s.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final long spawnedAt;
    private final int port;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private ServerProcess(Process process, long spawnedAt, int port) {
        this.process = process;
        this.spawnedAt = spawnedAt;
        this.port = port;
    }

    /** Spawns {@code command} (which must run {@code PeerServer <name> <port>}). */
    static ServerProcess spawn(List<String> command, int port, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ServerProcess server = new ServerProcess(p, t0, port);
        Thread.ofPlatform().daemon(true).name("server-output-" + port).start(() -> server.pump(log));
        return server;
    }

    private void pump(Path log) {
        String expected = "READY " + port;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals(expected)) {
                    ready.complete(null);
                }
                out.write(line);
                out.write('\n');
                out.flush();
            }
        } catch (IOException e) {
            // the process went away; the future below says so
        }
        ready.completeExceptionally(new IOException("server exited (code "
                + exitCode() + ") before printing READY; see " + log));
    }

    private String exitCode() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Milliseconds from spawn to the first 200 on {@code GET /plaintext}, polling meanwhile. */
    double millisToFirstResponse(Duration timeout) throws IOException {
        long at = FirstResponse.await(port, timeout.toMillis());
        return (at - spawnedAt) / 1e6;
    }

    /** Waits for the {@code READY <port>} line. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (IOException) e.getCause();
        } catch (TimeoutException e) {
            throw new IOException("no READY within " + timeout.toSeconds() + " s");
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** The server's resident set size in KiB ({@code VmRSS} of {@code /proc/<pid>/status}). */
    long rssKiB() throws IOException {
        // taskset execs the JVM, so the child's pid is the JVM's
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").strip());
            }
        }
        throw new IOException("no VmRSS for pid " + process.pid());
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (process.waitFor(15, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("   server pid " + process.pid() + " did not exit within 15 s of SIGTERM; killed");
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }
}
