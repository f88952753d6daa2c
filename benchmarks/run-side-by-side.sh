#!/usr/bin/env bash
# Signet beside SPIRE v1.13.3 in one run (issues 11 §4 and 23): both servers and agents from the same SPIRE-style
# configuration files, the same clients (go-spiffe v2.9.0 for the Workload API, spire-api-sdk's Go client for
# MintX509SVID, our gRPC client for the other admin calls and for BatchNewX509SVID), rounds interleaved, medians and
# the ratio Signet / SPIRE printed as a Markdown table (dev.signet.benchmarks.sidebyside.SideBySide). SPIRE and the
# Go clients come from tools/go-peers (built once per machine into its cache).
# Arguments: [rounds (2)] [seeded entries (20000)] [fetch calls (2000)] [propagation entries (20)] [load seconds (5)]
# Build first: ./mvnw -q -o -pl packaging,benchmarks -am package -DskipTests
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PEERS="$(go_peers)"
exec "${QUIET_JAVA[@]}" dev.signet.benchmarks.sidebyside.SideBySide "$PEERS" "$DIST" \
  "${1:-2}" "${2:-20000}" "${3:-2000}" "${4:-20}" "${5:-5}"
