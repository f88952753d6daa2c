#!/usr/bin/env bash
# The agent over a long run of short-lived SVIDs beside SPIRE v1.13.3 (issue 16): VmRSS/PSS growth, rotations seen
# by a workload, agent CPU per renewed SVID (dev.signet.benchmarks.sidebyside.AgentSoak). SPIRE comes from
# tools/go-peers. Both systems run at once, so the run takes [minutes].
# Arguments: [minutes (30)] [x509 TTL seconds (60)] [systems: both|signet|spire (both)]
# Build first: ./mvnw -q -o -pl packaging,benchmarks -am package -DskipTests
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PEERS="$(go_peers)"
exec "${QUIET_JAVA[@]}" dev.signet.benchmarks.sidebyside.AgentSoak "$PEERS" "$DIST" "${1:-30}" "${2:-60}" "${3:-both}"
