#!/usr/bin/env sh
# The publish command the Dockerfile wraps: framework-dependent Release build into DIR, ReadyToRun
# for the node's architecture (RID, default linux-x64; linux-arm64 for Arm nodes). ReadyToRun cut a
# sweep's CPU by about 20% (no JIT; docs/benchmarks.md) at +3 MiB idle RSS.
# Usage: [RID=linux-arm64] deploy/publish.sh DIR
set -eu
out=${1:?usage: deploy/publish.sh OUTPUT_DIR}
cd "$(dirname "$0")/.."
dotnet publish src/Archiver/Archiver.csproj -c Release -r "${RID:-linux-x64}" --self-contained false -o "$out" --nologo -v quiet
echo "published to $out: run it with: dotnet $out/archiver.dll --help"
