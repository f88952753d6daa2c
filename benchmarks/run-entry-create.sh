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
trap 'kill ${SERVER_PID:-} 2>/dev/null; wait ${SERVER_PID:-} 2>/dev/null; rm -rf "$WORK"' EXIT
start_server "$HOME_DIR" "$WORK" "$DB"
sleep 1
for c in "${@:-1 4}"; do
  for n in $c; do
    "$JAVA" -cp "$CP" dev.signet.benchmarks.EntryCreateLoad \
      "$WORK/api.sock" example.org "$CALLS" "$n" 2>"$WORK/load.err" || { cat "$WORK/load.err" "$WORK/server.log" >&2; exit 1; }
  done
done
