# Sourced (not run) by the run-*.sh scripts: what they all start from. Leaves them in the benchmarks folder, with
#   ROOT        the checkout
#   DIST        the built distribution (packaging/target/signet: ./mvnw -q -o -pl packaging -am package -DskipTests)
#   JAVA        the JDK 25 java
#   CP          the benchmarks' classpath (target/classes and target/classpath.txt, written by the package build)
#   QUIET_JAVA  java on that classpath with native access (ACCP, Unix sockets) and logback-quiet.xml, as an array
# and go_peers, which prints the tools/go-peers cache (SPIRE v1.13.3, go-spiffe clients, ghostunnel; built once
# per machine).
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT="$(cd .. && pwd)"
DIST="$ROOT/packaging/target/signet"
JAVA="$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)"
CP="target/classes:$(cat target/classpath.txt)"
QUIET_JAVA=("$JAVA" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$PWD/logback-quiet.xml" -cp "$CP")
go_peers() { "$ROOT/tools/go-peers"; }
