#!/usr/bin/env bash
# Makes the start-up archives of the distribution from a training run that does what the daemons and the admin CLI do
# for real, on loopback in a temp dir:
# - lib/ServerDaemon.aot, the server daemon's AOT cache, written by the training server itself as it exits;
# - lib/ServerCli.aot, the AOT cache of signet-server's admin verbs (class path: the signet-server-cli jar), from one
#   JVM that makes the common admin calls one after another against that server (the hidden `cli-training` verb:
#   picocli, the one-shot gRPC client, the entry and agent messages and printers, an error's path);
# - lib/ServerMain.jsa, the class-data sharing archive of signet-server's other verbs (whole class path), from a
#   `validate` of the training configuration;
# - lib/AgentMain.jsa, the agent's archive: an agent attests with a join token and the archive is dumped by a restart
#   on its stored identity that serves an X509-SVID and syncs (config, logging, ACCP, TLS to the server, the stored
#   SVIDs, the Workload API server, the sync). An archive trained by a CLI call that fails to connect covered about
#   half of the classes the agent loads on start-up; this one covers nine tenths, and about halves the CPU time of a
#   restart to its first SVID (benchmarks/RESULTS.md, issue 16);
# - lib/AgentCli.aot, the AOT cache of signet-agent's CLI verbs, from an `api fetch x509` answered by that restarted
#   agent.
# The servers' processes are started without an archive (none is mapped while one is written).
# When any step fails, the CLI archives are made from failing CLI calls instead, so a build never depends on the
# training run; the reason is printed.
# Usage: train-archives.sh <distribution directory>
set -euo pipefail
dist="$(cd "$1" && pwd)"
bin="$dist/bin"
work="$(mktemp -d "${TMPDIR:-/tmp}/signet-train.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
rm -f "$dist/lib/ServerMain.jsa" "$dist/lib/ServerCli.aot" "$dist/lib/AgentMain.jsa" "$dist/lib/AgentCli.aot" \
  "$dist/lib/ServerDaemon.aot"

fallback() {
  echo "train-archives: $1; archives made from failing CLI calls instead" >&2
  SIGNET_AOT_DUMP=1 "$bin/signet-server" entry show -socketPath "$work/no-such-dir/api.sock" >/dev/null 2>&1 || true
  SIGNET_CDS_DUMP=1 "$bin/signet-server" validate -config "$work/no-such-dir/server.conf" >/dev/null 2>&1 || true
  SIGNET_CDS_DUMP=1 "$bin/signet-agent" api fetch x509 -socketPath "$work/no-such-dir/api.sock" >/dev/null 2>&1 || true
  SIGNET_AOT_DUMP=1 "$bin/signet-agent" api fetch x509 -socketPath "$work/no-such-dir/api.sock" >/dev/null 2>&1 || true
  exit 0
}

# polls "$@" every 0.2 s for up to 120 s while process $pid lives
await() {
  local pid="$1"; shift
  for _ in $(seq 1 600); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

port=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port="$candidate"; break; fi
done
[[ -n "$port" ]] || fallback "no free loopback port"

admin="$work/server/api.sock"
mkdir -p "$work/server" "$work/agent"
chmod 700 "$work/server" "$work/agent"
cat > "$work/server.conf" <<EOF
server {
    bind_address = "127.0.0.1"
    bind_port = "$port"
    socket_path = "$admin"
    trust_domain = "example.org"
    data_dir = "$work/server"
    log_level = "WARN"
}
plugins {
    DataStore "sql" {
        plugin_data {
            database_type = "sqlite3"
            connection_string = "$work/server/datastore.sqlite3"
        }
    }
    NodeAttestor "join_token" {
        plugin_data {}
    }
    KeyManager "disk" {
        plugin_data {
            keys_path = "$work/server/keys.json"
        }
    }
}
EOF
cat > "$work/agent.conf" <<EOF
agent {
    data_dir = "$work/agent"
    log_level = "WARN"
    server_address = "127.0.0.1"
    server_port = "$port"
    socket_path = "$work/agent.sock"
    trust_bundle_path = "$work/bootstrap.crt"
    trust_domain = "example.org"
}
plugins {
    NodeAttestor "join_token" {
        plugin_data {}
    }
    KeyManager "disk" {
        plugin_data {
            directory = "$work/agent"
        }
    }
    WorkloadAttestor "unix" {
        plugin_data {}
    }
}
EOF

# the server daemon's AOT cache (lib/ServerDaemon.aot) is written when this training server exits, at the end
SIGNET_AOT_DUMP=1 "$bin/signet-server" run -config "$work/server.conf" >"$work/server.log" 2>&1 &
server=$!
pids+=("$server")
await "$server" env SIGNET_CDS=0 "$bin/signet-server" healthcheck -socketPath "$admin" || fallback "the training server did not start"
token="$(SIGNET_CDS=0 "$bin/signet-server" token generate -socketPath "$admin" -spiffeID spiffe://example.org/train-node)" \
  || fallback "no join token"
token="${token#Token: }"
SIGNET_CDS=0 "$bin/signet-server" bundle show -socketPath "$admin" >"$work/bootstrap.crt" || fallback "no bundle"
for i in 1 2 3; do
  SIGNET_CDS=0 "$bin/signet-server" entry create -socketPath "$admin" -parentID spiffe://example.org/train-node \
    -spiffeID "spiffe://example.org/train/$i" -selector "unix:uid:$((100000 + i))" >/dev/null || fallback "entry create failed"
done
# The calls every admin verb shares the classes of. A verb outside them (bundle, x509/jwt mint, -output json) reads
# its few own classes from the jars; training on those too made a cache of 42 MB instead of 26, whose classes every
# call loads at start-up: 20-30 ms more for each call, theirs included (benchmarks/RESULTS.md, issue 16).
cat >"$work/cli-calls.txt" <<EOF
entry create -socketPath $admin -parentID spiffe://example.org/train-node -spiffeID spiffe://example.org/train/me -selector unix:uid:$(id -u)
entry show -socketPath $admin
entry count -socketPath $admin
agent list -socketPath $admin
agent count -socketPath $admin
healthcheck -socketPath $admin
!entry show -socketPath $admin -entryID no-such-entry
!agent list -socketPath $work/no-such-dir/api.sock
EOF
SIGNET_AOT_DUMP=1 "$bin/signet-server" cli-training -calls "$work/cli-calls.txt" >/dev/null || fallback "the admin calls' training failed"
[[ -s "$dist/lib/ServerCli.aot" ]] || fallback "the admin CLI wrote no AOT cache"
SIGNET_CDS_DUMP=1 "$bin/signet-server" validate -config "$work/server.conf" >/dev/null || fallback "validate failed"

fetch() { SIGNET_CDS=0 "$bin/signet-agent" api fetch x509 -socketPath "$work/agent.sock"; }
SIGNET_CDS=0 "$bin/signet-agent" run -config "$work/agent.conf" -joinToken "$token" >"$work/agent-1.log" 2>&1 &
agent=$!
pids+=("$agent")
await "$agent" fetch || fallback "the training agent served no SVID"
kill "$agent"; wait "$agent" 2>/dev/null || true
SIGNET_CDS_DUMP=1 "$bin/signet-agent" run -config "$work/agent.conf" >"$work/agent-2.log" 2>&1 &
agent=$!
pids+=("$agent")
await "$agent" fetch || fallback "the restarted training agent served no SVID"
sleep 2 # the first sync, after the stored SVIDs are served
SIGNET_AOT_DUMP=1 "$bin/signet-agent" api fetch x509 -socketPath "$work/agent.sock" >/dev/null \
  || fallback "the agent CLI's training call failed"
[[ -s "$dist/lib/AgentCli.aot" ]] || fallback "the agent CLI wrote no AOT cache"
kill "$agent"; wait "$agent" 2>/dev/null || true # the archive is written as the JVM exits
[[ -s "$dist/lib/AgentMain.jsa" ]] || fallback "the agent wrote no archive"
# the JVM assembles the AOT cache as it exits (a few seconds); without one the daemon uses lib/ServerMain.jsa
kill "$server"; wait "$server" 2>/dev/null || true
if [[ -s "$dist/lib/ServerDaemon.aot" ]]; then
  echo "train-archives: lib/ServerDaemon.aot from the training server"
else
  echo "train-archives: the training server wrote no AOT cache; the daemon will use lib/ServerMain.jsa" >&2
  tail -5 "$work/server.log" >&2 || true
fi
echo "train-archives: lib/ServerCli.aot, lib/ServerMain.jsa, lib/AgentMain.jsa and lib/AgentCli.aot from a server, an agent and a restart on 127.0.0.1:$port"
