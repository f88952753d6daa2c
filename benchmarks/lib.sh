# Sourced (not run) by the run-*.sh scripts: what they all start from. Leaves them in the benchmarks folder, with
#   ROOT        the checkout
#   DIST        the built distribution (packaging/target/signet: ./mvnw -q -o -pl packaging -am package -DskipTests)
#   JAVA        the JDK 25 java
#   CP          the benchmarks' classpath (target/classes and target/classpath.txt, written by the package build)
#   QUIET_JAVA  java on that classpath with native access (ACCP, Unix sockets) and logback-quiet.xml, as an array
# and go_peers, which prints the tools/go-peers cache (SPIRE v1.13.3, go-spiffe clients, ghostunnel; built once
# per machine), and start_server, which starts a signet-server on an embedded store and waits for its admin socket.
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT="$(cd .. && pwd)"
DIST="$ROOT/packaging/target/signet"
JAVA="$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)"
CP="target/classes:$(cat target/classpath.txt)"
QUIET_JAVA=("$JAVA" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$PWD/logback-quiet.xml" -cp "$CP")
go_peers() { "$ROOT/tools/go-peers"; }

# start_server <signet home> <work dir> [database_type (sqlite3)]: writes <work dir>/server.conf (admin socket
# <work dir>/api.sock, data in <work dir>/data, a free loopback port, rate limits off, log level WARN), starts the
# server with its output in <work dir>/server.log, sets SERVER_PID and returns once the admin socket exists.
start_server() {
  local home="$1" work="$2" db="${3:-sqlite3}" port=$((20000 + RANDOM % 20000))
  mkdir -p "$work/data"; chmod 700 "$work" "$work/data"
  cat > "$work/server.conf" <<CONF
server {
    bind_address = "127.0.0.1"
    bind_port = "$port"
    socket_path = "$work/api.sock"
    trust_domain = "example.org"
    data_dir = "$work/data"
    log_level = "WARN"
    ca_ttl = "168h"
    default_x509_svid_ttl = "1h"
    ratelimit {
        attestation = false
        signing = false
    }
}
plugins {
    DataStore "sql" {
        plugin_data {
            database_type = "$db"
            connection_string = "$work/data/datastore$([ "$db" = sqlite3 ] && echo .sqlite3)"
        }
    }
    NodeAttestor "join_token" {
        plugin_data {}
    }
    KeyManager "disk" {
        plugin_data {
            keys_path = "$work/data/keys.json"
        }
    }
}
CONF
  "$home/bin/signet-server" run -config "$work/server.conf" > "$work/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do [[ -S "$work/api.sock" ]] && return 0; sleep 0.2; done
  echo "signet-server did not open $work/api.sock within 120 s:" >&2; cat "$work/server.log" >&2; return 1
}
