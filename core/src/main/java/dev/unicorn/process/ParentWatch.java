package dev.unicorn.process;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * Child side of {@link ChildJvm}: halts this JVM when its parent is gone, so that no child
 * outlives a parent killed with SIGKILL. Two signs, whichever comes first: end-of-file on
 * standard input (the pipe {@link ChildJvm#start()} keeps open closes when the parent dies),
 * and the parent process no longer being alive (checked every {@code pollInterval}, for a
 * child whose standard input was redirected elsewhere).
 */
public final class ParentWatch {
    private ParentWatch() {
    }

    /**
     * Starts the two daemon watcher threads. On the parent's death, {@code onOrphaned} runs (a
     * last log line; it must be quick), then {@link Runtime#halt(int)} with {@code status}.
     */
    public static void start(int status, Duration pollInterval, Runnable onOrphaned) {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        Runnable halt = () -> {
            try {
                onOrphaned.run();
            } finally {
                Runtime.getRuntime().halt(status);
            }
        };
        Thread stdin = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] sink = new byte[256];
                while (in.read(sink) >= 0) {
                    // the parent never writes; anything read is ignored
                }
            } catch (IOException e) {
                // a broken pipe is a dead parent as well
            }
            halt.run();
        }, "parent-watch-stdin");
        stdin.setDaemon(true);
        stdin.start();
        parent.ifPresent(p -> {
            Thread poll = new Thread(() -> {
                while (true) {
                    try {
                        Thread.sleep(pollInterval.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (!p.isAlive()) {
                        halt.run();
                    }
                }
            }, "parent-watch-poll");
            poll.setDaemon(true);
            poll.start();
        });
    }
}
