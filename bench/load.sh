#!/usr/bin/env bash
# Load comparison of Unicorn against Jetty (core and Servlet), Undertow and Tomcat.
# Builds bench/target/benchmarks.jar, then runs dev.unicorn.bench.load.LoadRun, which writes
# docs/benchmarks.md and docs/benchmarks.svg (raw output in bench/target/load-logs/).
#
# Usage: bench/load.sh [--no-build] [--quick] [--reps N] [--duration S] [--warmup S]
#                      [--servers unicorn-virtual,jetty-core,...] [--idle N] [--port P]
#                      [--noise-retries N]
#   --quick   1 repetition, 3 s per load point (default: 3 repetitions of 10 s, ~20 minutes
#             on an idle 2-core machine; more when other processes force points to be re-run)
# Needs wrk; h2load (Debian nghttp2-client) for the h2c points, taskset (util-linux) for pinning.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=0; else args+=("$a"); fi
done

if [[ $build == 1 ]]; then
  bin/mvn -q -B -pl bench -am install -DskipTests -Denforcer.skip
fi

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
command -v h2load >/dev/null || echo "NOTE: h2load is not installed (apt-get install -y nghttp2-client); h2c points will be skipped"

# 10,000 idle connections need file descriptors on both ends; the server JVMs inherit this.
# Where the hard limit is lower (containers), take the hard limit.
if ! ulimit -n 65536 2>/dev/null; then
  ulimit -n "$(ulimit -Hn)"
  echo "NOTE: open-file limit is $(ulimit -n) (hard limit), not 65536"
fi

# Run from a private copy of the jar, so a rebuild during the run (JMH work shares the jar)
# cannot swap classes under the servers.
mkdir -p bench/target/load-logs
jar=bench/target/load-logs/benchmarks.jar
cp bench/target/benchmarks.jar "$jar"

java="$(bin/java-home)/bin/java"
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 1); fi
exec "${pin[@]}" "$java" -cp "$jar" dev.unicorn.bench.load.LoadRun --jar "$jar" "${args[@]}"
