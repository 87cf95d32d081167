package dev.unicorn.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The supervisor over real processes ({@code sleep}), which start in milliseconds. */
class SupervisorTest {
    private final List<Supervisor.Child> launched = new CopyOnWriteArrayList<>();
    private final List<Supervisor.Child> exited = new CopyOnWriteArrayList<>();
    private final List<Supervisor.Child> stopRequests = new CopyOnWriteArrayList<>();
    private Supervisor supervisor;

    private Supervisor start(Duration heartbeat, Duration boot) {
        supervisor = new Supervisor("sup", new Supervisor.Launcher() {
            @Override
            public Process launch(Supervisor.Child child) throws IOException {
                launched.add(child);
                return new ProcessBuilder("sleep", "60").start();
            }

            @Override
            public void stopRequested(Supervisor.Child child) {
                stopRequests.add(child);
                child.process().destroy();
            }

            @Override
            public void exited(Supervisor.Child child) {
                exited.add(child);
            }
        }, new Supervisor.Timing(heartbeat, boot, Duration.ofSeconds(5),
                new RespawnBackoff(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(10)),
                Duration.ofMillis(20)));
        return supervisor;
    }

    @AfterEach
    void close() {
        supervisor.close();
        assertThat(supervisor.children()).isEmpty();
        for (Supervisor.Child c : launched) {
            assertThat(c.process().isAlive()).isFalse();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private Supervisor.Child readyChild(int slot) throws InterruptedException {
        await(() -> launched.stream().anyMatch(c -> c.slot() == slot && c.state() == Supervisor.State.STARTING));
        Supervisor.Child c = launched.stream().filter(x -> x.slot() == slot && x.state() == Supervisor.State.STARTING)
                .findFirst().orElseThrow();
        supervisor.ready(c);
        await(() -> c.state() == Supervisor.State.READY);
        return c;
    }

    @Test
    void aChildThatDiesIsRespawnedInItsSlot() throws Exception {
        start(Duration.ZERO, Duration.ofSeconds(30)).addSlot(3);
        Supervisor.Child first = readyChild(3);
        first.process().destroyForcibly();
        await(() -> launched.size() == 2);
        assertThat(launched.get(1).slot()).isEqualTo(3);
        assertThat(launched.get(1).pid()).isNotEqualTo(first.pid());
        assertThat(exited).containsExactly(first);
        assertThat(first.expectedExit()).isFalse();
    }

    @Test
    void aKilledChildCarriesTheReasonAndIsRespawned() throws Exception {
        start(Duration.ZERO, Duration.ofSeconds(30)).addSlot(0);
        Supervisor.Child first = readyChild(0);
        supervisor.kill(first, "test says so");
        await(() -> launched.size() == 2);
        assertThat(first.killReason()).isEqualTo("test says so");
        assertThat(first.exitCode()).isEqualTo(137);
    }

    @Test
    void aRemovedSlotRetiresItsChildAndIsNotRespawned() throws Exception {
        start(Duration.ZERO, Duration.ofSeconds(30)).addSlot(0);
        supervisor.addSlot(1);
        readyChild(0);
        Supervisor.Child one = readyChild(1);
        supervisor.removeSlot(1);
        await(() -> exited.contains(one));
        assertThat(stopRequests).containsExactly(one);
        assertThat(one.expectedExit()).isTrue();
        Thread.sleep(300); // a respawn, if any, would be due by now
        assertThat(launched).hasSize(2);
        assertThat(supervisor.slots()).containsExactly(0);
    }

    @Test
    void aReplacementTakesOverOnlyOnceItIsReady() throws Exception {
        start(Duration.ZERO, Duration.ofSeconds(30)).addSlot(0);
        Supervisor.Child old = readyChild(0);
        supervisor.replace(0);
        await(() -> launched.size() == 2);
        Supervisor.Child fresh = launched.get(1);
        Thread.sleep(100);
        assertThat(old.state()).isEqualTo(Supervisor.State.READY); // still serving
        assertThat(stopRequests).isEmpty();
        supervisor.ready(fresh);
        await(() -> exited.contains(old));
        assertThat(stopRequests).containsExactly(old);
        assertThat(fresh.state()).isEqualTo(Supervisor.State.READY);
        assertThat(launched).hasSize(2);
    }

    @Test
    void aStartingChildSilentForTheBootTimeoutIsKilledAndRespawned() throws Exception {
        start(Duration.ZERO, Duration.ofMillis(200)).addSlot(0);
        await(() -> launched.size() >= 2);
        assertThat(launched.get(0).killReason()).isEqualTo("no sign of life for 200 ms while starting");
    }

    @Test
    void aStartingChildThatShowsSignsOfLifeMayTakeLongerThanTheBootTimeout() throws Exception {
        start(Duration.ZERO, Duration.ofMillis(200)).addSlot(0);
        await(() -> launched.size() == 1);
        Supervisor.Child c = launched.get(0);
        for (int i = 0; i < 10; i++) { // 500 ms of beats, more than twice the boot timeout
            c.beat();
            Thread.sleep(50);
        }
        assertThat(c.state()).isEqualTo(Supervisor.State.STARTING);
        assertThat(launched).hasSize(1);
    }

    @Test
    void aReadyChildThatStopsHeartbeatingIsKilled() throws Exception {
        start(Duration.ofMillis(300), Duration.ofSeconds(30)).addSlot(0);
        Supervisor.Child c = readyChild(0);
        await(() -> c.state() == Supervisor.State.EXITED);
        assertThat(c.killReason()).startsWith("no heartbeat for ");
        await(() -> launched.size() == 2);
    }

    @Test
    void closeRetiresEveryChildAndRespawnsNone() throws Exception {
        start(Duration.ZERO, Duration.ofSeconds(30)).addSlot(0);
        supervisor.addSlot(1);
        readyChild(0);
        readyChild(1);
        supervisor.close();
        assertThat(exited).hasSize(2).allMatch(Supervisor.Child::expectedExit);
        assertThat(launched).hasSize(2);
    }
}
