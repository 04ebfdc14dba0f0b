#!/usr/bin/env sh
# The publish command the Dockerfile wraps: framework-dependent Release build into DIR.
# Usage: deploy/publish.sh DIR
set -eu
out=${1:?usage: deploy/publish.sh OUTPUT_DIR}
cd "$(dirname "$0")/.."
dotnet publish src/Archiver/Archiver.csproj -c Release -o "$out" --nologo -v quiet
echo "published to $out: run it with: dotnet $out/archiver.dll --help"
