/**
 * The data of named symbols, read from real shared libraries made by cc (the
 * bytes are known from the C source) and checked against binutils' readelf.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ElfError, isPytsError } from "../../../src/errors.js";
import { bufferSource } from "../../../src/manylinux/audit/byte-source.js";
import { readSymbolData, symbolData } from "../../../src/manylinux/audit/elf-symbol-data.js";
import { freshDir } from "../../helpers/env.js";
import { fuzzCount, fuzzSeed, mutate, rng } from "../../helpers/fuzz.js";
import { buildCLib } from "../helpers/build.js";

const chunkOf = (n: number) => `struct chunk${n} { unsigned int length; char data[${n}]; }`;
const SOURCE = `
${chunkOf(5)};
${chunkOf(3)};
const struct chunk5 PYO3_INTROSPECTION_1_a = { 5, "hello" };
const struct chunk3 PYO3_INTROSPECTION_1_b = { 3, "abc" };
static const struct chunk3 PYO3_INTROSPECTION_1_local = { 3, "loc" };
const int other = 7;
const void *keep(void) { return &PYO3_INTROSPECTION_1_local; }
`;
const wanted = (name: string) => name.startsWith("PYO3_INTROSPECTION_");
const le32 = (n: number) => Buffer.from([n, 0, 0, 0]);

describe("readSymbolData", () => {
  const dir = freshDir("elf-symbol-data");
  const lib = buildCLib(dir, "libchunks.so", SOURCE);

  it("the exported symbols' bytes, each up to its symbol's size (readelf agrees on the names)", () => {
    const r = readSymbolData(lib, wanted);
    expect(r.littleEndian).toBe(true);
    const byName = Object.fromEntries(r.symbols.map((s) => [s.name, s.data]));
    expect(Object.keys(byName).sort()).toEqual(["PYO3_INTROSPECTION_1_a", "PYO3_INTROSPECTION_1_b"]); // the static one is not exported
    expect(byName.PYO3_INTROSPECTION_1_a).toEqual(Buffer.concat([le32(5), Buffer.from("hello"), Buffer.alloc(3)])); // padded to the struct's size
    expect(byName.PYO3_INTROSPECTION_1_b).toEqual(Buffer.concat([le32(3), Buffer.from("abc"), Buffer.alloc(1)]));
    const dynsym = execFileSync("readelf", ["--dyn-syms", "-W", lib], { encoding: "utf8" });
    expect(dynsym.match(/PYO3_INTROSPECTION_\S+/g)?.sort()).toEqual(["PYO3_INTROSPECTION_1_a", "PYO3_INTROSPECTION_1_b"]);
  });

  it("a stripped copy still has them (.dynsym stays)", () => {
    const stripped = join(dir, "libstripped.so");
    copyFileSync(lib, stripped);
    execFileSync("strip", ["--strip-all", stripped]);
    expect(readSymbolData(stripped, wanted).symbols.map((s) => s.name).sort()).toEqual(["PYO3_INTROSPECTION_1_a", "PYO3_INTROSPECTION_1_b"]);
  });

  it("symbols not exported are read from .symtab", () => {
    const hidden = buildCLib(dir, "libhidden.so", `${chunkOf(2)};\n__attribute__((visibility("hidden"))) const struct chunk2 PYO3_INTROSPECTION_1_h = { 2, "hi" };\nconst void *keep(void) { return &PYO3_INTROSPECTION_1_h; }\n`);
    const r = readSymbolData(hidden, wanted);
    expect(r.symbols).toEqual([{ name: "PYO3_INTROSPECTION_1_h", data: Buffer.concat([le32(2), Buffer.from("hi"), Buffer.alloc(2)]) }]);
  });

  it("no such symbols: an empty list; a damaged file: ElfError", () => {
    expect(readSymbolData(lib, (n) => n === "nothing").symbols).toEqual([]);
    const cut = join(dir, "libcut.so");
    writeFileSync(cut, readFileSync(lib).subarray(0, 2000));
    expect(() => readSymbolData(cut, wanted)).toThrow(ElfError);
  });

  it("mutants of the library give symbols or a typed error, never another exception", () => {
    const seed = fuzzSeed(2112);
    const bytes = readFileSync(lib);
    // where the reader trusts the file: the header, the section headers, the symbol and string tables
    const shoff = Number(bytes.readBigUInt64LE(0x28));
    const shnum = bytes.readUInt16LE(0x3c);
    const hot: Array<[number, number]> = [[0, 64], [shoff, shoff + shnum * 64]];
    for (let i = 0; i < shnum; i++) {
      const h = shoff + i * 64;
      const off = Number(bytes.readBigUInt64LE(h + 0x18));
      if ([2, 3, 11].includes(bytes.readUInt32LE(h + 4))) hot.push([off, off + Math.min(Number(bytes.readBigUInt64LE(h + 0x20)), 4096)]);
    }
    const r = rng(seed);
    for (let i = 0; i < fuzzCount(600); i++) {
      const mutant = mutate(r, bytes, hot);
      try {
        symbolData(bufferSource(mutant, `mutant ${i}`), wanted);
      } catch (e) {
        if (!isPytsError(e)) throw new Error(`seed ${seed} input ${i}: ${(e as Error).stack}`);
      }
    }
  });
});
