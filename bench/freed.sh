#!/usr/bin/env bash
# When does a deleting sweep give the disk back? Runs `archiver sweep` (gzip, file:// store, liveness
# none) over a fresh corpus and samples, every 20 ms, which pod directories are gone; prints the time
# of the first and of half of the bytes freed, as a share of the sweep's wall time, and the curve.
#
#   bench/freed.sh --bin DIR [--bin-before DIR] [--pods N] [--mib-per-pod M] [--small-files K] [--runs N] [--pressure]
#
# --pressure: disk-pressure relief instead of a sweep (needs root: it mounts a file system). The
# corpus goes on a loop-mounted ext4 image it fills past pressure.high; `archiver run` watches it
# every second with one policy (pressure: {high: 50%, low: 1%}, so every directory goes, oldest
# first) and the times count from the daemon's "Disk pressure on ..." line to each directory gone.
#
# --bin-before DIR: a publish of another commit (e.g. `git worktree add /tmp/old <commit>` and
# `dotnet publish /tmp/old/src/Archiver -c Release -o /tmp/old-bin`), run interleaved with --bin.
# Bytes freed are the apparent sizes of the pod directories gone (du -sb before the sweep).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd); repo=$(dirname "$here")
bins=() labels=() pods=8 mib=24 small=500 runs=3 work=${BENCH_WORK:-/tmp/archiver-freed} pressure=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) bins+=("$2"); labels+=(now); shift ;;
    --bin-before) bins+=("$2"); labels+=(before); shift ;;
    --pods) pods=$2; shift ;;
    --mib-per-pod) mib=$2; shift ;;
    --small-files) small=$2; shift ;;
    --runs) runs=$2; shift ;;
    --work) work=$2; shift ;;
    --pressure) pressure=1 ;;
    *) echo "freed.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[[ ${#bins[@]} -gt 0 ]] || { echo "freed.sh: pass --bin DIR (a dotnet publish of src/Archiver)" >&2; exit 2; }
gen=$repo/bench/gen_corpus.py
[[ -f $gen ]] || gen=$repo/../shared/bench/gen_corpus.py

rm -rf "$work"; mkdir -p "$work"
python3 "$gen" "$work/corpus" --pods "$pods" --mib-per-pod "$mib" --small-files "$small" >/dev/null
declare -A size
total=0
for d in "$work"/corpus/*/; do n=$(basename "$d"); size[$n]=$(du -sb "$d" | cut -f1); total=$((total + size[$n])); done
echo "corpus: $pods pods, $total bytes; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"

# sample ROOT ELAPSED_US CURVE: counts the bytes of the pod directories gone from ROOT into $freed,
# appends "seconds<TAB>bytes" to CURVE and sets $first and $half (microseconds) when first reached;
# they are the caller's locals (bash scopes dynamically), so no fork per sample.
sample() {
  freed=0
  for n in "${!size[@]}"; do [[ -d $1/$n ]] || freed=$((freed + size[$n])); done
  printf '%d.%06d\t%d\n' $(($2 / 1000000)) $(($2 % 1000000)) "$freed" >>"$3"
  [[ -z $first && $freed -gt 0 ]] && first=$2
  [[ -z $half && $((freed * 2)) -ge $total ]] && half=$2
  return 0
}

result() { # result LABEL FIRST_US HALF_US WHOLE_US: one line of $results, in seconds
  awk -v l="$1" -v f="$2" -v h="$3" -v w="$4" 'BEGIN { printf "%s\t%.2f\t%.2f\t%.2f\n", l, f / 1e6, h / 1e6, w / 1e6 }'
}

one_run() { # label bin run -> prints "label first_s half_s wall_s" and writes the curve
  local label=$1 bin=$2 run=$3
  local root=$work/root-$label-$run store=$work/store-$label-$run state=$work/state-$label-$run
  rm -rf "$root" "$store" "$state"; cp -a "$work/corpus" "$root"; mkdir -p "$store"; sync
  local curve=$work/curve-$label-$run.tsv start freed first="" half=""
  start=${EPOCHREALTIME/[.,]/}
  "$bin/archiver" sweep --root "$root" --store "file://$store" --state "$state" --liveness none --idle-for 0 --format tar.gz --json >"$work/out-$label-$run.json" 2>/dev/null &
  local pid=$!
  while :; do
    sample "$root" $(( ${EPOCHREALTIME/[.,]/} - start )) "$curve"
    kill -0 "$pid" 2>/dev/null || break
    read -rt 0.02 -u "$tick" || true # sleep 20 ms without a fork per sample
  done
  wait "$pid" || { echo "freed.sh: the $label sweep failed (see $work/out-$label-$run.json)" >&2; exit 1; }
  local wall=$(( ${EPOCHREALTIME/[.,]/} - start ))
  result "$label" "${first:-$wall}" "${half:-$wall}" "$wall"
}

# Disk pressure: the corpus on its own small ext4 (journaled, no discard: a node's usual data disk),
# filled past pressure.high; the daemon relieves it one directory at a time, oldest first.
one_pressure_run() { # label bin run -> prints "label first_s half_s wall_s", counted from the pressure run's start
  local label=$1 bin=$2 run=$3
  local mnt=$work/mnt root=$work/mnt/pods store=$work/store-$label-$run state=$work/state-$label-$run
  local policies=$work/policies-$label-$run log=$work/out-$label-$run.log curve=$work/curve-$label-$run.tsv
  rm -rf "$store" "$state" "$policies" "$curve"; mkdir -p "$store" "$state" "$policies" "$mnt"
  rm -f "$work/disk.img"; truncate -s $((total * 8 / 5)) "$work/disk.img"; mkfs.ext4 -q -F "$work/disk.img"
  mount -o loop "$work/disk.img" "$mnt"
  cp -a "$work/corpus" "$root"; sync
  printf 'name: pressure\nroot: %s\nlayout: "{pod}"\nschedule: "0 0 1 1 *"\nliveness: none\nstore: file://%s\nformat: tar.gz\nafterUpload: delete\nconcurrency: 2\npressure: {high: 50%%, low: 1%%, minIdle: 1m}\n' \
    "$root" "$store" >"$policies/pressure.yaml"
  "$bin/archiver" run --policies "$policies" --state "$state" --listen "127.0.0.1:$((18080 + run))" --nice 0 --io-class none \
    --pressure-interval 1s >"$log" 2>&1 &
  local pid=$! start="" now freed first="" half="" last="" t limit=$(( ${EPOCHREALTIME/[.,]/} + 300000000 ))
  while :; do
    now=${EPOCHREALTIME/[.,]/}
    (( now < limit )) || { kill "$pid"; echo "freed.sh: the $label daemon relieved no pressure in 300 s (see $log)" >&2; exit 1; }
    if [[ -z $start ]]; then
      t=$(grep -m1 -o '"@t":"[^"]*","@mt":"Disk pressure on {Root}: ' "$log" | cut -d'"' -f4) || true
      [[ -n $t ]] && start=$(date -d "$t" +%s%6N)
    fi
    if [[ -n $start ]]; then
      sample "$root" $((now - start)) "$curve"
      [[ $freed -ge $total ]] && { last=$((now - start)); break; }
    fi
    kill -0 "$pid" 2>/dev/null || { echo "freed.sh: the $label daemon stopped (see $log)" >&2; exit 1; }
    read -rt 0.02 -u "$tick" || true
  done
  kill -TERM "$pid"; wait "$pid" || true
  umount "$mnt"
  result "$label" "$first" "$half" "$last"
}

if [[ $pressure == 1 ]]; then
  [[ $EUID == 0 ]] || { echo "freed.sh: --pressure mounts a file system image: run it as root" >&2; exit 2; }
  trap 'mountpoint -q "$work/mnt" && umount "$work/mnt"' EXIT # also after a failed run
fi
exec {tick}<> <(:) # a pipe nobody writes: read -t on it is a sleep in bash itself
results=$work/results.tsv; : >"$results"
for run in $(seq 1 "$runs"); do
  for i in "${!bins[@]}"; do
    if [[ $pressure == 1 ]]; then one_pressure_run "${labels[$i]}" "${bins[$i]}" "$run"; else one_run "${labels[$i]}" "${bins[$i]}" "$run"; fi | tee -a "$results"
  done
done
echo
whole=sweep; [[ $pressure == 1 ]] && whole=relief # relief: from the pressure line to the last directory gone
echo "| binary | runs | median first byte freed s | median half freed s | median $whole s | first / $whole | half / $whole |"
echo "|---|---|---|---|---|---|---|"
for label in "${labels[@]}"; do
  awk -F'\t' -v l="$label" '$1 == l { f[++n] = $2; h[n] = $3; w[n] = $4 }
    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t } return a[int((n + 1) / 2)] }
    END { mf = med(f, n); mh = med(h, n); mw = med(w, n); printf "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |\n", l, n, mf, mh, mw, mf / mw, mh / mw }' "$results"
done
echo "curves (seconds, bytes freed): $work/curve-*.tsv"
