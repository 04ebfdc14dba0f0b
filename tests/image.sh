#!/usr/bin/env bash
# The image, built for real and run as the DaemonSet runs it. Needs root and the .NET SDK; no
# Docker engine, no emulator. tests/run.sh runs it.
#   1. installs buildah, mmdebstrap, bubblewrap (and python3-yaml, libcap2-bin) from Debian,
#   2. registers stand-ins for the Dockerfile's FROM images (tests/image/standins.sh) and builds
#      the Dockerfile with `buildah build --isolation chroot --storage-driver vfs --pull-never`
#      for amd64 and arm64, in a private buildah storage removed at exit,
#   3. checks each image's /app is code for its architecture (tests/image/app_arch.py: ELF headers,
#      archiver.dll's ReadyToRun machine),
#   4. runs the amd64 image's own entrypoint and environment with bwrap over its root file system,
#      read-only, as uid 0 with every capability dropped but the rendered DaemonSet's
#      (kubectl kustomize deploy/daemonset, read by tests/image/daemonset.py), /tmp a tmpfs of the
#      emptyDir's size: --version reports the bundled libzstd and time zones; a sweep of a mounted
#      /data archives and deletes another uid's 0600 files (also with only DAC_OVERRIDE + FOWNER),
#      and with no capabilities it cannot read them and deletes nothing; the daemon answers /healthz and
#      /readyz.
# Prints PASS/FAIL per check and stops at the first failure (exit 1).
# Usage: tests/image.sh [--keep | --reuse DIR]
#   --keep       leaves the work directory (buildah storage, logs) for a look
#   --reuse DIR  skips the build and checks the images a --keep run left in DIR (also kept)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
keep=; reuse=
case "${1:-}" in
  --keep) keep=1 ;;
  --reuse) reuse=${2:?usage: tests/image.sh --reuse DIR}; keep=1 ;;
  "") ;;
  *) echo "usage: tests/image.sh [--keep | --reuse DIR]" >&2; exit 2 ;;
esac

say() { echo "image: $*"; }
pass() { echo "PASS image: $*"; }
fail() { echo "FAIL image: $*" >&2; exit 1; }

# ---- 1. Tools -------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || fail "run as root: buildah's chroot isolation, bwrap's capabilities and chown need it"
missing=()
for tool in buildah mmdebstrap bwrap capsh curl jq; do command -v "$tool" >/dev/null || missing+=("$tool"); done
python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends buildah mmdebstrap bubblewrap \
    python3-yaml libcap2-bin curl jq >/dev/null
fi
for tool in kubectl dotnet tar zstd; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (the test suite needs it; see tests/run.sh)"
done

work=${reuse:-$(mktemp -d /var/tmp/archiver-image.XXXXXX)}
b() { buildah --root "$work/storage" --runroot "$work/run" --storage-driver vfs "$@"; }
cleanup() {
  local status=$?
  [ -z "${daemon:-}" ] || kill "$daemon" 2>/dev/null || true
  if [ -n "$keep" ]; then say "kept $work (buildah --root $work/storage --runroot $work/run --storage-driver vfs)"
  else b rm --all >/dev/null 2>&1 || true; rm -rf "$work"; fi
  say "took $(( $(date +%s) - started )) s"
  exit "$status"
}
trap cleanup EXIT

# ---- 2. Stand-in bases and the build ----------------------------------------------------------
# shellcheck source=tests/image/standins.sh
. tests/image/standins.sh
arches=(amd64 arm64)
[ -n "$reuse" ] || standins_for Dockerfile "${arches[@]}"
# BUILDPLATFORM is passed because buildah 1.28 (bookworm) does not set it as BuildKit does, and an
# unset one would make the SDK stage take the target's platform. The publish's NuGet packages are
# cached in $standin_cache/nuget (NuGet checks each package's hash and signature on restore).
mkdir -p "$standin_cache/nuget"
for arch in "${arches[@]}"; do
  [ -z "$reuse" ] || break
  t=$(date +%s)
  if ! b build --isolation chroot --pull-never --platform "linux/$arch" --build-arg "BUILDPLATFORM=linux/$build_arch" \
       --volume "$standin_cache/nuget:/root/.nuget/packages" --tag "localhost/archiver:$arch" \
       --file Dockerfile . >"$work/build-$arch.log" 2>&1; then
    tail -40 "$work/build-$arch.log" >&2; fail "buildah build for $arch failed (log above)"
  fi
  pass "Dockerfile builds for $arch with buildah ($(( $(date +%s) - t )) s)"
done

# The root file system of an image, as a directory; prints its path.
image_root() { local c; c=$(b from --quiet --arch "$1" "localhost/archiver:$1"); b mount "$c"; }

# ---- 3. Each image holds its architecture's code ----------------------------------------------
for arch in "${arches[@]}"; do
  result=$(python3 tests/image/app_arch.py "$arch" "$(image_root "$arch")/app" 2>&1) || fail "$result"
  pass "$result"
done

# ---- 4. The amd64 image, run as the DaemonSet runs it -----------------------------------------
rootfs=$(image_root amd64)
# Mount points, made in the container's copy of the image as a container runtime makes them.
mkdir -p "$rootfs/data" "$rootfs/store" "$rootfs/etc/archiver/policies"
kubectl kustomize deploy/daemonset | python3 tests/image/daemonset.py >"$work/daemonset" || fail "could not read the DaemonSet (above)"
read -r -a manifest_caps <<<"$(sed -n 's/^caps //p' "$work/daemonset")"
read -r -a manifest_args <<<"$(sed -n 's/^args //p' "$work/daemonset")"
tmp_bytes=$(sed -n 's/^tmp_bytes //p' "$work/daemonset")
config=$(b inspect --type image localhost/archiver:amd64 | jq .OCIv1.config)
mapfile -t entrypoint < <(jq -r '.Entrypoint[]' <<<"$config")
mapfile -t run_env < <(jq -r '.Env[]' <<<"$config"; sed -n 's/^env //p' "$work/daemonset"; echo NODE_NAME=image-test-node)
[ "$(jq -r .User <<<"$config")" = 0 ] || fail "the image's USER is $(jq -r .User <<<"$config"), the DaemonSet runs it as uid 0"

# Runs the image's entrypoint with ARGS: root file system read-only, /tmp a tmpfs (the emptyDir),
# $work/data as /data, $work/store as /store, $work/policies as /etc/archiver/policies, uid 0
# with no capability but CAPS (space-separated names), no new privileges, the image's environment
# plus the DaemonSet's.
in_image() { # CAPS ARGS...
  local caps=$1 cap kv; shift
  local opts=(--ro-bind "$rootfs" / --dev /dev --proc /proc --size "$tmp_bytes" --tmpfs /tmp
    --bind "$work/data" /data --bind "$work/store" /store --ro-bind "$work/policies" /etc/archiver/policies
    --unshare-pid --unshare-ipc --unshare-uts --hostname archiver-0 --die-with-parent
    --uid 0 --gid 0 --clearenv --chdir "$(jq -r '.WorkingDir // "" | if . == "" then "/" else . end' <<<"$config")" --cap-drop ALL)
  for cap in $caps; do opts+=(--cap-add "CAP_$cap"); done
  for kv in "${run_env[@]}"; do opts+=(--setenv "${kv%%=*}" "${kv#*=}"); done
  setpriv --no-new-privs bwrap "${opts[@]}" -- "${entrypoint[@]}" "$@"
}
mkdir -p "$work/data" "$work/store" "$work/policies"

version=$(in_image "${manifest_caps[*]}" --version 2>&1) || fail "--version in the image failed: $version"
grep -qx 'zstd: native libzstd .* (bundled: /app/libzstd.so.1)' <<<"$version" || fail "--version does not report the bundled native zstd: $version"
grep -qx 'time zones: /app/zoneinfo (bundled.*' <<<"$version" || fail "--version does not report the bundled time zones: $version"
pass "--version in the image: $(grep -E '^(zstd|time zones):' <<<"$version" | paste -sd ';')"

. tests/image/sweep.sh
sweep_case "the DaemonSet's capabilities (${manifest_caps[*]})" "${manifest_caps[*]}" archives
# DAC_OVERRIDE (read, search, unlink anywhere) and FOWNER (unlink in sticky-bit directories) are
# enough without DAC_READ_SEARCH: proved here even while the manifest grants more.
if [ "$(printf '%s\n' "${manifest_caps[@]}" | sort | paste -sd' ')" != "DAC_OVERRIDE FOWNER" ]; then
  sweep_case "only DAC_OVERRIDE and FOWNER" "DAC_OVERRIDE FOWNER" archives
fi
sweep_case "no capabilities" "" refuses
daemon_case "${manifest_caps[*]}" "${manifest_args[@]}"

say "all image checks passed"
