#!/usr/bin/env sh
# The publish command the Dockerfile wraps: framework-dependent Release build into DIR, ReadyToRun
# for the node's architecture (RID, default linux-x64; linux-arm64 for Graviton/Yitian nodes).
# ReadyToRun cut a sweep's CPU by about 20% (no JIT; docs/benchmarks.md) at +3 MiB idle RSS.
#
# DIR also gets what the chiseled base image lacks, so the app needs nothing from it but glibc:
#   libzstd.so.1  Debian's libzstd1 for the RID's architecture (apt-get download libzstd1:ARCH with
#                 a private apt state, so foreign architectures need no dpkg --add-architecture);
#                 loaded before the system's (src/Archiver/Archives/NativeZstd.cs). LIBZSTD=FILE
#                 bundles that file instead (the Dockerfile takes the target image's own).
#   zoneinfo/     the build machine's /usr/share/zoneinfo (tzdata; TZDATA=DIR for another), used
#                 when the system has none (src/Archiver/Policies/TimeZoneData.cs).
# Every bundled library is checked to be built for the RID's architecture.
#
# Usage: [RID=linux-arm64 | TARGETARCH=arm64] deploy/publish.sh DIR
#        [RID=... | TARGETARCH=...] deploy/publish.sh --print-rid   (the RID that would be built)
set -eu

# Docker's TARGETARCH (amd64, arm64) → .NET RID, Debian architecture, ELF e_machine.
rid_for_targetarch() {
  case "$1" in
    amd64) echo linux-x64 ;;
    arm64) echo linux-arm64 ;;
    *) echo "publish.sh: TARGETARCH '$1' is not supported; Archiver is built for amd64 and arm64 nodes" >&2; return 2 ;;
  esac
}
debian_arch_for_rid() {
  case "$1" in
    linux-x64) echo amd64 ;;
    linux-arm64) echo arm64 ;;
    *) echo "publish.sh: RID '$1' is not supported; use linux-x64 or linux-arm64" >&2; return 2 ;;
  esac
}
elf_machine_for_arch() {
  case "$1" in amd64) echo 62 ;; arm64) echo 183 ;; esac
}

if [ -n "${RID:-}" ]; then rid=$RID
elif [ -n "${TARGETARCH:-}" ]; then rid=$(rid_for_targetarch "$TARGETARCH")
else rid=linux-x64
fi
arch=$(debian_arch_for_rid "$rid")
if [ "${1:-}" = "--print-rid" ]; then echo "$rid"; exit 0; fi

out=${1:?usage: deploy/publish.sh OUTPUT_DIR}
cd "$(dirname "$0")/.."
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Fails unless FILE is an ELF object for the architecture being published.
check_arch() {
  machine=$(od -An -t u2 -j 18 -N 2 "$1" 2>/dev/null | tr -d ' ')
  if [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" != '177ELF' ] || [ "$machine" != "$(elf_machine_for_arch "$arch")" ]; then
    echo "publish.sh: ${LIBZSTD:-$1} is not built for $arch (ELF machine ${machine:-none}); it would not load on $arch nodes" >&2
    exit 3
  fi
}

# The native pieces first: a wrong one fails in seconds, before the publish.
if [ -n "${LIBZSTD:-}" ]; then
  cp -L "$LIBZSTD" "$work/libzstd.so.1"
else
  state=${ARCHIVER_APT_STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/archiver/apt}/$arch
  mkdir -p "$state/lists/partial" "$state/archives/partial"
  set -- -q -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state" -o "APT::Architecture=$arch" \
    -o "APT::Architectures::=$arch" -o "APT::Sandbox::User=root"
  if ! { apt-get "$@" update && (cd "$work" && apt-get "$@" download "libzstd1:$arch"); } >"$work/apt.log" 2>&1; then
    cat "$work/apt.log" >&2
    echo "publish.sh: could not download libzstd1:$arch with apt (above). If this machine's package sources have no $arch packages, pass LIBZSTD=/path/to/libzstd.so.1 built for $arch" >&2
    exit 3
  fi
  dpkg-deb -x "$work"/libzstd1_*.deb "$work/root"
  cp -L "$work"/root/usr/lib/*/libzstd.so.1 "$work/libzstd.so.1"
fi
check_arch "$work/libzstd.so.1"

tz=${TZDATA:-/usr/share/zoneinfo}
if [ ! -f "$tz/Asia/Shanghai" ]; then
  echo "publish.sh: no time zone data in $tz; install tzdata (apt-get install tzdata) or pass TZDATA=DIR" >&2
  exit 3
fi
mkdir "$work/zoneinfo"
# Links resolved (-h): the copy must not point outside itself. right/ and posix/ are duplicates.
tar -C "$tz" -h --exclude=./right --exclude=./posix -cf - . | tar -C "$work/zoneinfo" -xf -

dotnet publish src/Archiver/Archiver.csproj -c Release -r "$rid" --self-contained false -o "$out" --nologo -v quiet
cp "$work/libzstd.so.1" "$out/libzstd.so.1"
rm -rf "$out/zoneinfo"
mv "$work/zoneinfo" "$out/zoneinfo"

echo "published $rid to $out: run it with: dotnet $out/archiver.dll --help"
