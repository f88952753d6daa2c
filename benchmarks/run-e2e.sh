#!/usr/bin/env bash
# End-to-end figures against real processes: starts the demo (server + agent on the embedded
# defaults), then measures entry -> workload propagation, agent resident memory with 100 SVIDs, and
# agent cold start (resuming its stored identity). Build first: ./mvnw -q install -DskipTests
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
run() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" "$@" 2>/dev/null; }
WORK="$(mktemp -d /tmp/signet-e2e.XXXXXX)"
export SIGNET_DEMO_DIR="$WORK" SIGNET_DEMO_PORT="${SIGNET_DEMO_PORT:-18443}" SPIFFE_ENDPOINT_SOCKET="$WORK/agent.sock"
"$DIST/bin/signet-demo" > "$WORK/demo.log" 2>&1 &
DEMO=$!
stop() { kill "$DEMO" 2>/dev/null || true; wait "$DEMO" 2>/dev/null || true; pkill -f "$WORK" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 1 120); do [ -S "$WORK/agent.sock" ] && break; sleep 0.5; done
sleep 1
echo "== propagation (push)"
run dev.signet.benchmarks.PropagationLoad "$WORK/server/api.sock" "$WORK/agent.sock" example.org /demo-node "${PROPAGATION_COUNT:-100}"
echo "== agent memory with 100 more SVIDs"
run dev.signet.benchmarks.EntrySeeder "$WORK/server/api.sock" example.org /demo-node 100 unix:uid:7
for _ in $(seq 1 60); do grep -qE "synced (2|3)[0-9]{2} entries" "$WORK/demo.log" && break; sleep 0.5; done
sleep 3
AGENT_PID="$(pgrep -f "AgentMain run.*$WORK" | head -1)"
grep -E "VmRSS|VmHWM" "/proc/$AGENT_PID/status" | tr -s ' \t' ' ' | tr '\n' ' '; echo "(agent, $(grep -cE 'synced' "$WORK/demo.log") syncs)"
echo "== agent cold start (stored identity)"
kill "$AGENT_PID"; sleep 1
run dev.signet.benchmarks.AgentColdStart "$WORK/agent2.sock" "$DIST/bin/signet-agent" run \
  -config "$DIST/conf/agent/agent.conf" -dataDir "$WORK/agent" -serverPort "$SIGNET_DEMO_PORT" \
  -trustBundle "$WORK/bootstrap.crt" -socketPath "$WORK/agent2.sock"
