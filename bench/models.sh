#!/usr/bin/env bash
# Per-model throughput: hello (/plaintext) and /sleep (10 ms) at 256 connections, server on core 0, wrk on core 1.
# /sleep blocks a thread for 10 ms on virtual, threads and sync; on async it completes from a scheduler 10 ms later.
cd "$(dirname "$0")/.."
JAVA=$(bin/java-home)/bin/java
JAR=bench/target/benchmarks.jar
for model in virtual threads sync async; do
  port=$((9100 + RANDOM % 500))
  # one PeerServer name per model: unicorn-async runs a non-blocking application, the others a blocking one
  taskset -c 0 $JAVA -Xmx1g -cp $JAR dev.unicorn.bench.peers.PeerServer unicorn-$model $port > /tmp/model-$model.log 2>&1 &
  pid=$!
  for i in $(seq 1 50); do grep -q READY /tmp/model-$model.log && break; sleep 0.2; done
  taskset -c 1 wrk -t1 -c256 -d3s http://127.0.0.1:$port/plaintext > /dev/null 2>&1
  p=$(taskset -c 1 wrk -t1 -c256 -d8s --latency http://127.0.0.1:$port/plaintext)
  s=$(taskset -c 1 wrk -t1 -c256 -d8s --latency http://127.0.0.1:$port/sleep)
  echo "$model plaintext: $(echo "$p" | awk '/Requests\/sec/ {print $2}') req/s p99 $(echo "$p" | awk '/ 99%/ {print $2}') $(echo "$p" | grep -E 'Socket errors|Non-2xx' | tr '\n' ' ')"
  echo "$model sleep10ms: $(echo "$s" | awk '/Requests\/sec/ {print $2}') req/s p99 $(echo "$s" | awk '/ 99%/ {print $2}') $(echo "$s" | grep -E 'Socket errors|Non-2xx' | tr '\n' ' ')"
  kill $pid; wait $pid 2>/dev/null
done
