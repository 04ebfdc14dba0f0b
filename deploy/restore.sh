#!/bin/sh
# restore.sh - restore an Archiver archive without the Archiver binary.
#
#   restore.sh SOURCE TARGET_DIR [--endpoint URL] [--tmp DIR] [--no-manifest] [--identity FILE]
#
# SOURCE is the archive's URL:
#   s3://BUCKET/KEY    downloaded with `aws s3 cp` (credentials as the aws CLI finds them;
#                      --endpoint for S3-compatible servers such as MinIO, Ceph or OSS)
#   oss://BUCKET/KEY   downloaded with `ossutil cp` when ossutil is installed, otherwise with
#                      `aws s3 cp` against OSS's S3-compatible endpoint (--endpoint required,
#                      e.g. https://oss-cn-hangzhou.aliyuncs.com; OSS needs virtual-hosted
#                      addressing: `aws configure set default.s3.addressing_style virtual`)
#   azblob://CONTAINER/KEY
#                      downloaded with `az storage blob download` (Debian: apt-get install
#                      azure-cli) with the credentials az reads: AZURE_STORAGE_CONNECTION_STRING,
#                      or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN,
#                      else `az login` (--auth-mode login); --endpoint for Azurite or a sovereign
#                      cloud (the blob service URL, e.g. http://127.0.0.1:10000/devstoreaccount1).
#                      Without az: with curl, given AZURE_STORAGE_SAS_TOKEN (a SAS with read
#                      permission) and AZURE_STORAGE_ACCOUNT or --endpoint
#   file:///DIR/KEY or a local path: copied
#
# It downloads the archive and KEY.manifest.json beside it into a temporary directory
# (under --tmp DIR, default $TMPDIR or /tmp), checks the archive's SHA-256 against the
# manifest's archive.sha256, extracts it into TARGET_DIR with tar (owners are restored when
# run as root, modes always), and reports. It refuses a TARGET_DIR that is not empty.
# Entries keep their archived names: TARGET_DIR/<pod directory>/ is recreated.
#
# An age-encrypted archive (KEY ends in .age, e.g. .tar.gz.age) needs an age identity:
# --identity FILE (the key file age-keygen wrote) or $ARCHIVER_AGE_IDENTITY_FILE. Its manifest
# KEY-without-.age.manifest.json.age is decrypted with `age -d -i`, the stored (encrypted)
# archive is checked against it, then `age -d -i FILE` streams the plaintext into tar.
#
# Needs: sh, sha256sum, tar, sed; aws (s3://), ossutil (oss://), az or curl (azblob://); zstd for .tar.zst;
# bzip2 for .tar.bz2; age for .age. Per-file hashes in the manifest are not checked here;
# `archiver restore` checks them.
#
# Exit: 0 restored and the archive matched its manifest; 1 failed (download, checksum,
# extraction, or an encrypted archive without an identity: nothing was written); 2 usage
# error or non-empty target (nothing was written).
set -eu

me=restore.sh
say() { printf '%s: %s\n' "$me" "$*" >&2; }
fail() { say "error: $*"; exit 1; }
usage() {
    say "error: $*"
    say "usage: $me s3://BUCKET/KEY|oss://BUCKET/KEY|azblob://CONTAINER/KEY|file:///PATH TARGET_DIR [--endpoint URL] [--tmp DIR] [--no-manifest] [--identity FILE]"
    exit 2
}
refuse() { say "error: $*"; exit 2; }
need() { command -v "$1" >/dev/null 2>&1 || fail "'$1' is not installed; $2"; }

source_url=""
target=""
endpoint=""
tmp_root="${TMPDIR:-/tmp}"
check_manifest=yes
identity="${ARCHIVER_AGE_IDENTITY_FILE:-}"
while [ $# -gt 0 ]; do
    case "$1" in
        --endpoint) [ $# -ge 2 ] || usage "--endpoint needs a URL"; endpoint=$2; shift 2 ;;
        --endpoint=*) endpoint=${1#--endpoint=}; shift ;;
        --tmp) [ $# -ge 2 ] || usage "--tmp needs a directory"; tmp_root=$2; shift 2 ;;
        --tmp=*) tmp_root=${1#--tmp=}; shift ;;
        --no-manifest) check_manifest=no; shift ;;
        --identity) [ $# -ge 2 ] || usage "--identity needs an age identity file"; identity=$2; shift 2 ;;
        --identity=*) identity=${1#--identity=}; shift ;;
        -h|--help) sed -n '2,40p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) usage "unknown option $1" ;;
        *)
            if [ -z "$source_url" ]; then source_url=$1
            elif [ -z "$target" ]; then target=$1
            else usage "unexpected argument '$1'"
            fi
            shift ;;
    esac
done
[ -n "$source_url" ] || usage "the archive URL is missing"
[ -n "$target" ] || usage "TARGET_DIR is missing"

# KEY.age is an age-encrypted archive; its manifest is KEY.manifest.json.age (KEY without .age).
encrypted=no
plain_url=$source_url
manifest_url="$source_url.manifest.json"
case "$source_url" in
    *.age) encrypted=yes; plain_url=${source_url%.age}; manifest_url="$plain_url.manifest.json.age" ;;
esac

case "$plain_url" in
    *.tar.gz|*.tgz) unpack=gzip ;;
    *.tar.zst|*.tzst) unpack=zstd ;;
    *.tar.bz2|*.tbz2) unpack=bzip2 ;;
    *.tar) unpack=none ;;
    *) usage "cannot tell the format of '$source_url'; expected .tar.gz, .tar.zst, .tar.bz2 or .tar (use 'archiver restore' for .zip)" ;;
esac

if [ "$encrypted" = yes ]; then
    [ -n "$identity" ] || fail "$source_url is encrypted with age and no identity was given: pass --identity FILE (the key file age-keygen wrote) or set ARCHIVER_AGE_IDENTITY_FILE (nothing was written)"
    [ -r "$identity" ] || fail "cannot read the age identity file $identity (nothing was written)"
    need age "install age (Debian: apt-get install age) to decrypt .age archives"
fi

# Refuse a non-empty target before downloading anything.
if [ -e "$target" ] || [ -L "$target" ]; then
    if [ ! -d "$target" ] || [ -L "$target" ]; then usage "$target exists and is not a directory"; fi
    if [ -n "$(ls -A "$target")" ]; then
        refuse "$target is not empty; restore into an empty or new directory (nothing was written)"
    fi
fi

need sha256sum "install coreutils"
need tar "install tar"
need sed "install sed"
case "$unpack" in
    zstd) need zstd "install zstd to extract .tar.zst archives" ;;
    bzip2) need bzip2 "install bzip2 to extract .tar.bz2 archives" ;;
esac

# fetch URL FILE: download one object.
fetch() {
    case "$1" in
        s3://*)
            need aws "install the AWS CLI (pip install awscli) to download from s3://"
            if [ -n "$endpoint" ]; then
                aws s3 cp --only-show-errors --endpoint-url "$endpoint" "$1" "$2"
            else
                aws s3 cp --only-show-errors "$1" "$2"
            fi ;;
        oss://*)
            if command -v ossutil >/dev/null 2>&1; then
                if [ -n "$endpoint" ]; then ossutil cp -f -e "$endpoint" "$1" "$2" >/dev/null; else ossutil cp -f "$1" "$2" >/dev/null; fi
            else
                need aws "install ossutil, or the AWS CLI for OSS's S3-compatible endpoint"
                [ -n "$endpoint" ] || usage "oss:// without ossutil needs --endpoint https://oss-REGION.aliyuncs.com"
                aws s3 cp --only-show-errors --endpoint-url "$endpoint" "s3://${1#oss://}" "$2"
            fi ;;
        azblob://*) fetch_azblob "${1#azblob://}" "$2" ;;
        file://*) cp "${1#file://}" "$2" ;;
        *) cp "$1" "$2" ;;
    esac
}

# fetch_azblob CONTAINER/KEY FILE: with az when installed, else one GET with curl and a SAS token.
fetch_azblob() {
    container=${1%%/*}
    name=${1#*/}
    if command -v az >/dev/null 2>&1; then
        auth=key
        if [ -z "${AZURE_STORAGE_CONNECTION_STRING:-}${AZURE_STORAGE_KEY:-}${AZURE_STORAGE_SAS_TOKEN:-}" ]; then auth=login; fi
        set -- az storage blob download --only-show-errors --no-progress --container-name "$container" --name "$name" --file "$2" --auth-mode "$auth"
        if [ -n "$endpoint" ]; then set -- "$@" --blob-endpoint "$endpoint"; fi
        if [ -n "${AZURE_STORAGE_SAS_TOKEN:-}" ] && [ -z "${AZURE_STORAGE_CONNECTION_STRING:-}${AZURE_STORAGE_KEY:-}" ]; then
            set -- "$@" --sas-token "${AZURE_STORAGE_SAS_TOKEN#\?}"
        fi
        "$@" >/dev/null
    else
        need curl "install the Azure CLI (Debian: apt-get install azure-cli), or curl with AZURE_STORAGE_SAS_TOKEN set, to download from azblob://"
        [ -n "${AZURE_STORAGE_SAS_TOKEN:-}" ] || fail "azblob:// without the Azure CLI needs AZURE_STORAGE_SAS_TOKEN (a SAS token with read permission on the container); or install azure-cli"
        base=$endpoint
        if [ -z "$base" ]; then
            [ -n "${AZURE_STORAGE_ACCOUNT:-}" ] || usage "azblob:// with curl needs AZURE_STORAGE_ACCOUNT or --endpoint"
            base="https://$AZURE_STORAGE_ACCOUNT.blob.core.windows.net"
        fi
        curl -fsS -o "$2" "${base%/}/$container/$name?${AZURE_STORAGE_SAS_TOKEN#\?}"
    fi
}

mkdir -p "$tmp_root"
work=$(mktemp -d "$tmp_root/restore.XXXXXX") || fail "cannot create a temporary directory under $tmp_root; pass --tmp DIR"
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

expected=""
if [ "$check_manifest" = yes ]; then
    say "downloading manifest $manifest_url"
    if [ "$encrypted" = yes ]; then
        fetch "$manifest_url" "$work/manifest.json.age" \
            || fail "cannot download $manifest_url; check the URL and credentials, or pass --no-manifest to restore unchecked (nothing was written)"
        age -d -i "$identity" -o "$work/manifest.json" "$work/manifest.json.age" \
            || fail "age cannot decrypt $manifest_url with $identity (see age's message above): a wrong identity, or a damaged manifest (nothing was written)"
    else
        fetch "$manifest_url" "$work/manifest.json" \
            || fail "cannot download $manifest_url; check the URL and credentials, or pass --no-manifest to restore unchecked (nothing was written)"
    fi
    # The manifest is JSON; the archive's own hash is the sha256 inside its "archive" object. No
    # string in the file can contain an unescaped '"archive":{', so the last match is that object.
    expected=$(tr -d '\n\r' < "$work/manifest.json" \
        | sed -n 's/.*"archive" *: *{[^}]*"sha256" *: *"\([0-9a-f]\{64\}\)".*/\1/p')
    [ -n "$expected" ] || fail "$manifest_url has no archive.sha256; is it an Archiver manifest? (nothing was written)"
fi

say "downloading archive $source_url"
fetch "$source_url" "$work/archive" || fail "cannot download $source_url; check the URL, endpoint and credentials (nothing was written)"
size=$(wc -c < "$work/archive" | tr -d ' ')
actual=$(sha256sum "$work/archive" | sed 's/ .*//')
if [ -n "$expected" ]; then
    [ "$actual" = "$expected" ] \
        || fail "archive sha256 is $actual but the manifest says $expected; the download or the stored archive is corrupt (nothing was written)"
    say "archive sha256 $actual matches the manifest ($size bytes)"
else
    say "archive sha256 $actual ($size bytes); NOT checked (--no-manifest)"
fi

mkdir -p "$target"
say "extracting into $target"
status=0
# untar: extract the plaintext tar stream on stdin.
untar() {
    case "$unpack" in
        gzip) tar -xzpf - -C "$target" ;;
        zstd) { zstd -dc || echo "zstd failed" >&2; } | tar -xpf - -C "$target" ;;
        bzip2) tar -xjpf - -C "$target" ;;
        none) tar -xpf - -C "$target" ;;
    esac
}
if [ "$encrypted" = yes ]; then
    # age authenticates every 64 KiB chunk; a changed or truncated file makes it stop with an error.
    { age -d -i "$identity" "$work/archive" || echo failed > "$work/age.failed"; } | untar || status=$?
    if [ -e "$work/age.failed" ]; then
        fail "age could not decrypt $source_url (see its message above): the archive was changed, or the identity is wrong; $target holds what was extracted before the error"
    fi
else case "$unpack" in
    gzip) tar -xzpf "$work/archive" -C "$target" || status=$? ;;
    zstd) { zstd -dc "$work/archive" || echo "zstd failed" >&2; } | tar -xpf - -C "$target" || status=$? ;;
    bzip2) tar -xjpf "$work/archive" -C "$target" || status=$? ;;
    none) tar -xpf "$work/archive" -C "$target" || status=$? ;;
esac
fi
if [ "$status" -ne 0 ]; then
    fail "tar stopped with exit $status; $target holds what was extracted before the error (see tar's messages above)"
fi

entries=""
[ "$check_manifest" = yes ] && entries=$(tr -d '\n\r' < "$work/manifest.json" \
    | sed -n 's/.*"totals" *: *{[^}]*"entries" *: *\([0-9]*\).*/\1/p')
printf 'restored %s to %s%s; archive sha256 %s%s\n' "$source_url" "$target" \
    "${entries:+ ($entries entries in the manifest)}" "$actual" \
    "$( [ -n "$expected" ] && echo ' (verified)' || echo ' (not verified)')"
