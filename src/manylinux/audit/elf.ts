/**
 * A read-only ELF reader for what a manylinux audit needs: machine, class,
 * DT_NEEDED / DT_SONAME / DT_RPATH / DT_RUNPATH, version needs and definitions,
 * dynamic symbols with their versions, PT_INTERP and the x86 ISA-level property.
 *
 * It reads the loader's view (program headers, PT_DYNAMIC) because that is what
 * decides whether a file loads; section headers only help to count symbols and
 * to find notes in files without PT_NOTE. Every offset and size is checked
 * against the file size and every chain is bounded, so hostile input gives an
 * ElfError, never a hang or an out-of-range read. Layouts: /usr/include/elf.h.
 */
import { type ByteSource, bufferSource, fileHead, fileSource, truncated } from "./byte-source.js";
import { ElfError } from "../../errors.js";

export const EM_386 = 3;
export const EM_ARM = 40;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;
export const EM_LOONGARCH = 258;

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_NOTE = 4;
const PT_GNU_PROPERTY = 0x6474e553;

const SHT_DYNAMIC = 6;
const SHT_NOTE = 7;
const SHT_DYNSYM = 11;

const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_HASH = 4;
const DT_STRTAB = 5;
const DT_SYMTAB = 6;
const DT_STRSZ = 10;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
const DT_GNU_HASH = 0x6ffffef5;
const DT_VERSYM = 0x6ffffff0;
const DT_VERDEF = 0x6ffffffc;
const DT_VERDEFNUM = 0x6ffffffd;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;

const NT_GNU_BUILD_ID = 3;
const NT_GNU_PROPERTY_TYPE_0 = 5;
export const GNU_PROPERTY_X86_ISA_1_NEEDED = 0xc0008002;

const VER_FLG_BASE = 1;
const VER_FLG_WEAK = 2;
/** Version indices are 15 bits wide, so no real file has more version entries than this. */
const MAX_VERSION_ENTRIES = 0x7fff;
/** More program headers or notes than this is not a real file. */
const MAX_NOTES = 4096;

export type SymbolBind = "local" | "global" | "weak" | "unique" | "other";

export interface ElfSymbol {
  name: string;
  /** false when the symbol is undefined here (st_shndx == SHN_UNDEF) and must come from a library */
  defined: boolean;
  bind: SymbolBind;
  /** STT_* value (0 notype, 1 object, 2 func, 6 tls, 10 gnu_ifunc ...) */
  type: number;
  /** symbol version (e.g. `GLIBC_2.14`), from .gnu.version + version needs/definitions */
  version?: string;
  /** the version is hidden (`name@VER` instead of the default `name@@VER`) */
  hidden?: boolean;
}

export interface VersionNeedEntry {
  name: string;
  /** VER_FLG_WEAK: the loader only warns when this version is missing */
  weak: boolean;
  /** vna_other: the index symbols use in .gnu.version */
  index: number;
}

export interface VersionNeed {
  /** the library the versions are needed from (its DT_NEEDED name) */
  file: string;
  versions: VersionNeedEntry[];
}

export type ElfArch =
  | "x86_64"
  | "i686"
  | "aarch64"
  | "armv7l"
  | "ppc64"
  | "ppc64le"
  | "s390x"
  | "riscv64"
  | "loongarch64";

export interface ElfFile {
  name: string;
  elfClass: 32 | 64;
  endian: "little" | "big";
  /** e_type: 2 executable, 3 shared object (or PIE) */
  type: number;
  machine: number;
  flags: number;
  /** the platform-tag architecture, undefined when no manylinux policy can apply (x32, ARM soft-float ...) */
  arch: ElfArch | undefined;
  interpreter: string | undefined;
  /** has a PT_DYNAMIC segment (or .dynamic section) */
  dynamic: boolean;
  needed: string[];
  soname: string | undefined;
  rpath: string[];
  runpath: string[];
  versionNeeds: VersionNeed[];
  /** version names this file defines (first one is usually its own base name) */
  versionDefs: string[];
  symbols: ElfSymbol[];
  /** GNU_PROPERTY_X86_ISA_1_NEEDED bit mask, when the note is there */
  x86IsaNeeded: number | undefined;
  buildId: string | undefined;
}

/** True when the bytes start with the ELF magic. */
export function hasElfMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Whether a file on disk starts with the ELF magic (reads 4 bytes). */
export function startsWithElfMagic(file: string): boolean {
  return hasElfMagic(fileHead(file, 4));
}

/** The x86-64 micro-architecture level a GNU_PROPERTY_X86_ISA_1_NEEDED mask asks for (1 = baseline). */
export function x86IsaLevel(mask: number | undefined): number {
  if (mask === undefined) return 1;
  if (mask & 8) return 4;
  if (mask & 4) return 3;
  if (mask & 2) return 2;
  return 1;
}

export function archOf(machine: number, elfClass: 32 | 64, endian: "little" | "big", flags: number): ElfArch | undefined {
  switch (machine) {
    case EM_386:
      return elfClass === 32 ? "i686" : undefined;
    case EM_X86_64:
      return elfClass === 64 ? "x86_64" : undefined; // 32-bit x86_64 is x32: no policy
    case EM_AARCH64:
      return elfClass === 64 ? "aarch64" : undefined;
    case EM_ARM:
      // armv7l wheels are EABI version 5 and hard-float (PEP 599, elf.h EF_ARM_*)
      return elfClass === 32 && (flags & 0xff000000) >>> 0 === 0x05000000 && (flags & 0x400) !== 0 ? "armv7l" : undefined;
    case EM_PPC64:
      return elfClass === 64 ? (endian === "little" ? "ppc64le" : "ppc64") : undefined;
    case EM_S390:
      return elfClass === 64 ? "s390x" : undefined;
    case EM_RISCV:
      return elfClass === 64 ? "riscv64" : undefined;
    case EM_LOONGARCH:
      return elfClass === 64 ? "loongarch64" : undefined;
    default:
      return undefined;
  }
}

interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  align: number;
}

interface Section {
  type: number;
  addr: number;
  offset: number;
  size: number;
  entsize: number;
}

/** Endian- and class-aware field access over a source, with a small read window. */
class Fields {
  private winStart = 0;
  private win: Buffer = Buffer.alloc(0);
  constructor(
    readonly src: ByteSource,
    readonly le: boolean,
    readonly is64: boolean,
  ) {}

  /** bytes at [offset, offset+length), served from a 64 KiB window when small */
  bytes(offset: number, length: number, what: string): Buffer {
    if (offset >= this.winStart && offset + length <= this.winStart + this.win.length && Number.isSafeInteger(offset)) {
      return this.win.subarray(offset - this.winStart, offset - this.winStart + length);
    }
    if (length > 16384) return this.src.read(offset, length, what);
    const span = Math.min(65536, Math.max(0, this.src.size - offset));
    if (span < length || !Number.isSafeInteger(offset) || offset < 0) return this.src.read(offset, length, what); // throws
    this.win = this.src.read(offset, span, what);
    this.winStart = offset;
    return this.win.subarray(0, length);
  }
  u16(b: Buffer, o: number): number {
    return this.le ? b.readUInt16LE(o) : b.readUInt16BE(o);
  }
  u32(b: Buffer, o: number): number {
    return this.le ? b.readUInt32LE(o) : b.readUInt32BE(o);
  }
  /** an address/offset/size field: 4 or 8 bytes; values beyond 2^53 become NaN (and fail range checks) */
  word(b: Buffer, o: number): number {
    if (!this.is64) return this.u32(b, o);
    const lo = this.le ? b.readUInt32LE(o) : b.readUInt32BE(o + 4);
    const hi = this.le ? b.readUInt32LE(o + 4) : b.readUInt32BE(o);
    const v = hi * 0x100000000 + lo;
    return Number.isSafeInteger(v) ? v : Number.NaN;
  }
  get wordSize(): number {
    return this.is64 ? 8 : 4;
  }
}

function fail(src: ByteSource, detail: string): ElfError {
  return truncated(src.name, detail);
}

/** Parse an ELF file from any byte source. */
export function parseElf(src: ByteSource): ElfFile {
  if (src.size < 16) throw fail(src, `only ${src.size} bytes, too short for an ELF header`);
  const ident = src.read(0, 16, "ELF identification");
  if (!hasElfMagic(ident)) {
    throw new ElfError(`${src.name}: not an ELF file (no \\x7fELF magic)`, "pass a shared library, an extension module or an executable");
  }
  const cls = ident[4];
  const data = ident[5];
  if (cls !== 1 && cls !== 2) throw fail(src, `unknown ELF class ${cls}`);
  if (data !== 1 && data !== 2) throw fail(src, `unknown data encoding ${data}`);
  const is64 = cls === 2;
  const f = new Fields(src, data === 1, is64);
  const hsize = is64 ? 64 : 52;
  const h = src.read(0, hsize, "ELF header");
  const type = f.u16(h, 16);
  const machine = f.u16(h, 18);
  const phoff = f.word(h, is64 ? 32 : 28);
  const shoff = f.word(h, is64 ? 40 : 32);
  const flags = f.u32(h, is64 ? 48 : 36);
  const phentsize = f.u16(h, is64 ? 54 : 42);
  const phnum = f.u16(h, is64 ? 56 : 44);
  const shentsize = f.u16(h, is64 ? 58 : 46);
  let shnum = f.u16(h, is64 ? 60 : 48);
  const elfClass = is64 ? 64 : 32;
  const endian = data === 1 ? "little" : "big";

  // program headers
  const segments: Segment[] = [];
  if (phnum > 0) {
    const minEnt = is64 ? 56 : 32;
    if (phentsize < minEnt) throw fail(src, `program header entry size ${phentsize} is smaller than ${minEnt}`);
    const table = src.read(phoff, phnum * phentsize, "program header table");
    for (let i = 0; i < phnum; i++) {
      const o = i * phentsize;
      segments.push(
        is64
          ? { type: f.u32(table, o), offset: f.word(table, o + 8), vaddr: f.word(table, o + 16), filesz: f.word(table, o + 32), align: f.word(table, o + 48) }
          : { type: f.u32(table, o), offset: f.u32(table, o + 4), vaddr: f.u32(table, o + 8), filesz: f.u32(table, o + 16), align: f.u32(table, o + 28) },
      );
    }
  }

  // section headers (optional: stripped files may have none)
  const sections: Section[] = [];
  if (shoff !== 0) {
    const minEnt = is64 ? 64 : 40;
    if (shentsize < minEnt) throw fail(src, `section header entry size ${shentsize} is smaller than ${minEnt}`);
    const readSection = (b: Buffer, o: number): Section =>
      is64
        ? { type: f.u32(b, o + 4), addr: f.word(b, o + 16), offset: f.word(b, o + 24), size: f.word(b, o + 32), entsize: f.word(b, o + 56) }
        : { type: f.u32(b, o + 4), addr: f.u32(b, o + 12), offset: f.u32(b, o + 16), size: f.u32(b, o + 20), entsize: f.u32(b, o + 36) };
    if (shnum === 0) {
      // more than 0xff00 sections: the real count is in section 0's sh_size
      const s0 = readSection(src.read(shoff, shentsize, "section header 0"), 0);
      shnum = s0.size;
      if (!Number.isSafeInteger(shnum) || shnum > 0x1000000) throw fail(src, `section count ${shnum} is not plausible`);
    }
    const table = src.read(shoff, shnum * shentsize, "section header table");
    for (let i = 0; i < shnum; i++) sections.push(readSection(table, i * shentsize));
  }

  const loads = segments.filter((s) => s.type === PT_LOAD);
  /** map a virtual address to a file offset through PT_LOAD (or, lacking those, allocated sections) */
  const offsetOf = (addr: number, what: string): number => {
    for (const s of loads) {
      if (addr >= s.vaddr && addr < s.vaddr + s.filesz) return s.offset + (addr - s.vaddr);
    }
    if (loads.length === 0) {
      for (const s of sections) if (s.addr !== 0 && addr >= s.addr && addr < s.addr + s.size) return s.offset + (addr - s.addr);
    }
    throw fail(src, `${what} address 0x${addr.toString(16)} is not inside any loaded segment`);
  };

  // PT_INTERP
  let interpreter: string | undefined;
  const interp = segments.find((s) => s.type === PT_INTERP);
  if (interp) {
    const b = src.read(interp.offset, Math.min(interp.filesz, 4096), "PT_INTERP");
    const end = b.indexOf(0);
    interpreter = b.subarray(0, end < 0 ? b.length : end).toString("utf8");
  }

  // notes: the ISA-level property and the build id
  let x86IsaNeeded: number | undefined;
  let buildId: string | undefined;
  const noteRanges = segments.filter((s) => s.type === PT_NOTE || s.type === PT_GNU_PROPERTY);
  const noteSources: { offset: number; size: number; align: number }[] = noteRanges.length
    ? noteRanges.map((s) => ({ offset: s.offset, size: s.filesz, align: s.align }))
    : sections.filter((s) => s.type === SHT_NOTE).map((s) => ({ offset: s.offset, size: s.size, align: 4 }));
  const seenNotes = new Set<number>();
  for (const ns of noteSources) {
    if (seenNotes.has(ns.offset)) continue; // PT_GNU_PROPERTY usually repeats a PT_NOTE range
    seenNotes.add(ns.offset);
    for (const note of readNotes(f, ns.offset, ns.size, ns.align === 8 ? 8 : 4)) {
      if (note.name !== "GNU") continue;
      if (note.type === NT_GNU_BUILD_ID) buildId = note.desc.toString("hex");
      // processor-specific property numbers mean something else on other machines
      if (note.type === NT_GNU_PROPERTY_TYPE_0 && (machine === EM_X86_64 || machine === EM_386)) {
        const isa = readIsaNeeded(f, note.desc);
        if (isa !== undefined) x86IsaNeeded = (x86IsaNeeded ?? 0) | isa;
      }
    }
  }

  const result: ElfFile = {
    name: src.name,
    elfClass,
    endian,
    type,
    machine,
    flags,
    arch: archOf(machine, elfClass, endian, flags),
    interpreter,
    dynamic: false,
    needed: [],
    soname: undefined,
    rpath: [],
    runpath: [],
    versionNeeds: [],
    versionDefs: [],
    symbols: [],
    x86IsaNeeded,
    buildId,
  };

  // .dynamic
  const dynSeg = segments.find((s) => s.type === PT_DYNAMIC);
  const dynSec = sections.find((s) => s.type === SHT_DYNAMIC);
  const dynRange = dynSeg ? { offset: dynSeg.offset, size: dynSeg.filesz } : dynSec ? { offset: dynSec.offset, size: dynSec.size } : undefined;
  if (!dynRange) return result;
  result.dynamic = true;
  const entSize = is64 ? 16 : 8;
  const dynBuf = src.read(dynRange.offset, dynRange.size - (dynRange.size % entSize), ".dynamic");
  const tags = new Map<number, number>();
  const neededIdx: number[] = [];
  let sonameIdx: number | undefined;
  let rpathIdx: number | undefined;
  let runpathIdx: number | undefined;
  for (let o = 0; o + entSize <= dynBuf.length; o += entSize) {
    let tag: number;
    if (is64) {
      const hi = f.le ? dynBuf.readUInt32LE(o + 4) : dynBuf.readUInt32BE(o);
      const lo = f.le ? dynBuf.readUInt32LE(o) : dynBuf.readUInt32BE(o + 4);
      tag = hi === 0 ? lo : -1;
    } else {
      tag = f.u32(dynBuf, o);
    }
    if (tag === DT_NULL) break;
    const val = f.word(dynBuf, o + f.wordSize);
    if (tag === DT_NEEDED) neededIdx.push(val);
    else if (tag === DT_SONAME) sonameIdx = val;
    else if (tag === DT_RPATH) rpathIdx = val;
    else if (tag === DT_RUNPATH) runpathIdx = val;
    else if (!tags.has(tag)) tags.set(tag, val);
  }

  const strAddr = tags.get(DT_STRTAB);
  const strSize = tags.get(DT_STRSZ);
  const needsStrings = neededIdx.length > 0 || sonameIdx !== undefined || rpathIdx !== undefined || runpathIdx !== undefined;
  if (strAddr === undefined || strSize === undefined) {
    if (needsStrings || tags.has(DT_VERNEED) || tags.has(DT_SYMTAB)) throw fail(src, "the dynamic section has no DT_STRTAB/DT_STRSZ");
    return result;
  }
  const strtab = src.read(offsetOf(strAddr, "DT_STRTAB"), strSize, "dynamic string table (DT_STRTAB/DT_STRSZ)");
  const str = (idx: number, what: string): string => {
    if (!Number.isSafeInteger(idx) || idx < 0 || idx >= strtab.length) throw fail(src, `${what} name offset ${idx} is outside the string table (${strtab.length} bytes)`);
    const end = strtab.indexOf(0, idx);
    if (end < 0) throw fail(src, `${what} name at ${idx} is not NUL-terminated`);
    return strtab.toString("utf8", idx, end);
  };
  result.needed = neededIdx.map((i) => str(i, "DT_NEEDED"));
  if (sonameIdx !== undefined) result.soname = str(sonameIdx, "DT_SONAME");
  const splitPath = (s: string) => s.split(":").filter((p) => p !== "");
  if (rpathIdx !== undefined) result.rpath = splitPath(str(rpathIdx, "DT_RPATH"));
  if (runpathIdx !== undefined) result.runpath = splitPath(str(runpathIdx, "DT_RUNPATH"));

  // version needs: library -> versions (vn_next / vna_next chains, bounded and loop-checked)
  const needIndex = new Map<number, string>();
  const verneed = tags.get(DT_VERNEED);
  if (verneed !== undefined) {
    const count = tags.get(DT_VERNEEDNUM) ?? 0;
    let off = offsetOf(verneed, "DT_VERNEED");
    let entries = 0;
    const seen = new Set<number>();
    for (let i = 0; i < count; i++) {
      if (seen.has(off)) throw fail(src, `the version-need chain loops back to offset ${off}`);
      seen.add(off);
      if (++entries > MAX_VERSION_ENTRIES) throw fail(src, "the version-need chain has more entries than any real file");
      const vn = f.bytes(off, 16, "version need entry");
      const cnt = f.u16(vn, 2);
      const need: VersionNeed = { file: str(f.u32(vn, 4), "version need file"), versions: [] };
      const next = f.u32(vn, 12);
      let aoff = off + f.u32(vn, 8);
      const seenAux = new Set<number>();
      for (let j = 0; j < cnt; j++) {
        if (seenAux.has(aoff)) throw fail(src, `the version-need aux chain of ${need.file} loops back to offset ${aoff}`);
        seenAux.add(aoff);
        if (++entries > MAX_VERSION_ENTRIES) throw fail(src, "the version-need chain has more entries than any real file");
        const va = f.bytes(aoff, 16, `version need aux entry of ${need.file}`);
        const entry = { name: str(f.u32(va, 8), "version need"), weak: (f.u16(va, 4) & VER_FLG_WEAK) !== 0, index: f.u16(va, 6) & 0x7fff };
        need.versions.push(entry);
        needIndex.set(entry.index, entry.name);
        const anext = f.u32(va, 12);
        if (anext === 0) break;
        aoff += anext;
      }
      result.versionNeeds.push(need);
      if (next === 0) break;
      off += next;
    }
  }

  // version definitions (what a library provides; used to name defined symbols' versions)
  const defIndex = new Map<number, string>();
  const verdef = tags.get(DT_VERDEF);
  if (verdef !== undefined) {
    const count = tags.get(DT_VERDEFNUM) ?? 0;
    let off = offsetOf(verdef, "DT_VERDEF");
    const seen = new Set<number>();
    for (let i = 0; i < count; i++) {
      if (seen.has(off)) throw fail(src, `the version-definition chain loops back to offset ${off}`);
      seen.add(off);
      if (seen.size > MAX_VERSION_ENTRIES) throw fail(src, "the version-definition chain has more entries than any real file");
      const vd = f.bytes(off, 20, "version definition entry");
      const vflags = f.u16(vd, 2);
      const ndx = f.u16(vd, 4);
      const cnt = f.u16(vd, 6);
      if (cnt > 0) {
        const aux = f.bytes(off + f.u32(vd, 12), 8, "version definition aux entry");
        const name = str(f.u32(aux, 0), "version definition");
        result.versionDefs.push(name);
        if (!(vflags & VER_FLG_BASE)) defIndex.set(ndx & 0x7fff, name);
      }
      const next = f.u32(vd, 16);
      if (next === 0) break;
      off += next;
    }
  }

  // dynamic symbols
  const symAddr = tags.get(DT_SYMTAB);
  if (symAddr !== undefined) {
    const symOff = offsetOf(symAddr, "DT_SYMTAB");
    const symEnt = is64 ? 24 : 16;
    const count = countSymbols(f, sections, symOff, symEnt, tags, offsetOf, machine);
    const table = count > 0 ? src.read(symOff, count * symEnt, `dynamic symbol table (${count} symbols)`) : Buffer.alloc(0);
    const versymAddr = tags.get(DT_VERSYM);
    const versym = versymAddr !== undefined && count > 0 ? src.read(offsetOf(versymAddr, "DT_VERSYM"), count * 2, "symbol version table (.gnu.version)") : undefined;
    for (let i = 1; i < count; i++) {
      const o = i * symEnt;
      const nameIdx = f.u32(table, o);
      const info = is64 ? table[o + 4]! : table[o + 12]!;
      const shndx = is64 ? f.u16(table, o + 6) : f.u16(table, o + 14);
      const b = info >> 4;
      const sym: ElfSymbol = {
        name: str(nameIdx, `symbol ${i}`),
        defined: shndx !== 0,
        bind: b === 0 ? "local" : b === 1 ? "global" : b === 2 ? "weak" : b === 10 ? "unique" : "other",
        type: info & 15,
      };
      if (versym) {
        const v = f.u16(versym, i * 2);
        const idx = v & 0x7fff;
        if (idx > 1) {
          const name = sym.defined ? (defIndex.get(idx) ?? needIndex.get(idx)) : (needIndex.get(idx) ?? defIndex.get(idx));
          if (name !== undefined) {
            sym.version = name;
            if (v & 0x8000) sym.hidden = true;
          }
        }
      }
      result.symbols.push(sym);
    }
  }
  return result;
}

/** How many entries the dynamic symbol table has: .dynsym's size, else DT_GNU_HASH, else DT_HASH. */
function countSymbols(
  f: Fields,
  sections: Section[],
  symOff: number,
  symEnt: number,
  tags: Map<number, number>,
  offsetOf: (addr: number, what: string) => number,
  machine: number,
): number {
  const src = f.src;
  const bound = (n: number, what: string): number => {
    if (!Number.isSafeInteger(n) || n < 0 || symOff + n * symEnt > src.size) {
      throw fail(src, `${what} gives ${n} dynamic symbols, more than the file can hold`);
    }
    return n;
  };
  const sec = sections.find((s) => s.type === SHT_DYNSYM && s.offset === symOff);
  if (sec) {
    if (sec.entsize !== symEnt && sec.size !== 0) throw fail(src, `.dynsym entry size ${sec.entsize} is not ${symEnt}`);
    return bound(Math.floor(sec.size / symEnt), ".dynsym");
  }
  const gnuHash = tags.get(DT_GNU_HASH);
  if (gnuHash !== undefined) {
    const off = offsetOf(gnuHash, "DT_GNU_HASH");
    const head = f.bytes(off, 16, "GNU hash header");
    const nbuckets = f.u32(head, 0);
    const symoffset = f.u32(head, 4);
    const bloomSize = f.u32(head, 8);
    const bucketsOff = off + 16 + bloomSize * f.wordSize;
    const buckets = src.read(bucketsOff, nbuckets * 4, "GNU hash buckets");
    let max = 0;
    for (let i = 0; i < nbuckets; i++) max = Math.max(max, f.u32(buckets, i * 4));
    if (max < symoffset) return bound(symoffset, "DT_GNU_HASH");
    const chains = bucketsOff + nbuckets * 4;
    // walk the last chain to its end marker (low bit set); bounded by the file size
    const maxSymbols = Math.floor((src.size - symOff) / symEnt);
    for (let idx = max - symoffset; ; idx++) {
      if (symoffset + idx >= maxSymbols) throw fail(src, "the GNU hash chain runs past the symbol table");
      const v = f.u32(f.bytes(chains + idx * 4, 4, "GNU hash chain"), 0);
      if (v & 1) return bound(symoffset + idx + 1, "DT_GNU_HASH");
    }
  }
  const hash = tags.get(DT_HASH);
  if (hash !== undefined) {
    // 64-bit s390 uses 8-byte hash words
    const w = machine === EM_S390 && f.is64 ? 8 : 4;
    const head = f.bytes(offsetOf(hash, "DT_HASH"), 2 * w, "hash table header");
    const nchain = w === 8 ? f.word(head, 8) : f.u32(head, 4);
    return bound(nchain, "DT_HASH");
  }
  return 0;
}

interface Note {
  name: string;
  type: number;
  desc: Buffer;
}

function readNotes(f: Fields, offset: number, size: number, align: 4 | 8): Note[] {
  const src = f.src;
  const data = src.read(offset, size, "note segment");
  const pad = (n: number) => (n + align - 1) & ~(align - 1);
  const notes: Note[] = [];
  let o = 0;
  while (o + 12 <= data.length) {
    if (notes.length >= MAX_NOTES) throw fail(src, "more notes than any real file");
    const namesz = f.u32(data, o);
    const descsz = f.u32(data, o + 4);
    const type = f.u32(data, o + 8);
    const nameStart = o + 12;
    // the descriptor starts at the next `align` boundary after the name (gABI; 8 for .note.gnu.property on 64-bit)
    const descStart = pad(nameStart + namesz);
    if (descStart + descsz > data.length || namesz > data.length) throw fail(src, `a note at offset ${offset + o} overruns its segment`);
    const nameBytes = data.subarray(nameStart, nameStart + namesz);
    const nul = nameBytes.indexOf(0);
    notes.push({ name: nameBytes.toString("latin1", 0, nul < 0 ? nameBytes.length : nul), type, desc: data.subarray(descStart, descStart + descsz) });
    o = pad(descStart + descsz);
  }
  return notes;
}

/** The GNU_PROPERTY_X86_ISA_1_NEEDED mask inside a NT_GNU_PROPERTY_TYPE_0 descriptor, if any. */
function readIsaNeeded(f: Fields, desc: Buffer): number | undefined {
  const align = f.is64 ? 8 : 4;
  let o = 0;
  let found: number | undefined;
  while (o + 8 <= desc.length) {
    const type = f.u32(desc, o);
    const size = f.u32(desc, o + 4);
    if (o + 8 + size > desc.length) throw fail(f.src, "a GNU property overruns its note");
    if (type === GNU_PROPERTY_X86_ISA_1_NEEDED && size >= 4) found = (found ?? 0) | f.u32(desc, o + 8);
    o += 8 + ((size + align - 1) & ~(align - 1));
  }
  return found;
}

/** Read an ELF file from disk, touching only the ranges needed. */
export function readElfFile(path: string, name = path): ElfFile {
  const src = fileSource(path, name);
  try {
    return parseElf(src);
  } finally {
    src.close();
  }
}

/** Parse ELF bytes already in memory (e.g. a file read out of a wheel). */
export function parseElfBytes(data: Uint8Array, name: string): ElfFile {
  return parseElf(bufferSource(data, name));
}
