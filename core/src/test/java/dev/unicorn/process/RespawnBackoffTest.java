package dev.unicorn.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RespawnBackoffTest {
    private final RespawnBackoff backoff = new RespawnBackoff(Duration.ofMillis(100), Duration.ofSeconds(2),
            Duration.ofSeconds(10));

    @Test
    void theFirstFailureRespawnsAtOnce() {
        assertThat(backoff.delay(1)).isZero();
    }

    @Test
    void eachFurtherConsecutiveFailureDoublesTheDelayUpToTheMaximum() {
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(3)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(4)).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.delay(6)).isEqualTo(Duration.ofMillis(1600));
        assertThat(backoff.delay(7)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(1000)).isEqualTo(Duration.ofSeconds(2));
    }
}
