/**
 * The Mach-O export reader (src/wheel/binary/macho-exports.ts) on real macOS files made here by real
 * tools (this machine is not macOS; no dyld loads them): llvm-mc objects (symbol table only),
 * rust-lld `-flavor darwin` dylibs (export trie in LC_DYLD_INFO_ONLY, or in LC_DYLD_EXPORTS_TRIE with
 * chained fixups) for x86_64 and arm64, and llvm-lipo universal files. Each answer is checked against
 * llvm-nm and llvm-objdump's reading of the same file; damaged copies and a looping trie give
 * one-line BinaryErrors.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BinaryError } from "../../../src/errors.js";
import { hasMachOMagic, machoExports, thinMachOExports, walkTrie } from "../../../src/wheel/binary/macho-exports.js";
import { writeFatMachO } from "../../../src/wheel/macho-fat.js";
import { HAVE_LLVM, lipo, machoDylib, machoObject, nmDefinedExternals, objdumpExportsTrie, TOOLS } from "../../helpers/foreign-libs.js";
import { freshDir } from "../../helpers/env.js";

const dir = freshDir("macho-exports");
const SYMBOLS = { exports: ["PyInit_foo", "helper"], local: ["PyInit_local"], privateExtern: ["PyInit_private"] };

/** The load commands of a thin little-endian 64-bit file: [cmd, offset]. */
function loadCommands(b: Buffer): [number, number][] {
  const out: [number, number][] = [];
  let at = 32;
  for (let i = 0; i < b.readUInt32LE(16); i++) {
    out.push([b.readUInt32LE(at), at]);
    at += b.readUInt32LE(at + 4);
  }
  return out;
}

describe.skipIf(!HAVE_LLVM)("Mach-O exports", () => {
  for (const arch of ["x86_64", "arm64"] as const) {
    it(`${arch} dylib: the export trie (LC_DYLD_INFO_ONLY) gives the C names llvm-objdump and llvm-nm see`, () => {
      const lib = machoDylib(dir, `foo-${arch}.dylib`, { arch, ...SYMBOLS });
      const bytes = readFileSync(lib);
      expect(hasMachOMagic(bytes)).toBe(true);
      const [got] = machoExports(bytes, "foo.so");
      expect(got).toEqual({ arch, names: ["PyInit_foo", "helper"], from: "trie" });
      expect(got?.names).toEqual(objdumpExportsTrie(lib));
      expect(got?.names).toEqual(nmDefinedExternals(lib));
    });
  }

  it("chained fixups: the trie in LC_DYLD_EXPORTS_TRIE", () => {
    const lib = machoDylib(dir, "chained.dylib", { arch: "arm64", chained: true, ...SYMBOLS });
    const bytes = readFileSync(lib);
    expect(loadCommands(bytes).map(([c]) => c)).toContain(0x80000033);
    expect(machoExports(bytes)).toEqual([{ arch: "arm64", names: objdumpExportsTrie(lib), from: "trie" }]);
  });

  it("no trie: the symbol table's external defined symbols (private extern and local ones left out)", () => {
    const obj = machoObject(dir, "plain.o", { arch: "x86_64", ...SYMBOLS });
    const got = thinMachOExports(readFileSync(obj));
    expect(got).toEqual({ arch: "x86_64", names: ["PyInit_foo", "helper"], from: "symtab" });
    // llvm-nm -gU lists private externs too (they are N_EXT): dyld does not export them
    expect(nmDefinedExternals(obj)).toEqual(["PyInit_foo", "PyInit_private", "helper"]);
  });

  it("universal files (llvm-lipo's and our own writer's): each slice read on its own", () => {
    const x86 = machoDylib(dir, "u-x86_64.dylib", { arch: "x86_64", exports: ["PyInit_u"] });
    const arm = machoDylib(dir, "u-arm64.dylib", { arch: "arm64", exports: ["PyInit_other"] });
    const expected = [
      { arch: "x86_64", names: ["PyInit_u"], from: "trie" },
      { arch: "arm64", names: ["PyInit_other"], from: "trie" },
    ];
    if (TOOLS.lipo) expect(machoExports(readFileSync(lipo(dir, "u.dylib", [x86, arm])))).toEqual(expected);
    expect(machoExports(writeFatMachO([{ bytes: readFileSync(x86) }, { bytes: readFileSync(arm) }]))).toEqual(expected);
  });
});

describe.skipIf(!HAVE_LLVM)("hostile Mach-O files: one line, a BinaryError, never a crash, a hang or a wrong answer", () => {
  let victim: Buffer | undefined;
  const good = () => Buffer.from((victim ??= readFileSync(machoDylib(dir, "victim.dylib", { arch: "arm64", exports: ["PyInit_victim", "a", "ab"] }))));
  const fails = (bytes: Buffer, why: RegExp) => {
    let err: unknown;
    try {
      machoExports(bytes, "victim.so");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BinaryError);
    expect((err as Error).message).toMatch(why);
    expect((err as Error).message).not.toContain("\n");
  };
  const trieOf = (b: Buffer) => {
    const [, at] = loadCommands(b).find(([c]) => c === 0x80000022) as [number, number];
    return { cmd: at, off: b.readUInt32LE(at + 40), size: b.readUInt32LE(at + 44) };
  };

  it("truncated: the header, the load commands, the trie", () => {
    const b = good();
    fails(b.subarray(0, 20), /victim\.so is not a readable Mach-O library: shorter than a Mach-O header/);
    fails(b.subarray(0, 100), /load commands \(\d+ bytes\) run past the end of the file/);
    const t = trieOf(b);
    fails(b.subarray(0, t.off + 4), /export trie \(\d+ bytes at \d+\) runs past the end of the file/);
  });

  it("a load command whose size runs past the others, or is zero (an endless walk)", () => {
    const b = good();
    const [, at] = loadCommands(b)[1] as [number, number];
    b.writeUInt32LE(0, at + 4);
    fails(b, /load command 1 has a bad size 0/);
    const c = good();
    c.writeUInt32LE(0x100000, (loadCommands(c)[0] as [number, number])[1] + 4);
    fails(c, /load command 0 has a bad size 1048576/);
  });

  it("a trie whose child points back at the root: refused as a loop", () => {
    const b = good();
    const t = trieOf(b);
    // root: not terminal, one child "_" at offset 0 (itself)
    Buffer.from([0x00, 0x01, 0x5f, 0x00, 0x00]).copy(b, t.off);
    fails(b, /trie node 0 is reached twice \(a loop\)/);
    // and two edges to one node (a DAG that could grow without bound) as well
    expect(() => walkTrie(Buffer.from([0x00, 0x02, 0x61, 0x00, 0x09, 0x62, 0x00, 0x09, 0x00, 0x00, 0x00]))).toThrow(/trie node 9 is reached twice/);
  });

  it("a child offset outside the trie, an unterminated label or ULEB128", () => {
    expect(() => walkTrie(Buffer.from([0x00, 0x01, 0x61, 0x00, 0x7f]))).toThrow(/trie node offset 127 lies outside the 5-byte trie/);
    expect(() => walkTrie(Buffer.from([0x00, 0x01, 0x61, 0x62]))).toThrow(/edge label at trie offset 2 has no terminating NUL/);
    expect(() => walkTrie(Buffer.from([0x80, 0x80]))).toThrow(/ULEB128 number at trie offset 0 is unterminated or too large/);
    expect(() => walkTrie(Buffer.from([0x05, 0x00]))).toThrow(/trie node 0 runs past the end of the trie/);
  });

  it("a chain of terminal nodes whose names would grow without bound: refused, not a quadratic blow-up", () => {
    // node i: terminal (1 byte of info), one child with a 200-byte label -> node i+1
    const label = Buffer.alloc(200, 0x61);
    const nodes: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < 400; i++) {
      const size = 1 + 1 + 1 + label.length + 1 + 3;
      const next = offset + size;
      const uleb = [(next & 0x7f) | 0x80, ((next >> 7) & 0x7f) | 0x80, next >> 14];
      nodes.push(Buffer.concat([Buffer.from([0x01, 0x00, 0x01]), label, Buffer.from([0x00, ...uleb])]));
      offset = next;
    }
    nodes.push(Buffer.from([0x01, 0x00, 0x00]));
    expect(() => walkTrie(Buffer.concat(nodes))).toThrow(/grows beyond 65536 bytes/);
  });

  it("a symbol table or string table out of range (a file without a trie)", () => {
    const obj = readFileSync(machoObject(dir, "victim.o", { arch: "x86_64", exports: ["PyInit_v"] }));
    const [, at] = loadCommands(obj).find(([c]) => c === 0x2) as [number, number];
    const a = Buffer.from(obj);
    a.writeUInt32LE(0x7ffffff, at + 12);
    fails(a, /symbol table \(134217727 entries at \d+\) runs past the end of the file/);
    const b = Buffer.from(obj);
    b.writeUInt32LE(0x7ffffff, at + 20);
    fails(b, /string table \(134217727 bytes at \d+\) runs past the end of the file/);
  });

  it("a universal file with a slice outside it", () => {
    const fat = writeFatMachO([{ bytes: good() }, { bytes: readFileSync(machoDylib(dir, "v-x86.dylib", { arch: "x86_64", exports: ["PyInit_v"] })) }]);
    fat.writeUInt32BE(0x7fffffff, 8 + 8);
    fails(fat, /victim\.so is not a readable universal Mach-O file: .*architecture 0 lies outside the file/);
  });
});
