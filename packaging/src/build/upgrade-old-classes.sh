#!/usr/bin/env bash
# Rewrites the class files older than Java 6 of the distribution's jars (picocli's, among others) so that the class-data
# sharing archives and AOT caches can hold them (UpgradeOldClassFiles.java).
# Usage: upgrade-old-classes.sh <lib directory>
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/build-jdk.sh"
exec "$jdk/bin/java" "$(dirname "${BASH_SOURCE[0]}")/UpgradeOldClassFiles.java" "$1"
