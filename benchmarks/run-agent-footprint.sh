#!/usr/bin/env bash
# The agent's and the admin CLI's footprint beside SPIRE v1.13.3 (issue 16): first SVID after a start with a join
# token and after restarts on the stored identity, agent VmRSS/PSS, and admin CLI wall time
# (dev.signet.benchmarks.sidebyside.AgentFootprint). SPIRE comes from tools/go-peers.
# Arguments: [rounds (2)] [restarts per round (3)] [CLI calls (5)] [systems: both|signet|spire (both)]
# Build first: ./mvnw -q -o -pl packaging,benchmarks -am package -DskipTests
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PEERS="$(go_peers)"
exec "${QUIET_JAVA[@]}" dev.signet.benchmarks.sidebyside.AgentFootprint "$PEERS" "$DIST" \
  "${1:-2}" "${2:-3}" "${3:-5}" "${4:-both}"
