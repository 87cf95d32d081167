package dev.unicorn.examples.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.dirty.DirtyClient;
import dev.unicorn.dirty.DirtyException;
import dev.unicorn.dirty.DirtyWorkerStatus;
import dev.unicorn.http.HttpApp;
import dev.unicorn.workers.ServerHooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The dirty pool started and stopped by the server, with its hooks, through the facade. */
class DirtyServerLifecycleTest {
    private static final String APP = ImageResizeApp.class.getName();

    @Test
    void theServerStartsTheDirtyWorkersBeforeItsHttpWorkersAndStopsThemAfter() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ServerHooks hooks = new ServerHooks() {
            @Override
            public void onDirtyStarting() {
                events.add("onDirtyStarting");
            }

            @Override
            public void dirtyWorkerInit(int workerId, long pid, List<String> apps) {
                events.add("dirtyWorkerInit " + workerId + " " + apps);
            }

            @Override
            public void dirtyWorkerExit(int workerId, long pid, int exitCode) {
                events.add("dirtyWorkerExit " + workerId + " " + exitCode);
            }

            @Override
            public void beforeWorkerStart(int workerId) {
                events.add("beforeWorkerStart " + workerId);
            }

            @Override
            public void onExit() {
                events.add("onExit");
            }
        };
        Unicorn unicorn = new Unicorn((HttpApp) (req, res) -> res.send(200, "text/plain", "ok".getBytes()))
                .externalConfig(false).name("dirtylife").bind("127.0.0.1:0").hooks(hooks)
                .dirtyApps(APP).dirtyWorkers(1);
        DirtyClient client = unicorn.dirtyClient();
        assertThatThrownBy(() -> client.call(APP, "resize", new byte[0], 1, 1)).isInstanceOf(DirtyException.class);
        RunningServer server = unicorn.start();
        long pid;
        try {
            assertThat(server.dirty().arbiter().awaitReady(Duration.ofSeconds(60))).isTrue();
            pid = server.dirty().arbiter().workers().get(0).pid();
            int firstHttpWorker = events.stream().filter(e -> e.startsWith("beforeWorkerStart")).findFirst()
                    .map(events::indexOf).orElseThrow();
            assertThat(events.indexOf("onDirtyStarting")).isNotNegative().isLessThan(firstHttpWorker);
            @SuppressWarnings("unchecked")
            Map<String, Object> resized = (Map<String, Object>) client.call(APP, "resize",
                    ImageResizeApp.encode(ImageResizeApp.testPattern(40), 40, 40), 10, 10);
            assertThat(resized.get("pid")).isEqualTo(pid);
            assertThat(events).contains("dirtyWorkerInit 0 [" + APP + "]");
        } finally {
            server.stop();
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(events).contains("dirtyWorkerExit 0 0"); // drained, exited by itself
        assertThat(server.dirty().isRunning()).isFalse();
        assertThatThrownBy(() -> client.call(APP, "resize", new byte[0], 1, 1)).isInstanceOf(DirtyException.class);
    }

    @Test
    void inProcessModeServesTheSameEndpointsWithoutChildJvms() throws Exception {
        DirtyExampleServer example = new DirtyExampleServer("127.0.0.1:0");
        try (RunningServer server = example.unicorn().externalConfig(false).name("dirtyinproc").dirtyInProcess(true).start()) {
            assertThat(server.dirty().arbiter()).isNull();
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.uri() + "resize/progress?size=64&width=8&height=8")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("event: progress\ndata: {\"percent\":")
                    .contains("\"pid\":" + ProcessHandle.current().pid() + "}\n\n");
        }
    }

    @Test
    void workersReportTheirAppsAndState() throws Exception {
        try (RunningServer server = new DirtyExampleServer("127.0.0.1:0").unicorn().externalConfig(false)
                .name("dirtystatus").dirtyWorkers(3).start()) {
            assertThat(server.dirty().arbiter().awaitReady(Duration.ofSeconds(60))).isTrue();
            // the app is limited to 2 workers, so a third would host nothing and is not started
            assertThat(server.dirty().arbiter().workers()).extracting(DirtyWorkerStatus::workerId, DirtyWorkerStatus::state)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(0, "ready"),
                            org.assertj.core.groups.Tuple.tuple(1, "ready"));
        }
    }
}
