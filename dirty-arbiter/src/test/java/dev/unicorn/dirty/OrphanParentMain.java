package dev.unicorn.dirty;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A parent JVM for {@link ParentDeathTest}: starts an arbiter with two workers, prints
 * {@code PIDS <pid> <pid>} once they are ready and {@code SOCKET <path>}, then waits to be killed.
 */
public final class OrphanParentMain {
    private OrphanParentMain() {
    }

    public static void main(String[] args) throws Exception {
        DirtyArbiter arbiter = DirtyArbiter.start(Config.builder()
                .set(Settings.NAME, "orphans")
                .set(Settings.DIRTY_APPS, List.of(EchoApp.class.getName()))
                .set(Settings.DIRTY_WORKERS, 2)
                .build(), DirtyHooks.NONE);
        if (!arbiter.awaitReady(Duration.ofSeconds(60))) {
            System.out.println("NOT READY");
            System.exit(1);
        }
        System.out.println("PIDS " + arbiter.workers().stream().map(w -> String.valueOf(w.pid()))
                .collect(Collectors.joining(" ")));
        System.out.println("SOCKET " + arbiter.socketPath());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
