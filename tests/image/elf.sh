# shellcheck shell=bash
# check_app_arch ARCH APPDIR: the image's /app holds code for ARCH only. Sourced by tests/image.sh.
#   ELF files (libzstd.so.1, the apphost `archiver`, any other native library): e_machine at byte
#   18 is EM_X86_64 (62) or EM_AARCH64 (183) (System V ABI, ELF header).
#   archiver.dll: ReadyToRun code for Linux marks the PE/COFF Machine field with the architecture's
#   IMAGE_FILE_MACHINE_* XOR 0x7B79 (dotnet/runtime, docs/design/coreclr/botr/readytorun-format.md,
#   "Machine field"), so an IL-only or wrong-architecture build is told apart.

u16_at() { od -An -t u2 -j "$2" -N 2 "$1" | tr -d ' '; }
u32_at() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }

check_app_arch() {
  local arch=$1 app=$2 elf_machine pe_machine f elves=()
  case "$arch" in
    amd64) elf_machine=62 pe_machine=$(( 0x8664 ^ 0x7B79 )) ;;
    arm64) elf_machine=183 pe_machine=$(( 0xAA64 ^ 0x7B79 )) ;;
  esac
  [ -f "$app/libzstd.so.1" ] || fail "$arch image: no /app/libzstd.so.1"
  while IFS= read -r -d '' f; do
    [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
    [ "$(u16_at "$f" 18)" = "$elf_machine" ] || fail "$arch image: /app/${f#"$app"/} is ELF machine $(u16_at "$f" 18), not $elf_machine ($arch)"
    elves+=("${f#"$app"/}")
  done < <(find "$app" -type f -print0)
  [[ " ${elves[*]} " == *" libzstd.so.1 "* ]] || fail "$arch image: /app/libzstd.so.1 is not an ELF file"
  local pe machine
  pe=$(u32_at "$app/archiver.dll" 60)
  machine=$(u16_at "$app/archiver.dll" $(( pe + 4 )))
  [ "$machine" = "$pe_machine" ] || fail "$arch image: /app/archiver.dll's PE machine is $(printf 0x%04X "$machine"), not ReadyToRun for linux-$arch ($(printf 0x%04X "$pe_machine"))"
  pass "$arch image: /app holds $arch code (ELF ${elves[*]}; archiver.dll ReadyToRun $(printf 0x%04X "$machine"))"
}
