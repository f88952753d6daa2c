#!/usr/bin/env bash
# Runs the X.509-SVID issuance benchmarks and `openssl speed ecdsap256` in one go, so the figures in
# benchmarks/RESULTS.md come from the same machine and the same run. Build first: ./mvnw -q install -DskipTests
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
echo "== openssl speed ecdsap256 (1 thread)"
openssl speed -seconds 3 ecdsap256 2>/dev/null | tail -2
echo "== JMH (1 thread)"
"$JAVA" -cp "$CP" org.openjdk.jmh.Main -t 1 "${@:-Issuance|EcdsaProvider}"
