package dev.unicorn.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.config.Config;
import dev.unicorn.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The arbiter with real child JVMs. One pool of three workers serves every test (a JVM takes
 * about half a second to start); each test starts once every worker is ready again.
 */
class DirtyArbiterTest {
    private static final String ECHO = EchoApp.class.getName();
    private static final String LIMITED = LimitedApp.class.getName();
    private static final List<String> events = new CopyOnWriteArrayList<>();
    private static DirtyArbiter arbiter;
    private static DirtyClient client;

    @BeforeAll
    static void start() throws Exception {
        arbiter = DirtyArbiter.start(Config.builder()
                .set(Settings.NAME, "dirtytest")
                .set(Settings.DIRTY_APPS, List.of(ECHO, LIMITED + ":1"))
                .set(Settings.DIRTY_WORKERS, 3)
                .set(Settings.DIRTY_THREADS, 8)
                .set(Settings.DIRTY_TIMEOUT, Duration.ofSeconds(4))
                .set(Settings.DIRTY_GRACEFUL_TIMEOUT, Duration.ofSeconds(5))
                .set(Settings.DIRTY_HEAP, 64L << 20)
                .build(), new DirtyHooks() {
                    @Override
                    public void onDirtyStarting() {
                        events.add("starting");
                    }

                    @Override
                    public void dirtyWorkerInit(int workerId, long pid, List<String> apps) {
                        events.add("init " + workerId + " " + apps);
                    }

                    @Override
                    public void dirtyWorkerExit(int workerId, long pid, int exitCode) {
                        events.add("exit " + workerId);
                    }
                });
        client = arbiter.client();
    }

    @AfterAll
    static void stop() {
        arbiter.close();
    }

    @BeforeEach
    void everyWorkerReady() throws InterruptedException {
        assertThat(arbiter.awaitReady(Duration.ofSeconds(30))).isTrue();
    }

    private static Map<Integer, Long> pidsBySlot() {
        Map<Integer, Long> pids = new HashMap<>();
        for (DirtyWorkerStatus w : arbiter.workers()) {
            if (w.state().equals("ready")) {
                pids.put(w.workerId(), w.pid());
            }
        }
        return pids;
    }

    @Test
    void hooksRunForStartAndEachWorkerWithItsApps() {
        assertThat(events.get(0)).isEqualTo("starting");
        assertThat(events).contains("init 0 [" + ECHO + ", " + LIMITED + "]", "init 1 [" + ECHO + "]",
                "init 2 [" + ECHO + "]");
    }

    @Test
    void aConnectionWithoutTheTokenOfALaunchingWorkerIsClosed() throws Exception {
        for (byte[] first : List.of(
                WireFormat.encode(Frame.of(FrameType.HELLO, 0, 0L, "forged-token", 1L), WireFormat.DEFAULT_MAX_PAYLOAD),
                WireFormat.encode(Frame.of(FrameType.READY, 0), WireFormat.DEFAULT_MAX_PAYLOAD),
                "GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            try (java.nio.channels.SocketChannel sc = java.nio.channels.SocketChannel.open(
                    java.net.UnixDomainSocketAddress.of(arbiter.socketPath()))) {
                sc.write(java.nio.ByteBuffer.wrap(first));
                assertThat(sc.read(java.nio.ByteBuffer.allocate(16))).isEqualTo(-1);
            }
        }
        assertThat(client.call(ECHO, "add", 1, 1)).isEqualTo(2L);
    }

    @Test
    void callsRunInAChildJvm() {
        @SuppressWarnings("unchecked")
        List<Object> who = (List<Object>) client.call(ECHO, "whoami");
        assertThat(who.get(1)).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(arbiter.workers()).extracting(DirtyWorkerStatus::pid).contains((Long) who.get(1));
    }

    @Test
    void callsAreRoutedByAllocation() {
        assertThat(arbiter.workers()).extracting(DirtyWorkerStatus::workerId, DirtyWorkerStatus::apps)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, List.of(ECHO, LIMITED)),
                        org.assertj.core.groups.Tuple.tuple(1, List.of(ECHO)),
                        org.assertj.core.groups.Tuple.tuple(2, List.of(ECHO)));
        for (int i = 0; i < 20; i++) {
            assertThat(client.call(LIMITED, "whoami")).isEqualTo(0L);
        }
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            calls.add(client.callAsync(ECHO, "slowWhoami"));
        }
        Set<Object> workers = new HashSet<>();
        calls.forEach(c -> workers.add(c.join()));
        assertThat(workers).containsExactlyInAnyOrder(0L, 1L, 2L); // least-loaded spreads concurrent calls
    }

    @Test
    void aThousandConcurrentCallsAreMultiplexedWithCorrectAnswers() {
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            calls.add(client.callAsync(ECHO, "echo", i, "n" + i));
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(calls.get(i).join()).isEqualTo(List.of((long) i, "n" + i));
        }
    }

    @Test
    void anAppExceptionCarriesTheRemoteMessageAndStack() {
        assertThatThrownBy(() -> client.call(ECHO, "fail", "remote"))
                .isInstanceOfSatisfying(DirtyAppException.class, e -> {
                    assertThat(e.remoteType()).isEqualTo("java.lang.IllegalStateException");
                    assertThat(e.remoteMessage()).isEqualTo("boom: remote");
                    assertThat(e.remoteStack()).contains("at dev.unicorn.dirty.EchoApp.handle(EchoApp.java");
                });
    }

    @Test
    void anUnconfiguredAppFailsWithNoWorker() {
        assertThatThrownBy(() -> client.call("com.example.Missing", "x"))
                .isInstanceOf(DirtyNoWorkerException.class)
                .hasMessage("no worker hosts com.example.Missing (dirtyApps: [" + ECHO + ", " + LIMITED + "])");
    }

    @Test
    void aStreamDeliversManyChunksBeyondTheCreditWindow() {
        List<Object> got = new ArrayList<>();
        try (DirtyStream s = client.stream(ECHO, "count", 1000)) {
            s.forEachRemaining(got::add);
        }
        assertThat(got).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(got.get(i)).isEqualTo((long) i);
        }
    }

    @Test
    void anAbandonedStreamIsCancelledAndDoesNotDisturbTheNextCall() throws Exception {
        Map<Integer, Long> pids = pidsBySlot();
        try (DirtyStream s = client.stream(ECHO, "ticks", 10, "abandoned")) {
            assertThat(s.next()).isEqualTo(0L);
            assertThat(s.next()).isEqualTo(1L);
        }
        // the worker stopped iterating and closed the app's iterator
        Poll.until(() -> client.stash().get("streams", "abandoned", null) != null, Duration.ofSeconds(10));
        assertThat((String) client.stash().get("streams", "abandoned", null)).startsWith("closed after ");
        for (int i = 0; i < 10; i++) {
            assertThat(client.call(ECHO, "add", i, 1)).isEqualTo(i + 1L);
        }
        assertThat(pidsBySlot()).isEqualTo(pids); // nobody was killed for it
    }

    @Test
    void theStashDefaultWorksFromAppsAndHandlers() {
        assertThat(client.call(ECHO, "stashGet", "sessions", "nobody", "anonymous")).isEqualTo("anonymous");
        assertThat(client.stash().get("sessions", "nobody", 0L)).isEqualTo(0L);
        assertThat(client.call(ECHO, "stashPut", "sessions", "alice", Map.of("visits", 3))).isEqualTo(true);
        assertThat(client.stash().get("sessions", "alice", null)).isEqualTo(Map.of("visits", 3L));
        assertThat(client.call(ECHO, "stashGet", "sessions", "alice", null)).isEqualTo(Map.of("visits", 3L));
        // every worker wrote its pid into the "boot" table during init
        assertThat(client.stash().keys("boot")).contains("worker-0", "worker-1", "worker-2");
    }

    @Test
    void aWorkerThatHaltsFailsOnlyItsOwnCallsAndIsRespawned() throws Exception {
        Map<Integer, Long> before = pidsBySlot();
        List<CompletableFuture<Object>> sleepers = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // two per worker: least-loaded routing
            sleepers.add(client.callAsync(ECHO, "sleep", 1500, "slept"));
        }
        Thread.sleep(200);
        CompletableFuture<Object> halt = client.callAsync(ECHO, "halt");
        assertThatThrownBy(halt::join).hasCauseInstanceOf(DirtyWorkerDiedException.class);
        int died = 0;
        int succeeded = 0;
        for (CompletableFuture<Object> s : sleepers) {
            try {
                assertThat(s.join()).isEqualTo("slept");
                succeeded++;
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(DirtyWorkerDiedException.class);
                died++;
            }
        }
        assertThat(died).isEqualTo(2);
        assertThat(succeeded).isEqualTo(4);
        assertThat(arbiter.awaitReady(Duration.ofSeconds(30))).isTrue();
        Map<Integer, Long> after = pidsBySlot();
        assertThat(after.keySet()).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(after.entrySet().stream().filter(e -> !e.getValue().equals(before.get(e.getKey())))).hasSize(1);
        assertThat(client.call(ECHO, "add", 20, 22)).isEqualTo(42L);
    }

    @Test
    void aCallPastDirtyTimeoutTimesOutAndItsWorkerIsReplaced() throws Exception {
        Map<Integer, Long> before = pidsBySlot();
        assertThatThrownBy(() -> client.call(ECHO, "sleep", 60_000, "never"))
                .isInstanceOf(DirtyTimeoutException.class)
                .hasMessageContaining(ECHO + ".sleep timed out after");
        Poll.until(() -> !pidsBySlot().equals(before) && pidsBySlot().size() == 3, Duration.ofSeconds(30));
        assertThat(client.call(ECHO, "add", 1, 1)).isEqualTo(2L);
    }

    @Test
    void aShortPerCallTimeoutCancelsTheWorkWithoutReplacingTheWorker() throws Exception {
        Map<Integer, Long> before = pidsBySlot();
        assertThatThrownBy(() -> client.withTimeout(Duration.ofMillis(200)).call(ECHO, "sleep", 60_000, "never"))
                .isInstanceOf(DirtyTimeoutException.class);
        assertThat(client.call(ECHO, "add", 1, 1)).isEqualTo(2L);
        assertThat(pidsBySlot()).isEqualTo(before);
        // the cancelled call left no work in flight
        Poll.until(() -> arbiter.workers().stream().allMatch(w -> w.inFlight() == 0), Duration.ofSeconds(5));
    }

    @Test
    void scalingDownAndUpKeepsEveryAppHosted() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread load = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                try {
                    assertThat(client.call(LIMITED, "whoami")).isEqualTo(0L);
                    assertThat(client.call(ECHO, "add", 1, 2)).isEqualTo(3L);
                    ok.incrementAndGet();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }
        });
        try {
            assertThat(arbiter.scale(1)).isEqualTo(1);
            Poll.until(() -> arbiter.workers().size() == 1, Duration.ofSeconds(20));
            assertThat(arbiter.workers()).extracting(DirtyWorkerStatus::workerId).containsExactly(0);
            int before = ok.get();
            Poll.until(() -> ok.get() > before + 5, Duration.ofSeconds(10));
            assertThat(arbiter.scale(3)).isEqualTo(3);
            assertThat(arbiter.awaitReady(Duration.ofSeconds(30))).isTrue();
            int after = ok.get();
            Poll.until(() -> ok.get() > after + 5, Duration.ofSeconds(10));
        } finally {
            running.set(false);
            load.join();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void reloadReplacesEveryWorkerWhileEveryAppStaysHosted() throws Exception {
        Map<Integer, Long> before = pidsBySlot();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger ok = new AtomicInteger();
        Thread load = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                try {
                    assertThat(client.call(LIMITED, "whoami")).isEqualTo(0L);
                    assertThat(client.call(ECHO, "sleep", 20, "z")).isEqualTo("z");
                    ok.incrementAndGet();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }
        });
        try {
            arbiter.reload();
            Poll.until(() -> {
                Map<Integer, Long> now = pidsBySlot();
                return now.size() == 3 && now.entrySet().stream().noneMatch(e -> e.getValue().equals(before.get(e.getKey())))
                        && arbiter.workers().size() == 3;
            }, Duration.ofSeconds(40));
            int after = ok.get();
            Poll.until(() -> ok.get() > after + 3, Duration.ofSeconds(10));
        } finally {
            running.set(false);
            load.join();
        }
        assertThat(failures).isEmpty();
        // the old generation was drained, not killed: their exit hooks ran
        assertThat(events.stream().filter(e -> e.startsWith("exit")).count()).isGreaterThanOrEqualTo(3);
    }
}
