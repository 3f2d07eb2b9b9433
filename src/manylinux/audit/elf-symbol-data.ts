/**
 * The bytes that named data symbols of an ELF file point at (pyo3's
 * introspection chunks are such statics). elf.ts reads the loader's view and
 * the symbols' names; this reads the section headers, a symbol table and the
 * data of the symbols asked for, nothing else. The symbols come from `.dynsym`
 * (a cdylib's `#[no_mangle]` statics are exported, and `strip` keeps them), or
 * from `.symtab` when `.dynsym` has none of them. A symbol's data is found through the section it is defined in
 * (file offset = value - sh_addr + sh_offset) and is read up to the symbol's
 * size, or to its section's end when the size is 0. Every offset and size is
 * checked against the file (ElfError).
 */
import { type ByteSource, fileSource, truncated } from "./byte-source.js";
import { hasElfMagic } from "./elf.js";

const SHT_SYMTAB = 2;
const SHT_NOBITS = 8;
const SHT_DYNSYM = 11;
const SHN_LORESERVE = 0xff00;
/** A table with more symbols than this is not a real file. */
const MAX_SYMBOLS = 16 * 1024 * 1024;

export interface SymbolData {
  name: string;
  data: Buffer;
}

export interface SymbolDataResult {
  littleEndian: boolean;
  symbols: SymbolData[];
}

interface Section {
  type: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
}

/** The data of every defined symbol whose name `wanted` accepts, in symbol-table order. */
export function symbolData(src: ByteSource, wanted: (name: string) => boolean): SymbolDataResult {
  const ident = src.read(0, 16, "ELF identification");
  if (!hasElfMagic(ident) || (ident[4] !== 1 && ident[4] !== 2) || (ident[5] !== 1 && ident[5] !== 2)) throw truncated(src.name, "no ELF header");
  const is64 = ident[4] === 2;
  const le = ident[5] === 1;
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  /** an address/offset/size field; beyond 2^53 it becomes NaN, which every range check refuses */
  const word = (b: Buffer, o: number) => {
    if (!is64) return u32(b, o);
    const v = Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    return Number.isSafeInteger(v) ? v : Number.NaN;
  };
  const h = src.read(0, is64 ? 64 : 52, "ELF header");
  const shoff = word(h, is64 ? 40 : 32);
  const shentsize = u16(h, is64 ? 58 : 46);
  let shnum = u16(h, is64 ? 60 : 48);
  const result: SymbolDataResult = { littleEndian: le, symbols: [] };
  if (shoff === 0) return result; // no section headers: nothing to find symbols' data through
  if (shentsize < (is64 ? 64 : 40)) throw truncated(src.name, `section header entry size ${shentsize} is too small`);
  const section = (b: Buffer, o: number): Section =>
    is64
      ? { type: u32(b, o + 4), addr: word(b, o + 16), offset: word(b, o + 24), size: word(b, o + 32), link: u32(b, o + 40) }
      : { type: u32(b, o + 4), addr: u32(b, o + 12), offset: u32(b, o + 16), size: u32(b, o + 20), link: u32(b, o + 24) };
  if (shnum === 0) shnum = section(src.read(shoff, shentsize, "section header 0"), 0).size; // more than 0xff00 sections
  const headers = src.read(shoff, shnum * shentsize, "section header table");
  const sections = Array.from({ length: shnum }, (_, i) => section(headers, i * shentsize));

  const entSize = is64 ? 24 : 16;
  /** the wanted symbols of one symbol table with their data */
  const fromTable = (symtab: Section): SymbolData[] => {
    const strtab = sections[symtab.link];
    if (!strtab) throw truncated(src.name, `the symbol table's string table (section ${symtab.link}) does not exist`);
    const count = Math.floor(symtab.size / entSize);
    if (count > MAX_SYMBOLS) throw truncated(src.name, `the symbol table claims ${count} symbols`);
    const syms = src.read(symtab.offset, count * entSize, "symbol table");
    const strings = src.read(strtab.offset, strtab.size, "symbol string table");
    const found: SymbolData[] = [];
    for (let i = 1; i < count; i++) {
      const o = i * entSize;
      const shndx = u16(syms, o + (is64 ? 6 : 14));
      if (shndx === 0 || shndx >= SHN_LORESERVE) continue; // undefined, absolute or common: no data in the file
      const nameAt = u32(syms, o);
      const end = strings.indexOf(0, nameAt);
      if (nameAt >= strings.length || end < 0) throw truncated(src.name, `symbol ${i}'s name lies outside its string table`);
      const name = strings.toString("utf8", nameAt, end);
      if (!wanted(name)) continue;
      const home = sections[shndx];
      if (!home || home.type === SHT_NOBITS) throw truncated(src.name, `symbol ${name} is defined in section ${shndx}, which holds no file data`);
      const value = is64 ? word(syms, o + 8) : u32(syms, o + 4);
      const size = is64 ? word(syms, o + 16) : u32(syms, o + 8);
      const offset = value - home.addr + home.offset;
      const sectionEnd = home.offset + home.size;
      if (!(offset >= home.offset && offset < sectionEnd)) throw truncated(src.name, `symbol ${name}'s address 0x${value.toString(16)} is outside its section`);
      found.push({ name, data: src.read(offset, size > 0 ? Math.min(size, sectionEnd - offset) : sectionEnd - offset, `data of symbol ${name}`) });
    }
    return found;
  };
  for (const type of [SHT_DYNSYM, SHT_SYMTAB]) {
    const table = sections.find((s) => s.type === type);
    const found = table ? fromTable(table) : [];
    if (found.length > 0) return { ...result, symbols: found };
  }
  return result;
}

/** `symbolData` of a file on disk. */
export function readSymbolData(path: string, wanted: (name: string) => boolean): SymbolDataResult {
  const src = fileSource(path);
  try {
    return symbolData(src, wanted);
  } finally {
    src.close();
  }
}
