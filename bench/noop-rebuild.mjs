#!/usr/bin/env node
/**
 * Issue 10, targets 1 and 4, on the word-count example (pyo3 + rayon), release.
 *
 * Default: the NO-OP rebuild (crate compiled, nothing changed). Each round runs,
 * one after the other so machine noise hits all alike:
 *   pyts-build wheel -r, the same with -q, the same with --json,
 *   cargo build --lib -r as the user runs it (`cargo` from PATH: rustup's proxy),
 *   maturin build -r (its own target folder: it gives cargo another environment,
 *   which would make the two rebuild each other's crates).
 * Target 1: pyts-build <= 1.5x cargo's no-op; -q and --json no slower (<= 1.05x).
 * The table says how many runs bin/ answered from a replay note (src/cli/replay.ts),
 * and times two lower layers as information: the ES module bundle (never replayed,
 * cargo still skipped by cargo-fresh.ts) and PYTS_BUILD_ALWAYS_RUN_CARGO=1.
 * The toolchain's cargo binary (no proxy) is timed afterwards in a block of its
 * own, as information: switching between it and the proxy makes cargo probe
 * rustc again (about a second here), so it must not be interleaved.
 *
 * --sbom: also times, in the same rounds, a copy of the example with
 * `[tool.pyts-build.sbom] rust = false` (issue 21: the no-op with the SBOM on is
 * no slower than without), through the replay and through the ES module bundle,
 * where the SBOM's remembered note is read.
 *
 * --cold: target 4, a fresh target folder per run, pyts-build wheel -r against
 * cargo build --lib -r, alternating which goes first. Target: <= 1.02x.
 *
 *   node bench/noop-rebuild.mjs [--python 3.11] [--runs 10] [--no-maturin]
 *   node bench/noop-rebuild.mjs --cold [--cold-runs 3]
 *
 * maturin comes from pip's configured mirror into bench/.work/maturin-venv
 * (bench/maturin-venv.mjs); without it the table says so.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEnv, BENCH_WORK, findPython, fmtSeconds, header, mkdtempWork, printTable, ratio, removeWork, ROOT, runCliTimed, runTimed, summarize } from "./lib.mjs";
import { maturinFromMirror } from "./maturin-venv.mjs";

const { values } = parseArgs({
  options: {
    python: { type: "string", default: "3.11" },
    runs: { type: "string", default: "10" },
    cold: { type: "boolean", default: false },
    "cold-runs": { type: "string", default: "3" },
    "no-maturin": { type: "boolean", default: false },
    sbom: { type: "boolean", default: false },
  },
});
const python = findPython(values.python);
if (!python) throw new Error(`no CPython ${values.python} found (pyenv versions or /usr/bin)`);
const manifest = join(ROOT, "examples/word-count/Cargo.toml");
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
const verdict = (ok) => (ok ? "met" : "NOT met");
const row = (name, s, base) => [name, s.n, fmtSeconds(s.median), fmtSeconds(s.min), fmtSeconds(s.max), base ? ratio(s.median, base.median) : ""];
const HEAD = ["command", "runs", "median", "min", "max", "x cargo"];

// The bundle is what bin/pyts-build.js runs; an older one would measure the tree of ES modules instead.
const bundle = join(ROOT, "dist/bundle/pyts-build.mjs");
if (!existsSync(bundle) || statSync(bundle).mtimeMs < statSync(join(ROOT, "dist/src/cli/main.js")).mtimeMs) {
  console.log("note: dist/bundle is missing or older than dist/src (`npm run build` makes it): measuring the slower unbundled CLI");
}
const cargoArgs = ["build", "--lib", "--quiet", "--release", "--manifest-path", manifest];
const wheelArgs = (out) => ["wheel", "-m", manifest, "--release", "-i", python, "-o", out];

if (values.cold) cold();
else noop();

function noop() {
  const runs = Number(values.runs);
  // A target dir kept between runs of this benchmark: only the first run ever compiles pyo3 + rayon.
  const env = benchEnv({ CARGO_TARGET_DIR: join(BENCH_WORK, "noop-rebuild-target"), PYO3_PYTHON: python });
  header(`no-op rebuild of examples/word-count (CPython ${values.python}, release)`);
  const m = values["no-maturin"] ? { missing: "--no-maturin" } : maturinFromMirror();
  const maturinEnv = benchEnv({ CARGO_TARGET_DIR: join(BENCH_WORK, "noop-rebuild-target-maturin") });
  const work = mkdtempWork("noop-rebuild");
  try {
    const out = join(work, "wheels");
    const first = runCliTimed(wheelArgs(out), { env });
    console.log(`first pyts-build build (may compile): ${fmtSeconds(first.seconds)} -> ${readdirSync(out).join(", ")}`);
    const maturinArgs = ["build", "--release", "-m", manifest, "-i", python, "-o", join(work, "maturin")];
    if (m.maturin) console.log(`first ${m.version} build (may compile): ${fmtSeconds(runTimed(m.maturin, maturinArgs, { env: maturinEnv }).seconds)}`);
    runTimed("cargo", cargoArgs, { env }); // the same fingerprint as the wheel's build: nothing to do
    // --sbom: the example without its Rust SBOM, built once here; its own target folder (seeded from the example's),
    // since both crates would otherwise overwrite each other's target/release/libword_count.so
    const off = values.sbom ? join(work, "word-count-sbom-off") : undefined;
    const offTarget = join(BENCH_WORK, "noop-rebuild-target-sbom-off");
    const offEnv = { ...env, CARGO_TARGET_DIR: offTarget };
    if (off && !existsSync(offTarget)) cpSync(env.CARGO_TARGET_DIR, offTarget, { recursive: true });
    const offArgs = (o) => ["wheel", "-m", join(off, "Cargo.toml"), "--release", "-i", python, "-o", o];
    if (off) {
      cpSync(join(ROOT, "examples/word-count"), off, { recursive: true, filter: (p) => !/\/target$/.test(p) });
      writeFileSync(join(off, "pyproject.toml"), readFileSync(join(off, "pyproject.toml"), "utf8").replace("[tool.pyts-build]", "[tool.pyts-build]\nsbom = { rust = false }"));
      console.log(`first build without the SBOM (may compile): ${fmtSeconds(runCliTimed(offArgs(join(work, "off")), { env: offEnv }).seconds)}`);
    }
    console.log("");

    // which runs bin/ answered from a replay note (src/cli/replay.ts): the log is not part of the replay key
    const replayLog = join(work, "replay.log");
    const replays = () => (existsSync(replayLog) ? readFileSync(replayLog, "utf8").split("\n").filter((l) => l.startsWith("replayed")).length : 0);
    const replayed = { plain: 0, quiet: 0, json: 0, noReplay: 0, forced: 0, plainOff: 0, noReplayOff: 0 };
    const timedCli = (key, args, extra = {}) => {
      const before = replays();
      const seconds = runCliTimed(args, { env: { ...env, PYTS_BUILD_REPLAY_LOG: replayLog, ...extra } }).seconds;
      replayed[key] += replays() - before;
      return seconds;
    };
    const t = { plain: [], quiet: [], json: [], cargo: [], maturin: [], noReplay: [], forced: [], plainOff: [], noReplayOff: [] };
    for (let i = 0; i < runs; i++) {
      t.plain.push(timedCli("plain", wheelArgs(out)));
      t.quiet.push(timedCli("quiet", [...wheelArgs(out), "-q"]));
      t.json.push(timedCli("json", [...wheelArgs(out), "--json"]));
      t.cargo.push(runTimed("cargo", cargoArgs, { env }).seconds);
      if (m.maturin) t.maturin.push(runTimed(m.maturin, maturinArgs, { env: maturinEnv }).seconds);
      // the layers below the replay, as information: the ES module bundle is never replayed (cargo still skipped);
      // PYTS_BUILD_ALWAYS_RUN_CARGO=1 runs cargo every time (the path before issue 10's no-op work)
      t.noReplay.push(timedCli("noReplay", wheelArgs(out), { PYTS_BUILD_NO_CODE_CACHE: "1" }));
      t.forced.push(timedCli("forced", wheelArgs(out), { PYTS_BUILD_ALWAYS_RUN_CARGO: "1" }));
      if (off) {
        t.plainOff.push(timedCli("plainOff", offArgs(join(work, "off")), offEnv));
        t.noReplayOff.push(timedCli("noReplayOff", offArgs(join(work, "off")), { ...offEnv, PYTS_BUILD_NO_CODE_CACHE: "1" }));
      }
    }
    const direct = directCargo(env, runs);

    const s = Object.fromEntries(Object.entries(t).filter(([, v]) => v.length).map(([k, v]) => [k, summarize(v)]));
    printTable(HEAD, [
      row("pyts-build wheel -r", s.plain, s.cargo),
      row("pyts-build wheel -r -q", s.quiet, s.cargo),
      row("pyts-build wheel -r --json", s.json, s.cargo),
      row("cargo build --lib -r (PATH)", s.cargo, s.cargo),
      ...(s.maturin ? [row(`maturin build -r (${m.version})`, s.maturin, s.cargo)] : []),
      ...(direct ? [row(`  info: ${direct.path}`, direct.s, s.cargo)] : []),
      row("  info: wheel -r, ES module bundle (no replay)", s.noReplay, s.cargo),
      row("  info: wheel -r, PYTS_BUILD_ALWAYS_RUN_CARGO=1", s.forced, s.cargo),
      ...(s.plainOff ? [row("  sbom: wheel -r, SBOM off (copy)", s.plainOff, s.cargo), row("  sbom: wheel -r, ES module bundle, SBOM off (copy)", s.noReplayOff, s.cargo)] : []),
    ]);
    if (s.plainOff) {
      console.log(`sbom: no-op with the SBOM on / off: replayed ${ratio(s.plain.median, s.plainOff.median)}, ES module bundle (the SBOM note read) ${ratio(s.noReplay.median, s.noReplayOff.median)}; replayed off ${replayed.plainOff}/${runs}`);
    }
    console.log(`replayed by bin/ (the rest ran the build): plain ${replayed.plain}/${runs}, -q ${replayed.quiet}/${runs}, --json ${replayed.json}/${runs}, info rows ${replayed.noReplay + replayed.forced}/${2 * runs}`);
    if (!s.maturin) console.log(`maturin: not measured (${m.missing})`);
    console.log("");
    const r1 = s.plain.median / s.cargo.median;
    console.log(`target 1   no-op wheel -r <= 1.50x cargo's no-op: ${r1.toFixed(2)}x (+${fmtSeconds(s.plain.median - s.cargo.median)}) -> ${verdict(r1 <= 1.5)}`);
    for (const k of ["quiet", "json"]) {
      const r = s[k].median / s.plain.median;
      console.log(`target 1   ${k === "quiet" ? "-q    " : "--json"} no slower (<= 1.05x plain): ${r.toFixed(2)}x -> ${verdict(r <= 1.05)}`);
    }
    if (s.maturin) console.log(`(maturin's no-op is ${ratio(s.maturin.median, s.plain.median)} pyts-build's)`);
    console.log(`load average at the end: ${load()} (2 cores; a busy machine inflates every number)`);
  } finally {
    removeWork(work);
  }
}

/** The toolchain's own cargo binary (rustup which cargo), timed in a block of its own; undefined without rustup. */
function directCargo(env, runs) {
  const w = spawnSync("rustup", ["which", "cargo"], { env, encoding: "utf8", cwd: join(ROOT, "examples/word-count") });
  if (w.status !== 0) return undefined;
  const path = w.stdout.trim();
  runTimed(path, cargoArgs, { env }); // the switch from the proxy re-probes rustc: not counted
  const times = [];
  for (let i = 0; i < runs; i++) times.push(runTimed(path, cargoArgs, { env }).seconds);
  runTimed("cargo", cargoArgs, { env }); // and back, so a next run starts as this one did
  return { path, s: summarize(times) };
}

function cold() {
  const runs = Number(values["cold-runs"]);
  header(`cold build of examples/word-count (CPython ${values.python}, release, fresh target folder per run)`);
  const work = mkdtempWork("cold-build");
  const t = { pyts: [], cargo: [] };
  try {
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? ["pyts", "cargo"] : ["cargo", "pyts"];
      for (const who of order) {
        const target = join(work, `target-${who}-${i}`);
        const env = benchEnv({ CARGO_TARGET_DIR: target, PYO3_PYTHON: python });
        t[who].push(who === "pyts" ? runCliTimed([...wheelArgs(join(work, "wheels")), "-q"], { env }).seconds : runTimed("cargo", cargoArgs, { env }).seconds);
        rmSync(target, { recursive: true, force: true });
        console.log(`  run ${i + 1} ${who}: ${fmtSeconds(t[who].at(-1))}`);
      }
    }
    const p = summarize(t.pyts);
    const c = summarize(t.cargo);
    console.log("");
    printTable(HEAD, [row("pyts-build wheel -r (cold)", p, c), row("cargo build --lib -r (cold)", c, c)]);
    const r = p.median / c.median;
    console.log(`\ntarget 4   cold build <= 1.02x cargo's: ${r.toFixed(3)}x (${p.median >= c.median ? "+" : "-"}${fmtSeconds(Math.abs(p.median - c.median))}) -> ${verdict(r <= 1.02)}`);
    console.log(`load average at the end: ${load()} (2 cores; compile times swing with the load, more than 2%)`);
  } finally {
    removeWork(work);
  }
}
