package dev.unicorn.process;

import java.time.Duration;

/**
 * Delay before respawning a child that died, per slot: the first failure respawns at once,
 * each further consecutive failure doubles the delay from {@code initial} up to {@code max}.
 * A child that stayed up for {@code stable} resets the count, so an occasional crash is
 * respawned immediately while a child that cannot boot does not spin (gunicorn's dirty
 * workers respawn a failing boot in a tight loop).
 *
 * @param initial the delay after the second consecutive failure
 * @param max     the longest delay
 * @param stable  how long a child must live for its death not to count as consecutive
 */
public record RespawnBackoff(Duration initial, Duration max, Duration stable) {
    /** 100 ms doubling up to 10 s; 10 s of life resets. */
    public static final RespawnBackoff DEFAULT = new RespawnBackoff(Duration.ofMillis(100), Duration.ofSeconds(10),
            Duration.ofSeconds(10));

    /** The delay before the respawn that follows {@code consecutiveFailures} failures (1 = the first). */
    public Duration delay(int consecutiveFailures) {
        if (consecutiveFailures <= 1) {
            return Duration.ZERO;
        }
        int doublings = Math.min(consecutiveFailures - 2, 30);
        long nanos = initial.toNanos() << doublings;
        return nanos < 0 || nanos > max.toNanos() ? max : Duration.ofNanos(nanos);
    }
}
