#!/usr/bin/env node
/**
 * Issue 21: the no-op rebuild with --generate-stubs on is no slower than without.
 * On a copy of test/fixtures/stubs-demo (pyo3 0.29's introspection data written by
 * hand: no pyo3 0.29 needed), crate compiled and both wheels written once, each
 * round runs `pyts-build wheel` and `pyts-build wheel --generate-stubs`, in
 * alternating order so machine noise hits both alike. The stubs come from a note
 * stamped with the library (src/build/stubs/wheel-stubs.ts), so both are answered
 * the same way (bin/'s replay when it has recorded, else cargo-fresh and the kept
 * wheel); the table says how many runs were replayed. A third row times the
 * ES module bundle with stubs (never replayed: the note path itself).
 *
 *   node bench/noop-stubs.mjs [--python 3.11] [--runs 10]
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEnv, findPython, fmtSeconds, header, mkdtempWork, printTable, ratio, removeWork, ROOT, runCliTimed, summarize } from "./lib.mjs";

const { values } = parseArgs({ options: { python: { type: "string", default: "3.11" }, runs: { type: "string", default: "10" } } });
const python = findPython(values.python);
if (!python) throw new Error(`no CPython ${values.python} found (pyenv versions or /usr/bin)`);
const runs = Number(values.runs);

const work = mkdtempWork("noop-stubs");
try {
  const crate = join(work, "crate");
  cpSync(join(ROOT, "test/fixtures/stubs-demo"), crate, { recursive: true });
  const log = join(work, "replay.log");
  const env = benchEnv({ CARGO_TARGET_DIR: join(work, "target"), PYTS_BUILD_CACHE_DIR: join(work, "cache"), PYTS_BUILD_REPLAY_LOG: log });
  const args = (stubs, out) => ["wheel", "-m", join(crate, "Cargo.toml"), "-i", python, "--compatibility", "linux", "-o", join(work, out), ...(stubs ? ["--generate-stubs"] : [])];
  runCliTimed(args(false, "plain"), { env });
  runCliTimed(args(true, "stubs"), { env });
  // nothing younger than 2 s is recorded by the replay: date the new files back, as an edit made long ago
  const past = new Date(Date.now() - 60_000);
  for (const e of readdirSync(work, { recursive: true, withFileTypes: true })) {
    const f = join(e.parentPath, e.name);
    if (e.isFile() && statSync(f).mtimeMs > Date.now() - 600_000) utimesSync(f, past, past);
  }
  const replays = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter((l) => l.startsWith("replayed")).length : 0);
  const t = { plain: [], stubs: [], esm: [] };
  const count = { plain: 0, stubs: 0 };
  const timed = (key, stubs, extra = {}) => {
    const before = replays();
    const seconds = runCliTimed(args(stubs, stubs ? "stubs" : "plain"), { env: { ...env, ...extra } }).seconds;
    if (key in count && replays() > before) count[key]++;
    t[key].push(seconds);
  };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ["plain", "stubs"] : ["stubs", "plain"];
    for (const k of order) timed(k, k === "stubs");
    timed("esm", true, { PYTS_BUILD_NO_CODE_CACHE: "1" });
  }
  const s = { plain: summarize(t.plain), stubs: summarize(t.stubs), esm: summarize(t.esm) };
  header(`no-op rebuild of test/fixtures/stubs-demo with and without --generate-stubs (CPython ${values.python})`);
  const row = (name, x, replayed) => [name, x.n, replayed ?? "", fmtSeconds(x.median), fmtSeconds(x.min), fmtSeconds(x.max), ratio(x.median, s.plain.median)];
  printTable(
    ["command", "runs", "replayed", "median", "min", "max", "vs plain"],
    [row("pyts-build wheel", s.plain, count.plain), row("pyts-build wheel --generate-stubs", s.stubs, count.stubs), row("  info: --generate-stubs, ES module bundle", s.esm)],
  );
  const r = s.stubs.median / s.plain.median;
  console.log(`target     no-op with stubs <= 1.05x without: ${r.toFixed(2)}x -> ${r <= 1.05 ? "met" : "NOT met"}`);
} finally {
  removeWork(work);
}
