#!/usr/bin/env bash
# Issue 17's targets, measured side by side (runs interleaved, medians, ratios, load average):
#
#   bench/single_file.sh --cat      one 64 KiB file out of a ~1 GiB archive in the S3 server:
#                                   cat and restore --path vs the full restore (wall, bytes
#                                   downloaded), for tar.gz and tar.zst; with the floor under cat:
#                                   archiver --version, and archiver list of an empty prefix
#                                   (start-up, S3 client and one request), cat's cost above that
#                                   floor, and cat of the same file from the archive of the same pod
#                                   with 16 MiB of data (cat must not grow with the archive)
#   bench/single_file.sh --find     archiver find over N archives' manifests in the S3 server
#   bench/single_file.sh --index    the index's size cost on the bench corpus (gen_corpus.py, as
#                                   run.sh): Archiver's block-compressed archive + the manifest's
#                                   index fields vs one gzip -6 / zstd -3 stream of the same tar
#   (no mode: all three)
# Options: --runs N (3) --mib M (1024, --cat) --archives N (1000, --find) --work DIR --bin DIR
# --cat and --find need ARCHIVER_TEST_S3_ENDPOINT, ARCHIVER_TEST_S3_ACCESS_KEY, ARCHIVER_TEST_S3_SECRET_KEY.
# Bytes downloaded are Archiver's own count of what it read from the store (restore --path logs it;
# cat uses the same reader); a full restore downloads the whole object.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd); repo=$(dirname "$here")
modes="" runs=3 mib=1024 archives=1000 work=${BENCH_WORK:-/tmp/archiver-bench-sf} bin=${ARCHIVER_BIN:-}
while [[ $# -gt 0 ]]; do
  case $1 in
    --cat|--find|--index) modes="$modes ${1#--}" ;;
    --runs) runs=$2; shift ;;
    --mib) mib=$2; shift ;;
    --archives) archives=$2; shift ;;
    --work) work=$2; shift ;;
    --bin) bin=$2; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "single_file.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -n $modes ]] || modes="index cat find"
mkdir -p "$work"; work=$(cd "$work" && pwd)
if [[ -z $bin ]]; then
  bin=$work/bin
  echo "publishing Archiver to $bin" >&2
  dotnet publish "$repo/src/Archiver" -c Release -r linux-x64 --self-contained false -o "$bin" --nologo -v quiet >"$work/publish.log" 2>&1 ||
    { cat "$work/publish.log" >&2; echo "single_file.sh: dotnet publish failed" >&2; exit 3; }
fi
archiver=$bin/archiver
[[ -x $archiver ]] || { echo "single_file.sh: $archiver not found; pass --bin DIR" >&2; exit 3; }
if [[ $modes == *cat* || $modes == *find* ]]; then
  : "${ARCHIVER_TEST_S3_ENDPOINT:?needs ARCHIVER_TEST_S3_ENDPOINT}" "${ARCHIVER_TEST_S3_ACCESS_KEY:?}" "${ARCHIVER_TEST_S3_SECRET_KEY:?}"
  export AWS_ACCESS_KEY_ID=$ARCHIVER_TEST_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$ARCHIVER_TEST_S3_SECRET_KEY AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
fi
s3() { aws --endpoint-url "$ARCHIVER_TEST_S3_ENDPOINT" s3 "$@"; }
mb() { local i; for i in 1 2 3 4 5; do s3 mb "s3://$bucket" >/dev/null 2>&1 && return; s3 ls "s3://$bucket" >/dev/null 2>&1 && return; sleep 10; done
  echo "single_file.sh: cannot create bucket $bucket at $ARCHIVER_TEST_S3_ENDPOINT" >&2; exit 3; }
bucket=archiver-bench-sf-$$
cleanup() { [[ $modes == *cat* || $modes == *find* ]] && s3 rb --force "s3://$bucket" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# seconds CMD...: wall seconds of CMD (its stdout to $work/stdout, stderr to $work/stderr)
seconds() {
  local t0 t1; t0=$(date +%s.%N)
  "$@" >"$work/stdout" 2>"$work/stderr" || { echo "single_file.sh: failed: $*" >&2; tail -20 "$work/stderr" >&2; exit 1; }
  t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
policy() { # policy FILE ROOT STORE FORMAT STATE
  printf 'name: bench\nroot: %s\nstore: %s\nstate: %s\nliveness: none\nidleFor: 0s\nformat: %s\nafterUpload: keep\nkey: "{pod}/{dir}-{timestamp}.%s"\n' "$2" "$3" "$5" "$4" "$4" >"$1"
}

echo "- commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown), date: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load at start: $(load)"

for mode in $modes; do case $mode in
index)
  root=$work/index/data store=$work/index/store
  rm -rf "$work/index"; mkdir -p "$root" "$store"
  python3 "$here/gen_corpus.py" "$root" --pods 8 --mib-per-pod 64 --small-files 2000 --seed 7 --age-days 3
  echo "- index cost, bench corpus 8 pods x 64 MiB + 2,000 small files each ($(du -sm "$root" | cut -f1) MiB):"
  for f in tar.gz tar.zst; do
    policy "$work/index/$f.yaml" "$root" "file://$store/$f" "$f" "$work/index/state-$f"
    "$archiver" sweep --policy "$work/index/$f.yaml" --json >/dev/null
    python3 - "$store/$f" "$f" <<'PY'
import json, os, subprocess, sys
store, fmt = sys.argv[1], sys.argv[2]
archive = single = index = 0
for d, _, names in os.walk(store):
    for n in names:
        if not n.endswith("." + fmt): continue
        p = os.path.join(d, n)
        archive += os.path.getsize(p)
        tar = subprocess.run(["gzip" if fmt == "tar.gz" else "zstd", "-dc", p], check=True, capture_output=True).stdout
        again = subprocess.run(["gzip", "-6", "-c"] if fmt == "tar.gz" else ["zstd", "-3", "-c", "-T1"], input=tar, check=True, capture_output=True).stdout
        single += len(again)
        m = json.load(open(p + ".manifest.json"))
        compact = lambda o: len(json.dumps(o, separators=(",", ":"), ensure_ascii=False).encode())
        full = compact(m)
        m.pop("index", None)
        for e in m["entries"]: e.pop("offset", None)
        index += full - compact(m)
level = "gzip -6" if fmt == "tar.gz" else "zstd -3"
print(f"  - {fmt}: Archiver {archive} bytes (blocks) vs one {level} stream of the same tar {single} bytes: "
      f"{(archive - single) / single * 100:+.2f} %; manifest index fields {index} bytes ({index / single * 100:.3f} %); "
      f"index total {(archive - single + index) / single * 100:+.2f} %")
PY
  done
  rm -rf "$work/index"
  ;;
cat)
  root=$work/cat/data
  rm -rf "$work/cat"; mkdir -p "$root"
  python3 "$here/gen_corpus.py" "$root" --pods 1 --mib-per-pod "$mib" --small-files 2000 --seed 7 --age-days 3
  pod=$(cd "$root" && ls | head -1)
  mkdir -p "$root/$pod/m"; head -c 65536 /dev/urandom >"$root/$pod/m/target.log"; touch -d '3 days ago' "$root/$pod/m/target.log" "$root/$pod/m" "$root/$pod"
  # The same pod with 16 MiB of data instead of $mib (same small files, so the same manifest size):
  # cat's time must not grow with the archive.
  small=$work/cat/small
  mkdir -p "$small"
  python3 "$here/gen_corpus.py" "$small" --pods 1 --mib-per-pod 16 --small-files 2000 --seed 7 --age-days 3
  spod=$(cd "$small" && ls | head -1)
  mkdir -p "$small/$spod/m"; cp "$root/$pod/m/target.log" "$small/$spod/m/"; touch -d '3 days ago' "$small/$spod/m/target.log" "$small/$spod/m" "$small/$spod"
  mb
  url="s3://$bucket/cat?endpoint=$ARCHIVER_TEST_S3_ENDPOINT"
  surl="s3://$bucket/cat-small?endpoint=$ARCHIVER_TEST_S3_ENDPOINT"
  echo "- one 64 KiB file from a $(du -sm "$root" | cut -f1) MiB pod directory in the S3 server ($ARCHIVER_TEST_S3_ENDPOINT), $runs runs interleaved:"
  declare -A key=() size=() skey=() ssize=()
  for f in tar.gz tar.zst; do
    policy "$work/cat/$f.yaml" "$root" "$url" "$f" "$work/cat/state-$f"
    s=$(seconds "$archiver" sweep --policy "$work/cat/$f.yaml" --json)
    key[$f]=$(s3 ls --recursive "s3://$bucket/cat/" | awk -v f=".$f" '$4 ~ f"$" { sub("^cat/", "", $4); print $4 }')
    size[$f]=$(s3 ls --recursive "s3://$bucket/cat/" | awk -v f=".$f" '$4 ~ f"$" { print $3 }')
    echo "  - $f: archived in ${s}s (load $(load)), ${size[$f]} bytes: ${key[$f]}"
    policy "$work/cat/small-$f.yaml" "$small" "$surl" "$f" "$work/cat/small-state-$f"
    seconds "$archiver" sweep --policy "$work/cat/small-$f.yaml" --json >/dev/null
    skey[$f]=$(s3 ls --recursive "s3://$bucket/cat-small/" | awk -v f=".$f" '$4 ~ f"$" { sub("^cat-small/", "", $4); print $4 }')
    ssize[$f]=$(s3 ls --recursive "s3://$bucket/cat-small/" | awk -v f=".$f" '$4 ~ f"$" { print $3 }')
  done
  : >"$work/cat/results"
  for run in $(seq 1 "$runs"); do
    for f in tar.gz tar.zst; do
      c=$(seconds "$archiver" cat "${key[$f]}" "m/target.log" --store "$url")
      cmp -s "$work/stdout" "$root/$pod/m/target.log" || { echo "single_file.sh: cat returned other bytes" >&2; exit 1; }
      cs=$(seconds "$archiver" cat "${skey[$f]}" "m/target.log" --store "$surl")
      cmp -s "$work/stdout" "$root/$pod/m/target.log" || { echo "single_file.sh: cat (small archive) returned other bytes" >&2; exit 1; }
      rm -rf "$work/cat/out"
      p=$(seconds "$archiver" restore "${key[$f]}" --store "$url" --to "$work/cat/out" --path m/target.log -v)
      fetched=$(grep -ho 'reading [0-9,]* bytes' "$work/stderr" "$work/stdout" | head -1 | tr -dc 0-9)
      rm -rf "$work/cat/out"
      r=$(seconds "$archiver" restore "${key[$f]}" --store "$url" --to "$work/cat/out")
      rm -rf "$work/cat/out"
      # The floor under cat: the process alone, and the process plus one S3 request (list of an empty prefix).
      v=$(seconds "$archiver" --version)
      l=$(seconds "$archiver" list --store "s3://$bucket/empty?endpoint=$ARCHIVER_TEST_S3_ENDPOINT")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$f" "$c" "$p" "$r" "${fetched:-0}" "$(cut -d' ' -f1 /proc/loadavg)" "$v" "$l" "$cs" >>"$work/cat/results"
      echo "    run $run $f: cat ${c}s (from the ${ssize[$f]}-byte archive ${cs}s), restore --path ${p}s (${fetched:-?} bytes read), full restore ${r}s; --version ${v}s, list ${l}s (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    done
  done
  for f in tar.gz tar.zst; do
    c=$(awk -v f="$f" '$1 == f { print $2 }' "$work/cat/results" | median)
    p=$(awk -v f="$f" '$1 == f { print $3 }' "$work/cat/results" | median)
    r=$(awk -v f="$f" '$1 == f { print $4 }' "$work/cat/results" | median)
    b=$(awk -v f="$f" '$1 == f { print $5 }' "$work/cat/results" | median)
    per=$(awk -v f="$f" '$1 == f { print $2 / $4 }' "$work/cat/results" | median)
    loads=$(awk -v f="$f" '$1 == f { printf "%s ", $6 }' "$work/cat/results")
    v=$(awk -v f="$f" '$1 == f { print $7 }' "$work/cat/results" | median)
    l=$(awk -v f="$f" '$1 == f { print $8 }' "$work/cat/results" | median)
    above=$(awk -v f="$f" '$1 == f { print ($2 - $8) / $4 }' "$work/cat/results" | median)
    cs=$(awk -v f="$f" '$1 == f { print $9 }' "$work/cat/results" | median)
    grow=$(awk -v f="$f" '$1 == f { print $2 / $9 }' "$work/cat/results" | median)
    echo "  - $f: cat ${c}s, restore --path ${p}s, full restore ${r}s (medians); cat / full restore $(awk -v a="$c" -v b="$r" 'BEGIN { printf "%.2f", a / b * 100 }') % (median of per-run ratios $(awk -v a="$per" 'BEGIN { printf "%.2f", a * 100 }') %); downloaded $b bytes ($(awk -v a="$b" 'BEGIN { printf "%.2f", a / 1048576 }') MiB) vs ${size[$f]} for the full restore; floor: --version ${v}s, list (start-up + one S3 request) ${l}s = $(awk -v a="$l" -v b="$r" 'BEGIN { printf "%.2f", a / b * 100 }') % of the full restore; cat above that floor (cat - list) / full restore $(awk -v a="$above" 'BEGIN { printf "%.2f", a * 100 }') % (median of per-run); the same file from the ${ssize[$f]}-byte archive of the 16 MiB pod: ${cs}s, ${size[$f]}-byte / small $(awk -v a="$grow" 'BEGIN { printf "%.2f", a }') x (median of per-run); load ${loads% }"
  done
  s3 rm --recursive "s3://$bucket/cat" >/dev/null; s3 rm --recursive "s3://$bucket/cat-small" >/dev/null; rm -rf "$work/cat"
  ;;
find)
  root=$work/find/data
  rm -rf "$work/find"; mkdir -p "$root"
  python3 "$here/gen_scan_tree.py" "$root" "$archives" 20
  mb
  url="s3://$bucket/find?endpoint=$ARCHIVER_TEST_S3_ENDPOINT"
  s=$(seconds "$archiver" sweep --root "$root" --store "$url" --liveness none --idle-for 0 --state "$work/find/state" --node bench --json)
  n=$(s3 ls --recursive "s3://$bucket/find/" | grep -c 'manifest.json$')
  echo "- find over $n archives' manifests (20 files each) in the S3 server; made by one sweep in ${s}s; $runs runs:"
  : >"$work/find/results"
  for run in $(seq 1 "$runs"); do
    a=$(seconds "$archiver" find 'f0001?.log' --store "$url" --json)
    hits=$(wc -l <"$work/stdout")
    z=$(seconds "$archiver" find 'f0001?.log' --store "$url" --until 2000-01-01T00:00:00Z --json)
    printf '%s\t%s\t%s\t%s\n' "$a" "$z" "$hits" "$(cut -d' ' -f1 /proc/loadavg)" >>"$work/find/results"
    echo "    run $run: find (every manifest read) ${a}s, $hits matches; find --until before them all (listing only) ${z}s (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  done
  echo "  - find reading all $n manifests: $(cut -f1 "$work/find/results" | median)s median ($(cut -f3 "$work/find/results" | head -1) matches); the same with every key ruled out by --until (listing only): $(cut -f2 "$work/find/results" | median)s; load $(cut -f4 "$work/find/results" | tr '\n' ' ')"
  s3 rm --recursive "s3://$bucket/find" >/dev/null; rm -rf "$work/find"
  ;;
esac; done
