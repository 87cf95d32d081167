package dev.unicorn.workers;

import dev.unicorn.config.WorkerModelKind;
import java.time.Duration;

/**
 * One worker as the arbiter sees it.
 *
 * @param id            the worker's id; ids grow with each worker started, so a lower id is an older worker
 * @param model         its worker model
 * @param state         {@code booting}, {@code serving}, {@code draining} or {@code stopped}
 * @param age           time since it started
 * @param requests      requests it has served
 * @param inFlight      requests running now
 * @param connections   open connections
 * @param lastHeartbeat time since its last heartbeat: its watchdog's last turn, or on {@code async} its event
 *                      loop's (a loop blocked by the application shows here, and past {@code timeout} is aborted)
 */
public record WorkerStats(int id, WorkerModelKind model, String state, Duration age, long requests, int inFlight,
                          int connections, Duration lastHeartbeat) {
}
