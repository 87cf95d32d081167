package dev.unicorn.workers;

import java.time.Duration;
import java.util.List;

/**
 * The arbiter's view of a server (gunicorn's {@code show stats} and {@code show workers}).
 *
 * @param uptime          time since the server started
 * @param targetWorkers   how many serving workers the arbiter keeps
 * @param workers         every worker, serving or draining, oldest first
 * @param spawned         workers started so far
 * @param aborted         requests aborted for running past the timeout
 * @param recycled        workers replaced after {@code maxRequests}
 * @param reloads         reloads so far
 * @param abandonedThreads threads of aborted requests that have not ended yet
 */
public record ServerStats(Duration uptime, int targetWorkers, List<WorkerStats> workers, long spawned, long aborted,
                          long recycled, long reloads, int abandonedThreads) {
}
