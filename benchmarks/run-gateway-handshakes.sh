#!/usr/bin/env bash
# Issue 13: full mTLS handshakes per second through signet-gateway's inbound TCP route on loopback, and p50/p99
# handshake and round-trip latency (dev.signet.benchmarks.GatewayHandshakeLoad). Arguments: seconds (default 20),
# client threads (default 4), gateway event-loop threads (default 1). The same clients then run against ghostunnel
# v1.8.4 (built once by tools/go-peers from tools/peers/ghostunnel) and the ratios are printed.
# SIGNET_GATEWAY_LOAD names another gateway load driver taking the same arguments (run-gateway-keepalive.sh).
# Build first: ./mvnw -q -o -pl benchmarks -am package -DskipTests
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SIGNET_GHOSTUNNEL="$(go_peers)/ghostunnel"
export SIGNET_GHOSTUNNEL
# The gateway runs in this JVM beside its clients, so the JVM gets the gateway launcher's collector (SerialGC; see
# packaging/src/dist/bin/signet-gateway): under the default G1 the clients' garbage caused young pauses of 5-17 ms
# that landed in the gateway's p99. The heap is larger than the launcher's 64 MB for the clients' sample arrays.
"${QUIET_JAVA[0]}" -XX:+UseSerialGC -Xmx512m "${QUIET_JAVA[@]:1}" \
  "${SIGNET_GATEWAY_LOAD:-dev.signet.benchmarks.GatewayHandshakeLoad}" "${1:-20}" "${2:-4}" "${3:-1}"
