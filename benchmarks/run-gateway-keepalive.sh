#!/usr/bin/env bash
# Issue 13: keep-alive HTTP requests through signet-gateway's inbound HTTP route versus a direct connection to
# the same upstream, and through ghostunnel v1.8.4 in the same run (dev.signet.benchmarks.GatewayKeepAliveLoad).
# Arguments: seconds (default 20), client connections (default 4), gateway event-loop threads (default 1).
# Build first: ./mvnw -q -o -pl benchmarks -am package -DskipTests
SIGNET_GATEWAY_LOAD=dev.signet.benchmarks.GatewayKeepAliveLoad exec "$(dirname "${BASH_SOURCE[0]}")/run-gateway-handshakes.sh" "$@"
