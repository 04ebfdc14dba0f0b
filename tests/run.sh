#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine with the .NET SDK and git:
#   1. installs what the tests need from Debian's packages (GNU tar, zstd, file, node, ...) and
#      npm (the Kubernetes schema validator, tests/k8s-schema),
#   2. starts a throwaway Ceph radosgw S3 server (tests/s3/radosgw.sh) and Azurite
#      (tests/azure/azurite.sh) on 127.0.0.1, builds the chart renderer (tests/helm-render),
#   3. runs every test, the bench smoke and the image test (tests/image.sh), then stops the servers.
# To run the S3 tests against another endpoint (MinIO, AWS), export ARCHIVER_TEST_S3_ENDPOINT,
# ARCHIVER_TEST_S3_ACCESS_KEY, ARCHIVER_TEST_S3_SECRET_KEY (and ARCHIVER_TEST_S3_REGION) first.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
# unshare and mount: tests run the binary in a private mount namespace (as root); file: the
# publish tests read ELF architectures; node/npm: the Kubernetes schema validator; age and
# age-keygen: the encryption tests prove interoperability with the real age tool; promtool: the
# shipped alert rules; go with sprig and sigs.k8s.io/yaml: tests/helm-render renders the Helm chart
# (helm's template engine is those two; no helm binary is served).
for tool in tar zstd gzip python3 mkfifo mknod file unshare mount node npm age age-keygen promtool go; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -d /usr/share/gocode/src/github.com/Masterminds/sprig ] || missing+=(sprig)
[ -d /usr/share/gocode/src/sigs.k8s.io/yaml ] || missing+=(sigs.k8s.io/yaml)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zstd tar gzip python3 coreutils file util-linux mount age \
    prometheus golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev \
    $(command -v node >/dev/null || echo nodejs) $(command -v npm >/dev/null || echo npm) >/dev/null
fi
# The Kubernetes and Prometheus Operator schema validator the manifest tests run (tests/k8s-schema/validate.mjs).
if [ ! -d tests/k8s-schema/node_modules/kubernetes-models ] || [ ! -d tests/k8s-schema/node_modules/@kubernetes-models/prometheus-operator ]; then
  npm ci --prefix tests/k8s-schema --no-audit --no-fund --loglevel=error
fi
# The age test vectors (C2SP CCTV testkit, npm cctv-age) and typage (npm age-encryption, the
# TypeScript age with post-quantum keys) the encryption tests run (tests/age-testkit).
if [ ! -d tests/age-testkit/node_modules/cctv-age ] || [ ! -d tests/age-testkit/node_modules/age-encryption ]; then
  npm ci --prefix tests/age-testkit --no-audit --no-fund --loglevel=error
fi
# The chart renderer (Debian's Go and its packaged libraries, no module download).
(cd tests/helm-render && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= go build -o helm-render .)

stop_servers() {
  [ -n "${rgw_dir:-}" ] && tests/s3/radosgw.sh stop "$rgw_dir" >/dev/null 2>&1
  [ -n "${azurite_dir:-}" ] && tests/azure/azurite.sh stop "$azurite_dir" >/dev/null 2>&1
  true
}
trap stop_servers EXIT
if [ -z "${ARCHIVER_TEST_S3_ENDPOINT:-}" ]; then
  rgw_dir=$(mktemp -d /tmp/archiver-rgw.XXXXXX)
  tests/s3/radosgw.sh start "$rgw_dir"
  # shellcheck disable=SC1091
  . "$rgw_dir/env"
  export ARCHIVER_TEST_S3_ENDPOINT ARCHIVER_TEST_S3_ACCESS_KEY ARCHIVER_TEST_S3_SECRET_KEY ARCHIVER_TEST_S3_REGION \
         ARCHIVER_TEST_RGW_PIDFILE ARCHIVER_TEST_RGW_RESTART ARCHIVER_TEST_RGW_CONF
fi

# Azurite, Microsoft's Azure Storage emulator (npm), for the azblob:// tests; or a real account
# when ARCHIVER_TEST_AZURE_* is set (tests/azure/azurite.sh says which variables).
if [ -z "${ARCHIVER_TEST_AZURE_ENDPOINT:-}" ]; then
  azurite_dir=$(mktemp -d /tmp/archiver-azurite.XXXXXX)
  tests/azure/azurite.sh start "$azurite_dir"
  # shellcheck disable=SC1091
  . "$azurite_dir/env"
fi

log=$(mktemp /tmp/archiver-test.XXXXXX.log)
set +e
dotnet test Archiver.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Benchmarks are not tests; CI runs only their smoke version: Archiver's output of a small corpus
# must extract with GNU tar to exactly the source tree.
echo "bench smoke: bench/run.sh --smoke"
if ! bench/run.sh --smoke; then
  echo "bench smoke FAILED"
  [ "$status" -ne 0 ] || status=1
fi
# The image: Dockerfile built with buildah (amd64, arm64) and run as the DaemonSet runs it. After
# the tests, not beside them: both are CPU-bound on 2 cores.
echo "image: tests/image.sh"
image_start=$SECONDS
if ! tests/image.sh; then
  echo "image test FAILED"
  [ "$status" -ne 0 ] || status=1
fi
echo "image: $((SECONDS - image_start)) s"
set -e
# One plain closing line: "N passed, N failed".
summary=$(grep -E '(Passed|Failed)!  - Failed: ' "$log" | tail -1)
if [ -n "$summary" ]; then
  failed=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$summary")
  passed=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$summary")
  echo "$passed passed, $failed failed"
fi
rm -f "$log"
exit "$status"
