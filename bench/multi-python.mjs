#!/usr/bin/env node
/**
 * Issue 10, target 2: builds of examples/word-count (pyo3 + rayon, release) for
 * several interpreters, pyts-build and maturin side by side.
 *
 * - cold: a fresh target folder, `wheel -r -i A -i B -i C` vs `maturin build -r -i A -i B -i C`
 *   (target: pyts-build's no more than maturin's);
 * - no-op: the same again with nothing changed, next to a single-interpreter
 *   no-op `wheel -r -i A` (target: 3 interpreters <= 3x one; maturin's repeat shown beside);
 * - disk use of each tool's target folder, and of the per-interpreter folders;
 * - how a seed folder can be made: copy (what pyts-build does), reflink (if the
 *   file system has it), hard links (fast, but unsafe: see docs/benchmarks.md).
 *
 * maturin comes from a venv under bench/.work installed from pip's configured
 * mirror (`pip download --no-deps maturin` tells whether there is one); without
 * it the maturin columns say so. Both tools use the same offline CARGO_HOME.
 *
 *   node bench/multi-python.mjs [--pythons 3.9,3.11,3.12] [--noop-runs 5] [--cold-runs 1] [--no-maturin]
 *
 * `--cold-runs 0` skips the cold builds and times the no-op against the folders
 * an earlier run left in bench/.work/multi-python (a second look at the no-op target).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { constants, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEnv, BENCH_WORK, findPython, fmtSeconds, header, printTable, ratio, ROOT, runCliTimed, runTimed, summarize } from "./lib.mjs";
import { maturinFromMirror } from "./maturin-venv.mjs";

const { values } = parseArgs({
  options: {
    pythons: { type: "string", default: "3.9,3.11,3.12" },
    "noop-runs": { type: "string", default: "5" },
    "cold-runs": { type: "string", default: "1" },
    "no-maturin": { type: "boolean", default: false },
  },
});
const versions = values.pythons.split(",");
const pythons = versions.map((v) => findPython(v) ?? (() => { throw new Error(`no CPython ${v} found (pyenv versions or /usr/bin)`); })());
const noopRuns = Number(values["noop-runs"]);
const coldRuns = Number(values["cold-runs"]);
const manifest = join(ROOT, "examples/word-count/Cargo.toml");
const work = join(BENCH_WORK, "multi-python");
mkdirSync(work, { recursive: true });
const interpArgs = pythons.flatMap((p) => ["-i", p]);
const env = (target) => benchEnv({ CARGO_TARGET_DIR: target });

/** maturin from pip's mirror (bench/maturin-venv.mjs), as `{ bin, version }` or `{ why }`. */
function maturin() {
  if (values["no-maturin"]) return { why: "--no-maturin" };
  const m = maturinFromMirror();
  return m.maturin ? { bin: m.maturin, version: m.version } : { why: m.missing };
}

/** Bytes under a folder (`du -sb`: what it takes on disk, apparent size). */
function diskUse(dir) {
  if (!existsSync(dir)) return 0;
  return Number(execFileSync("du", ["-sb", dir], { encoding: "utf8" }).split("\t")[0]);
}
const mb = (b) => `${(b / 1e6).toFixed(0)} MB`;
const compiles = (stderr) => stderr.split("\n").filter((l) => /^\s*Compiling /.test(l)).length;

header(`multi-interpreter builds of examples/word-count (release; ${versions.join(", ")})`);
const mat = maturin();
console.log(mat.bin ? `maturin: ${mat.version} (${mat.bin})` : `maturin: not available (${mat.why}); only pyts-build's figures`);

// ---------------------------------------------------------------- cold
const coldP = [];
const coldM = [];
const pytsTarget = join(work, "pyts-target");
const maturinTarget = join(work, "maturin-target");
let pytsCompiles = 0;
let maturinCompiles = 0;
for (let i = 0; i < coldRuns; i++) {
  // alternate who goes first: a busy machine then hurts both alike
  const order = i % 2 ? ["m", "p"] : ["p", "m"];
  for (const who of order) {
    if (who === "p") {
      rmSync(pytsTarget, { recursive: true, force: true });
      const r = runCliTimed(["wheel", "-r", "-m", manifest, ...interpArgs, "-o", join(work, "pyts-wheels")], { env: env(pytsTarget) });
      coldP.push(r.seconds);
      pytsCompiles = compiles(r.stderr);
      console.log(`pyts-build cold: ${fmtSeconds(r.seconds)}, ${pytsCompiles} crate compiles`);
    } else if (mat.bin) {
      rmSync(maturinTarget, { recursive: true, force: true });
      const r = runTimed(mat.bin, ["build", "-r", "-m", manifest, ...interpArgs, "-o", join(work, "maturin-wheels")], { env: env(maturinTarget) });
      coldM.push(r.seconds);
      maturinCompiles = compiles(r.stderr);
      console.log(`maturin cold: ${fmtSeconds(r.seconds)}, ${maturinCompiles} crate compiles`);
    }
  }
}

// ---------------------------------------------------------------- no-op
const singleTarget = join(work, "pyts-single-target");
const singleArgs = ["wheel", "-r", "-m", manifest, "-i", pythons[0], "-o", join(work, "pyts-single-wheels")];
runCliTimed(singleArgs, { env: env(singleTarget) }); // compiles once, if it has to
if (coldRuns === 0) runCliTimed(["wheel", "-r", "-m", manifest, ...interpArgs, "-o", join(work, "pyts-wheels")], { env: env(pytsTarget) }); // likewise
const noopP = [];
const noopS = [];
const noopM = [];
let noopCompiles = 0;
for (let i = 0; i < noopRuns; i++) {
  const r = runCliTimed(["wheel", "-r", "-m", manifest, ...interpArgs, "-o", join(work, "pyts-wheels")], { env: env(pytsTarget) });
  noopP.push(r.seconds);
  noopCompiles = Math.max(noopCompiles, compiles(r.stderr));
  noopS.push(runCliTimed(singleArgs, { env: env(singleTarget) }).seconds);
}
// maturin's repeat recompiles pyo3 per interpreter: a couple of runs say enough
for (let i = 0; mat.bin && i < Math.min(noopRuns, 2); i++) {
  noopM.push(runTimed(mat.bin, ["build", "-r", "-m", manifest, ...interpArgs, "-o", join(work, "maturin-wheels")], { env: env(maturinTarget) }).seconds);
}

const med = (xs) => (xs.length ? summarize(xs).median : NaN);
const row = (name, xs, note = "") => [name, xs.length, xs.length ? fmtSeconds(med(xs)) : "-", xs.length ? fmtSeconds(Math.min(...xs)) : "-", xs.length ? fmtSeconds(Math.max(...xs)) : "-", note];
console.log("");
printTable(
  ["build", "runs", "median", "min", "max", "note"],
  [
    row(`pyts-build cold, ${pythons.length} interpreters`, coldP, `${pytsCompiles} crate compiles`),
    row(`maturin cold, ${pythons.length} interpreters`, coldM, mat.bin ? `${maturinCompiles} crate compiles` : "n/a"),
    row(`pyts-build no-op, ${pythons.length} interpreters`, noopP, `${noopCompiles} crate compiles`),
    row("pyts-build no-op, 1 interpreter", noopS),
    row(`maturin repeat, ${pythons.length} interpreters`, noopM, mat.bin ? "" : "n/a"),
  ],
);

// ---------------------------------------------------------------- disk
const perInterp = join(pytsTarget, "pyts-build", "targets");
const folders = existsSync(perInterp) ? readdirSync(perInterp) : [];
console.log(`\ndisk use: pyts-build target ${mb(diskUse(pytsTarget))} (per-interpreter folders: ${folders.map((f) => `${f} ${mb(diskUse(join(perInterp, f)))}`).join(", ") || "none"}); ` +
  `maturin target ${mat.bin ? mb(diskUse(maturinTarget)) : "n/a"}; single-interpreter target ${mb(diskUse(singleTarget))}`);

// ---------------------------------------------------------------- seed methods
const seedSrc = join(singleTarget, "release");
const time = (f) => { const t0 = process.hrtime.bigint(); const ok = f(); return { s: Number(process.hrtime.bigint() - t0) / 1e9, ok }; };
const seedDir = (name) => { const d = join(work, `seed-${name}`); rmSync(d, { recursive: true, force: true }); return d; };
const copy = time(() => (cpSync(seedSrc, seedDir("copy"), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, mode: constants.COPYFILE_FICLONE }), true));
const reflink = time(() => spawnSync("cp", ["-a", "--reflink=always", seedSrc, seedDir("reflink")]).status === 0);
const hardlink = time(() => spawnSync("cp", ["-al", seedSrc, seedDir("hardlink")]).status === 0);
for (const n of ["copy", "reflink", "hardlink"]) rmSync(join(work, `seed-${n}`), { recursive: true, force: true });
console.log(`seeding a folder (${mb(diskUse(seedSrc))}): copy as pyts-build does ${fmtSeconds(copy.s)}; ` +
  `reflink ${reflink.ok ? fmtSeconds(reflink.s) : "not supported by this file system"}; hard links ${fmtSeconds(hardlink.s)} (unsafe: cargo rewrites fingerprints in place)`);

// ---------------------------------------------------------------- targets
const verdict = (ok) => (ok ? "met" : "NOT met");
console.log("");
const noopRatio = med(noopP) / med(noopS);
console.log(`target: ${pythons.length}-interpreter no-op <= 3x a single no-op: ${fmtSeconds(med(noopP))} vs ${fmtSeconds(med(noopS))} = ${noopRatio.toFixed(2)}x -> ${verdict(noopRatio <= 3)}`);
console.log(`target: a repeated multi-interpreter build compiles nothing: ${noopCompiles} compiles -> ${verdict(noopCompiles === 0)}`);
if (mat.bin && coldRuns === 0) console.log("target: cold build <= maturin's: not measured (--cold-runs 0)");
else if (mat.bin) {
  console.log(`target: cold ${pythons.length}-interpreter build <= maturin's: ${fmtSeconds(med(coldP))} vs ${fmtSeconds(med(coldM))} (${ratio(med(coldP), med(coldM))}) -> ${verdict(med(coldP) <= med(coldM))}`);
  console.log(`(side by side: maturin's repeat ${fmtSeconds(med(noopM))}, pyts-build's ${fmtSeconds(med(noopP))}: ${ratio(med(noopM), med(noopP))} faster)`);
} else console.log("target: cold build <= maturin's: not measured (no maturin)");
console.log(`load average now: ${loadavg().map((x) => x.toFixed(2)).join(" ")} (a busy machine inflates every number)`);
