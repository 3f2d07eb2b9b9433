#!/usr/bin/env node
/**
 * No-op rebuild of the word-count example: the crate is already compiled, so a
 * `pyts-build wheel` is cargo's freshness check plus our own work (config,
 * cached interpreter, layout, zip). Printed side by side with a bare
 * `cargo build` no-op of the same crate (same PYO3_PYTHON, same target dir),
 * alternating the two so machine noise hits both alike. Target: under 0.3 s.
 *
 *   node bench/noop-rebuild.mjs [--python 3.11] [--runs 10] [--release]
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEnv, BENCH_WORK, findPython, fmtSeconds, header, mkdtempWork, printTable, ratio, removeWork, ROOT, runCliTimed, runTimed, summarize } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    python: { type: "string", default: "3.11" },
    runs: { type: "string", default: "10" },
    release: { type: "boolean", default: true },
  },
});
const runs = Number(values.runs);
const python = findPython(values.python);
if (!python) throw new Error(`no CPython ${values.python} found (pyenv versions or /usr/bin)`);
const manifest = join(ROOT, "examples/word-count/Cargo.toml");
// A target dir kept between runs of this benchmark: only the first run ever compiles pyo3 + rayon.
const env = benchEnv({ CARGO_TARGET_DIR: join(BENCH_WORK, "noop-rebuild-target"), PYO3_PYTHON: python });
const profile = values.release ? ["--release"] : [];

header(`no-op rebuild of examples/word-count (CPython ${values.python}, ${values.release ? "release" : "debug"})`);
const work = mkdtempWork("noop-rebuild");
try {
  const out = join(work, "wheels");
  const wheelArgs = ["wheel", "-q", "-m", manifest, ...profile, "-i", python, "-o", out];
  const first = runCliTimed(wheelArgs, { env });
  console.log(`first build (may compile): ${fmtSeconds(first.seconds)} -> ${readdirSync(out).join(", ")}\n`);
  const cargoArgs = ["build", "--lib", "--quiet", "--manifest-path", manifest, ...profile];

  // The esbuild bundle of the same CLI (npm run build makes it), when it is not older than dist/:
  // one file instead of ~100 ES modules, which is most of the start-up time.
  const bundle = join(ROOT, "dist/bundle/pyts-build.mjs");
  const bundleFresh = existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(join(ROOT, "dist/src/cli/main.js")).mtimeMs;

  const pyts = [];
  const bundled = [];
  const cargo = [];
  for (let i = 0; i < runs; i++) {
    pyts.push(runCliTimed(wheelArgs, { env }).seconds);
    if (bundleFresh) bundled.push(runTimed(process.execPath, [bundle, ...wheelArgs], { env }).seconds);
    cargo.push(runTimed("cargo", cargoArgs, { env }).seconds);
  }
  const p = summarize(pyts);
  const c = summarize(cargo);
  const row = (name, s) => [name, s.n, fmtSeconds(s.median), fmtSeconds(s.min), fmtSeconds(s.max)];
  printTable(
    ["command", "runs", "median", "min", "max"],
    [
      row("pyts-build wheel (no-op)", p),
      ...(bundleFresh ? [row("  same, bundled CLI", summarize(bundled))] : []),
      row("cargo build --lib (no-op)", c),
    ],
  );
  if (!bundleFresh) console.log("(no up-to-date dist/bundle: `npm run build` makes it)");
  console.log(`\npyts-build over cargo: +${fmtSeconds(p.median - c.median)} (${ratio(p.median, c.median)} cargo's time)`);
  const verdict = (m) => `${m < 0.3 ? "met" : "NOT met"} (median ${fmtSeconds(m)})`;
  console.log(`target < 0.30 s: ${verdict(p.median)}${bundleFresh ? `; bundled CLI: ${verdict(summarize(bundled).median)}` : ""}`);
  console.log(`load average now: ${loadavg().map((x) => x.toFixed(2)).join(" ")} (a busy machine inflates every number)`);
} finally {
  removeWork(work);
}
