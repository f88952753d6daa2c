#!/usr/bin/env bash
# Runs the Workload API fetch load driver (FetchX509SVID first response over a real Unix socket) with the
# unix attestor, or with docker / k8s against local stand-ins (those move this JVM into a container-named
# cgroup v1 pids cgroup: root). Build first: ./mvnw -q install -DskipTests.
# Arguments: [sequentialCalls] [concurrency] [seconds] [unix|docker|k8s]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
exec "$JAVA" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
  -cp "$CP" dev.signet.benchmarks.WorkloadFetchLoad "$@"
