#!/usr/bin/env bash
# Lays out what the OCI images are made of, without a container runtime or a registry:
#   <out>/base.tar   a `docker save`-format base image that Jib takes as `tar://` base, two layers:
#                    1. a distroless-style root from Debian 12 packages (glibc, libgcc, zlib, CA certificates,
#                       tzdata; /etc/passwd with root and nonroot 65532, /tmp, /var/lib/signet owned by 65532)
#                    2. the jlink'ed Java runtime at /opt/signet/runtime
#   <out>/app/       the distribution (lib/, conf/, licences) at /opt/signet, Java argument files
#                    /opt/signet/lib/<binary>.args for the images' entrypoints, and /etc/signet/*.conf
# Usage: assemble.sh <dist dir> <runtime dir> <out dir> <deb cache dir>
# The runtime dir is the packaging module's jlink output (target/signet-runtime), the same runtime the tarball
# ships; the distribution's own runtime/ copy is not taken twice.
# Reproducible: every tar is sorted, owned by numeric ids and dated SOURCE_DATE_EPOCH (default 0); the Debian
# packages are the candidates of the machine's apt lists, kept in the deb cache dir between builds.
set -euo pipefail
DIST="$(cd "$1" && pwd -P)"
RUNTIME="$2"
OUT="$3"
DEBS="$4"
EPOCH="${SOURCE_DATE_EPOCH:-0}"
PACKAGES=(libc6 libgcc-s1 zlib1g ca-certificates tzdata netbase)
NONROOT=65532

rm -rf "$OUT"
mkdir -p "$OUT" "$DEBS"
OUT="$(cd "$OUT" && pwd)"

# Reproducible tars owned by root (the build itself need not run as root): $1 -c or -r, $2 root directory,
# $3 output tar, then tar options and members.
layer_tar() {
  local mode="$1" dir="$2" out="$3"
  shift 3
  tar --sort=name --mtime="@$EPOCH" --numeric-owner --owner=0 --group=0 --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$dir" "$mode" -f "$out" "$@"
}

# 1. the base root from Debian packages (apt-get download works unprivileged; the .debs are cached by version)
base="$OUT/rootfs-base"
mkdir -p "$base"
for package in "${PACKAGES[@]}"; do
  version="$(apt-cache show --no-all-versions "$package" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)"
  if [[ -z "$version" && $(id -u) -eq 0 && -z "${apt_updated:-}" ]]; then
    # a fresh machine has no apt lists yet: fetch them once (root only, as tools/test does for its packages)
    apt-get update -q >/dev/null
    apt_updated=1
    version="$(apt-cache show --no-all-versions "$package" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)"
  fi
  if [[ -z "$version" ]]; then
    echo "assemble: apt knows no package $package: run apt-get update" >&2
    exit 1
  fi
  deb="$(find "$DEBS" -maxdepth 1 -name "${package}_$(printf '%s' "${version#*:}" | sed 's/[.~+]/\\&/g')_*.deb" -print -quit)"
  if [[ -z "$deb" ]]; then
    (cd "$DEBS" && apt-get download -q "$package=$version" >/dev/null 2>&1) \
      || { echo "assemble: apt-get download $package=$version failed" >&2; exit 1; }
    deb="$(ls -t "$DEBS/${package}_"*.deb | head -n 1)"
  fi
  dpkg-deb -x "$deb" "$base"
  mkdir -p "$base/var/lib/dpkg/status.d"
  dpkg-deb -f "$deb" > "$base/var/lib/dpkg/status.d/$package" # what the image holds, for scanners
done
# keep the licences (copyright files), drop the rest of the documentation, the iconv modules (Java does not
# use them) and the maintainer scripts' helpers
find "$base/usr/share/doc" -type f ! -name copyright -delete
find "$base/usr/share/doc" -type l -delete
rm -rf "$base/usr/share/man" "$base/usr/share/info" "$base/usr/share/lintian" "$base/usr/share/locale" \
  "$base/usr/lib/x86_64-linux-gnu/gconv" "$base/usr/lib/aarch64-linux-gnu/gconv" "$base/usr/sbin" "$base/usr/bin" \
  "$base/sbin" "$base/bin" "$base/etc/init.d"
# what update-ca-certificates would write: every certificate of the package in one PEM file
mkdir -p "$base/etc/ssl/certs"
find "$base/usr/share/ca-certificates" -name '*.crt' | LC_ALL=C sort | xargs cat > "$base/etc/ssl/certs/ca-certificates.crt"
cat > "$base/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:$NONROOT:$NONROOT:nonroot:/home/nonroot:/sbin/nologin
PASSWD
cat > "$base/etc/group" <<GROUP
root:x:0:
nogroup:x:65534:
nonroot:x:$NONROOT:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n' > "$base/etc/nsswitch.conf"
# the packages are the build machine's release: say which (scanners read it)
debian_version="$(. /etc/os-release && echo "${VERSION_ID:-unknown}")"
printf 'PRETTY_NAME="Signet base (Debian GNU/Linux %s packages)"\nID=debian\nVERSION_ID="%s"\n' "$debian_version" "$debian_version" > "$base/etc/os-release"
mkdir -p "$base/tmp" "$base/root" "$base/home/nonroot" "$base/var/lib/signet"
chmod 1777 "$base/tmp"
chmod 0700 "$base/root" "$base/home/nonroot" "$base/var/lib/signet"
# everything root's but the two directories the non-root user owns, appended with that owner
layer_tar -c "$base" "$OUT/layer-base.tar" --exclude=./home/nonroot --exclude=./var/lib/signet .
layer_tar -r "$base" "$OUT/layer-base.tar" --owner="$NONROOT" --group="$NONROOT" --no-recursion ./home/nonroot ./var/lib/signet

# 2. the Java runtime
runtime_root="$OUT/rootfs-runtime"
mkdir -p "$runtime_root/opt/signet"
if [[ ! -x "$RUNTIME/bin/java" ]]; then
  echo "assemble: no Java runtime at $RUNTIME: the packaging module links it (packaging/src/build/jlink-runtime.sh)" >&2
  exit 1
fi
cp -a "$RUNTIME" "$runtime_root/opt/signet/runtime"
rm -f "$runtime_root/opt/signet/runtime/.signet-stamp" # the packaging module's up-to-date marker
layer_tar -c "$runtime_root" "$OUT/layer-runtime.tar" .

# 3. the base image, as `docker save` writes it
base_digest="$(sha256sum "$OUT/layer-base.tar" | cut -d' ' -f1)"
runtime_digest="$(sha256sum "$OUT/layer-runtime.tar" | cut -d' ' -f1)"
created="$(date -u -d "@$EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
arch="$(dpkg --print-architecture)"
cat > "$OUT/config.json" <<CONFIG
{"architecture":"$arch","os":"linux","created":"$created",
 "config":{"User":"$NONROOT:$NONROOT","Env":["PATH=/opt/signet/runtime/bin:/usr/local/bin:/usr/bin:/bin","SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],"WorkingDir":"/var/lib/signet"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$base_digest","sha256:$runtime_digest"]},
 "history":[{"created":"$created","created_by":"assemble.sh: Debian 12 packages ${PACKAGES[*]}"},{"created":"$created","created_by":"assemble.sh: jlink runtime"}]}
CONFIG
printf '[{"Config":"config.json","RepoTags":["signet-base:local"],"Layers":["layer-base.tar","layer-runtime.tar"]}]\n' > "$OUT/manifest.json"
(cd "$OUT" && tar --sort=name --mtime="@$EPOCH" --numeric-owner --owner=0 --group=0 -cf base.tar manifest.json config.json layer-base.tar layer-runtime.tar)
rm -rf "$base" "$runtime_root" "$OUT/layer-base.tar" "$OUT/layer-runtime.tar"

# 4. the application: the distribution at /opt/signet (without bin/: the image has no shell; without runtime/:
# layer 2 has it at the same place; without the systemd units), configs in
# /etc/signet, and per binary a Java argument file with exactly the command the bin/ launcher would run,
# taken from the launcher itself through a stand-in java that prints its arguments
app="$OUT/app"
mkdir -p "$app/opt/signet" "$app/etc/signet"
(cd "$DIST" && find . -mindepth 1 -maxdepth 1 ! -name bin ! -name runtime ! -name systemd ! -name data -exec cp -a {} "$app/opt/signet/" \;)
# the class-data sharing archives and AOT caches were dumped by the build machine's JDK, which the image does not hold
# (and the argument files below do not name them)
rm -f "$app"/opt/signet/lib/*.jsa "$app"/opt/signet/lib/*.aot
cp "$DIST/conf/server/server.conf" "$DIST/conf/agent/agent.conf" "$DIST/conf/gateway/gateway.conf" "$app/etc/signet/"
printer="$OUT/java-printer"
cat > "$printer" <<'PRINTER'
#!/usr/bin/env bash
# answers the launcher's version probe, then prints the arguments it is given, one quoted per line
if [[ "$*" == "-XshowSettings:properties -version" ]]; then echo "    java.specification.version = 25" >&2; exit 0; fi
for argument in "$@"; do
  argument="${argument//\\/\\\\}"; printf '"%s"\n' "${argument//\"/\\\"}"
done
PRINTER
chmod +x "$printer"
for binary in signet-server signet-agent signet-gateway signet-controller-manager; do
  SIGNET_JAVA="$printer" SIGNET_CDS=0 SIGNET_JAVA_OPTS="" "$DIST/bin/$binary" \
    | sed "s|$DIST|/opt/signet|g" > "$app/opt/signet/lib/$binary.args"
  grep -q '^"dev\.signet\.' "$app/opt/signet/lib/$binary.args" \
    || { echo "assemble: $DIST/bin/$binary did not name a main class" >&2; exit 1; }
done
rm -f "$printer"
echo "assemble: base image $OUT/base.tar ($(du -h "$OUT/base.tar" | cut -f1)), application $app ($(du -sh "$app" | cut -f1))" >&2
