#!/usr/bin/env bash
# POST /api/v1/policies/evaluate against a real signet-server process (10,000 policy rules, JWT-SVID auth,
# every decision audited) over loopback keep-alive HTTP/1.1. Targets: p99 <= 2 ms, >= 5k decisions/s.
# Build first: ./mvnw -q install -DskipTests. Args: [connections=8] [seconds=20] [warmup=10]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BIN="$DIST/bin"
WORK="$(mktemp -d /tmp/signet-evaluate.XXXXXX)"
"$JAVA" -cp "$CP" dev.signet.benchmarks.BenchmarkPolicies "$WORK/policies"
cat > "$WORK/server.conf" <<CONF
server {
  bind_address = "127.0.0.1"
  bind_port = "18581"
  socket_path = "$WORK/api.sock"
  trust_domain = "example.org"
  data_dir = "$WORK/data"
  log_level = "WARN"
}
plugins {
  DataStore "sql" { plugin_data { database_type = "h2" } }
  KeyManager "memory" { plugin_data {} }
  NodeAttestor "join_token" { plugin_data {} }
}
access_api {
  bind_port = 18580
  policy_dir = "$WORK/policies"
  decision_clients = ["spiffe://example.org/bench/client"]
}
CONF
"$BIN/signet-server" run -config "$WORK/server.conf" > "$WORK/server.log" 2>&1 &
SERVER=$!
stop() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap stop EXIT
for _ in $(seq 1 120); do [ -S "$WORK/api.sock" ] && break; sleep 0.5; done
TOKEN="$("$BIN/signet-server" jwt mint -spiffeID spiffe://example.org/bench/client -audience signet-access -ttl 15m \
  -socketPath "$WORK/api.sock")"
for _ in $(seq 1 60); do curl -sf localhost:18580/ready >/dev/null && break; sleep 0.5; done
"$JAVA" -cp "$CP" dev.signet.benchmarks.EvaluateLoad 127.0.0.1 18580 "$TOKEN" "${1:-8}" "${2:-20}" "${3:-10}"
echo "server: $(grep -E 'VmRSS|VmHWM' /proc/$SERVER/status | tr -s ' \t' ' ' | tr '\n' ' ')"
echo "audit records: $(wc -l < "$WORK/data/audit.log")"
