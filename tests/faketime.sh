#!/usr/bin/env bash
# Runs the tests as if it were another day and another hour, to show that no test depends on where
# the wall clock is. Not part of CI; run it by hand after touching anything clock-related.
#
#   tests/faketime.sh WHEN [dotnet test arguments...]
#
# WHEN is a date for `date -d` ("2027-01-01 00:59:30", "tomorrow 23:59:40") or an offset
# (+17d, -6h, +413h, +1469400s). Examples:
#   tests/faketime.sh "2027-01-01 00:59:30"                       # the whole suite, New Year
#   tests/faketime.sh +413h --filter "FullyQualifiedName~SweepTests"
#   TZ=Europe/Berlin tests/faketime.sh "2027-03-28 00:59:30"      # the night clocks go forward
#
# How: Debian's libfaketime (package faketime) is preloaded into dotnet and everything it starts.
# - WHEN becomes one offset in seconds (FAKETIME="+N"), computed once, so every process (dotnet
#   test, the testhost, a radosgw started here) agrees on the time; "@DATE" would restart the clock
#   at DATE in each new process.
# - dotnet gets the monotonic clock shifted by the same constant (libfaketime's default), so
#   Stopwatch and timeouts still measure true intervals; with FAKETIME_DONT_FAKE_MONOTONIC=1
#   (libfaketime 0.9.10, .NET 10) vstest never connects to its testhost ("failed to connect ...
#   after 90 seconds"). Ceph is the other way round: its monitor hangs on a shifted monotonic
#   clock, so the radosgw started here keeps the real one.
# - The kernel still stamps files with the real time (libfaketime does not fake stat here), so a
#   test that takes a file time from the kernel and compares it with its clock fails under this
#   script: each test must set the file times it relies on from its scene clock.
# - The build runs first on the real clock (MSBuild's incremental checks compare file times);
#   the tests then run with --no-build.
# - S3 signatures carry the request time and the server refuses a skew over 15 minutes, so
#   unless ARCHIVER_TEST_S3_ENDPOINT is set, a throwaway radosgw is started under the same clock.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 1 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
when=$1; shift

lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
if [ ! -f "$lib" ]; then
  echo "installing faketime (libfaketime)"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends faketime >/dev/null
fi

case "$when" in
  [+-][0-9]*) offset=$when ;;
  *) target=$(date -d "$when" +%s) || { echo "cannot read '$when' as a date; use e.g. '2027-01-01 00:59:30' or +17d" >&2; exit 2; }
     offset=$(printf '%+d' $((target - $(date +%s)))) ;;
esac
export FAKETIME=$offset
shifted() { LD_PRELOAD=$lib "$@"; }
echo "real clock: $(date -u '+%F %T %Z'); tests see: $(shifted date '+%F %T %Z') (FAKETIME=$FAKETIME)"

# What tests/run.sh installs besides radosgw: the manifest schema validator.
[ -d tests/k8s-schema/node_modules/kubernetes-models ] || npm ci --prefix tests/k8s-schema --no-audit --no-fund --loglevel=error
dotnet build Archiver.sln -c Release -nologo -v quiet

if [ -z "${ARCHIVER_TEST_S3_ENDPOINT:-}" ]; then
  rgw_dir=$(mktemp -d /tmp/archiver-rgw-faketime.XXXXXX)
  trap 'tests/s3/radosgw.sh stop "$rgw_dir" >/dev/null 2>&1 || true' EXIT
  FAKETIME_DONT_FAKE_MONOTONIC=1 shifted tests/s3/radosgw.sh start "$rgw_dir"
  # shellcheck disable=SC1091
  . "$rgw_dir/env"
  # The gateway-crash tests restart it from the testhost, which passes the shifted clock on.
  ARCHIVER_TEST_RGW_RESTART="FAKETIME_DONT_FAKE_MONOTONIC=1 $ARCHIVER_TEST_RGW_RESTART"
  export ARCHIVER_TEST_S3_ENDPOINT ARCHIVER_TEST_S3_ACCESS_KEY ARCHIVER_TEST_S3_SECRET_KEY ARCHIVER_TEST_S3_REGION \
         ARCHIVER_TEST_RGW_PIDFILE ARCHIVER_TEST_RGW_RESTART
fi

shifted dotnet test Archiver.sln -c Release --no-build "$@"
