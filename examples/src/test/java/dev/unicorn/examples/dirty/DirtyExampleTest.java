package dev.unicorn.examples.dirty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unicorn.RunningServer;
import dev.unicorn.dirty.DirtyWorkerStatus;
import dev.unicorn.examples.ExternalCommand;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dirty example end to end: curl, the HTTP server, and two real dirty worker JVMs. */
class DirtyExampleTest {
    private static RunningServer server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(ExternalCommand.onPath("curl"), "curl is not on PATH");
        server = new DirtyExampleServer("127.0.0.1:0").unicorn().externalConfig(false).name("dirtyexample").start();
        assertThat(server.dirty().arbiter().awaitReady(Duration.ofSeconds(60))).isTrue();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
            assertThat(server.dirty().isRunning()).isFalse();
        }
    }

    private static byte[] png(int width, int height) throws Exception {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, (x * 7 % 256) << 16 | (y * 3 % 256) << 8 | 0x40);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void curlPostsAPngAndGetsItResizedByAWorkerJvm(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("in.png"), png(300, 200));
        Path out = dir.resolve("out.png");
        Path headers = dir.resolve("headers.txt");
        ExternalCommand.run(60, List.of("curl", "-sS", "--data-binary", "@" + in, "-H", "Content-Type: image/png",
                "-D", headers.toString(), "-o", out.toString(), base + "/resize?width=60&height=40")).succeeded();
        String head = Files.readString(headers);
        assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\nContent-Type: image/png\r\n");
        BufferedImage resized = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(out)));
        assertThat(resized.getWidth()).isEqualTo(60);
        assertThat(resized.getHeight()).isEqualTo(40);
        Matcher pid = Pattern.compile("X-Dirty-Pid: (\\d+)\r\n").matcher(head);
        assertThat(pid.find()).isTrue();
        assertThat(server.dirty().arbiter().workers()).extracting(DirtyWorkerStatus::pid)
                .contains(Long.parseLong(pid.group(1)))
                .doesNotContain(ProcessHandle.current().pid());
    }

    @Test
    void curlReadsTheProgressOfAResizeAsServerSentEvents() {
        ExternalCommand curl = ExternalCommand.run(60, List.of("curl", "-sS", "-N", "-i",
                base + "/resize/progress?size=600&width=300&height=300")).succeeded();
        String response = curl.stdout();
        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\nContent-Type: text/event-stream\r\n")
                .contains("\r\nTransfer-Encoding: chunked\r\n");
        List<Long> percents = new ArrayList<>();
        Matcher m = Pattern.compile("event: progress\ndata: \\{\"percent\":(\\d+)}\n\n").matcher(response);
        while (m.find()) {
            percents.add(Long.parseLong(m.group(1)));
        }
        assertThat(percents).hasSizeGreaterThan(50).isSorted().endsWith(100L);
        assertThat(percents.stream().distinct().count()).isEqualTo(percents.size());
        assertThat(response).containsPattern(
                "event: done\ndata: \\{\"done\":true,\"width\":300,\"height\":300,\"checksum\":-?\\d+,\"pid\":\\d+}\n\n$");
    }

    @Test
    void aBodyThatIsNotAnImageIsRefusedWith422() {
        ExternalCommand curl = ExternalCommand.run(60, List.of("curl", "-sS", "-i", "--data-binary", "not a png",
                base + "/resize?width=10&height=10")).succeeded();
        assertThat(curl.stdout()).startsWith("HTTP/1.1 422 ").endsWith("\r\n\r\nnot an image ImageIO can read\n");
    }

    @Test
    void aSizeOutOfBoundsIsRefusedWith422AndABadNumberWith400() {
        ExternalCommand tooBig = ExternalCommand.run(60, List.of("curl", "-sS", "-i",
                base + "/resize/progress?size=99999")).succeeded();
        assertThat(tooBig.stdout()).startsWith("HTTP/1.1 422 ").endsWith("a side must be 1 to 4096 pixels, not 99999\n");
        ExternalCommand notANumber = ExternalCommand.run(60, List.of("curl", "-sS", "-i",
                base + "/resize/progress?size=big")).succeeded();
        assertThat(notANumber.stdout()).startsWith("HTTP/1.1 400 ");
    }

    @Test
    void theWorkersCountTheirResizesInTheStash() {
        long before = (Long) server.dirty().client().stash().get("resize", "calls", 0L);
        ExternalCommand.run(60, List.of("curl", "-sS", base + "/resize/progress?size=64&width=8&height=8")).succeeded();
        ExternalCommand stats = ExternalCommand.run(60, List.of("curl", "-sS", base + "/stats")).succeeded();
        assertThat(stats.stdout()).isEqualTo("resizes: " + (before + 1) + "\n");
    }

    @Test
    void aClientThatHangsUpMidStreamLeavesTheWorkersServing() {
        // curl gives up after a second, long before a 4096-pixel resize is done
        ExternalCommand.run(60, List.of("curl", "-sS", "-N", "--max-time", "1",
                base + "/resize/progress?size=4096&width=4000&height=4000"));
        ExternalCommand next = ExternalCommand.run(60, List.of("curl", "-sS",
                base + "/resize/progress?size=64&width=8&height=8")).succeeded();
        assertThat(next.stdout()).contains("event: done\n");
    }
}
