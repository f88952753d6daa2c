#!/usr/bin/env bash
# Acknowledged entry creates per second through the admin API (one entry per BatchCreateEntry call), on a
# fresh server with an embedded store: SQLite (the default) or, with DB=h2, H2. Build first:
# ./mvnw -q install -DskipTests.
# Arguments: [signet home (default: this checkout's packaging/target/signet)] [calls] [concurrency...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HOME_DIR="${1:-$DIST}"; CALLS="${2:-2000}"; shift $(( $# > 2 ? 2 : $# )) || true
WORK="$(mktemp -d /tmp/signet-create.XXXXXX)"
DB="${DB:-sqlite3}"
cat > "$WORK/server.conf" <<CONF
server {
    bind_address = "127.0.0.1"
    bind_port = "18991"
    socket_path = "$WORK/api.sock"
    trust_domain = "example.org"
    data_dir = "$WORK/data"
    log_level = "WARN"
}
plugins {
    DataStore "sql" {
        plugin_data {
            database_type = "$DB"
            connection_string = "$WORK/data/datastore$([ "$DB" = sqlite3 ] && echo .sqlite3)"
        }
    }
    NodeAttestor "join_token" {
        plugin_data {}
    }
    KeyManager "disk" {
        plugin_data {
            keys_path = "$WORK/data/keys.json"
        }
    }
}
CONF
"$HOME_DIR/bin/signet-server" run -config "$WORK/server.conf" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do [ -S "$WORK/api.sock" ] && break; sleep 0.5; done
sleep 1
for c in "${@:-1 4}"; do
  for n in $c; do
    "$JAVA" -cp "$CP" dev.signet.benchmarks.EntryCreateLoad \
      "$WORK/api.sock" example.org "$CALLS" "$n" 2>"$WORK/load.err" || { cat "$WORK/load.err" "$WORK/server.log" >&2; exit 1; }
  done
done
