#!/usr/bin/env bash
# Archiver benchmark harness: Archiver's sweep against the standard tools on the same corpus,
# interleaved (archiver, tool, archiver, tool, ...), medians of --runs runs, ratios.
#
#   bench/run.sh                 full local run: 8 pods x 64 MiB, 2,000 small files each, 3 runs
#   bench/run.sh --quick         issue 16's corpus: 4 pods x 48 MiB, 1,000 small files each, 5 runs
#   bench/run.sh --smoke         CI: tiny corpus, 1 run; exits non-zero unless GNU tar extracts
#                                Archiver's .tar.gz and .tar.zst to exactly the source tree (a few
#                                seconds with --bin DIR of an existing publish; publishing adds ~30 s)
#   bench/run.sh --s3            adds the S3 comparison (sweep to S3 vs tar -czf + aws s3 cp, and the
#                                streaming tar | pigz -p2 | aws s3 cp - / rclone rcat); needs
#                                ARCHIVER_TEST_S3_ENDPOINT, ARCHIVER_TEST_S3_ACCESS_KEY, ARCHIVER_TEST_S3_SECRET_KEY
#   bench/run.sh --azure         adds the Azure comparison (sweep to azblob:// vs tar -czf + az storage blob
#                                upload); needs ARCHIVER_TEST_AZURE_ENDPOINT, _ACCOUNT, _KEY (tests/azure/azurite.sh)
#   bench/run.sh --scan          discover+classify (sweep --dry-run) vs find -printf '%T@\n'
#   bench/run.sh --memory        peak RSS archiving one 256 MiB vs one 4 GiB directory
# Options: --runs N --pods N --mib-per-pod M --small-files K --work DIR --bin DIR (skip publish)
#          --tools "archiver-gz tar-czf ..." --scan-dirs N --scan-files N --big-mib M
# Tools: archiver-gz archiver-zst archiver-gz-keep archiver-zst-keep archiver-empty tar-czf tar-pigz tar-zstd tar-pigz-rm rm-rf
#        (+ archiver-s3 tar-czf-s3 tar-pigz-s3 tar-pigz-rclone with --s3, archiver-az tar-czf-az with --azure). *-keep sweep with afterUpload: keep (no delete).
#        archiver-empty sweeps an empty root: start-up and shut-down alone, subtracted for "core use".
# The sweep also deletes what it archived; the rm-rf row shows what that alone costs on this disk, and
# tar-pigz-rm is the script a deleting sweep replaces (per pod: tar | pigz -p2 > f && sync f && rm -rf).
# Public tools only: GNU tar, gzip, pigz, zstd, aws cli, rclone, az cli, /usr/bin/time. Installs the missing ones.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd); repo=$(dirname "$here")
mode=full runs=3 pods=8 mib=64 small=2000 work=${BENCH_WORK:-/tmp/archiver-bench} bin=${ARCHIVER_BIN:-}
tools="" s3=0 azure=0 scan_dirs=200 scan_files=5000 big_mib=4096 small_mib=256
while [[ $# -gt 0 ]]; do
  case $1 in
    --smoke) mode=smoke; runs=1; pods=2; mib=4; small=50 ;;
    --quick) runs=5; pods=4; mib=48; small=1000 ;;
    --s3) s3=1 ;;
    --azure) azure=1 ;;
    --scan) mode=scan ;;
    --memory) mode=memory ;;
    --runs) runs=$2; shift ;;
    --pods) pods=$2; shift ;;
    --mib-per-pod) mib=$2; shift ;;
    --small-files) small=$2; shift ;;
    --work) work=$2; shift ;;
    --bin) bin=$2; shift ;;
    --tools) tools=$2; shift ;;
    --scan-dirs) scan_dirs=$2; shift ;;
    --scan-files) scan_files=$2; shift ;;
    --big-mib) big_mib=$2; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see bench/run.sh --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -n $tools ]] || case $mode in
  smoke) tools="archiver-gz tar-czf archiver-zst" ;;
  *) tools="archiver-gz-keep tar-czf tar-pigz archiver-zst-keep tar-zstd archiver-gz tar-pigz-rm archiver-empty rm-rf" ;;
esac
if [[ $s3 == 1 ]]; then
  : "${ARCHIVER_TEST_S3_ENDPOINT:?--s3 needs ARCHIVER_TEST_S3_ENDPOINT (e.g. http://127.0.0.1:7480)}"
  : "${ARCHIVER_TEST_S3_ACCESS_KEY:?--s3 needs ARCHIVER_TEST_S3_ACCESS_KEY}"
  : "${ARCHIVER_TEST_S3_SECRET_KEY:?--s3 needs ARCHIVER_TEST_S3_SECRET_KEY}"
  for t in archiver-s3 tar-czf-s3 tar-pigz-s3 tar-pigz-rclone; do [[ " $tools " == *" $t "* ]] || tools="$tools $t"; done
fi
if [[ $azure == 1 ]]; then
  : "${ARCHIVER_TEST_AZURE_ENDPOINT:?--azure needs ARCHIVER_TEST_AZURE_ENDPOINT (e.g. http://127.0.0.1:10000/devstoreaccount1)}"
  : "${ARCHIVER_TEST_AZURE_ACCOUNT:?--azure needs ARCHIVER_TEST_AZURE_ACCOUNT}"
  : "${ARCHIVER_TEST_AZURE_KEY:?--azure needs ARCHIVER_TEST_AZURE_KEY}"
  for t in archiver-az tar-czf-az; do [[ " $tools " == *" $t "* ]] || tools="$tools $t"; done
fi

need() { # need COMMAND APT-PACKAGE
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2 (needed for $1)" >&2
  { apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$2" >/dev/null 2>&1; }; } ||
    { echo "run.sh: cannot install $2; install it and re-run" >&2; exit 3; }
}
need tar tar; need gzip gzip; need zstd zstd; need python3 python3
[[ -x /usr/bin/time ]] || need /usr/bin/time time
[[ $tools == *pigz* ]] && need pigz pigz
[[ $s3 == 1 ]] && need aws awscli
[[ $tools == *rclone* ]] && need rclone rclone
[[ $azure == 1 ]] && need az azure-cli

mkdir -p "$work"; work=$(cd "$work" && pwd)
if [[ -z $bin ]]; then
  bin=$work/bin
  echo "publishing Archiver to $bin" >&2
  # Benchmarks use the ReadyToRun build a node image ships; the smoke test only checks output, and
  # a plain publish is much quicker.
  r2r=(-r linux-x64 --self-contained false); [[ $mode == smoke ]] && r2r=()
  dotnet publish "$repo/src/Archiver" -c Release "${r2r[@]}" -o "$bin" --nologo -v quiet >"$work/publish.log" 2>&1 ||
    { cat "$work/publish.log" >&2; echo "run.sh: dotnet publish failed" >&2; exit 3; }
fi
archiver=$bin/archiver
[[ -x $archiver ]] || { echo "run.sh: $archiver not found; pass --bin DIR of a published Archiver" >&2; exit 3; }

pristine=$work/pristine data=$work/data out=$work/out state=$work/state results=$work/results.tsv
: >"$results"

gen() { # gen ROOT PODS MIB SMALL (and drops any working copy of an older corpus)
  rm -rf "$1" "$work/data"; mkdir -p "$1"
  python3 "$here/gen_corpus.py" "$1" --pods "$2" --mib-per-pod "$3" --small-files "$4" --seed 7 --age-days 3
}

# timed TOOL RUN CMD...: runs CMD under /usr/bin/time; appends "tool run wall cpu rss_kib bytes load".
timed() {
  local tool=$1 run=$2; shift 2
  local t=$work/time.$tool
  if ! /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >"$work/stdout.$tool" 2>"$work/stderr.$tool"; then
    echo "run.sh: $tool failed (run $run):" >&2; tail -n 20 "$work/stderr.$tool" "$work/stdout.$tool" >&2; exit 1
  fi
  local bytes; bytes=$(find "$out" -type f ! -name '*.manifest.json' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  local e u s m; read -r e u s m < <(tail -1 "$t")
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$run" "$e" "$(awk "BEGIN{print $u+$s}")" "$m" "$bytes" "$load" >>"$results"
  printf '  %-13s run %s: %6.2fs wall %6.2fs cpu %7d KiB rss %11d bytes (load %s)\n' "$tool" "$run" "$e" "$(awk "BEGIN{print $u+$s}")" "$m" "$bytes" "$load" >&2
}

pod_dirs() { find "$pristine" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n' | sort; }

sweep() { # sweep FORMAT STORE-URL: the command line of one sweep of $data
  sweep_cmd=("$archiver" sweep --root "$data" --store "$2" --liveness none --idle-for 0 --state "$state" --format "$1" --json)
}

fresh() { # the sweep deletes what it archives: a fresh copy of the corpus, outside the timing
  rm -rf "$data" "$out" "$state"; mkdir -p "$out" "$state"; cp -a "$pristine" "$data"; sync
}

keep() { # keep FORMAT: a sweep that keeps what it archived needs the corpus once, and a fresh journal each run
  [[ -f $data/.whole ]] || { rm -rf "$data"; cp -a "$pristine" "$data"; touch "$data/.whole"; sync; }
  rm -rf "$out" "$state"; mkdir -p "$out" "$state"
  printf 'name: bench\nroot: %s\nstore: file://%s\nstate: %s\nliveness: none\nidleFor: 0s\nformat: %s\nafterUpload: keep\nkey: "{pod}/{dir}-{timestamp}.%s"\n' \
    "$data" "$out" "$state" "$1" "$1" >"$work/keep.yaml"
}

run_tool() { # run_tool TOOL RUN
  local tool=$1 run=$2 p
  case $tool in
    archiver-gz)  fresh; sweep tar.gz "file://$out"; timed "$tool" "$run" "${sweep_cmd[@]}" ;;
    archiver-zst) fresh; sweep tar.zst "file://$out"; timed "$tool" "$run" "${sweep_cmd[@]}" ;;
    # afterUpload: keep: archive, upload and verify, but leave the directory (no delete cost)
    archiver-gz-keep)  keep tar.gz; timed "$tool" "$run" "$archiver" sweep --policy "$work/keep.yaml" --json ;;
    archiver-zst-keep) keep tar.zst; timed "$tool" "$run" "$archiver" sweep --policy "$work/keep.yaml" --json ;;
    archiver-empty) rm -rf "$out" "$state" "$work/empty"; mkdir -p "$out" "$state" "$work/empty"
                  timed "$tool" "$run" "$archiver" sweep --root "$work/empty" --store "file://$out" --state "$state" --liveness none --idle-for 0s --json ;;
    archiver-s3)  fresh; s3_bucket "$run"; sweep tar.gz "$(s3_url "$run")"; timed "$tool" "$run" "${sweep_cmd[@]}"; s3_size "$tool" "$run"; s3_drop "$run" ;;
    archiver-az)  fresh; az_container "$run"; sweep tar.gz "$(az_url "$run")"; timed "$tool" "$run" "${sweep_cmd[@]}"; az_size "$run"; az_drop "$run" ;;
    tar-czf)      rm -rf "$out"; mkdir -p "$out"; timed "$tool" "$run" bash -c 'for p in $(cd "$1" && ls); do tar -czf "$2/$p.tar.gz" -C "$1" "$p"; done' _ "$pristine" "$out" ;;
    tar-pigz)     rm -rf "$out"; mkdir -p "$out"; timed "$tool" "$run" bash -c 'for p in $(cd "$1" && ls); do tar -cf - -C "$1" "$p" | pigz -p 2 >"$2/$p.tar.gz"; done' _ "$pristine" "$out" ;;
    tar-zstd)     rm -rf "$out"; mkdir -p "$out"; timed "$tool" "$run" bash -c 'for p in $(cd "$1" && ls); do tar -cf - -C "$1" "$p" | zstd -q -3 -T2 -o "$2/$p.tar.zst"; done' _ "$pristine" "$out" ;;
    tar-czf-s3)   rm -rf "$out"; mkdir -p "$out"; s3_bucket "$run"
                  timed "$tool" "$run" bash -c 'for p in $(cd "$1" && ls); do tar -czf "$2/$p.tar.gz" -C "$1" "$p" && aws --endpoint-url "$3" s3 cp --only-show-errors "$2/$p.tar.gz" "s3://$4/$p.tar.gz"; done' _ "$pristine" "$out" "$ARCHIVER_TEST_S3_ENDPOINT" "$(s3_name "$run")"; s3_drop "$run" ;;
    # streaming: no local archive, the upload reads the compressor's output (multipart above 8 MiB)
    tar-pigz-s3)  rm -rf "$out"; mkdir -p "$out"; s3_bucket "$run"
                  timed "$tool" "$run" bash -c 'set -o pipefail; for p in $(cd "$1" && ls); do tar -cf - -C "$1" "$p" | pigz -p 2 | aws --endpoint-url "$2" s3 cp --only-show-errors - "s3://$3/$p.tar.gz" || exit; done' _ "$pristine" "$ARCHIVER_TEST_S3_ENDPOINT" "$(s3_name "$run")"; s3_size "$tool" "$run"; s3_drop "$run" ;;
    # rclone's remote "bench" comes from the RCLONE_CONFIG_BENCH_* variables set below
    tar-pigz-rclone) rm -rf "$out"; mkdir -p "$out"; s3_bucket "$run"
                  timed "$tool" "$run" bash -c 'set -o pipefail; for p in $(cd "$1" && ls); do tar -cf - -C "$1" "$p" | pigz -p 2 | env -u AWS_CA_BUNDLE rclone rcat -q "bench:$2/$p.tar.gz" || exit; done' _ "$pristine" "$(s3_name "$run")"; s3_size "$tool" "$run"; s3_drop "$run" ;;
    tar-czf-az)   rm -rf "$out"; mkdir -p "$out"; az_container "$run"
                  timed "$tool" "$run" bash -c 'for p in $(cd "$1" && ls); do tar -czf "$2/$p.tar.gz" -C "$1" "$p" && az storage blob upload --only-show-errors --no-progress --blob-endpoint "$3" -c "$4" -n "$p.tar.gz" -f "$2/$p.tar.gz" >/dev/null; done' _ "$pristine" "$out" "$ARCHIVER_TEST_AZURE_ENDPOINT" "$(az_name "$run")"; az_drop "$run" ;;
    rm-rf)        fresh; timed "$tool" "$run" rm -rf "$data" ;; # what deleting the swept directories costs here
    tar-pigz-rm)  fresh; timed "$tool" "$run" bash -c 'set -o pipefail; for p in $(cd "$1" && ls); do tar -cf - -C "$1" "$p" | pigz -p 2 >"$2/$p.tar.gz" && sync "$2/$p.tar.gz" && rm -rf "${1:?}/$p" || exit; done' _ "$data" "$out" ;;
    *) echo "run.sh: unknown tool '$tool'" >&2; exit 2 ;;
  esac
  [[ $tool == archiver-* && $tool != archiver-s3 && $tool != archiver-az && $tool != archiver-empty ]] && check_sweep "${tool%-keep}"
  return 0
}

# Archiver's output must extract with GNU tar to exactly the source tree (first run of each tool).
declare -A checked=()
check_sweep() {
  [[ -n ${checked[$1]:-} ]] && return; checked[$1]=1
  local x=$work/extract f n=0
  rm -rf "$x"; mkdir -p "$x"
  while IFS= read -r f; do
    n=$((n + 1))
    case $f in
      *.tar.gz) tar -xzf "$f" -C "$x" ;;
      *.tar.zst) zstd -dcq "$f" | tar -xf - -C "$x" ;;
    esac || { echo "run.sh: FAIL: GNU tar cannot extract $f" >&2; exit 1; }
  done < <(find "$out" -type f \( -name '*.tar.gz' -o -name '*.tar.zst' \))
  [[ $n == $(pod_dirs | wc -l) ]] || { echo "run.sh: FAIL: $1 wrote $n archives for $(pod_dirs | wc -l) directories" >&2; exit 1; }
  diff -r --no-dereference "$pristine" "$x" >/dev/null ||
    { echo "run.sh: FAIL: $1's archives extract to a tree that differs from the source" >&2; exit 1; }
  echo "  $1: $n archives extract with GNU tar to the source tree: ok" >&2
  rm -rf "$x"
}

s3_name() { echo "archiver-bench-$$-$1"; }
s3_url() { echo "s3://$(s3_name "$1")/bench?endpoint=$ARCHIVER_TEST_S3_ENDPOINT"; }
s3_bucket() { AWS_ACCESS_KEY_ID=$ARCHIVER_TEST_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$ARCHIVER_TEST_S3_SECRET_KEY \
  aws --endpoint-url "$ARCHIVER_TEST_S3_ENDPOINT" s3 mb "s3://$(s3_name "$1")" >/dev/null 2>&1 || true; }
s3_drop() { # a throwaway radosgw keeps objects in RAM (memstore): free them after each run
  aws --endpoint-url "$ARCHIVER_TEST_S3_ENDPOINT" s3 rb --force "s3://$(s3_name "$1")" >/dev/null 2>&1 || true; }
s3_size() { # s3_size TOOL RUN: replaces the last result's bytes with what landed in the bucket
  last_bytes "$1" "$2" "$(AWS_ACCESS_KEY_ID=$ARCHIVER_TEST_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$ARCHIVER_TEST_S3_SECRET_KEY \
    aws --endpoint-url "$ARCHIVER_TEST_S3_ENDPOINT" s3 ls --recursive "s3://$(s3_name "$2")" | awk '$4 !~ /manifest/ {s+=$3} END {print s+0}')"
}
last_bytes() { # last_bytes TOOL RUN BYTES: the last result's bytes become what landed in the store
  awk -v b="$3" 'BEGIN{FS=OFS="\t"} {l[NR]=$0} END {for (i=1;i<NR;i++) print l[i]; split(l[NR],f,"\t"); f[6]=b; print f[1],f[2],f[3],f[4],f[5],f[6],f[7]}' "$results" >"$results.tmp" && mv "$results.tmp" "$results"
  # the progress line above counted the (empty) local output directory
  printf '  %-13s run %s: %d bytes in the store (excluding manifests)\n' "$1" "$2" "$3" >&2
}
az_name() { echo "archiver-bench-$$-$1"; }
az_url() { echo "azblob://$(az_name "$1")/bench?endpoint=$ARCHIVER_TEST_AZURE_ENDPOINT"; }
az_container() { az storage container create --only-show-errors --blob-endpoint "$ARCHIVER_TEST_AZURE_ENDPOINT" -n "$(az_name "$1")" >/dev/null 2>&1 || true; }
az_drop() { az storage container delete --only-show-errors --blob-endpoint "$ARCHIVER_TEST_AZURE_ENDPOINT" -n "$(az_name "$1")" >/dev/null 2>&1 || true; }
az_size() {
  last_bytes archiver-az "$1" "$(az storage blob list --only-show-errors --blob-endpoint "$ARCHIVER_TEST_AZURE_ENDPOINT" -c "$(az_name "$1")" \
    --query "[?!contains(name, 'manifest')].properties.contentLength" -o tsv | awk '{s+=$1} END {print s+0}')"
}
if [[ $azure == 1 ]]; then
  # Both the archiver and az read these; az also takes the account from them.
  export AZURE_STORAGE_ACCOUNT=$ARCHIVER_TEST_AZURE_ACCOUNT AZURE_STORAGE_KEY=$ARCHIVER_TEST_AZURE_KEY AZURE_CORE_COLLECT_TELEMETRY=false
fi
if [[ $s3 == 1 ]]; then
  export AWS_ACCESS_KEY_ID=$ARCHIVER_TEST_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$ARCHIVER_TEST_S3_SECRET_KEY AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
  # rclone's remote "bench:" on the same endpoint, configured the way rclone documents for
  # environment variables (RCLONE_CONFIG_<REMOTE>_<OPTION>); no rclone.conf is read or written.
  export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Ceph RCLONE_CONFIG_BENCH_ENDPOINT=$ARCHIVER_TEST_S3_ENDPOINT \
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$ARCHIVER_TEST_S3_ACCESS_KEY RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$ARCHIVER_TEST_S3_SECRET_KEY \
    RCLONE_CONFIG_BENCH_REGION=${ARCHIVER_TEST_S3_REGION:-$AWS_DEFAULT_REGION} RCLONE_CONFIG=/dev/null
  # rclone 1.60's S3 client fails on AWS_CA_BUNDLE ("LoadCustomCABundleError ... unsupported transport"):
  # tar-pigz-rclone unsets it and hands the same bundle to rclone's own --ca-cert.
  if [[ -n ${AWS_CA_BUNDLE:-} ]]; then export RCLONE_CA_CERT=$AWS_CA_BUNDLE; fi
fi

summary() { # medians per tool and ratios against the first tool of each pair
  echo
  echo "| tool | runs | median wall s | median CPU s | median peak RSS MiB | output MiB | load avg (runs) |"
  echo "|---|---|---|---|---|---|---|"
  sort -t$'\t' -k1,1 -s "$results" | awk -F'\t' '
    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    function flush() { if (tool == "") return
      printf "| %s | %d | %.2f | %.2f | %.0f | %.1f | %s |\n", tool, n, med(w, n), med(c, n), med(r, n) / 1024, med(b, n) / 1048576, loads
      print tool "\t" med(w, n) "\t" med(b, n) "\t" med(c, n) > "'"$work/medians.tsv"'" }
    $1 != tool { flush(); tool = $1; n = 0; loads = "" }
    { n++; w[n] = $3; c[n] = $4; r[n] = $5; b[n] = $6; loads = loads (n > 1 ? " " : "") $7 }
    END { flush() }'
  echo
  # Ratios of the medians, and the median of the per-run ratios: runs are interleaved, so the two
  # tools of one run saw the same machine (on a shared VM the speed drifts between runs).
  awk -F'\t' 'FNR == NR { w[$1] = $2; b[$1] = $3; c[$1] = $4; next } { rw[$1, $2] = $3 }
    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    function ratio(a, z,   r, n, p) { if (!((a in w) && (z in w) && w[z] > 0)) return
      n = 0; for (r = 1; r <= runs; r++) if (((a, r) in rw) && ((z, r) in rw) && rw[z, r] > 0) p[++n] = rw[a, r] / rw[z, r]
      printf "- %s / %s: wall %.2f x (per-run ratios: median %.2f x of %d), size %.3f x\n", a, z, w[a] / w[z], n ? med(p, n) : 0, n, b[a] / b[z] }
    END { ratio("archiver-gz-keep", "tar-czf"); ratio("archiver-gz-keep", "tar-pigz"); ratio("archiver-zst-keep", "tar-zstd"); ratio("archiver-gz", "tar-czf"); ratio("archiver-gz", "tar-pigz"); ratio("archiver-gz", "archiver-gz-keep"); ratio("archiver-gz", "tar-pigz-rm"); ratio("archiver-zst", "tar-zstd"); ratio("archiver-s3", "tar-czf-s3"); ratio("archiver-s3", "tar-pigz-s3"); ratio("archiver-s3", "tar-pigz-rclone"); ratio("archiver-az", "tar-czf-az")
      core("archiver-gz-keep"); core("archiver-zst-keep"); core("archiver-gz"); core("tar-pigz"); core("tar-zstd"); core("tar-pigz-rm") }
    # Core use: wall against CPU / cores once start-up (the empty sweep) is taken off both; 1.00 x is
    # every core busy all the time, more is idle cores. The tools have no start-up worth taking off:
    # their rows show what the same formula gives a pipeline of standard tools on the same corpus.
    function core(a,   sweep, wall, cpu) { if (!(a in w)) return; sweep = a ~ /^archiver-/
      if (sweep && !("archiver-empty" in w)) return
      wall = w[a] - (sweep ? w["archiver-empty"] : 0); cpu = c[a] - (sweep ? c["archiver-empty"] : 0)
      printf "- core use of %s%s: wall %.2f s for %.2f CPU s on %d cores = %.2f x of CPU / cores\n", a, sweep ? " after start-up" : "", wall, cpu, cores, wall / (cpu / cores) }' runs="$runs" cores="$(nproc)" "$work/medians.tsv" "$results"
}

machine() {
  local l3=/sys/devices/system/cpu/cpu0/cache/index3/size
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')$([[ -r $l3 ]] && echo ", L3 $(cat "$l3")")), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -r), $(dotnet --list-runtimes 2>/dev/null | awk '/NETCore.App/ {v=$2} END {print ".NET " (v ? v : "?")}')"
  # ext4 without a journal (no /proc/fs/jbd2/<dev>-8) mounted with discard trims inside every unlink
  # and waits for the device: deletes cost ~10 x what they cost on a journaled ext4 (docs/benchmarks.md).
  disk=$(findmnt -no SOURCE,FSTYPE,OPTIONS -T "$work" 2>/dev/null || echo unknown)
  note=""
  if [[ $disk == *" ext4 "*discard* ]]; then
    dev=$(basename "${disk%% *}")
    if [[ -e /proc/fs/jbd2/$dev-8 ]]; then note=" (discard, journaled: trims at commit)"
    else note=" (discard without a journal: every unlink waits for a trim, deletes are slow)"; fi
  fi
  echo "- work disk: $disk$note"
  echo "- commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown), date: $(date -u +%Y-%m-%dT%H:%MZ), load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- tools: $(tar --version | head -1), $(gzip --version | head -1), $(command -v pigz >/dev/null && pigz --version 2>&1 | head -1), $(zstd --version | head -1)"
  [[ $s3 == 1 ]] && echo "- S3 tools: $(aws --version 2>&1 | head -1)$(command -v rclone >/dev/null && echo ", $(rclone version | head -1)")"
  return 0
}

case $mode in
  full|smoke)
    echo "corpus: $pods pods x $mib MiB, $small small files each -> $pristine" >&2
    gen "$pristine" "$pods" "$mib" "$small"
    machine
    echo "- corpus: $pods pods x $mib MiB + $small small files each ($(du -sm "$pristine" | cut -f1) MiB on disk), $runs runs interleaved"
    for run in $(seq 1 "$runs"); do
      for tool in $tools; do run_tool "$tool" "$run"; done
    done
    summary
    if [[ $mode == smoke ]]; then echo "smoke: ok" >&2; fi
    ;;
  scan)
    root=$work/scan
    if [[ ! -f $root/.complete-$scan_dirs-$scan_files ]]; then
      echo "scan corpus: $scan_dirs dirs x $scan_files files -> $root (once)" >&2
      rm -rf "$root"; mkdir -p "$root"
      python3 "$here/gen_scan_tree.py" "$root" "$scan_dirs" "$scan_files"
      touch "$root/.complete-$scan_dirs-$scan_files"
    fi
    machine
    echo "- scan corpus: $scan_dirs pod directories x $scan_files files, warm page cache, $runs runs interleaved"
    out=$work/out-empty; mkdir -p "$out"
    find "$root" -printf '%T@\n' >/dev/null # warm the cache
    for run in $(seq 1 "$runs"); do
      rm -rf "$state"; mkdir -p "$state"
      timed archiver-scan "$run" "$archiver" sweep --root "$root" --store "file://$work/scan-store" --liveness none --idle-for 1h --state "$state" --dry-run --json
      timed find-printf "$run" bash -c 'find "$1" -printf "%T@\n" >/dev/null' _ "$root"
    done
    summary
    awk -F'\t' '{ w[$1] = $2 } END { if (w["find-printf"] > 0) printf "- archiver-scan / find-printf: wall %.2f x\n", w["archiver-scan"] / w["find-printf"] }' "$work/medians.tsv"
    ;;
  memory)
    machine
    for m in "$small_mib" "$big_mib"; do
      echo "memory corpus: 1 pod x $m MiB" >&2
      gen "$pristine" 1 "$m" 0
      for run in $(seq 1 "$runs"); do fresh; sweep tar.gz "file://$out"; timed "archiver-gz-$m" "$run" "${sweep_cmd[@]}"; done
    done
    summary
    ;;
esac
