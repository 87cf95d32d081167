package dev.unicorn.bench.load;

/**
 * What one load-generator run measured. Latencies are in milliseconds, {@code NaN} when the
 * tool does not report them (h2load has no percentiles).
 *
 * @param requestsPerSecond throughput over the run
 * @param requests          completed requests
 * @param p50Millis         median latency
 * @param p99Millis         99th percentile latency
 * @param socketErrors      connect, read, write and timeout errors added up (h2load: failed + errored + timeout)
 * @param non2xx            responses that were not 2xx (wrk counts 3xx as fine too)
 * @param foreignCores      CPU used meanwhile by other processes, in cores (NaN until measured)
 */
record LoadResult(double requestsPerSecond, long requests, double p50Millis, double p99Millis,
                  long socketErrors, long non2xx, double foreignCores) {

    LoadResult withForeignCores(double cores) {
        return new LoadResult(requestsPerSecond, requests, p50Millis, p99Millis, socketErrors, non2xx, cores);
    }
}
