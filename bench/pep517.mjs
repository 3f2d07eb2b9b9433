#!/usr/bin/env node
/**
 * The PEP 517 backend on the word-count example (pyo3 + rayon):
 *
 * - `pip install <sdist>` into a fresh venv: pip unpacks the sdist into a new
 *   temporary folder each time, so a target folder inside it would be new too
 *   (cold, PYTS_BUILD_PERSISTENT_TARGET=0); by default the backend gives cargo a
 *   persistent per-project target folder in the user's cache (warm: registry
 *   crates compiled once).
 * - a repeated `build_wheel` hook in a source tree whose crate is already
 *   compiled (what `pip wheel .`, `pip install .` and `python -m build --wheel`
 *   run): Python shim -> node -> config -> cargo's no-op check -> wheel. Target < 1 s.
 * - the same hook when the interpreter path handed to cargo (PYO3_PYTHON)
 *   changes between builds, as a throwaway build venv's sys.executable would:
 *   why the shim passes the venv's base interpreter instead.
 * - `pip wheel .` in place, pip's own isolation overhead included.
 *
 *   node bench/pep517.mjs [--python 3.11] [--runs 7] [--install-runs 3]
 */
import { cpSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEnv, findPython, fmtSeconds, header, makeVenv, mkdtempWork, printTable, ratio, removeWork, ROOT, runCliTimed, runTimed, summarize } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    python: { type: "string", default: "3.11" },
    runs: { type: "string", default: "7" },
    "install-runs": { type: "string", default: "3" },
  },
});
const runs = Number(values.runs);
const installRuns = Number(values["install-runs"]);
const python = findPython(values.python);
if (!python) throw new Error(`no CPython ${values.python} found (pyenv versions or /usr/bin)`);

// pip must see only the backend wheel folder (this machine also sets PIP_FIND_LINKS)
const env = benchEnv({ PIP_FIND_LINKS: undefined });

header(`PEP 517 backend on examples/word-count (CPython ${values.python})`);
const work = mkdtempWork("pep517");
const rows = [];
const row = (what, times) => {
  const s = summarize(times);
  rows.push([what, s.n, fmtSeconds(s.median), fmtSeconds(s.min), fmtSeconds(s.max)]);
  return s.median;
};

try {
  const backend = join(work, "backend");
  runCliTimed(["backend-wheel", "-q", "-o", backend], { env });
  const project = join(work, "word-count");
  cpSync(join(ROOT, "examples/word-count"), project, { recursive: true, filter: (src) => !src.endsWith("/target") });
  const sdist = runCliTimed(["sdist", "-q", "-o", join(work, "dist")], { cwd: project, env }).stdout.trim();
  const pip = (py, args, extra = {}) => runTimed(py, ["-m", "pip", "install", "-q", "--no-cache-dir", "--no-index", "--find-links", backend, ...args], { env: { ...env, ...extra } });

  // 1. pip install from the sdist: a new target folder each time vs the persistent one (the default)
  const cold = [];
  const warm = [];
  const cache = { PYTS_BUILD_CACHE_DIR: join(work, "cache") };
  pip(makeVenv(python, join(work, "venv-prime")), [sdist], cache); // fills the persistent target
  for (let i = 0; i < installRuns; i++) {
    cold.push(pip(makeVenv(python, join(work, `venv-cold-${i}`)), [sdist], { PYTS_BUILD_PERSISTENT_TARGET: "0" }).seconds);
    warm.push(pip(makeVenv(python, join(work, `venv-warm-${i}`)), [sdist], cache).seconds);
  }
  const coldMedian = row("pip install sdist, new target folder each time", cold);
  const warmMedian = row("pip install sdist, persistent target (default)", warm);

  // 2. the build_wheel hook, repeated, crate already compiled (in-place source tree)
  const hookPy = makeVenv(python, join(work, "venv-hook"));
  pip(hookPy, [join(backend, readdirSync(backend)[0])]);
  const out = join(work, "wheels");
  const hook = () => runTimed(hookPy, ["-c", `import pyts_build; pyts_build.build_wheel(${JSON.stringify(out)})`], { cwd: project, env }).seconds;
  hook(); // compiles once
  const hookTimes = Array.from({ length: runs }, hook);
  const hookMedian = row("build_wheel hook, repeated (crate compiled)", hookTimes);

  // 3. the same with PYO3_PYTHON alternating between two venvs' sys.executable
  const venvA = makeVenv(python, join(work, "venv-a"));
  const venvB = makeVenv(python, join(work, "venv-b"));
  const viaCli = (interp) => runCliTimed(["pep517", "build_wheel", "-q", "--out", out, "--interpreter", interp], { cwd: project, env }).seconds;
  viaCli(venvA);
  const switching = Array.from({ length: runs }, (_, i) => viaCli(i % 2 ? venvA : venvB));
  const switchMedian = row("build_wheel, interpreter path changing each build", switching);

  // 4. pip wheel . in place (pip's isolated build env included)
  const pipWheel = () => runTimed(hookPy, ["-m", "pip", "wheel", "-q", "--no-cache-dir", "--no-deps", "--no-index", "--find-links", backend, "-w", out, project], { env }).seconds;
  pipWheel();
  row("pip wheel . (in place, build isolation)", Array.from({ length: Math.min(runs, 5) }, pipWheel));

  printTable(["scenario", "runs", "median", "min", "max"], rows);
  console.log();
  console.log(`repeated build_wheel: ${fmtSeconds(hookMedian)} (target < 1 s: ${hookMedian < 1 ? "met" : "NOT met"})`);
  console.log(`a changing PYO3_PYTHON costs ${ratio(switchMedian, hookMedian)} the stable one (pyo3's build script reruns)`);
  console.log(`the persistent target folder makes pip install from the sdist ${ratio(coldMedian, warmMedian)} faster`);
  console.log("setuptools-rust side by side: see bench/peers.mjs (the same crate built by both tools, alternated)");
} finally {
  removeWork(work);
}
