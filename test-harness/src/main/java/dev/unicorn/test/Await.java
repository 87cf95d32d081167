package dev.unicorn.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for something a server does on its own threads (a worker replaced, a connection
 * closed): polls a condition every 20 ms and fails with an {@link AssertionError} if it is not
 * met in time. Not a timing assertion: the limit is a generous bound, not a measurement.
 */
public final class Await {
    private Await() {
    }

    /** Returns once {@code condition} holds; fails if it does not within {@code limit}. */
    public static void until(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within " + limit);
            }
            Thread.sleep(20);
        }
    }
}
