package dev.unicorn.dirty;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition in tests (never a timed assertion: the limit only ends a hung test). */
final class Poll {
    private Poll() {
    }

    static void until(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            Thread.sleep(20);
        }
    }
}
