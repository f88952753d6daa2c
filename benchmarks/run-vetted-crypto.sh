#!/usr/bin/env bash
# Issue 12: `openssl speed -seconds 3 ecdsap256`, then P-256 sign / verify / keygen, X.509-SVID issuance and
# the second-provider check on ACCP and on BouncyCastle, all per CPU-second of one thread, in one run
# (dev.signet.benchmarks.VettedCryptoLoad). Argument: seconds per figure (default 5).
# Build first: ./mvnw -q install -DskipTests
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.signet.benchmarks.VettedCryptoLoad "${1:-5}"
