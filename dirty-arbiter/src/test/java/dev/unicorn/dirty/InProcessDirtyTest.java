package dev.unicorn.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InProcessDirtyTest {
    private static InProcessDirty pool;
    private static DirtyClient client;

    @BeforeAll
    static void start() throws Exception {
        pool = InProcessDirty.start(Config.builder()
                .set(Settings.NAME, "inproc")
                .set(Settings.DIRTY_APPS, List.of(EchoApp.class.getName(), LimitedApp.class.getName() + ":1"))
                .set(Settings.DIRTY_WORKERS, 2)
                .set(Settings.DIRTY_THREADS, 4)
                .set(Settings.DIRTY_TIMEOUT, Duration.ofSeconds(5))
                .build());
        client = pool.client();
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    private static final String ECHO = EchoApp.class.getName();

    @Test
    void aBlockingCallReturnsTheResultAsTheProtocolDeliversIt() {
        assertThat(client.call(ECHO, "echo", 1, "two", List.of(3.0f), null))
                .isEqualTo(java.util.Arrays.asList(1L, "two", List.of(3.0d), null));
        assertThat(client.call(ECHO, "add", 2, 40)).isEqualTo(42L);
    }

    @Test
    void anAsyncCallCompletesItsFuture() {
        CompletableFuture<Object> f = client.callAsync(ECHO, "sleep", 50, "late");
        assertThat(f.join()).isEqualTo("late");
    }

    @Test
    void anAppExceptionArrivesWithItsTypeMessageAndStack() {
        assertThatThrownBy(() -> client.call(ECHO, "fail", "x"))
                .isInstanceOfSatisfying(DirtyAppException.class, e -> {
                    assertThat(e.remoteType()).isEqualTo("java.lang.IllegalStateException");
                    assertThat(e.remoteMessage()).isEqualTo("boom: x");
                    assertThat(e.remoteStack()).contains("at dev.unicorn.dirty.EchoApp.handle");
                    assertThat(e.getMessage()).isEqualTo("java.lang.IllegalStateException: boom: x");
                });
    }

    @Test
    void anUnknownAppFailsWithNoWorker() {
        assertThatThrownBy(() -> client.call("com.example.Nope", "x"))
                .isInstanceOf(DirtyNoWorkerException.class)
                .hasMessageStartingWith("no worker hosts com.example.Nope");
    }

    @Test
    void anArgumentTheProtocolCannotCarryFailsBeforeSending() {
        assertThatThrownBy(() -> client.call(ECHO, "echo", new StringBuilder("x")))
                .isInstanceOf(DirtyProtocolException.class)
                .hasMessageStartingWith("cannot send a value of type java.lang.StringBuilder");
    }

    @Test
    void aResultTheProtocolCannotCarryFailsTheCall() {
        assertThatThrownBy(() -> client.call(ECHO, "object"))
                .isInstanceOfSatisfying(DirtyAppException.class,
                        e -> assertThat(e.remoteType()).isEqualTo(DirtyProtocolException.class.getName()));
    }

    @Test
    void aCallPastItsTimeoutFailsWithTimeout() {
        assertThatThrownBy(() -> client.withTimeout(Duration.ofMillis(100)).call(ECHO, "sleep", 5000, "x"))
                .isInstanceOf(DirtyTimeoutException.class)
                .hasMessageStartingWith(ECHO + ".sleep timed out after");
    }

    @Test
    void aStreamYieldsEveryElementInOrder() {
        List<Object> got = new ArrayList<>();
        try (DirtyStream s = client.stream(ECHO, "count", 100)) {
            s.forEachRemaining(got::add);
        }
        assertThat(got).hasSize(100).startsWith(0L, 1L).endsWith(99L);
    }

    @Test
    void aSlowReaderHoldsTheWorkerToTheCreditWindow() throws Exception {
        EchoApp.PRODUCED.set(0);
        try (DirtyStream s = client.stream(ECHO, "produce", 10_000)) {
            assertThat(s.next()).isEqualTo(0L);
            // 32 chunks may be sent ahead; the 33rd is produced, then waits for credit
            Poll.until(() -> EchoApp.PRODUCED.get() == AppHost.STREAM_WINDOW + 1, Duration.ofSeconds(5));
            Thread.sleep(200);
            assertThat(EchoApp.PRODUCED.get()).isEqualTo(AppHost.STREAM_WINDOW + 1);
            for (int i = 1; i <= AppHost.STREAM_WINDOW / 2; i++) { // reading 16 grants 16 more
                assertThat(s.next()).isEqualTo((long) i);
            }
            Poll.until(() -> EchoApp.PRODUCED.get() == AppHost.STREAM_WINDOW + 1 + AppHost.STREAM_WINDOW / 2,
                    Duration.ofSeconds(5));
        }
    }

    @Test
    void aStreamOfAValueActionYieldsTheValueOnce() {
        List<Object> got = new ArrayList<>();
        try (DirtyStream s = client.stream(ECHO, "add", 1, 1)) {
            s.forEachRemaining(got::add);
        }
        assertThat(got).containsExactly(2L);
    }

    @Test
    void aFailureMidStreamArrivesAfterTheElementsBeforeIt() {
        try (DirtyStream s = client.stream(ECHO, "failMidStream")) {
            assertThat(s.next()).isEqualTo(1L);
            assertThatThrownBy(s::hasNext).isInstanceOfSatisfying(DirtyAppException.class,
                    e -> assertThat(e.remoteMessage()).isEqualTo("second element"));
        }
    }

    @Test
    void aBlockingCallOfAStreamingActionFails() {
        assertThatThrownBy(() -> client.call(ECHO, "count", 3))
                .isInstanceOf(DirtyException.class)
                .hasMessage("action " + ECHO + ".count returned a stream; read it with stream()");
    }

    @Test
    void anAbandonedStreamIsClosedInTheAppAndTheNextCallSucceeds() throws Exception {
        int closedBefore = EchoApp.CLOSED_STREAMS.get();
        try (DirtyStream s = client.stream(ECHO, "ticks", 5, "inproc")) {
            assertThat(s.next()).isEqualTo(0L);
            assertThat(s.next()).isEqualTo(1L);
        }
        dev.unicorn.dirty.Poll.until(() -> EchoApp.CLOSED_STREAMS.get() > closedBefore, Duration.ofSeconds(5));
        assertThat(client.call(ECHO, "add", 1, 2)).isEqualTo(3L);
    }

    @Test
    void cancellingTheFutureInterruptsTheWork() {
        CompletableFuture<Object> f = client.callAsync(ECHO, "sleep", 10_000, "x");
        f.cancel(true);
        assertThatThrownBy(f::join).isInstanceOf(java.util.concurrent.CancellationException.class);
        assertThat(client.call(ECHO, "add", 2, 2)).isEqualTo(4L);
    }

    @Test
    void theStashDefaultAppliesToAMissingTableAndAMissingKey() {
        DirtyStash stash = client.stash();
        assertThat(stash.get("nothere", "k", 7L)).isEqualTo(7L);
        stash.put("counters", "a", 1);
        assertThat(stash.get("counters", "b", 0L)).isEqualTo(0L);
        assertThat(stash.get("counters", "a", 0L)).isEqualTo(1L);
        stash.put("counters", "nothing", null);
        assertThat(stash.get("counters", "nothing", "default")).isNull();
        assertThat(stash.keys("counters")).containsExactlyInAnyOrder("a", "nothing");
        assertThat(stash.delete("counters", "a")).isTrue();
        assertThat(stash.delete("counters", "a")).isFalse();
        assertThat(stash.keys("none")).isEmpty();
        assertThat(stash.ensure("fresh")).isTrue();
        assertThat(stash.ensure("fresh")).isFalse();
    }

    @Test
    void appsSeeTheSameStashAsHandlers() {
        client.call(ECHO, "stashPut", "shared", "x", List.of(1, 2));
        assertThat(client.stash().get("shared", "x", null)).isEqualTo(List.of(1L, 2L));
        assertThat(client.call(ECHO, "stashGet", "shared", "missing", "dflt")).isEqualTo("dflt");
    }

    @Test
    void manyConcurrentCallsGetTheirOwnAnswers() {
        List<CompletableFuture<Object>> futures = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            futures.add(client.callAsync(ECHO, "add", i, 1000));
        }
        for (int i = 0; i < 500; i++) {
            assertThat(futures.get(i).join()).isEqualTo(i + 1000L);
        }
    }

    @Test
    void anAppFailingInitFailsStart() {
        assertThatThrownBy(() -> InProcessDirty.start(Config.builder()
                .set(Settings.DIRTY_APPS, List.of("dev.unicorn.dirty.NoSuchApp")).build()))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void callsAfterCloseFail() throws Exception {
        InProcessDirty other = InProcessDirty.start(Config.builder()
                .set(Settings.DIRTY_APPS, List.of(ECHO)).build());
        other.close();
        assertThatThrownBy(() -> other.client().call(ECHO, "add", 1, 1))
                .isInstanceOf(DirtyException.class).hasMessage("the in-process dirty pool is stopped");
    }

    @Test
    void futureJoinWrapsTheDistinctExceptionType() {
        assertThatThrownBy(() -> client.callAsync(ECHO, "fail", "y").join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(DirtyAppException.class);
    }
}
