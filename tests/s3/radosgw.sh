#!/usr/bin/env bash
# Throwaway single-node Ceph radosgw (S3) server on loopback, for the test suite.
#
#   tests/s3/radosgw.sh start DIR        install what is missing, start mon + osd + rgw,
#                                        create the test user, write DIR/env
#   tests/s3/radosgw.sh stop DIR         kill everything started under DIR (idempotent)
#   tests/s3/radosgw.sh restart-rgw DIR  (re)start only radosgw and wait until S3 answers
#
# Everything (config, keyring, mon store, osd data, logs, pid files, sockets) lives
# under DIR; nothing is written to /etc/ceph, /var/lib/ceph or /var/log/ceph, and
# nothing listens anywhere but 127.0.0.1. The OSD uses memstore (data in RAM), so
# the cluster is fast to create and costs no disk, and it is gone once stopped.
#
# Source DIR/env to get ARCHIVER_TEST_S3_* (endpoint, keys, region) and
# ARCHIVER_TEST_RGW_PIDFILE / ARCHIVER_TEST_RGW_RESTART for gateway-crash tests.
set -Eeuo pipefail

readonly ACCESS_KEY=archiver-test
readonly SECRET_KEY=archiver-test-secret
readonly REGION=us-east-1
readonly RGW_NAME=client.rgw.a
# Memstore reports this as the OSD's size; it is only RAM actually written that is
# used. 4 GiB keeps well clear of the full ratios for a 200 MiB multipart test.
readonly MEMSTORE_BYTES=$((4 * 1024 * 1024 * 1024))
readonly PACKAGES=(radosgw ceph-mon ceph-osd ceph-common)

SCRIPT_PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
readonly SCRIPT_PATH

# Messages and failure reports (log, step, die), free ports (pick_port), env_line.
SCRIPT_NAME=radosgw.sh
# shellcheck source=../lib/server-script.sh
. "$(dirname "$SCRIPT_PATH")/../lib/server-script.sh"

# --- paths under DIR ---------------------------------------------------------------

set_paths() {
    [[ -n "$1" && "$1" != "/" ]] || die "DIR must be a directory other than /"
    [[ -d "$1" ]] || die "$1 is not a directory"
    DIR="$(cd "$1" && pwd)"
    CONF="$DIR/ceph.conf"
    RUN="$DIR/run"
    LOGS="$DIR/log"
    SETUP_LOG="$LOGS/setup.log"
    MON_LOG="$LOGS/mon.a.log"
    OSD_LOG="$LOGS/osd.0.log"
    RGW_LOG="$LOGS/$RGW_NAME.log"
    RGW_PIDFILE="$RUN/$RGW_NAME.pid"
}

# Run a ceph tool with our config, its output appended to the setup log.
# timeout: a client that cannot reach the mon would otherwise retry forever.
ceph_cmd() { timeout 60 "$@" -c "$CONF" >>"$SETUP_LOG" 2>&1; }

# --- install -------------------------------------------------------------------------

missing_packages() {
    local p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
    done
    # curl probes the gateway; --aws-sigv4 needs curl >= 7.75 (bookworm has 7.88).
    command -v curl >/dev/null || echo curl
    command -v timeout >/dev/null || echo coreutils
}

install_packages() {
    local start missing
    start="$(now)"
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} == 0)); then
        log "install: everything already installed (0.0 s)"
        return
    fi
    step "install ${missing[*]}" "$LOGS/install.log"
    export DEBIAN_FRONTEND=noninteractive
    # Wait for the dpkg lock rather than fail if another start is installing too.
    local apt=(apt-get -q -y -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)
    # Fresh machines have no package lists at all; refresh only then, or when an
    # install from the existing lists fails (they may be stale).
    if ! apt-cache show --no-all-versions radosgw >/dev/null 2>&1; then
        "${apt[@]}" update >>"$STEP_LOG" 2>&1
    fi
    if ! "${apt[@]}" install --no-install-recommends "${missing[@]}" >>"$STEP_LOG" 2>&1; then
        "${apt[@]}" update >>"$STEP_LOG" 2>&1
        "${apt[@]}" install --no-install-recommends "${missing[@]}" >>"$STEP_LOG" 2>&1
    fi
    log "install: took $(elapsed "$start") s"
}

# --- config --------------------------------------------------------------------------

write_config() {
    local fsid="$1" mon_port="$2" rgw_port="$3"
    cat >"$CONF" <<EOF
# Throwaway test cluster made by tests/s3/radosgw.sh; all state lives in $DIR.
[global]
fsid = $fsid
mon host = [v1:127.0.0.1:$mon_port]
# Bind only loopback, and only the v1 messenger: one address, one port for the mon.
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
ms bind ipv6 = false
# No cephx, so no keyrings: nothing here is reachable from outside.
auth cluster required = none
auth service required = none
auth client required = none
run dir = $RUN
pid file = $RUN/\$name.pid
log file = $LOGS/\$name.log
crash dir = $DIR/crash
# One OSD: single replicas, few PGs, no placement across hosts.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
# Each pool made is a few map changes, each waiting for the next paxos proposal
# (1 s by default, so ~15 s for the rgw pools); with one mon, propose at once.
paxos propose interval = 0.05
paxos min wait = 0.01
# Keep the mon up even if the disk holding DIR is almost full.
mon data avail warn = 2
mon data avail crit = 1

[mon]
mon data = $DIR/mon/ceph-\$id
mon cluster log file = $LOGS/cluster.log

[osd]
osd data = $DIR/osd/ceph-\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
# The OSD would place itself in the CRUSH map with mon commands sent the moment
# it connects, which can fail (see mon_setup); mon_setup places it instead.
osd crush update on start = false
osd class update on start = false
# A gateway killed by a test keeps its watches on the control objects until they time out, and
# every metadata write (a new bucket) notifies them and waits for the answer: 30 s by default.
osd client watch timeout = 10

[$RGW_NAME]
rgw data = $DIR/rgw
# tcp_nodelay: without it beast's responses (head and body written apart) wait for the
# client's delayed ACK, ~40 ms on every request; S3 and OSS do not make clients wait so.
rgw frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
# Lets virtual-host style (bucket.localhost:PORT) work too; requests to any other
# host name (e.g. 127.0.0.1) are plain path-style.
rgw dns name = localhost
# Deleted objects' data is freed by rgw's garbage collector, by default two hours later: the
# benchmarks write and delete gigabytes, which would fill the in-memory OSD (writes then hang).
rgw gc obj min wait = 0
rgw gc processor period = 5
EOF
}

# --- daemons -------------------------------------------------------------------------

# wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND until it succeeds.
wait_for() {
    local limit="$1" what="$2" deadline
    shift 2
    deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "$what not ready after ${limit} s"
        sleep 0.5
    done
}

# alive PIDFILE: the process named in PIDFILE runs and belongs to this DIR (its
# command line names our config), so a recycled pid is never mistaken for ours.
alive() {
    local pid
    [[ -s "$1" ]] || return 1
    pid="$(<"$1")"
    [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$CONF"
}

# require_alive PIDFILE NAME: fail now (not at a timeout) if a daemon died.
require_alive() { alive "$1" || die "$2 is not running"; }

start_mon() {
    step "create monitor" "$SETUP_LOG"
    local mon_port="$1"
    monmaptool --create --clobber --fsid "$FSID" --addv a "[v1:127.0.0.1:$mon_port]" \
        "$DIR/monmap" >>"$SETUP_LOG" 2>&1
    mkdir -p "$DIR/mon"
    ceph_cmd ceph-mon --mkfs -i a --monmap "$DIR/monmap"

    step "start monitor on 127.0.0.1:$mon_port" "$MON_LOG"
    # Daemonizes once the store is open; the pid file comes from "pid file".
    ceph-mon -c "$CONF" -i a >>"$SETUP_LOG" 2>&1
    wait_for 30 "monitor" timeout 10 ceph -c "$CONF" --connect-timeout 5 mon stat
    require_alive "$RUN/mon.a.pid" "ceph-mon"
}

osd_up() { ceph -c "$CONF" --connect-timeout 5 osd stat 2>/dev/null | grep -q '1 up.*1 in'; }

# Every pool of rgw's default zone. Made up front so that neither radosgw-admin nor
# radosgw has to send a mon command (see mon_setup), and so that a test's first
# bucket does not wait for pools to be made.
readonly RGW_POOLS=(.rgw.root default.rgw.control default.rgw.meta default.rgw.log
    default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec)

# mon_setup OSD_UUID: register osd.0, place it in CRUSH, create the rgw pools.
#
# Ceph clients first fetch the monmap and then reconnect with a monmap rebuilt from
# its addresses alone, whose fsid is zero until the mon sends the real one. With
# auth none nothing waits for that, so a command sent right after connecting is
# sometimes stamped with the zero fsid and refused (EPERM 'wrong fsid', or the CLI's
# 'problem getting command descriptions'); it happens more often on a busy machine.
# One python-rados session (what the ceph CLI uses) sends all the commands, retrying
# on that refusal; every command here is idempotent.
mon_setup() {
    # Debian's own python3: it has the rados module, which another python on PATH
    # may not.
    /usr/bin/python3 - "$CONF" "$1" "${RGW_POOLS[@]}" >>"$SETUP_LOG" 2>&1 <<'PY'
import errno, json, sys, time
import rados

conf, osd_uuid, pools = sys.argv[1], sys.argv[2], sys.argv[3:]
cluster = rados.Rados(conffile=conf, name="client.admin")
cluster.connect(timeout=30)

def mon(**cmd):
    for _ in range(50):
        ret, out, err = cluster.mon_command(json.dumps(cmd), b"", timeout=30)
        if not (ret == -errno.EPERM and "wrong fsid" in err):
            break
        time.sleep(0.1)
    print(cmd["prefix"], ret, out.decode().strip(), err)
    if ret != 0:
        sys.exit(f"mon command {cmd} failed: {ret} {err}")

mon(prefix="osd new", uuid=osd_uuid, id=0)
mon(prefix="osd crush add", id=0, weight=1.0, args=["root=default", "host=localhost"])
for pool in pools:
    mon(prefix="osd pool create", pool=pool, pg_num=8, pgp_num=8)
    mon(prefix="osd pool application enable", pool=pool, app="rgw")
cluster.shutdown()
PY
}

start_osd() {
    step "register OSD and create pools" "$SETUP_LOG"
    local uuid
    uuid="$(cat /proc/sys/kernel/random/uuid)"
    mon_setup "$uuid"
    step "create OSD (memstore)" "$SETUP_LOG"
    mkdir -p "$DIR/osd/ceph-0"
    ceph_cmd ceph-osd -i 0 --mkfs --osd-uuid "$uuid"

    step "start OSD" "$OSD_LOG"
    ceph-osd -c "$CONF" -i 0 >>"$SETUP_LOG" 2>&1
    wait_for 60 "OSD (up and in)" osd_up
    require_alive "$RUN/osd.0.pid" "ceph-osd"
}

create_user() {
    # Before the gateway starts: this also creates the default zone, which would
    # otherwise race with radosgw creating it.
    step "create rgw user $ACCESS_KEY" "$SETUP_LOG"
    ceph_cmd radosgw-admin user create --uid archiver-test --display-name "Archiver tests" \
        --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY"
}

# A signed ListBuckets answered for our user proves the gateway serves S3 and knows
# the test credentials. rgw rejects SigV4 without x-amz-content-sha256, which curl
# (7.88) does not add by itself; this is the hash of the empty body.
readonly EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
s3_answers() {
    curl -s -m 5 --fail -H "x-amz-content-sha256: $EMPTY_SHA256" \
        --aws-sigv4 "aws:amz:$REGION:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
        "http://127.0.0.1:$RGW_PORT/" | grep -q "<ListAllMyBucketsResult.*<ID>$ACCESS_KEY</ID>"
}

wait_s3() {
    local deadline=$((SECONDS + 60))
    until s3_answers; do
        require_alive "$RGW_PIDFILE" "radosgw"
        ((SECONDS < deadline)) || die "S3 on port $RGW_PORT not answering after 60 s"
        sleep 0.5
    done
}

start_rgw() {
    step "start radosgw on 127.0.0.1:$RGW_PORT" "$RGW_LOG"
    radosgw -c "$CONF" -n "$RGW_NAME" >>"$SETUP_LOG" 2>&1
    # radosgw daemonizes before its pid file exists; give it a moment to write it.
    # If it never appears, radosgw exited (e.g. its port is taken): see its log.
    wait_for 15 "radosgw (no live pid in $RGW_PIDFILE)" alive "$RGW_PIDFILE"
    step "wait for S3 on http://127.0.0.1:$RGW_PORT" "$RGW_LOG"
    wait_s3
}

# kill_pidfile PIDFILE SIGNAL: signal the daemon and wait (up to 10 s) until it is gone.
kill_pidfile() {
    local pidfile="$1" sig="$2" pid i
    alive "$pidfile" || { rm -f "$pidfile"; return 0; }
    pid="$(<"$pidfile")"
    kill "-$sig" "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do
        alive "$pidfile" || break
        if ((i == 20)); then
            kill -KILL "$pid" 2>/dev/null || true # ignored the signal for 5 s
        fi
        sleep 0.25
    done
    alive "$pidfile" && die "could not kill pid $pid ($pidfile)"
    rm -f "$pidfile"
}

stop_all() {
    # Gateway first, mon last so the others do not hang looking for it. radosgw is
    # killed outright: it often ignores SIGTERM for seconds, and all its state is in
    # RADOS anyway. So is the OSD: memstore would spend a clean shutdown dumping RAM
    # to disk, for a cluster that is thrown away.
    kill_pidfile "$RGW_PIDFILE" KILL
    kill_pidfile "$RUN/osd.0.pid" KILL
    kill_pidfile "$RUN/mon.a.pid" TERM
}

# Remove only what start creates, never DIR itself or anything else in it.
wipe_state() {
    rm -rf "$DIR/ceph.conf" "$DIR/env" "$DIR/env.tmp" "$DIR/keyring" "$DIR/monmap" \
        "$DIR/mon" "$DIR/osd" "$DIR/rgw" "$DIR/run" "$DIR/log" "$DIR/crash"
    mkdir -p "$RUN" "$LOGS" "$DIR/crash" "$DIR/rgw"
}


write_env() {
    {
        env_line ARCHIVER_TEST_S3_ENDPOINT "http://127.0.0.1:$RGW_PORT"
        env_line ARCHIVER_TEST_S3_ACCESS_KEY "$ACCESS_KEY"
        env_line ARCHIVER_TEST_S3_SECRET_KEY "$SECRET_KEY"
        env_line ARCHIVER_TEST_S3_REGION "$REGION"
        env_line ARCHIVER_TEST_RGW_PIDFILE "$RGW_PIDFILE"
        env_line ARCHIVER_TEST_RGW_LOG "$RGW_LOG"
        # For radosgw-admin (tests that make users and keys of their own).
        env_line ARCHIVER_TEST_RGW_CONF "$CONF"
        # Kills radosgw if it still runs, starts it again and waits until S3 answers.
        env_line ARCHIVER_TEST_RGW_RESTART "$(printf '%q restart-rgw %q' "$SCRIPT_PATH" "$DIR")"
    } >"$DIR/env.tmp"
    mv "$DIR/env.tmp" "$DIR/env"
}

# The gateway port, read back from the config of a cluster already made.
read_rgw_port() {
    RGW_PORT="$(sed -n 's/^rgw frontends = beast endpoint=127\.0\.0\.1:\([0-9]*\)\( .*\)\{0,1\}$/\1/p' "$CONF")"
    [[ -n "$RGW_PORT" ]] || die "no rgw port in $CONF (was 'start' run on this DIR?)"
}

# --- commands ------------------------------------------------------------------------

cmd_start() {
    mkdir -p "$1"
    set_paths "$1"
    local t0 t1 mon_port
    t0="$(now)"
    step "stop anything left from a previous run in $DIR"
    stop_all
    wipe_state
    install_packages

    # Any failure from here leaves no daemon behind.
    trap 'stop_all >/dev/null 2>&1 || true' EXIT
    t1="$(now)"
    FSID="$(cat /proc/sys/kernel/random/uuid)"
    step "pick free loopback ports"
    pick_port mon_port
    pick_port RGW_PORT
    write_config "$FSID" "$mon_port" "$RGW_PORT"
    start_mon "$mon_port"
    start_osd
    create_user
    start_rgw
    write_env
    trap - EXIT

    log "start: took $(elapsed "$t1") s (total with install: $(elapsed "$t0") s)"
    log "S3 at http://127.0.0.1:$RGW_PORT; source $DIR/env"
}

cmd_stop() {
    [[ -d "$1" ]] || { log "stop: $1 does not exist, nothing to stop"; return; }
    set_paths "$1"
    step "stop daemons under $DIR"
    stop_all
    log "stopped"
}

cmd_restart_rgw() {
    local t0
    t0="$(now)"
    set_paths "$1"
    step "check the cluster under $DIR"
    [[ -f "$CONF" ]] || die "$CONF missing: run 'start' first"
    read_rgw_port
    require_alive "$RUN/mon.a.pid" "ceph-mon (run 'start' again)"
    require_alive "$RUN/osd.0.pid" "ceph-osd (run 'start' again)"
    step "stop radosgw" "$RGW_LOG"
    kill_pidfile "$RGW_PIDFILE" KILL
    start_rgw
    log "restart-rgw: took $(elapsed "$t0") s"
}

main() {
    trap 'on_err $? "$BASH_COMMAND"' ERR
    [[ $# -eq 2 ]] || { echo "usage: $0 start|stop|restart-rgw DIR" >&2; exit 2; }
    [[ "$(id -u)" -eq 0 ]] || die "must run as root (installs packages, runs ceph daemons)"
    case "$1" in
        start) cmd_start "$2" ;;
        stop) cmd_stop "$2" ;;
        restart-rgw) cmd_restart_rgw "$2" ;;
        *) echo "usage: $0 start|stop|restart-rgw DIR" >&2; exit 2 ;;
    esac
}

main "$@"
