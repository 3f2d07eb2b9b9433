/**
 * The names a Windows DLL (`.pyd`) exports, read from its PE/COFF export
 * directory: what `GetProcAddress(module, "PyInit_foo")` can find, so the build
 * can refuse an extension Python could not import. Pure: bytes in, names out.
 *
 * Layout (Microsoft's PE format document): `MZ`, the PE header's offset at
 * 0x3c; `PE\0\0`, the COFF header (machine, section count, optional header
 * size); the optional header (magic 0x10b PE32 / 0x20b PE32+) ends with the
 * data directories, the first of which is the export table (RVA, size); the
 * section table maps RVAs to file offsets. The export directory holds the
 * count and RVA of the name pointer table, each entry the RVA of a
 * NUL-terminated name. Every offset is checked before it is read: a hostile
 * file gives a one-line BinaryError, never a wrong answer or a crash.
 */
import { BinaryError } from "../../errors.js";

export interface PeExports {
  /** `x86_64`, `i686`, `aarch64`, `armv7`, or the machine number in hex. */
  machine: string;
  /** PE32+ (64-bit) or PE32. */
  pe32plus: boolean;
  /** The DLL's own name from the export directory, when it has one. */
  dllName?: string;
  /** The exported names, in the table's (sorted) order. */
  names: string[];
}

/** Longer than any exported name (Rust's mangled ones run to a few KiB): many pointers to one huge string would otherwise cost the file's size times the count. */
const MAX_NAME = 1 << 16;

const MACHINES: Record<number, string> = { 0x8664: "x86_64", 0x14c: "i686", 0xaa64: "aarch64", 0x1c4: "armv7", 0xa641: "arm64ec" };

/** Whether `bytes` starts like a PE file (`MZ`): the caller then reads it with peExports. */
export function hasPeMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x4d && bytes[1] === 0x5a;
}

interface Section {
  va: number;
  rawSize: number;
  rawOffset: number;
}

/** A PE file's headers, section table and export directory, each offset checked. */
interface OpenedPe {
  machine: string;
  pe32plus: boolean;
  bad: (why: string) => BinaryError;
  /** The file offset of `rva`, with at least `len` bytes of the same section's data after it. */
  offsetOf(rva: number, len: number, what: string): number;
  /** The bytes from `rva` to the end of its section's data in the file. */
  dataAt(rva: number, what: string): Buffer;
  cString(rva: number, what: string): string;
  /** The export directory's file offset and its RVA range (undefined: no exports). */
  exportDir?: { at: number; rva: number; size: number };
}

function openPe(bytes: Buffer, name: string): OpenedPe {
  const bad = (why: string) => new BinaryError(`${name} is not a readable Windows DLL: ${why}`, "rebuild it; a .pyd must be a PE/COFF DLL made by the Rust toolchain");
  const u16 = (o: number, what: string) => {
    if (o < 0 || o + 2 > bytes.length) throw bad(`${what} lies beyond the end of the file`);
    return bytes.readUInt16LE(o);
  };
  const u32 = (o: number, what: string) => {
    if (o < 0 || o + 4 > bytes.length) throw bad(`${what} lies beyond the end of the file`);
    return bytes.readUInt32LE(o);
  };
  if (!hasPeMagic(bytes)) throw bad("no MZ header");
  const pe = u32(0x3c, "the PE header offset");
  if (u32(pe, "the PE signature") !== 0x00004550) throw bad("no PE signature where the MZ header points");
  const coff = pe + 4;
  const machineNo = u16(coff, "the COFF header");
  const nsections = u16(coff + 2, "the COFF header");
  const optSize = u16(coff + 16, "the COFF header");
  const opt = coff + 20;
  const magic = u16(opt, "the optional header");
  if (magic !== 0x10b && magic !== 0x20b) throw bad(`optional header magic 0x${magic.toString(16)} is neither PE32 nor PE32+`);
  const pe32plus = magic === 0x20b;
  const machine = MACHINES[machineNo] ?? `machine 0x${machineNo.toString(16)}`;
  const [countAt, dirsAt] = pe32plus ? [opt + 108, opt + 112] : [opt + 92, opt + 96];
  if (dirsAt > opt + optSize) throw bad("the optional header is too short for its data directories");
  const ndirs = u32(countAt, "the optional header");
  if (ndirs > 16 || dirsAt + 8 * ndirs > opt + optSize) throw bad(`${ndirs} data directories do not fit the optional header`);

  const sections: Section[] = [];
  const table = opt + optSize;
  for (let i = 0; i < nsections; i++) {
    const at = table + 40 * i;
    sections.push({ va: u32(at + 12, "the section table"), rawSize: u32(at + 16, "the section table"), rawOffset: u32(at + 20, "the section table") });
  }
  const sectionOf = (rva: number) => sections.find((x) => rva >= x.va && rva - x.va < x.rawSize);
  const offsetOf = (rva: number, len: number, what: string): number => {
    const s = sectionOf(rva);
    if (!s) throw bad(`${what} (RVA 0x${rva.toString(16)}) is in no section's data`);
    const off = s.rawOffset + (rva - s.va);
    if (rva - s.va + len > s.rawSize || off + len > bytes.length) throw bad(`${what} (RVA 0x${rva.toString(16)}) runs past its section or the file`);
    return off;
  };
  const dataAt = (rva: number, what: string): Buffer => {
    const start = offsetOf(rva, 0, what);
    const s = sectionOf(rva) as Section;
    return bytes.subarray(start, Math.min(bytes.length, s.rawOffset + s.rawSize));
  };
  /** A NUL-terminated name inside its section's data. */
  const cString = (rva: number, what: string): string => {
    const start = offsetOf(rva, 1, what);
    const s = sectionOf(rva) as Section;
    const end = Math.min(bytes.length, s.rawOffset + s.rawSize);
    const nul = bytes.subarray(0, Math.min(end, start + MAX_NAME + 1)).indexOf(0, start);
    if (nul < 0) throw bad(end - start > MAX_NAME ? `${what} is longer than ${MAX_NAME} bytes` : `${what} has no terminating NUL inside its section`);
    return bytes.toString("latin1", start, nul);
  };
  const opened: OpenedPe = { machine, pe32plus, bad, offsetOf, dataAt, cString };
  if (ndirs === 0) return opened;
  const exportRva = u32(dirsAt, "the export directory entry");
  const exportSize = u32(dirsAt + 4, "the export directory entry");
  if (exportRva === 0 || exportSize === 0) return opened;
  return { ...opened, exportDir: { at: offsetOf(exportRva, 40, "the export directory"), rva: exportRva, size: exportSize } };
}

/** The export directory's names, each with the RVA it exports (ordinal -> export address table). */
function exportEntries(bytes: Buffer, p: OpenedPe): { dllName?: string; entries: Array<{ name: string; rva: number }> } {
  if (!p.exportDir) return { entries: [] };
  const dir = p.exportDir.at;
  const nameRva = bytes.readUInt32LE(dir + 12);
  const nfunctions = bytes.readUInt32LE(dir + 20);
  const nnames = bytes.readUInt32LE(dir + 24);
  const functionsRva = bytes.readUInt32LE(dir + 28);
  const namesRva = bytes.readUInt32LE(dir + 32);
  const ordinalsRva = bytes.readUInt32LE(dir + 36);
  if (nnames > 0 && nnames * 4 > bytes.length) throw p.bad(`the export directory claims ${nnames} names, more than the file can hold`);
  const entries: Array<{ name: string; rva: number }> = [];
  const pointers = nnames > 0 ? p.offsetOf(namesRva, 4 * nnames, "the export name pointer table") : 0;
  const ordinals = nnames > 0 ? p.offsetOf(ordinalsRva, 2 * nnames, "the export ordinal table") : 0;
  const functions = nfunctions > 0 ? p.offsetOf(functionsRva, 4 * Math.min(nfunctions, 0x10000), "the export address table") : 0;
  for (let i = 0; i < nnames; i++) {
    const name = p.cString(bytes.readUInt32LE(pointers + 4 * i), `export name ${i}`);
    const ordinal = bytes.readUInt16LE(ordinals + 2 * i);
    const rva = ordinal < nfunctions && ordinal < 0x10000 ? bytes.readUInt32LE(functions + 4 * ordinal) : 0;
    entries.push({ name, rva });
  }
  const dllName = nameRva !== 0 ? p.cString(nameRva, "the DLL name") : undefined;
  return { ...(dllName !== undefined ? { dllName } : {}), entries };
}

/** The export table of a PE file. `name`: the file, for messages. */
export function peExports(bytes: Buffer, name = "file"): PeExports {
  const p = openPe(bytes, name);
  const { dllName, entries } = exportEntries(bytes, p);
  return { machine: p.machine, pe32plus: p.pe32plus, ...(dllName !== undefined ? { dllName } : {}), names: entries.map((e) => e.name) };
}

/**
 * The bytes each exported name `wanted` accepts points at, to the end of its
 * section's data (a cdylib's `#[no_mangle]` statics, such as pyo3's
 * introspection chunks, are exports); forwarded exports (into the export
 * directory itself) have no data and are left out. PE files are little-endian.
 */
export function peExportData(bytes: Buffer, wanted: (name: string) => boolean, name = "file"): { littleEndian: true; symbols: Array<{ name: string; data: Buffer }> } {
  const p = openPe(bytes, name);
  const symbols: Array<{ name: string; data: Buffer }> = [];
  for (const e of exportEntries(bytes, p).entries) {
    if (!wanted(e.name)) continue;
    const dir = p.exportDir as NonNullable<OpenedPe["exportDir"]>;
    if (e.rva === 0 || (e.rva >= dir.rva && e.rva < dir.rva + dir.size)) continue;
    symbols.push({ name: e.name, data: p.dataAt(e.rva, `export ${e.name}`) });
  }
  return { littleEndian: true, symbols };
}
