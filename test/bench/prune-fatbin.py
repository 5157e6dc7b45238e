"""Zero the GPU code of every architecture but one in a CUDA library's .nv_fatbin section, to make it
compress well enough to carry (docs/GPU.md, "An offline GPU machine"). Headers and layout stay; a fat
binary with no entry for the kept architecture is left whole. The driver only reads the entry it loads.

    python3 test/bench/prune-fatbin.py IN.so            # list GPU code per (kind, sm) — kind 2 = cubin, 1 = PTX
    python3 test/bench/prune-fatbin.py IN.so OUT.so 90  # keep sm_90 only
"""
import collections
import struct
import sys


def fatbin_section(data: bytes) -> tuple[int, int]:
    """(file offset, size) of .nv_fatbin in a 64-bit little-endian ELF."""
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3A)
    sect = lambda i: struct.unpack_from('<IIQQQQ', data, shoff + i * shentsize)  # noqa: E731  name, type, flags, addr, offset, size
    strtab_off = sect(shstrndx)[4]
    for i in range(shnum):
        name, _, _, _, off, size = sect(i)
        if data[strtab_off + name:data.index(b'\0', strtab_off + name)] == b'.nv_fatbin':
            return off, size
    raise SystemExit('no .nv_fatbin section')


def main() -> None:
    src = sys.argv[1]
    dst, keep = (sys.argv[2], int(sys.argv[3])) if len(sys.argv) > 3 else (None, None)
    data = bytearray(open(src, 'rb').read())
    off, size = fatbin_section(data)
    p, end = off, off + size
    per_arch, zeroed, without = collections.Counter(), 0, 0
    while p < end:
        magic, _, hsz, fsz = struct.unpack_from('<IHHQ', data, p)
        if magic != 0xBA55ED50:      # alignment padding between fat binaries
            p += 8
            continue
        q, fend, entries = p + hsz, p + hsz + fsz, []
        while q < fend:              # entry header: kind u16, version u16, header size u32, payload size u64, …, sm u32 at +28
            kind, _, ehs, psz = struct.unpack_from('<HHIQ', data, q)
            entries.append((kind, struct.unpack_from('<I', data, q + 28)[0], q + ehs, psz))
            q += ehs + psz
        has_keep = any(k == 2 and a == keep for k, a, _, _ in entries)
        without += keep is not None and not has_keep
        for kind, arch, start, psz in entries:
            per_arch[(kind, arch)] += psz
            if has_keep and arch != keep:
                data[start:start + psz] = bytes(psz)
                zeroed += psz
        p = fend
    for (kind, arch), n in sorted(per_arch.items()):
        print(f"kind {kind} sm_{arch}: {n / 1e6:.1f} MB")
    if dst is not None:
        open(dst, 'wb').write(data)
        print(f"zeroed {zeroed / 1e6:.1f} MB; {without} fat binaries without sm_{keep} left whole")


main()
