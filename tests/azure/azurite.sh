#!/usr/bin/env bash
# Throwaway Azurite (the Azure Storage emulator Microsoft publishes, blob service only) on
# loopback, for the test suite.
#
#   tests/azure/azurite.sh start DIR   install what is missing, start two blob services, write DIR/env
#   tests/azure/azurite.sh stop DIR    kill what start started under DIR (idempotent)
#
# Two services, both in memory (nothing on disk but logs, gone once stopped):
#   - plain HTTP, shared-key and SAS auth: most Azure tests;
#   - HTTPS with --oauth basic (Azurite then accepts Microsoft Entra ID bearer tokens, checking their
#     issuer, audience and expiry but not their signature): the Workload Identity tests. Its
#     self-signed certificate is DIR/tls/cert.pem.
# Azurite comes from npm at the pinned version below, installed into DIR/npm (kept between starts:
# a second start on the same DIR does not download it again). Node.js, npm, openssl, curl and the
# Azure CLI (azure-cli, for deploy/restore.sh's tests) come from apt when missing.
#
# Source DIR/env to get ARCHIVER_TEST_AZURE_* (account, key, endpoints, connection string).
set -Eeuo pipefail

readonly AZURITE_VERSION=3.37.0
# Azurite's single built-in account, the one Microsoft documents for the emulator
# (learn.microsoft.com/azure/storage/common/storage-use-azurite, "Well-known storage account and key").
readonly ACCOUNT=devstoreaccount1
readonly ACCOUNT_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

SCRIPT_PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
readonly SCRIPT_PATH
# Messages and failure reports (log, step, die), free ports (pick_port), env_line.
SCRIPT_NAME=azurite.sh
# shellcheck source=../lib/server-script.sh
. "$(dirname "$SCRIPT_PATH")/../lib/server-script.sh"

set_paths() {
    [[ -n "$1" && "$1" != "/" ]] || die "DIR must be a directory other than /"
    [[ -d "$1" ]] || die "$1 is not a directory"
    DIR="$(cd "$1" && pwd)"
    NPM_DIR="$DIR/npm"
    BIN="$NPM_DIR/node_modules/.bin/azurite-blob"
    RUN="$DIR/run"
    LOGS="$DIR/log"
    TLS="$DIR/tls"
}

install_tools() {
    local missing=()
    command -v node >/dev/null || missing+=(nodejs)
    command -v npm >/dev/null || missing+=(npm)
    command -v openssl >/dev/null || missing+=(openssl)
    command -v curl >/dev/null || missing+=(curl)
    # deploy/restore.sh downloads azblob:// archives with the Azure CLI; its tests need it.
    command -v az >/dev/null || missing+=(azure-cli)
    if ((${#missing[@]} > 0)); then
        step "apt-get install ${missing[*]}" "$LOGS/install.log"
        export DEBIAN_FRONTEND=noninteractive
        local apt=(apt-get -q -y -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)
        if ! "${apt[@]}" install --no-install-recommends "${missing[@]}" >>"$STEP_LOG" 2>&1; then
            "${apt[@]}" update >>"$STEP_LOG" 2>&1
            "${apt[@]}" install --no-install-recommends "${missing[@]}" >>"$STEP_LOG" 2>&1
        fi
    fi
    if [[ -x "$BIN" ]] && [[ "$("$BIN" --version 2>/dev/null)" == "$AZURITE_VERSION" ]]; then
        log "install: azurite $AZURITE_VERSION already in $NPM_DIR"
        return
    fi
    local start
    start="$(now)"
    step "npm install azurite@$AZURITE_VERSION into $NPM_DIR" "$LOGS/install.log"
    mkdir -p "$NPM_DIR"
    npm install --no-audit --no-fund --prefix "$NPM_DIR" "azurite@$AZURITE_VERSION" >>"$STEP_LOG" 2>&1
    [[ "$("$BIN" --version)" == "$AZURITE_VERSION" ]] || die "npm installed an azurite that is not $AZURITE_VERSION"
    log "install: took $(elapsed "$start") s"
}


make_cert() {
    step "make a self-signed certificate for 127.0.0.1" "$LOGS/setup.log"
    mkdir -p "$TLS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
        -keyout "$TLS/key.pem" -out "$TLS/cert.pem" >>"$STEP_LOG" 2>&1
}

# alive PIDFILE: the process runs and is an azurite started from this DIR.
alive() {
    local pid
    [[ -s "$1" ]] || return 1
    pid="$(<"$1")"
    [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DIR/"
}

# start_blob NAME PORT EXTRA...: start one blob service in the background.
start_blob() {
    local name="$1" port="$2"
    shift 2
    step "start azurite-blob ($name) on 127.0.0.1:$port" "$LOGS/$name.log"
    # In memory, so no --location; it runs in RUN so that nothing it writes lands elsewhere.
    # setsid: the service outlives this script and is not killed with the caller's terminal.
    cd "$RUN"
    setsid "$BIN" --blobHost 127.0.0.1 --blobPort "$port" --inMemoryPersistence \
        --skipApiVersionCheck --disableTelemetry --silent "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
    echo $! >"$RUN/$name.pid"
    cd - >/dev/null
}

# answers URL: the service is up (an anonymous request gets an Azure error, which proves it serves).
answers() { curl -s -m 5 -k -o /dev/null -w '%{http_code}' "$1/$ACCOUNT?comp=list" | grep -q '^[1-5]'; }

wait_blob() {
    local name="$1" url="$2" deadline=$((SECONDS + 60))
    until answers "$url"; do
        alive "$RUN/$name.pid" || die "azurite-blob ($name) exited"
        ((SECONDS < deadline)) || die "azurite-blob ($name) not answering at $url after 60 s"
        sleep 0.3
    done
}

kill_pidfile() {
    local pidfile="$1" pid i
    alive "$pidfile" || { rm -f "$pidfile"; return 0; }
    pid="$(<"$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do
        alive "$pidfile" || break
        ((i == 20)) && { kill -KILL "$pid" 2>/dev/null || true; }
        sleep 0.25
    done
    alive "$pidfile" && die "could not kill pid $pid ($pidfile)"
    rm -f "$pidfile"
}

stop_all() {
    kill_pidfile "$RUN/plain.pid"
    kill_pidfile "$RUN/oauth.pid"
}


write_env() {
    local plain="http://127.0.0.1:$PLAIN_PORT/$ACCOUNT"
    {
        env_line ARCHIVER_TEST_AZURE_ACCOUNT "$ACCOUNT"
        env_line ARCHIVER_TEST_AZURE_KEY "$ACCOUNT_KEY"
        env_line ARCHIVER_TEST_AZURE_ENDPOINT "$plain"
        env_line ARCHIVER_TEST_AZURE_CONNECTION_STRING "DefaultEndpointsProtocol=http;AccountName=$ACCOUNT;AccountKey=$ACCOUNT_KEY;BlobEndpoint=$plain;"
        # HTTPS + OAuth (Entra ID bearer tokens) service and the certificate it presents.
        env_line ARCHIVER_TEST_AZURE_OAUTH_ENDPOINT "https://127.0.0.1:$OAUTH_PORT/$ACCOUNT"
        env_line ARCHIVER_TEST_AZURE_OAUTH_CERT "$TLS/cert.pem"
        env_line ARCHIVER_TEST_AZURITE_LOG "$LOGS/plain.log"
    } >"$DIR/env.tmp"
    mv "$DIR/env.tmp" "$DIR/env"
}

cmd_start() {
    mkdir -p "$1"
    set_paths "$1"
    local t0
    t0="$(now)"
    step "stop anything left from a previous run in $DIR"
    stop_all
    rm -rf "$RUN" "$LOGS" "$TLS" "$DIR/plain" "$DIR/oauth" "$DIR/env" "$DIR/env.tmp"
    mkdir -p "$RUN" "$LOGS"
    install_tools
    trap 'stop_all >/dev/null 2>&1 || true' EXIT
    make_cert
    step "pick free loopback ports"
    pick_port PLAIN_PORT
    pick_port OAUTH_PORT
    start_blob plain "$PLAIN_PORT"
    start_blob oauth "$OAUTH_PORT" --oauth basic --cert "$TLS/cert.pem" --key "$TLS/key.pem"
    wait_blob plain "http://127.0.0.1:$PLAIN_PORT"
    wait_blob oauth "https://127.0.0.1:$OAUTH_PORT"
    write_env
    trap - EXIT
    log "start: took $(elapsed "$t0") s; blob service at http://127.0.0.1:$PLAIN_PORT/$ACCOUNT; source $DIR/env"
}

cmd_stop() {
    [[ -d "$1" ]] || { log "stop: $1 does not exist, nothing to stop"; return; }
    set_paths "$1"
    step "stop azurite under $DIR"
    stop_all
    log "stopped"
}

main() {
    trap 'on_err $? "$BASH_COMMAND"' ERR
    [[ $# -eq 2 ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
    case "$1" in
        start) cmd_start "$2" ;;
        stop) cmd_stop "$2" ;;
        *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
    esac
}

main "$@"
