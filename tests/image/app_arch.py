"""app_arch.py ARCH APPDIR: the image's /app holds code for ARCH (amd64, arm64) only.

ELF files (libzstd.so.1, the apphost `archiver`, any other native library): e_machine, the
little-endian u16 at byte 18, is EM_X86_64 (62) or EM_AARCH64 (183) (System V ABI, ELF header).
archiver.dll: ReadyToRun code for Linux marks the PE/COFF Machine field (u16 at the PE header,
whose offset is the u32 at 0x3C, + 4) with IMAGE_FILE_MACHINE_AMD64/ARM64 XOR 0x7B79
(dotnet/runtime docs/design/coreclr/botr/readytorun-format.md), so an IL-only or other-architecture
build is told apart. Prints one summary line; exits 1 with the offending file otherwise."""
import os
import struct
import sys

ELF = {"amd64": 62, "arm64": 183}
PE = {"amd64": 0x8664 ^ 0x7B79, "arm64": 0xAA64 ^ 0x7B79}


def main(arch, app):
    elves = []
    for dirpath, _, files in os.walk(app):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                head = f.read(20)
            if head[:4] != b"\x7fELF":
                continue
            machine = struct.unpack_from("<H", head, 18)[0]
            rel = os.path.relpath(path, app)
            if machine != ELF[arch]:
                sys.exit(f"{arch} image: /app/{rel} is ELF machine {machine}, not {ELF[arch]} ({arch})")
            elves.append(rel)
    if "libzstd.so.1" not in elves:
        sys.exit(f"{arch} image: /app/libzstd.so.1 is missing or not an ELF file")
    with open(os.path.join(app, "archiver.dll"), "rb") as f:
        dll = f.read(4096)
    pe = struct.unpack_from("<I", dll, 0x3C)[0]
    machine = struct.unpack_from("<H", dll, pe + 4)[0]
    if machine != PE[arch]:
        sys.exit(f"{arch} image: /app/archiver.dll's PE machine is 0x{machine:04X}, not ReadyToRun for linux-{arch} (0x{PE[arch]:04X})")
    print(f"{arch} image: /app holds {arch} code (ELF {' '.join(sorted(elves))}; archiver.dll ReadyToRun 0x{machine:04X})")


main(*sys.argv[1:])
