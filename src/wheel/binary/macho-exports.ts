/**
 * The names a macOS library exports: what `dlsym(handle, "PyInit_foo")` can
 * find, so the build can refuse an extension (`.so` from cargo's `.dylib`)
 * Python could not import. Thin files and universal (fat) ones, each slice
 * read on its own. Pure: bytes in, names out.
 *
 * Layout (<mach-o/loader.h>, <mach-o/nlist.h>): a thin header (`0xfeedfacf`
 * 64-bit or `0xfeedface` 32-bit, in the file's byte order), `ncmds` load
 * commands of `cmdsize` bytes each. dyld looks names up in the export trie
 * when there is one (LC_DYLD_INFO(_ONLY)'s export_off/size, or
 * LC_DYLD_EXPORTS_TRIE with chained fixups), else in the symbol table
 * (LC_SYMTAB: external, defined, not private-extern nlist entries). The trie:
 * per node a ULEB128 terminal size (then that many bytes of export info), a
 * child count byte, and per child a NUL-terminated edge label and the ULEB128
 * offset of the child node; a name is the labels on the way to a terminal
 * node. C names carry a leading `_` in Mach-O, removed here (dlsym adds it).
 * A node reached twice is refused: a tree has none, and a hostile file would
 * otherwise loop or blow up.
 */
import { BinaryError } from "../../errors.js";
import { cpuName, FAT_MAGIC, readFatMachO } from "../macho-fat.js";

export interface MachOExports {
  /** `x86_64`, `arm64`, ... (macho-fat.ts's cpuName) */
  arch: string;
  /** The exported C names (leading `_` removed), sorted. */
  names: string[];
  /** Where they were read: the export trie or the symbol table. */
  from: "trie" | "symtab";
}

const MH_MAGIC = 0xfeedface;
const MH_MAGIC_64 = 0xfeedfacf;
const LC_SYMTAB = 0x2;
const LC_DYLD_INFO = 0x22;
const LC_DYLD_INFO_ONLY = 0x80000022;
const LC_DYLD_EXPORTS_TRIE = 0x80000033;
const N_STAB = 0xe0;
const N_PEXT = 0x10;
const N_TYPE = 0x0e;
const N_EXT = 0x01;
const N_UNDF = 0x0;
/** More nodes than any real library's trie has: beyond it the file is hostile. */
const MAX_TRIE_NODES = 1 << 20;
/** A name longer than any symbol (Rust's mangled ones run to a few KiB), and more name text than any library exports: a chain of terminal nodes in a hostile trie would otherwise grow quadratically. */
const MAX_NAME = 1 << 16;
const MAX_NAMES_TEXT = 1 << 26;

/** Whether `bytes` starts like a Mach-O file, thin (either byte order) or universal. */
export function hasMachOMagic(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, 4);
  const le = b.readUInt32LE(0);
  const be = b.readUInt32BE(0);
  return [MH_MAGIC, MH_MAGIC_64].includes(le) || [MH_MAGIC, MH_MAGIC_64, FAT_MAGIC].includes(be);
}

/** The slices of a universal file, or undefined for a thin one. */
function fatSlices(bytes: Buffer, name: string): ReturnType<typeof readFatMachO> | undefined {
  if (bytes.length < 4 || bytes.readUInt32BE(0) !== FAT_MAGIC) return undefined;
  try {
    return readFatMachO(bytes, name);
  } catch (e) {
    throw new BinaryError(`${name} is not a readable universal Mach-O file: ${(e as Error).message}`, "rebuild it (lipo -create joins thin files)");
  }
}

/** A thin file's header and a reader of its load commands, every offset checked. */
function thinHeader(bytes: Buffer, name: string) {
  const bad = (why: string) => new BinaryError(`${name} is not a readable Mach-O library: ${why}`, "rebuild it; a macOS extension must be a Mach-O dylib made by the Rust toolchain");
  if (bytes.length < 28) throw bad("shorter than a Mach-O header");
  const le = [MH_MAGIC, MH_MAGIC_64].includes(bytes.readUInt32LE(0));
  if (!le && ![MH_MAGIC, MH_MAGIC_64].includes(bytes.readUInt32BE(0))) throw bad("no Mach-O magic");
  const is64 = (le ? bytes.readUInt32LE(0) : bytes.readUInt32BE(0)) === MH_MAGIC_64;
  const u32 = (o: number, what: string) => {
    if (o < 0 || o + 4 > bytes.length) throw bad(`${what} lies beyond the end of the file`);
    return le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o);
  };
  const ncmds = u32(16, "the header");
  const sizeofcmds = u32(20, "the header");
  const first = is64 ? 32 : 28;
  if (first + sizeofcmds > bytes.length) throw bad(`its load commands (${sizeofcmds} bytes) run past the end of the file`);
  /** Each load command: its type, its offset and its size (checked to lie inside the commands). */
  const commands = function* (): Generator<{ cmd: number; at: number; size: number; index: number }> {
    let at = first;
    for (let i = 0; i < ncmds; i++) {
      if (at + 8 > first + sizeofcmds) throw bad(`load command ${i} lies outside the ${sizeofcmds} bytes of load commands`);
      const cmd = u32(at, "a load command");
      const size = u32(at + 4, "a load command");
      if (size < 8 || size % 4 !== 0 || at + size > first + sizeofcmds) throw bad(`load command ${i} has a bad size ${size}`);
      yield { cmd, at, size, index: i };
      at += size;
    }
  };
  return { bad, le, is64, u32, commands };
}

/** The exports of every architecture in a thin or universal Mach-O file (one entry for a thin file). */
export function machoExports(bytes: Buffer, name = "file"): MachOExports[] {
  const slices = fatSlices(bytes, name);
  if (slices) return slices.map((s) => thinMachOExports(s.bytes, `${name} (${cpuName(s.cputype)} slice)`));
  return [thinMachOExports(bytes, name)];
}

/** The exports of one thin Mach-O file. */
export function thinMachOExports(bytes: Buffer, name = "file"): MachOExports {
  const { bad, is64, u32, commands } = thinHeader(bytes, name);
  const arch = cpuName(u32(4, "the header") | 0);
  let trie: { off: number; size: number } | undefined;
  let symtab: Symtab | undefined;
  for (const { cmd, at, size } of commands()) {
    if ((cmd === LC_DYLD_INFO || cmd === LC_DYLD_INFO_ONLY) && size >= 48) {
      const t = { off: u32(at + 40, "LC_DYLD_INFO"), size: u32(at + 44, "LC_DYLD_INFO") };
      if (t.size > 0) trie = t;
    } else if (cmd === LC_DYLD_EXPORTS_TRIE && size >= 16) {
      const t = { off: u32(at + 8, "LC_DYLD_EXPORTS_TRIE"), size: u32(at + 12, "LC_DYLD_EXPORTS_TRIE") };
      if (t.size > 0) trie = t;
    } else if (cmd === LC_SYMTAB && size >= 24) {
      symtab = { symoff: u32(at + 8, "LC_SYMTAB"), nsyms: u32(at + 12, "LC_SYMTAB"), stroff: u32(at + 16, "LC_SYMTAB"), strsize: u32(at + 20, "LC_SYMTAB") };
    }
  }
  const cNames = (raw: string[]) => [...new Set(raw.filter((n) => n.startsWith("_")).map((n) => n.slice(1)))].sort();
  if (trie) {
    if (trie.off + trie.size > bytes.length) throw bad(`the export trie (${trie.size} bytes at ${trie.off}) runs past the end of the file`);
    return { arch, names: cNames(walkTrie(bytes.subarray(trie.off, trie.off + trie.size), bad)), from: "trie" };
  }
  if (!symtab) return { arch, names: [], from: "symtab" };
  // what dlsym finds: external, defined, not private-extern
  const exported = (type: number) => !(type & N_STAB || type & N_PEXT || !(type & N_EXT) || (type & N_TYPE) === N_UNDF);
  const raw = [...symbolEntries(bytes, { is64, u32, bad }, symtab, exported)].map((e) => e.name);
  return { arch, names: cNames(raw), from: "symtab" };
}

type Symtab = { symoff: number; nsyms: number; stroff: number; strsize: number };

/** The symbol table's entries whose n_type `keep` accepts: offset, type, section number and raw name, every offset checked. */
function* symbolEntries(bytes: Buffer, h: { is64: boolean; u32: (o: number, what: string) => number; bad: (why: string) => BinaryError }, t: Symtab, keep: (type: number) => boolean): Generator<{ at: number; sect: number; name: string }> {
  const entry = h.is64 ? 16 : 12;
  const { symoff, nsyms, stroff, strsize } = t;
  if (symoff + nsyms * entry > bytes.length) throw h.bad(`the symbol table (${nsyms} entries at ${symoff}) runs past the end of the file`);
  if (stroff + strsize > bytes.length) throw h.bad(`the string table (${strsize} bytes at ${stroff}) runs past the end of the file`);
  for (let i = 0; i < nsyms; i++) {
    const at = symoff + i * entry;
    if (!keep(bytes[at + 4] as number)) continue;
    const strx = h.u32(at, "a symbol");
    if (strx >= strsize) throw h.bad(`symbol ${i}'s name lies outside the string table`);
    const nul = bytes.subarray(0, Math.min(stroff + strsize, stroff + strx + MAX_NAME + 1)).indexOf(0, stroff + strx);
    if (nul < 0) throw h.bad(stroff + strsize - (stroff + strx) > MAX_NAME ? `symbol ${i}'s name is longer than ${MAX_NAME} bytes` : `symbol ${i}'s name has no terminating NUL inside the string table`);
    yield { at, sect: bytes[at + 5] as number, name: bytes.toString("latin1", stroff + strx, nul) };
  }
}

/** Every terminal name of an export trie (`bytes` is the trie alone; child offsets are relative to its start). */
export function walkTrie(bytes: Buffer, bad: (why: string) => Error = (why) => new BinaryError(`export trie: ${why}`)): string[] {
  const uleb = (o: number): [number, number] => {
    let value = 0;
    let scale = 1;
    for (let i = o; i < bytes.length && i < o + 10; i++) {
      const b = bytes[i] as number;
      value += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(value)) break;
        return [value, i + 1];
      }
    }
    throw bad(`a ULEB128 number at trie offset ${o} is unterminated or too large`);
  };
  const names: string[] = [];
  let text = 0;
  const seen = new Set<number>();
  const stack: [number, string][] = [[0, ""]];
  while (stack.length > 0) {
    const [node, prefix] = stack.pop() as [number, string];
    if (node >= bytes.length) throw bad(`a trie node offset ${node} lies outside the ${bytes.length}-byte trie`);
    if (seen.has(node)) throw bad(`trie node ${node} is reached twice (a loop)`);
    seen.add(node);
    if (seen.size > MAX_TRIE_NODES) throw bad("more trie nodes than any library has");
    const [terminal, afterSize] = uleb(node);
    if (terminal > 0) {
      text += prefix.length;
      if (text > MAX_NAMES_TEXT) throw bad("its names add up to more text than any library exports");
      names.push(prefix);
    }
    let at = afterSize + terminal;
    if (at >= bytes.length) throw bad(`trie node ${node} runs past the end of the trie`);
    const children = bytes[at++] as number;
    for (let c = 0; c < children; c++) {
      const nul = bytes.indexOf(0, at);
      if (nul < 0) throw bad(`an edge label at trie offset ${at} has no terminating NUL`);
      const label = bytes.toString("latin1", at, nul);
      if (prefix.length + label.length > MAX_NAME) throw bad(`a name at trie offset ${at} grows beyond ${MAX_NAME} bytes`);
      const [child, next] = uleb(nul + 1);
      stack.push([child, prefix + label]);
      at = next;
    }
  }
  return names;
}

const LC_SEGMENT = 0x1;
const LC_SEGMENT_64 = 0x19;
const N_SECT = 0x0e;
const S_ZEROFILL = 0x1;
const S_GB_ZEROFILL = 0xc;
const S_THREAD_LOCAL_ZEROFILL = 0x12;

/**
 * The bytes each defined symbol `wanted` accepts (C names: without Mach-O's
 * leading `_`) points at, to the end of its section's data: Mach-O symbols
 * carry no size. A cdylib's `#[no_mangle]` statics (pyo3's introspection
 * chunks) are such symbols. For a universal file the first slice is read
 * (each slice is the same crate). Every offset is checked (BinaryError).
 */
export function machoSymbolData(bytes: Buffer, wanted: (name: string) => boolean, name = "file"): { littleEndian: boolean; symbols: Array<{ name: string; data: Buffer }> } {
  const slices = fatSlices(bytes, name);
  if (slices) {
    const first = slices[0];
    if (!first) return { littleEndian: true, symbols: [] };
    return machoSymbolData(first.bytes, wanted, `${name} (${cpuName(first.cputype)} slice)`);
  }
  const { bad, le, is64, u32, commands } = thinHeader(bytes, name);
  /** an address field; beyond 2^53 NaN, which every range check refuses */
  const addr = (o: number, what: string) => {
    if (!is64) return u32(o, what);
    if (o + 8 > bytes.length) throw bad(`${what} lies beyond the end of the file`);
    const v = Number(le ? bytes.readBigUInt64LE(o) : bytes.readBigUInt64BE(o));
    return Number.isSafeInteger(v) ? v : Number.NaN;
  };
  const sections: Array<{ addr: number; size: number; offset: number; zerofill: boolean }> = [];
  let symtab: Symtab | undefined;
  for (const { cmd, at, size, index: i } of commands()) {
    if (cmd === (is64 ? LC_SEGMENT_64 : LC_SEGMENT)) {
      const [head, entry] = is64 ? [72, 80] : [56, 68];
      const nsects = u32(at + (is64 ? 64 : 48), "a segment command");
      if (head + nsects * entry > size) throw bad(`segment command ${i} holds fewer than its ${nsects} sections`);
      for (let k = 0; k < nsects; k++) {
        const s = at + head + k * entry;
        const flags = u32(s + (is64 ? 64 : 56), "a section");
        const type = flags & 0xff;
        sections.push({
          addr: addr(s + 32, "a section"),
          size: addr(s + (is64 ? 40 : 36), "a section"),
          offset: u32(s + (is64 ? 48 : 40), "a section"),
          zerofill: type === S_ZEROFILL || type === S_GB_ZEROFILL || type === S_THREAD_LOCAL_ZEROFILL,
        });
      }
    } else if (cmd === LC_SYMTAB && size >= 24) {
      symtab = { symoff: u32(at + 8, "LC_SYMTAB"), nsyms: u32(at + 12, "LC_SYMTAB"), stroff: u32(at + 16, "LC_SYMTAB"), strsize: u32(at + 20, "LC_SYMTAB") };
    }
  }
  const symbols: Array<{ name: string; data: Buffer }> = [];
  if (!symtab) return { littleEndian: le, symbols };
  // defined in a section of the file
  const defined = (type: number) => !(type & N_STAB) && (type & N_TYPE) === N_SECT;
  for (const { at: s, sect: n, name: raw } of symbolEntries(bytes, { is64, u32, bad }, symtab, defined)) {
    if (!raw.startsWith("_") || !wanted(raw.slice(1))) continue;
    const sect = sections[n - 1];
    if (!sect) throw bad(`symbol ${raw} names section ${n}, which the file does not have`);
    if (sect.zerofill) continue; // zero-initialised: no bytes in the file
    const value = addr(s + 8, "a symbol");
    const off = sect.offset + (value - sect.addr);
    const end = sect.offset + sect.size;
    if (!(value >= sect.addr && value < sect.addr + sect.size) || end > bytes.length) throw bad(`symbol ${raw}'s data lies outside its section or the file`);
    symbols.push({ name: raw.slice(1), data: bytes.subarray(off, end) });
  }
  return { littleEndian: le, symbols };
}
