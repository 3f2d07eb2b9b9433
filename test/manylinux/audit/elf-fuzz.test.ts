/**
 * Fuzzing the ELF reader (src/manylinux/audit/elf.ts): thousands of seeded mutants of
 * real libraries and executables of this machine, mutated mostly where the
 * parser trusts the file (header, program and section header tables, the
 * dynamic section, symbol, version and note sections). Every outcome must be an
 * ElfFile or a PytsError (ElfError), never another exception; each input must
 * finish within a bound. The seed is printed; PYTS_FUZZ_SEED=<n> replays a run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { isPytsError } from "../../../src/errors.js";
import { parseElfBytes } from "../../../src/manylinux/audit/elf.js";
import { freshDir } from "../../helpers/env.js";
import { fuzzCount, fuzzSeed, mutate, rng } from "../../helpers/fuzz.js";
import { buildPyext } from "../helpers/build.js";

const SEED = fuzzSeed(1127);
const COUNT = fuzzCount(2500);
/** Per input (parsing is synchronous: a real endless loop ends in the test's timeout instead). */
const PER_INPUT_MS = 2000;

/** Header, tables and the first bytes of each section of a 64-bit little-endian ELF file. */
function elfHotRanges(b: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = [[0, 64]];
  const phoff = Number(b.readBigUInt64LE(0x20));
  const shoff = Number(b.readBigUInt64LE(0x28));
  const phnum = b.readUInt16LE(0x38);
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  out.push([phoff, phoff + phnum * b.readUInt16LE(0x36)], [shoff, shoff + shnum * shentsize]);
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * shentsize;
    const type = b.readUInt32LE(h + 4);
    const off = Number(b.readBigUInt64LE(h + 0x18));
    const size = Number(b.readBigUInt64LE(h + 0x20));
    if (type !== 8 /* NOBITS */ && size > 0) out.push([off, off + Math.min(size, 512)]);
  }
  return out.filter(([s, e]) => s < b.length && e > s);
}

it(`mutated ELF files give a result or a typed error (seed ${SEED}, ${COUNT} inputs)`, () => {
  process.stdout.write(`ELF fuzz: seed ${SEED} (PYTS_FUZZ_SEED=${SEED} replays), ${COUNT} inputs\n`);
  const files = ["/usr/lib/x86_64-linux-gnu/libz.so.1", "/bin/true", buildPyext({ variant: "elf-fuzz", features: ["zlib"] })];
  const bases = files.map((f) => {
    const bytes = readFileSync(f);
    return { name: f, bytes, hot: elfHotRanges(bytes) };
  });
  const r = rng(SEED);
  const outcomes = { ok: 0, typed: 0 };
  for (let i = 0; i < COUNT; i++) {
    const base = bases[i % bases.length]!;
    const mutant = mutate(r, base.bytes, base.hot);
    const started = Date.now();
    try {
      parseElfBytes(mutant, `mutant ${i}`);
      outcomes.ok++;
    } catch (e) {
      if (!isPytsError(e)) {
        const saved = join(freshDir("elf-fuzz-failure"), `seed-${SEED}-input-${i}.so`);
        writeFileSync(saved, mutant);
        throw new Error(`input ${i} of seed ${SEED} (a mutant of ${base.name}, saved as ${saved}) gave ${(e as Error)?.stack ?? String(e)}`);
      }
      outcomes.typed++;
    }
    const took = Date.now() - started;
    if (took > PER_INPUT_MS) throw new Error(`input ${i} of seed ${SEED} took ${took} ms`);
  }
  process.stdout.write(`ELF fuzz: ${outcomes.ok} parsed, ${outcomes.typed} typed errors\n`);
  expect(outcomes.typed).toBeGreaterThan(COUNT / 10);
  expect(outcomes.ok).toBeGreaterThan(COUNT / 10);
}, 120_000);
