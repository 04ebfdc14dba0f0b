# shellcheck shell=bash
# Stand-ins for the Dockerfile's base images, which cannot be pulled here: Debian bookworm root file
# systems made by mmdebstrap from the machine's apt sources, registered in buildah's storage as
# manifest lists under exactly the FROM lines' names, so `buildah build --pull-never` picks the
# instance for each stage's platform. Sourced by tests/image.sh (needs its `b`, `say`, `fail`).
#
#   sdk:*          the build machine's architecture: Debian + ICU, tzdata, ca-certificates, this
#                  machine's .NET SDK, its CA bundle ($SSL_CERT_FILE, e.g. a TLS proxy's CA), its
#                  NuGet.Config and NUGET_*/proxy variables, so restore reaches NuGet as it does here.
#   runtime-deps:* per architecture: glibc and libzstd1 (the Dockerfile copies the target's libzstd).
#   runtime:*      per architecture, as the chiseled image: glibc, libstdc++, OpenSSL, zlib, no shell,
#                  no libzstd, no tzdata, no ICU (DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true); the
#                  build machine's instance carries its shared .NET runtime (the arm64 one has none:
#                  nothing runs in it without an emulator, the test only reads its files).
#
# The mmdebstrap tarballs are cached in $ARCHIVER_IMAGE_CACHE (default /var/cache/archiver-image),
# keyed by architecture, package list and apt sources; delete that directory to refresh them.

standin_cache=${ARCHIVER_IMAGE_CACHE:-/var/cache/archiver-image}
build_arch=$(dpkg --print-architecture)
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
# The Debian sources this machine installs from (deb822 or one-line), else the public mirror.
debian_sources=$(grep -lsE '^(URIs:|deb) .*debian' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list | head -1 || true)

# ARCH VARIANT PACKAGES(comma-separated) → prints the path of a tarball of that root file system.
debian_rootfs() {
  local key out
  key=$(printf '%s\n' bookworm "$@" "$(cat "$debian_sources" 2>/dev/null)" | sha256sum | cut -c1-16)
  out=$standin_cache/bookworm-$1-$2-$key.tar
  if [ ! -s "$out" ]; then
    mkdir -p "$standin_cache"
    if ! mmdebstrap --quiet --format=tar --variant="$2" --architectures="$1" --include="$3" \
         bookworm "$out.partial" "${debian_sources:-http://deb.debian.org/debian}" >"$out.log" 2>&1; then
      cat "$out.log" >&2; fail "mmdebstrap could not make a bookworm $1 root file system with $3 (log above)"
    fi
    mv "$out.partial" "$out"
    rm -f "$out.log"
  fi
  echo "$out"
}

# ARCH TARBALL → a working container from scratch with the tarball unpacked; sets ctr and root.
standin_begin() {
  ctr=$(b from --quiet --arch "$1" scratch)
  b config --arch "$1" --os linux "$ctr"
  root=$(b mount "$ctr")
  tar -C "$root" --numeric-owner -xpf "$2"
}
# NAME → commits the working container as NAME.
standin_commit() {
  b umount "$ctr" >/dev/null
  b commit --quiet "$ctr" "$1" >/dev/null
  b rm "$ctr" >/dev/null
}

standin_sdk() { # NAME ARCH
  standin_begin "$2" "$(debian_rootfs "$2" essential ca-certificates,libicu72,libssl3,libstdc++6,zlib1g,tzdata)"
  mkdir -p "$root/usr/share/dotnet" "$root/root/.nuget/NuGet"
  cp -a "$dotnet_root/." "$root/usr/share/dotnet/"
  ln -s ../share/dotnet/dotnet "$root/usr/bin/dotnet"
  cp "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$root/etc/ssl/certs/ca-certificates.crt"
  if [ -f "$HOME/.nuget/NuGet/NuGet.Config" ]; then cp "$HOME/.nuget/NuGet/NuGet.Config" "$root/root/.nuget/NuGet/"; fi
  local env=(--env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt --env DOTNET_NOLOGO=true --env DOTNET_CLI_TELEMETRY_OPTOUT=1)
  while IFS= read -r kv; do env+=(--env "$kv"); done < <(env | grep -E '^(NUGET_[A-Z_]+|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)=' || true)
  b config "${env[@]}" "$ctr"
  standin_commit "$1"
}

standin_runtime_deps() { # NAME ARCH
  standin_begin "$2" "$(debian_rootfs "$2" extract base-files,libc6,libzstd1)"
  standin_commit "$1"
}

standin_runtime() { # NAME ARCH
  standin_begin "$2" "$(debian_rootfs "$2" extract base-files,libc6,libgcc-s1,libstdc++6,libssl3,zlib1g)"
  if compgen -G "$root/usr/lib/*/libzstd.so*" >/dev/null || [ -e "$root/usr/share/zoneinfo" ] || compgen -G "$root/usr/lib/*/libicu*" >/dev/null || [ -e "$root/bin/sh" ]; then
    fail "the runtime stand-in must have no libzstd, tzdata, ICU or shell, as the chiseled image"
  fi
  if [ "$2" = "$build_arch" ]; then
    mkdir -p "$root/usr/share/dotnet/shared"
    cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$root/usr/share/dotnet/"
    cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$root/usr/share/dotnet/shared/"
    ln -s ../share/dotnet/dotnet "$root/usr/bin/dotnet"
  fi
  b config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env APP_UID=1654 \
    --env DOTNET_RUNNING_IN_CONTAINER=true --env DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true --user 1654 "$ctr"
  standin_commit "$1"
}

# Registers a stand-in for every FROM image of DOCKERFILE; ARCHES are the target architectures.
standins_for() { # DOCKERFILE ARCHES...
  local dockerfile=$1 name kind arch t; shift
  for name in $(awk 'toupper($1) == "FROM" { for (i = 2; i <= NF; i++) if ($i !~ /^--/) { print $i; break } }' "$dockerfile" | sort -u); do
    case "$name" in
      */dotnet/sdk:*) kind=sdk ;;
      */dotnet/runtime-deps:*) kind=runtime_deps ;;
      */dotnet/runtime:*) kind=runtime ;;
      *) fail "$dockerfile: no stand-in for FROM $name; add one to tests/image/standins.sh" ;;
    esac
    t=$(date +%s)
    b manifest create "$name" >/dev/null
    for arch in $([ $kind = sdk ] && echo "$build_arch" || echo "$@"); do
      "standin_$kind" "localhost/standin/$kind:$arch" "$arch"
      b manifest add "$name" "localhost/standin/$kind:$arch" >/dev/null
    done
    say "stand-in $name: $kind for $([ $kind = sdk ] && echo "$build_arch" || echo "$*") ($(( $(date +%s) - t )) s)"
  done
}
