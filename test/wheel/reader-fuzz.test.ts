/**
 * Fuzzing the wheel reader (src/wheel/reader.ts): thousands of seeded mutants of
 * real wheels (ours, and one written by Python's zipfile) are opened, read,
 * extracted and checked against RECORD. Every outcome must be a result or a
 * PytsError (ArchiveError mostly), never another exception, never a hang.
 * The seed is printed; PYTS_FUZZ_SEED=<n> replays a run, PYTS_FUZZ_COUNT=<n> sizes it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { isPytsError } from "../../src/errors.js";
import { checkRecord, openWheel } from "../../src/wheel/reader.js";
import { writeWheel } from "../../src/wheel/wheel.js";
import { freshDir, SYSTEM_PYTHON } from "../helpers/env.js";
import { fuzzCount, fuzzSeed, mutate, rng } from "../helpers/fuzz.js";
import { sampleSpec } from "./fixtures/sample-wheel.js";

const SEED = fuzzSeed(20261127);
const COUNT = fuzzCount(800);
/** Per input; a hang shows up as this, not as the whole suite's timeout. */
const PER_INPUT_MS = 5000;

/** The zip structures of `b`: local headers, central directory entries, the end record. */
function zipHotRanges(b: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [sig, len] of [["PK\x03\x04", 30], ["PK\x01\x02", 46], ["PK\x05\x06", 22]] as const) {
    for (let at = b.indexOf(sig, 0, "latin1"); at >= 0; at = b.indexOf(sig, at + 1, "latin1")) out.push([at, at + len]);
  }
  return out;
}

/** Everything a consumer does with a wheel: open, read each file, extract each file, verify RECORD. */
async function exercise(path: string, scratch: string): Promise<void> {
  const w = await openWheel(path);
  try {
    const actual = new Map<string, { hash: string; size: number }>();
    let i = 0;
    for (const n of w.reader.fileNames) {
      await w.reader.readBytes(n);
      actual.set(n, await w.reader.extractTo(n, join(scratch, String(i++))));
    }
    checkRecord(w, actual);
  } finally {
    w.reader.close();
  }
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

it(`mutated wheels give a result or a typed error (seed ${SEED}, ${COUNT} inputs)`, async () => {
  process.stdout.write(`reader fuzz: seed ${SEED} (PYTS_FUZZ_SEED=${SEED} replays), ${COUNT} inputs\n`);
  const dir = freshDir("reader-fuzz");
  const ours = readFileSync(await writeWheel(sampleSpec(join(dir, "src")), join(dir, "base")));
  // an independent writer's layout (data descriptors, other field choices)
  const theirsPath = join(dir, "theirs.whl");
  execFileSync(SYSTEM_PYTHON, [
    "-c",
    String.raw`
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("spam/__init__.py", "x = 1\n" * 50)
    z.writestr("spam/data.bin", bytes(range(256)) * 8, compress_type=zipfile.ZIP_STORED)
    z.writestr("spam_eggs-1.0.0a1.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    z.writestr("spam_eggs-1.0.0a1.dist-info/RECORD", "spam/__init__.py,,\nspam/data.bin,,\nspam_eggs-1.0.0a1.dist-info/WHEEL,,\nspam_eggs-1.0.0a1.dist-info/RECORD,,\n")
`,
    theirsPath,
  ]);
  const bases = [ours, readFileSync(theirsPath)].map((b) => ({ bytes: b, hot: zipHotRanges(b) }));
  const target = join(dir, "spam_eggs-1.0.0a1-py3-none-any.whl");
  const scratch = join(dir, "scratch");
  mkdirSync(scratch);

  const r = rng(SEED);
  const outcomes = { ok: 0, typed: 0 };
  for (let i = 0; i < COUNT; i++) {
    const base = bases[i % bases.length]!;
    const mutant = mutate(r, base.bytes, base.hot);
    writeFileSync(target, mutant);
    try {
      await withDeadline(exercise(target, scratch), PER_INPUT_MS, `input ${i}`);
      outcomes.ok++;
    } catch (e) {
      if (isPytsError(e)) {
        outcomes.typed++;
        continue;
      }
      const saved = join(dir, `failure-${SEED}-${i}.whl`);
      writeFileSync(saved, mutant);
      throw new Error(`input ${i} of seed ${SEED} (saved as ${saved}) gave ${(e as Error)?.stack ?? String(e)}`);
    }
  }
  process.stdout.write(`reader fuzz: ${outcomes.ok} read, ${outcomes.typed} typed errors\n`);
  // the mutants must reach past the first check, or this fuzzes nothing
  expect(outcomes.typed).toBeGreaterThan(COUNT / 10);
  expect(outcomes.ok).toBeGreaterThan(COUNT / 50);
}, 120_000);
