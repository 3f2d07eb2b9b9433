/**
 * Writes small but well-formed ELF shared objects of any class and byte order,
 * for tests: no big-endian toolchain exists on this machine, and broken-file
 * tests need to know where each table lives so they can damage exactly it.
 * The output is checked against `readelf` in elf.test.ts, so a mistake here
 * shows up as a disagreement with an independent implementation.
 */

export interface SymbolSpec {
  name: string;
  defined: boolean;
  bind?: "global" | "weak";
  /** STT_FUNC by default */
  type?: number;
  version?: string;
}

export interface ElfSpec {
  cls: 32 | 64;
  endian: "little" | "big";
  machine: number;
  flags?: number;
  interp?: string;
  needed?: string[];
  soname?: string;
  rpath?: string;
  runpath?: string;
  /** library -> versions needed from it */
  verneed?: { file: string; versions: { name: string; weak?: boolean }[] }[];
  /** version definitions; the first is the base (the file's own name) */
  verdef?: string[];
  symbols?: SymbolSpec[];
  /** GNU_PROPERTY_X86_ISA_1_NEEDED mask */
  isaNeeded?: number;
  /** write section headers (default true) */
  sections?: boolean;
}

export interface ElfLayout {
  /** file offsets of the tables, for tests that damage them */
  dynamic: number;
  dynstr: number;
  dynstrSize: number;
  dynsym: number;
  versym: number;
  verneed: number;
  verdef: number;
  hash: number;
  note: number;
  shoff: number;
  phoff: number;
}

const ET_DYN = 3;

class Out {
  buf = Buffer.alloc(1 << 16);
  len = 0;
  constructor(
    readonly le: boolean,
    readonly is64: boolean,
  ) {}
  ensure(n: number) {
    if (this.len + n > this.buf.length) {
      const b = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(b);
      this.buf = b;
    }
  }
  align(a: number) {
    while (this.len % a) this.u8(0);
  }
  u8(v: number) {
    this.ensure(1);
    this.buf[this.len++] = v;
  }
  u16(v: number) {
    this.ensure(2);
    this.le ? this.buf.writeUInt16LE(v, this.len) : this.buf.writeUInt16BE(v, this.len);
    this.len += 2;
  }
  u32(v: number) {
    this.ensure(4);
    this.le ? this.buf.writeUInt32LE(v >>> 0, this.len) : this.buf.writeUInt32BE(v >>> 0, this.len);
    this.len += 4;
  }
  u64(v: number) {
    const lo = v % 0x100000000;
    const hi = Math.floor(v / 0x100000000);
    if (this.le) {
      this.u32(lo);
      this.u32(hi);
    } else {
      this.u32(hi);
      this.u32(lo);
    }
  }
  word(v: number) {
    this.is64 ? this.u64(v) : this.u32(v);
  }
  bytes(b: Buffer) {
    this.ensure(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }
  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

class StrTab {
  private parts: string[] = [""];
  private index = new Map<string, number>([["", 0]]);
  private size = 1;
  add(s: string): number {
    const hit = this.index.get(s);
    if (hit !== undefined) return hit;
    const at = this.size;
    this.parts.push(s);
    this.index.set(s, at);
    this.size += Buffer.byteLength(s) + 1;
    return at;
  }
  bytes(): Buffer {
    return Buffer.from(this.parts.map((p) => p + "\0").join(""), "utf8");
  }
}

/** ELF hash of a version name (elf.h's vna_hash/vd_hash). */
export function elfHash(name: string): number {
  let h = 0;
  for (const c of Buffer.from(name)) {
    h = ((h << 4) + c) >>> 0;
    const g = h & 0xf0000000;
    if (g) h ^= g >>> 24;
    h &= ~g >>> 0;
  }
  return h >>> 0;
}

export function buildElf(spec: ElfSpec): { bytes: Buffer; layout: ElfLayout } {
  const is64 = spec.cls === 64;
  const o = new Out(spec.endian === "little", is64);
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const wordSize = is64 ? 8 : 4;
  const withSections = spec.sections !== false;

  const dynstr = new StrTab();
  const needed = (spec.needed ?? []).map((n) => dynstr.add(n));
  const soname = spec.soname !== undefined ? dynstr.add(spec.soname) : undefined;
  const rpath = spec.rpath !== undefined ? dynstr.add(spec.rpath) : undefined;
  const runpath = spec.runpath !== undefined ? dynstr.add(spec.runpath) : undefined;
  const verdef = spec.verdef ?? [];
  const verneed = spec.verneed ?? [];
  const symbols = spec.symbols ?? [];
  // version indices: verdefs 1.., then version needs
  const defIdx = new Map<string, number>();
  verdef.forEach((v, i) => defIdx.set(v, i + 1));
  const needIdx = new Map<string, number>();
  let nextIdx = verdef.length ? verdef.length + 1 : 2;
  for (const n of verneed) for (const v of n.versions) needIdx.set(v.name, nextIdx++);
  for (const n of verneed) {
    dynstr.add(n.file);
    for (const v of n.versions) dynstr.add(v.name);
  }
  for (const v of verdef) dynstr.add(v);
  for (const s of symbols) dynstr.add(s.name);

  // header placeholder, program headers
  o.bytes(Buffer.alloc(ehsize));
  const phdrs: { type: number; off: number; size: number; align: number }[] = [];
  const phoff = o.len;
  const phnum = 2 + (spec.interp ? 1 : 0) + (spec.isaNeeded !== undefined ? 2 : 0);
  o.bytes(Buffer.alloc(phnum * phentsize));

  const shdrs: { name: string; type: number; off: number; size: number; link: number; info: number; align: number; entsize: number; flags: number }[] = [];
  const section = (name: string, type: number, off: number, size: number, extra: Partial<(typeof shdrs)[number]> = {}) =>
    shdrs.push({ name, type, off, size, link: 0, info: 0, align: 1, entsize: 0, flags: 2, ...extra });

  if (spec.interp) {
    const at = o.len;
    o.bytes(Buffer.from(spec.interp + "\0"));
    phdrs.push({ type: 3, off: at, size: o.len - at, align: 1 });
    section(".interp", 1, at, o.len - at);
  }
  let note = 0;
  if (spec.isaNeeded !== undefined) {
    o.align(8);
    note = o.len;
    const align = is64 ? 8 : 4;
    const descsz = 8 + 4 + (is64 ? 4 : 0);
    o.u32(4);
    o.u32(descsz);
    o.u32(5); // NT_GNU_PROPERTY_TYPE_0
    o.bytes(Buffer.from("GNU\0"));
    o.u32(0xc0008002);
    o.u32(4);
    o.u32(spec.isaNeeded);
    if (align === 8) o.u32(0);
    phdrs.push({ type: 4, off: note, size: o.len - note, align });
    phdrs.push({ type: 0x6474e553, off: note, size: o.len - note, align });
    section(".note.gnu.property", 7, note, o.len - note, { align });
  }

  o.align(8);
  const dynstrOff = o.len;
  const strBytes = dynstr.bytes();
  o.bytes(strBytes);
  const iDynstr = shdrs.length + 1;
  section(".dynstr", 3, dynstrOff, strBytes.length);

  o.align(8);
  const dynsymOff = o.len;
  const symEnt = is64 ? 24 : 16;
  const allSyms: (SymbolSpec | undefined)[] = [undefined, ...symbols];
  for (const s of allSyms) {
    const name = s ? dynstr.add(s.name) : 0;
    const info = s ? ((s.bind === "weak" ? 2 : 1) << 4) | (s.type ?? 2) : 0;
    const shndx = s?.defined ? 1 : 0; // any non-zero index means "defined here"
    if (is64) {
      o.u32(name);
      o.u8(info);
      o.u8(0);
      o.u16(shndx);
      o.u64(s?.defined ? 0x1000 : 0);
      o.u64(0);
    } else {
      o.u32(name);
      o.u32(s?.defined ? 0x1000 : 0);
      o.u32(0);
      o.u8(info);
      o.u8(0);
      o.u16(shndx);
    }
  }
  const iDynsym = shdrs.length + 1;
  section(".dynsym", 11, dynsymOff, allSyms.length * symEnt, { link: iDynstr, info: 1, entsize: symEnt, align: 8 });

  o.align(8);
  const versymOff = o.len;
  for (const s of allSyms) {
    if (!s) o.u16(0);
    else if (s.version === undefined) o.u16(1);
    else o.u16((s.defined ? defIdx.get(s.version) : needIdx.get(s.version)) ?? 1);
  }
  section(".gnu.version", 0x6fffffff, versymOff, allSyms.length * 2, { link: iDynsym, entsize: 2, align: 2 });

  o.align(8);
  const verneedOff = o.len;
  verneed.forEach((n, i) => {
    const last = i === verneed.length - 1;
    o.u16(1);
    o.u16(n.versions.length);
    o.u32(dynstr.add(n.file));
    o.u32(16);
    o.u32(last ? 0 : 16 + 16 * n.versions.length);
    n.versions.forEach((v, j) => {
      o.u32(elfHash(v.name));
      o.u16(v.weak ? 2 : 0);
      o.u16(needIdx.get(v.name)!);
      o.u32(dynstr.add(v.name));
      o.u32(j === n.versions.length - 1 ? 0 : 16);
    });
  });
  if (verneed.length) section(".gnu.version_r", 0x6ffffffe, verneedOff, o.len - verneedOff, { link: iDynstr, info: verneed.length, align: 8 });

  o.align(8);
  const verdefOff = o.len;
  verdef.forEach((v, i) => {
    const last = i === verdef.length - 1;
    o.u16(1);
    o.u16(i === 0 ? 1 : 0); // VER_FLG_BASE on the first
    o.u16(i + 1);
    o.u16(1);
    o.u32(elfHash(v));
    o.u32(20);
    o.u32(last ? 0 : 28);
    o.u32(dynstr.add(v));
    o.u32(0);
  });
  if (verdef.length) section(".gnu.version_d", 0x6ffffffd, verdefOff, o.len - verdefOff, { link: iDynstr, info: verdef.length, align: 8 });

  o.align(8);
  const hashOff = o.len;
  // 64-bit s390 is the one ABI whose DT_HASH words are 8 bytes
  const hashWord = spec.machine === 22 && is64 ? (v: number) => o.u64(v) : (v: number) => o.u32(v);
  hashWord(1);
  hashWord(allSyms.length);
  hashWord(0);
  for (let i = 0; i < allSyms.length; i++) hashWord(0);
  section(".hash", 5, hashOff, o.len - hashOff, { link: iDynsym, entsize: spec.machine === 22 && is64 ? 8 : 4, align: 8 });

  o.align(8);
  const dynOff = o.len;
  const dyn = (tag: number, val: number) => {
    o.word(tag);
    o.word(val);
  };
  for (const n of needed) dyn(1, n);
  if (soname !== undefined) dyn(14, soname);
  if (rpath !== undefined) dyn(15, rpath);
  if (runpath !== undefined) dyn(29, runpath);
  dyn(4, hashOff);
  dyn(5, dynstrOff);
  dyn(6, dynsymOff);
  dyn(10, strBytes.length);
  dyn(11, symEnt);
  dyn(0x6ffffff0, versymOff);
  if (verneed.length) {
    dyn(0x6ffffffe, verneedOff);
    dyn(0x6fffffff, verneed.length);
  }
  if (verdef.length) {
    dyn(0x6ffffffc, verdefOff);
    dyn(0x6ffffffd, verdef.length);
  }
  dyn(0, 0);
  phdrs.push({ type: 2, off: dynOff, size: o.len - dynOff, align: wordSize });
  section(".dynamic", 6, dynOff, o.len - dynOff, { link: iDynstr, entsize: 2 * wordSize, align: wordSize, flags: 3 });

  let shoff = 0;
  let shnum = 0;
  let shstrndx = 0;
  if (withSections) {
    const shstr = new StrTab();
    for (const s of shdrs) shstr.add(s.name);
    shstr.add(".shstrtab");
    const shstrOff = o.len;
    const shstrBytes = shstr.bytes();
    o.bytes(shstrBytes);
    section(".shstrtab", 3, shstrOff, shstrBytes.length, { flags: 0 });
    o.align(8);
    shoff = o.len;
    shnum = shdrs.length + 1;
    shstrndx = shdrs.length;
    o.bytes(Buffer.alloc(shentsize)); // SHN_UNDEF
    for (const s of shdrs) {
      const addr = s.flags & 2 ? s.off : 0;
      o.u32(shstr.add(s.name));
      o.u32(s.type);
      o.word(s.flags);
      o.word(addr);
      o.word(s.off);
      o.word(s.size);
      o.u32(s.link);
      o.u32(s.info);
      o.word(s.align);
      o.word(s.entsize);
    }
  }
  const total = o.len;
  phdrs.unshift({ type: 1, off: 0, size: total, align: 0x1000 });

  // program headers, then the ELF header, written over the space reserved for them
  const saved = o.len;
  o.len = phoff;
  for (const ph of phdrs) {
    const flags = ph.type === 1 ? 7 : 4;
    if (is64) {
      o.u32(ph.type);
      o.u32(flags);
      o.u64(ph.off);
      o.u64(ph.off);
      o.u64(ph.off);
      o.u64(ph.size);
      o.u64(ph.size);
      o.u64(ph.align);
    } else {
      o.u32(ph.type);
      o.u32(ph.off);
      o.u32(ph.off);
      o.u32(ph.off);
      o.u32(ph.size);
      o.u32(ph.size);
      o.u32(flags);
      o.u32(ph.align);
    }
  }
  o.len = 0;
  o.bytes(Buffer.from([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, spec.endian === "little" ? 1 : 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  o.u16(ET_DYN);
  o.u16(spec.machine);
  o.u32(1);
  o.word(0); // entry
  o.word(phoff);
  o.word(shoff);
  o.u32(spec.flags ?? 0);
  o.u16(ehsize);
  o.u16(phentsize);
  o.u16(phdrs.length);
  o.u16(shentsize);
  o.u16(shnum);
  o.u16(shstrndx);
  o.len = saved;
  return {
    bytes: o.result(),
    layout: {
      dynamic: dynOff,
      dynstr: dynstrOff,
      dynstrSize: strBytes.length,
      dynsym: dynsymOff,
      versym: versymOff,
      verneed: verneedOff,
      verdef: verdefOff,
      hash: hashOff,
      note,
      shoff,
      phoff,
    },
  };
}

/** Patch helpers for damaging a built file. */
export function patchU32(bytes: Buffer, at: number, v: number, endian: "little" | "big"): void {
  endian === "little" ? bytes.writeUInt32LE(v >>> 0, at) : bytes.writeUInt32BE(v >>> 0, at);
}
export function patchU16(bytes: Buffer, at: number, v: number, endian: "little" | "big"): void {
  endian === "little" ? bytes.writeUInt16LE(v, at) : bytes.writeUInt16BE(v, at);
}
