package dev.unicorn.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DirtyPoolTest {
    private static final String ECHO = EchoApp.class.getName();

    @Test
    void theClientExistsBeforeThePoolStartsAndFailsUntilThen() throws Exception {
        DirtyPool pool = new DirtyPool();
        DirtyClient client = pool.client();
        assertThatThrownBy(() -> client.call(ECHO, "add", 1, 2)).isInstanceOf(DirtyException.class)
                .hasMessageStartingWith("no dirty pool is running");
        pool.start(Config.builder().set(Settings.DIRTY_APPS, List.of(ECHO)).set(Settings.DIRTY_IN_PROCESS, true).build(),
                DirtyHooks.NONE);
        try {
            assertThat(client.call(ECHO, "add", 1, 2)).isEqualTo(3L);
            assertThat(client.withTimeout(Duration.ofSeconds(1)).call(ECHO, "add", 2, 2)).isEqualTo(4L);
            assertThat(pool.isRunning()).isTrue();
            assertThat(pool.arbiter()).isNull();
        } finally {
            pool.close();
        }
        assertThatThrownBy(() -> client.call(ECHO, "add", 1, 2)).isInstanceOf(DirtyException.class);
    }

    @Test
    void withoutDirtyAppsThePoolDoesNotRun() throws Exception {
        DirtyPool pool = new DirtyPool();
        pool.start(Config.defaults(), DirtyHooks.NONE);
        assertThat(pool.isRunning()).isFalse();
    }

    @Test
    void theInProcessModeRunsTheStartingHook() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (DirtyPool pool = new DirtyPool()) {
            pool.start(Config.builder().set(Settings.DIRTY_APPS, List.of(ECHO)).set(Settings.DIRTY_IN_PROCESS, true).build(),
                    new DirtyHooks() {
                        @Override
                        public void onDirtyStarting() {
                            events.add("starting");
                        }
                    });
            assertThatThrownBy(() -> pool.start(Config.defaults(), DirtyHooks.NONE))
                    .isInstanceOf(IllegalStateException.class).hasMessage("the dirty pool is already running");
        }
        assertThat(events).containsExactly("starting");
    }

    @Test
    void aWorkerWhoseAppFailsToBootIsRespawnedAndCallsFailWithNoWorker() throws Exception {
        List<Integer> exits = new CopyOnWriteArrayList<>();
        try (DirtyArbiter arbiter = DirtyArbiter.start(Config.builder()
                .set(Settings.NAME, "broken")
                .set(Settings.DIRTY_APPS, List.of(BrokenApp.class.getName()))
                .set(Settings.DIRTY_TIMEOUT, Duration.ofSeconds(30))
                .build(), new DirtyHooks() {
                    @Override
                    public void dirtyWorkerExit(int workerId, long pid, int exitCode) {
                        exits.add(exitCode);
                    }
                })) {
            assertThatThrownBy(() -> arbiter.client().withTimeout(Duration.ofSeconds(2))
                    .call(BrokenApp.class.getName(), "x"))
                    .isInstanceOf(DirtyNoWorkerException.class)
                    .hasMessageStartingWith("no worker hosting " + BrokenApp.class.getName() + " became ready within");
            Poll.until(() -> exits.size() >= 2, Duration.ofSeconds(20));
            assertThat(exits).allMatch(code -> code == DirtyWorkerMain.BOOT_ERROR);
        }
    }
}
