# shellcheck shell=bash
# The image at work, through tests/image.sh's in_image (sourced by it).
#   sweep_case LABEL CAPS archives|refuses: a one-shot sweep of /data whose pod directory holds
#     uid 4242's files, mode 0600 in 0700 directories (as a pod running as another user leaves
#     them; also a sticky-bit directory), to a file:// store, with only CAPS. `archives`: exit 0, one .tar.zst that GNU tar
#     extracts to the same bytes, owners and modes, and the directory is gone. `refuses`: a
#     non-zero exit naming the permission error, the directory untouched and no archive stored.
#   daemon_case CAPS ARGS...: the daemon with the DaemonSet's ARGS (--listen moved to a free port
#     on 127.0.0.1) answers /healthz and /readyz, runs with exactly CAPS and no new privileges,
#     and exits 0 on SIGTERM.

pod_uid=4242

# DIR, with files written an hour ago (by this machine's clock), and a sticky-bit directory
# holding a file of yet another uid (deleting it takes FOWNER).
make_pod_dir() {
  mkdir -p "$1/logs" "$1/shared"
  head -c 3145728 /dev/urandom >"$1/data.bin"
  seq 1 20000 | sed 's/^/GET \/index.html 200 /' >"$1/logs/app.log"
  : >"$1/logs/empty"
  echo lock >"$1/shared/sidecar.lock"
  find "$1" -type f -exec chmod 0600 {} +
  chown -R "$pod_uid:$pod_uid" "$1"
  chown $(( pod_uid + 1 )):$(( pod_uid + 1 )) "$1/shared/sidecar.lock"
  chmod 0700 "$1" "$1/logs"
  chmod 1777 "$1/shared"
  find "$1" -depth -exec touch -h -d "@$(( $(date +%s) - 3600 ))" {} +
}

# Paths, owners, modes and sizes under DIR, one line each.
tree_listing() { (cd "$1" && find . -mindepth 1 -printf '%P %U:%G %m %s\n' | sort); }

sweep_case() { # LABEL CAPS archives|refuses
  local label=$1 caps=$2 expect=$3 rc=0 archives
  rm -rf "$work/data" "$work/store" "$work/source" "$work/extracted"
  mkdir -p "$work/data" "$work/store" "$work/extracted"
  make_pod_dir "$work/data/web-0"
  cp -a "$work/data/web-0" "$work/source"
  in_image "$caps" sweep --root /data --store file:///store --idle-for 10m --liveness none --format tar.zst \
    >"$work/sweep.out" 2>&1 || rc=$?
  archives=$(find "$work/store" -name '*.tar.zst')
  if [ "$expect" = archives ]; then
    [ "$rc" = 0 ] || fail "sweep with $label exited $rc: $(cat "$work/sweep.out")"
    [ "$(wc -l <<<"$archives")" = 1 ] && [ -n "$archives" ] || fail "sweep with $label: expected one .tar.zst in the store, found: ${archives:-none}"
    tar --zstd --same-owner -xpf "$archives" -C "$work/extracted" || fail "GNU tar cannot extract $archives"
    local top; top=$(find "$work/extracted" -name data.bin -printf '%h\n')
    diff -r "$work/source" "$top" >/dev/null || fail "sweep with $label: $archives does not extract to the source's bytes"
    diff <(tree_listing "$work/source") <(tree_listing "$top") >&2 || fail "sweep with $label: owners, modes or sizes differ (above)"
    [ ! -e "$work/data/web-0" ] || fail "sweep with $label: /data/web-0 is still there after archiving"
    pass "sweep with $label: uid $pod_uid's 0600 files archived (GNU tar extracts the same bytes, owners, modes) and deleted"
  else
    [ "$rc" != 0 ] || fail "sweep with $label exited 0; it must not read uid $pod_uid's 0600 files: $(cat "$work/sweep.out")"
    grep -qi 'permission denied' "$work/sweep.out" || fail "sweep with $label failed without naming the permission error: $(cat "$work/sweep.out")"
    diff -r "$work/source" "$work/data/web-0" >/dev/null && diff <(tree_listing "$work/source") <(tree_listing "$work/data/web-0") >/dev/null \
      || fail "sweep with $label changed /data/web-0"
    [ -z "$archives" ] || fail "sweep with $label stored $archives"
    pass "sweep with $label: cannot read uid $pod_uid's 0600 files (exit $rc, permission denied), nothing deleted or stored"
  fi
}

# The comma-separated capability NAMES, sorted (capsh --decode's spelling).
cap_names() { tr , '\n' <<<"$1" | sed '/^$/d' | sort | paste -sd,; }

# PIDS of the processes under PID.
descendants() { ps -e -o pid=,ppid= | awk -v root="$1" '{ parent[$1] = $2 } END { for (p in parent) for (q = p; q in parent; q = parent[q]) if (parent[q] == root) { print p; break } }'; }

daemon_case() { # CAPS ARGS...
  local caps=$1 port i pid="" status=0; shift
  local args=("$@")
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  for i in "${!args[@]}"; do [ "${args[$i]}" != --listen ] || args[i+1]=127.0.0.1:$port; done
  cat >"$work/policies/image-test.yaml" <<YAML
name: image-test
root: /data
layout: "{pod}"
idleFor: 24h
schedule: "0 0 1 1 *"
liveness:
  source: none
store:
  url: file:///store
format: tar.zst
afterUpload: delete
YAML
  in_image "$caps" "${args[@]}" >"$work/daemon.out" 2>&1 &
  daemon=$!
  for i in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port/healthz" >"$work/healthz" 2>/dev/null && break
    kill -0 "$daemon" 2>/dev/null || fail "the daemon exited: $(cat "$work/daemon.out")"
    sleep 1
  done
  [ -s "$work/healthz" ] || fail "the daemon did not answer /healthz on 127.0.0.1:$port in 60 s: $(cat "$work/daemon.out")"
  for i in $(seq 1 30); do curl -fsS "http://127.0.0.1:$port/readyz" >"$work/readyz" 2>/dev/null && break; sleep 1; done
  [ -s "$work/readyz" ] || fail "the daemon answers /healthz but not /readyz in 30 s: $(cat "$work/daemon.out")"
  for i in $(descendants "$daemon"); do [[ "$(readlink "/proc/$i/exe" 2>/dev/null)" != */dotnet ]] || pid=$i; done
  [ -n "$pid" ] || fail "no dotnet process under the daemon's bwrap"
  # Effective and permitted sets exactly CAPS, no new privileges: no exec in the pod can gain
  # more. (bwrap 0.8 run as root leaves the bounding set wide; with no_new_privs it grants nothing.)
  local want set got
  want=$(cap_names "$(printf '%s\n' $caps | tr 'A-Z' 'a-z' | sed 's/^/cap_/' | paste -sd,)")
  for set in CapEff CapPrm; do
    got=$(cap_names "$(capsh --decode="$(awk -v s="$set:" '$1 == s { print $2 }' "/proc/$pid/status")" | sed 's/.*=//')")
    [ "$got" = "$want" ] || fail "the daemon runs with $set '$got'; the DaemonSet grants '$want' only"
  done
  [ "$(awk '/^NoNewPrivs/ { print $2 }' "/proc/$pid/status")" = 1 ] || fail "the daemon runs without no_new_privs (allowPrivilegeEscalation: false)"
  kill -TERM "$pid"
  wait "$daemon" || status=$?
  daemon=
  [ "$status" = 0 ] || fail "the daemon exited $status on SIGTERM: $(tail -20 "$work/daemon.out")"
  pass "daemon in the image (${args[*]}): /healthz '$(head -c 40 "$work/healthz")', /readyz '$(head -c 40 "$work/readyz")', capabilities exactly ${want:-none}, exit 0 on SIGTERM"
}
