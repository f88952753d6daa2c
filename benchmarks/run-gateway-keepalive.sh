#!/usr/bin/env bash
# Issue 13: keep-alive HTTP requests through signet-gateway's inbound HTTP route versus a direct connection to
# the same upstream, and through ghostunnel v1.8.4 (built once by tools/go-peers) in the same run
# (dev.signet.benchmarks.GatewayKeepAliveLoad). Arguments: seconds (default 20), client connections (default 4),
# gateway event-loop threads (default 1).
# Build first: ./mvnw -q -o -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
JAVA="$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)"
CP="target/classes:$(cat target/classpath.txt)"
SIGNET_GHOSTUNNEL="$(../tools/go-peers)/ghostunnel"
export SIGNET_GHOSTUNNEL
"$JAVA" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$PWD/logback-quiet.xml" -cp "$CP" dev.signet.benchmarks.GatewayKeepAliveLoad "${1:-20}" "${2:-4}" "${3:-1}"
