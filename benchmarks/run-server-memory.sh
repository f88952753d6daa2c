#!/usr/bin/env bash
# The server's memory (issue 23): a fresh server on the embedded SQLite datastore, then VmRSS before and after a
# full GC (jcmd GC.run), the live heap after it (GC.heap_info) and a class histogram, idle, at 20,000 and at
# 100,000 entries seeded over the admin socket in batches of 500 (dev.signet.benchmarks.EntrySeeder).
# Arguments: [label (server-memory)] [extra JVM flags for the server (SIGNET_JAVA_OPTS)...]
# Files (histograms, heap, /proc status) go to target/<label>/. Needs jcmd beside $JAVA.
# Build first: ./mvnw -q -o -pl packaging,benchmarks -am package -DskipTests
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
label="${1:-server-memory}"; shift || true
export SIGNET_JAVA_OPTS="$*"
W="$PWD/target/$label"; rm -rf "$W"
JCMD="$(dirname "$JAVA")/jcmd"
start_server "$DIST" "$W" || exit 1
PID=$SERVER_PID
sleep 5
figure() {
  local before_gc; before_gc=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
  "$JCMD" $PID GC.heap_info > "$W/heapbefore-$1.txt"
  "$JCMD" $PID GC.run >/dev/null
  sleep 2
  local used; used=$("$JCMD" $PID GC.heap_info | awk '/DefNew|Tenured|garbage-first heap/ {for(i=1;i<=NF;i++) if($i=="used") print $(i+1)}' | tr -d 'K,' | paste -sd+ | bc)
  local rss; rss=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
  printf '%s %s: VmRSS before GC.run %d MB; after: live heap %d MB, VmRSS %d MB\n' "$label" "$1" $((before_gc/1024)) $((used/1024)) $((rss/1024)) | tee -a "$W/figures.txt"
  "$JCMD" $PID GC.class_histogram > "$W/histo-$1.txt"
  awk -v l="$label $1" '/^Total/ {printf "%s: live objects (class histogram) %d MB\n", l, $3 / 1048576}' "$W/histo-$1.txt" \
    | tee -a "$W/figures.txt"
  "$JCMD" $PID GC.heap_info > "$W/heap-$1.txt"
  "$JCMD" $PID VM.native_memory summary > "$W/nmt-$1.txt" 2>/dev/null
  grep -E 'VmRSS|RssAnon|RssFile' /proc/$PID/status > "$W/status-$1.txt"
}
figure idle
"${QUIET_JAVA[@]}" dev.signet.benchmarks.EntrySeeder "$W/api.sock" example.org /seed-node 20000 unix:uid: 500 100000
sleep 20; figure 20k
"${QUIET_JAVA[@]}" dev.signet.benchmarks.EntrySeeder "$W/api.sock" example.org /seed-node 80000 unix:uid: 500 120000
sleep 20; figure 100k
kill $PID; wait $PID
