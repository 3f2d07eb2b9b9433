/**
 * Mach-O universal ("fat") files: the x86_64 and arm64 builds of one macOS
 * library joined into one file, as a universal2 wheel ships them (Apple's
 * `lipo -create`). Pure: bytes in, bytes out.
 *
 * Layout (<mach-o/fat.h>, all big-endian): `0xcafebabe`, the number of
 * architectures, then per architecture {cputype, cpusubtype, offset, size,
 * align (a power of two)}; each thin file follows at its aligned offset. A
 * thin 64-bit file starts with `0xfeedfacf` in its own byte order, then its
 * cputype and cpusubtype.
 */
import { ValidationError } from "../errors.js";

export const FAT_MAGIC = 0xcafebabe;
const MH_MAGIC_64 = 0xfeedfacf;
export const CPU_TYPE_X86_64 = 0x01000007;
export const CPU_TYPE_ARM64 = 0x0100000c;

export interface MachOSlice {
  cputype: number;
  cpusubtype: number;
  /** log2 of the slice's alignment in the fat file */
  align: number;
  bytes: Buffer;
}

/** `x86_64`, `arm64`, or the number in hex. */
export function cpuName(cputype: number): string {
  if (cputype === CPU_TYPE_X86_64) return "x86_64";
  if (cputype === CPU_TYPE_ARM64) return "arm64";
  return `cpu 0x${cputype.toString(16)}`;
}

/** The cputype and cpusubtype of a thin 64-bit Mach-O file (either byte order). */
export function thinMachO(bytes: Buffer, name = "file"): { cputype: number; cpusubtype: number } {
  if (bytes.length < 32) throw new ValidationError(`${name} is not a 64-bit Mach-O file (too short)`);
  const le = bytes.readUInt32LE(0) === MH_MAGIC_64;
  if (!le && bytes.readUInt32BE(0) !== MH_MAGIC_64) {
    const fat = bytes.readUInt32BE(0) === FAT_MAGIC ? " (it is already a fat file)" : "";
    throw new ValidationError(`${name} is not a thin 64-bit Mach-O file${fat}`, "join the x86_64 and arm64 builds of one library");
  }
  const u32 = (o: number) => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  return { cputype: u32(4) | 0, cpusubtype: u32(8) & 0x00ffffff };
}

/**
 * Join thin files into one fat file, in the order given (x86_64 first is
 * lipo's). Alignment: 2^14 for arm64 (its page size), 2^12 otherwise.
 */
export function writeFatMachO(thins: { bytes: Buffer; name?: string }[]): Buffer {
  if (thins.length < 2) throw new ValidationError("a universal file joins at least two architectures");
  const slices = thins.map((t) => ({ ...thinMachO(t.bytes, t.name), bytes: t.bytes }));
  const seen = new Set<number>();
  for (const s of slices) {
    if (seen.has(s.cputype)) throw new ValidationError(`two ${cpuName(s.cputype)} files cannot share a universal file`, "give one file per architecture");
    seen.add(s.cputype);
  }
  const header = Buffer.alloc(8 + 20 * slices.length);
  header.writeUInt32BE(FAT_MAGIC, 0);
  header.writeUInt32BE(slices.length, 4);
  const parts: Buffer[] = [header];
  let offset = header.length;
  slices.forEach((s, i) => {
    const align = s.cputype === CPU_TYPE_ARM64 ? 14 : 12;
    const start = Math.ceil(offset / 2 ** align) * 2 ** align;
    parts.push(Buffer.alloc(start - offset), s.bytes);
    const at = 8 + 20 * i;
    header.writeInt32BE(s.cputype, at);
    header.writeInt32BE(s.cpusubtype, at + 4);
    header.writeUInt32BE(start, at + 8);
    header.writeUInt32BE(s.bytes.length, at + 12);
    header.writeUInt32BE(align, at + 16);
    offset = start + s.bytes.length;
  });
  return Buffer.concat(parts);
}

/** The slices of a fat file, each checked to lie inside it and to be the thin file its entry says. */
export function readFatMachO(bytes: Buffer, name = "file"): MachOSlice[] {
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== FAT_MAGIC) throw new ValidationError(`${name} is not a universal (fat) Mach-O file`);
  const n = bytes.readUInt32BE(4);
  // Java class files share the magic; they have a version >= 45 where a fat file has its (few) architectures
  if (n === 0 || n > 16 || bytes.length < 8 + 20 * n) throw new ValidationError(`${name}: a fat header with ${n} architectures is not a Mach-O universal file`);
  const out: MachOSlice[] = [];
  for (let i = 0; i < n; i++) {
    const at = 8 + 20 * i;
    const [offset, size, align] = [bytes.readUInt32BE(at + 8), bytes.readUInt32BE(at + 12), bytes.readUInt32BE(at + 16)];
    if (offset + size > bytes.length || align > 30 || offset % 2 ** align !== 0) throw new ValidationError(`${name}: architecture ${i} lies outside the file or off its alignment`);
    const slice = bytes.subarray(offset, offset + size);
    const thin = thinMachO(slice, `${name} (architecture ${i})`);
    const cputype = bytes.readInt32BE(at);
    if (thin.cputype !== cputype) throw new ValidationError(`${name}: architecture ${i} says ${cpuName(cputype)} but holds ${cpuName(thin.cputype)}`);
    out.push({ cputype, cpusubtype: bytes.readInt32BE(at + 4) & 0x00ffffff, align, bytes: slice });
  }
  return out;
}
