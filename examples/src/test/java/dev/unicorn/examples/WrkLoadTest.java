package dev.unicorn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Load from wrk, a real keep-alive client, against {@link HelloServer} with one worker; and
 * a pipelining check that needs no external tool. Only correctness is asserted (no errors, a
 * plausible request count): throughput numbers belong to the benchmarks, not to tests.
 */
class WrkLoadTest {
    private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s*(\\d+) requests in ");

    @Test
    void wrkWithFiftyConnectionsForThreeSecondsSeesNoErrorsAndOnlySuccesses() {
        // CI installs wrk (.ci/run); a developer machine without it skips this test
        Assumptions.assumeTrue(ExternalCommand.onPath("wrk"), "wrk is not on PATH");
        try (RunningServer server = new Unicorn(HelloServer.app()).externalConfig(false)
                .bind("127.0.0.1:0").workers(1).name("wrk").start()) {
            ExternalCommand wrk = ExternalCommand.run(60, List.of("wrk", "-t1", "-c50", "-d3s",
                    "http://127.0.0.1:" + server.port() + "/")).succeeded();
            String report = wrk.stdout();
            assertThat(report).as(report).doesNotContain("Socket errors").doesNotContain("Non-2xx or 3xx responses");
            Matcher m = REQUESTS.matcher(report);
            assertThat(m.find()).as("a request count in:%n%s", report).isTrue();
            assertThat(Long.parseLong(m.group(1))).as(report).isGreaterThan(1000);
        }
    }

    @Test
    void sixteenPipelinedGetsInOneWriteAnswerLikeSixteenSequentialGets() {
        try (RunningServer server = new Unicorn(HelloServer.app()).externalConfig(false)
                .bind("127.0.0.1:0").workers(1).name("pipeline").start()) {
            String get = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
            List<String> sequential = new ArrayList<>();
            try (RawClient client = RawClient.connect("127.0.0.1", server.port())) {
                for (int i = 0; i < 16; i++) {
                    sequential.add(statusAndBody(client.send(get).readResponse()));
                }
            }
            List<String> pipelined;
            try (RawClient client = RawClient.connect("127.0.0.1", server.port())) {
                client.send(get.repeat(16)).shutdownOutput();
                pipelined = client.readResponses(Collections.nCopies(16, "GET")).stream()
                        .map(WrkLoadTest::statusAndBody).toList();
            }
            assertThat(sequential).containsOnly("200 Hello, World!\n").hasSize(16);
            assertThat(pipelined).containsExactlyElementsOf(sequential);
        }
    }

    private static String statusAndBody(RawResponse r) {
        return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }
}
