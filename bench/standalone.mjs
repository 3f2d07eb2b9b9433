#!/usr/bin/env node
/**
 * The standalone executable (Node's single-executable application, made by
 * `pyts-build standalone`) next to `node bin/pyts-build.js`: start-up
 * (`--version`, hyperfine, no shell) and a no-op rebuild of the word-count
 * example (crate compiled once; the two commands alternate so machine noise
 * hits both alike). Ratios are "npm CLI time / standalone time": above 1.00x
 * means the standalone is faster. Target: the standalone is not slower.
 *
 *   node bench/standalone.mjs [--python 3.11] [--runs 10]
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEnv, BENCH_WORK, CLI, findPython, fmtSeconds, header, hyperfine, mkdtempWork, printTable, ratio, removeWork, ROOT, runCliTimed, runTimed, summarize } from "./lib.mjs";

const { values } = parseArgs({ options: { python: { type: "string", default: "3.11" }, runs: { type: "string", default: "10" } } });
const runs = Number(values.runs);
const python = findPython(values.python);
if (!python) throw new Error(`no CPython ${values.python} found (pyenv versions or /usr/bin)`);

// Rebuilt when the CommonJS bundle it embeds is newer (npm run build makes both).
const exe = join(BENCH_WORK, "standalone/pyts-build");
const script = join(ROOT, "dist/bundle/pyts-build-sea.cjs");
if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build`);
if (!existsSync(exe) || statSync(exe).mtimeMs < statSync(script).mtimeMs) {
  const made = runCliTimed(["standalone", "-o", exe]);
  console.log(`built ${exe} in ${fmtSeconds(made.seconds)} (${(statSync(exe).size / 1e6).toFixed(1)} MB)\n`);
}

header("standalone executable vs node bin/pyts-build.js");

const [s, n] = hyperfine([`${exe} --version`, `${process.execPath} ${CLI} --version`], { runs: Math.max(runs, 20), warmup: 3, shell: false });
printTable(
  ["start-up (--version)", "runs", "median", "min", "max"],
  [s, n].map((r) => [r.command.replace(ROOT + "/", "").replace(BENCH_WORK + "/", ""), r.times.length, fmtSeconds(r.median), fmtSeconds(r.min), fmtSeconds(r.max)]),
);
console.log(`\nstart-up ratio (node / standalone): ${ratio(n.median, s.median)}\n`);

const manifest = join(ROOT, "examples/word-count/Cargo.toml");
const env = benchEnv({ CARGO_TARGET_DIR: join(BENCH_WORK, "noop-rebuild-target"), PYO3_PYTHON: python });
const work = mkdtempWork("standalone-noop");
try {
  const wheelArgs = ["wheel", "-q", "-m", manifest, "--release", "-i", python, "-o", join(work, "wheels")];
  const first = runCliTimed(wheelArgs, { env });
  console.log(`first build (may compile): ${fmtSeconds(first.seconds)}\n`);
  const standalone = [];
  const viaNode = [];
  for (let i = 0; i < runs; i++) {
    standalone.push(runTimed(exe, wheelArgs, { env }).seconds);
    viaNode.push(runCliTimed(wheelArgs, { env }).seconds);
  }
  const a = summarize(standalone);
  const b = summarize(viaNode);
  const row = (name, x) => [name, x.n, fmtSeconds(x.median), fmtSeconds(x.min), fmtSeconds(x.max)];
  printTable(["no-op rebuild (word-count, release)", "runs", "median", "min", "max"], [row("standalone pyts-build wheel", a), row("node bin/pyts-build.js wheel", b)]);
  console.log(`\nno-op rebuild ratio (node / standalone): ${ratio(b.median, a.median)}`);
} finally {
  removeWork(work);
}
