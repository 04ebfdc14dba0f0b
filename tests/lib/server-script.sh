# Shared by the throwaway test servers' start scripts (tests/s3/radosgw.sh, tests/azure/azurite.sh):
# step-by-step messages and failure reports, free loopback ports, env files. Source it after setting
# SCRIPT_NAME (the name messages start with).

# --- messages and failure reporting ------------------------------------------------

STEP="(none)"      # what we are doing now, named in any failure message
STEP_LOG=""        # the log file to read if that step fails

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }

# step NAME LOGFILE: remember what we are doing, so a failure can say so.
step() { STEP="$1"; STEP_LOG="${2:-}"; log "$STEP"; }

die() {
    log "FAILED at step '$STEP': $*"
    if [[ -n "$STEP_LOG" ]]; then
        log "read $STEP_LOG (last lines follow)"
        [[ -f "$STEP_LOG" ]] && tail -n 25 "$STEP_LOG" | sed 's/^/    | /' >&2
    fi
    exit 1
}

on_err() { die "command failed (exit $1): ${2%%$'\n'*}"; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- ports ---------------------------------------------------------------------------

port_in_use() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# pick_port VAR: set VAR to a random free loopback port, below the kernel's
# ephemeral range (32768+) and away from the OSD's own range (6800-7568), so that
# nothing else is likely to grab it before we bind it.
pick_port() {
    local port i
    for i in $(seq 1 200); do
        port=$((20000 + RANDOM % 12000))
        [[ " $USED_PORTS " == *" $port "* ]] && continue
        if ! port_in_use "$port"; then
            USED_PORTS+=" $port"
            printf -v "$1" '%s' "$port"
            return
        fi
    done
    die "no free loopback port found"
}
USED_PORTS=""

# env_line NAME VALUE: an export line with VALUE double-quoted, safe to source.
env_line() {
    local v="${2//\\/\\\\}"
    v="${v//\"/\\\"}"; v="${v//\$/\\\$}"; v="${v//\`/\\\`}"
    printf 'export %s="%s"\n' "$1" "$v"
}
