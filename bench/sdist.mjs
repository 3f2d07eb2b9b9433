#!/usr/bin/env node
/**
 * Issue 10, target 3: `pyts-build sdist` of examples/word-count at most 0.25x
 * the time of `maturin sdist` on the same project, side by side in one run.
 *
 * Each tool gets its own copy of the example under bench/.work/sdist (one
 * shared Cargo.lock made from the offline crate source, the tests' CARGO_HOME
 * configuration); maturin's copy names [tool.maturin] instead of
 * [tool.pyts-build]. Also timed: `cargo package --list` alone (what both tools
 * ask cargo), plain and with `--exclude-lockfile` (as pyts-build asks it), and
 * `node -e 0`, the start-up floor of any Node CLI.
 * Every round runs each command once, the order rotating from round to round,
 * so machine noise hits all of them; medians are compared.
 *
 * maturin comes from pip's configured package mirror into a venv under
 * bench/.work/maturin-venv (MATURIN=/path/to/maturin overrides). Where the
 * mirror lacks it, the bench says so and compares with setuptools-rust
 * (Debian's python3-setuptools-rust, `python3 -m build --sdist --no-isolation`)
 * when that is installed.
 *
 *   npm run build && node bench/sdist.mjs [--runs 15]
 *
 * PYTS_BUILD_BASELINE=/other/checkout/bin/pyts-build.js adds that build's sdist
 * as a row (e.g. main's, to see a change's effect in the same run).
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEnv, BENCH_WORK, CLI, fmtSeconds, header, median, printTable, ROOT, runTimed, summarize } from "./lib.mjs";
import { maturinFromMirror } from "./maturin-venv.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "15" } } });
const RUNS = Number(values.runs);
const TARGET = 0.25;
const env = benchEnv();

const work = join(BENCH_WORK, "sdist");
rmSync(work, { recursive: true, force: true });
const example = join(ROOT, "examples/word-count");
const copyExample = (dest) => {
  cpSync(example, dest, { recursive: true, filter: (p) => !/\/(target|build|dist|[^/]*\.egg-info|__pycache__)$|\/Cargo\.lock$/.test(p.slice(example.length)) });
  return dest;
};
const ours = copyExample(join(work, "pyts-build/word-count"));
runTimed("cargo", ["generate-lockfile", "--manifest-path", join(ours, "Cargo.toml")], { env });

// The peer: maturin from the mirror, else setuptools-rust, else none.
const maturin = process.env.MATURIN ?? maturinFromMirror().maturin;
let peer;
if (maturin) {
  const dir = copyExample(join(work, "maturin/word-count"));
  cpSync(join(ours, "Cargo.lock"), join(dir, "Cargo.lock"));
  const pyproject = readFileSync(join(dir, "pyproject.toml"), "utf8")
    .replace('requires = ["pyts-build"]', 'requires = ["maturin>=1,<2"]')
    .replace('build-backend = "pyts_build"', 'build-backend = "maturin"')
    .replace("[tool.pyts-build]", "[tool.maturin]");
  writeFileSync(join(dir, "pyproject.toml"), pyproject);
  const version = spawnSync(maturin, ["--version"], { encoding: "utf8" }).stdout.trim();
  peer = { name: `maturin sdist (${version})`, cmd: maturin, args: ["sdist", "-o", join(work, "maturin/out")], cwd: dir };
} else {
  console.log("maturin is not available from pip's configured mirror (`pip download --no-deps maturin` fails here).");
  const probe = spawnSync("/usr/bin/python3", ["-c", "import setuptools_rust, build"], { env });
  if (probe.status === 0) {
    const dir = copyExample(join(work, "setuptools-rust/word-count"));
    writeFileSync(join(dir, "pyproject.toml"), '[build-system]\nrequires = ["setuptools", "setuptools-rust"]\nbuild-backend = "setuptools.build_meta"\n');
    writeFileSync(
      join(dir, "setup.py"),
      'from setuptools import setup\nfrom setuptools_rust import Binding, RustExtension\nsetup(name="word-count", version="0.1.0", packages=["word_count"], package_dir={"": "python"},\n      rust_extensions=[RustExtension("word_count._word_count", binding=Binding.PyO3)])\n',
    );
    peer = { name: "setuptools-rust (python3 -m build --sdist)", cmd: "/usr/bin/python3", args: ["-m", "build", "--sdist", "--no-isolation", "-o", join(work, "setuptools-rust/out")], cwd: dir };
    console.log("Comparing with setuptools-rust from Debian instead.\n");
  } else {
    console.log("setuptools-rust is not installed either (apt-get install -y python3-setuptools-rust python3-build): no peer to compare with.\n");
  }
}

header(`sdist of examples/word-count: pyts-build vs ${peer?.name ?? "no peer"}, ${RUNS} interleaved rounds`);

// which runs bin/ answered from a replay note (src/cli/replay.ts); the log is not part of the replay key
const replayLog = join(work, "replay.log");
rmSync(replayLog, { force: true });
const commands = [
  { name: "pyts-build sdist", cmd: process.execPath, args: [CLI, "sdist", "-q", "-o", join(work, "pyts-build/out")], cwd: ours, env: { PYTS_BUILD_REPLAY_LOG: replayLog } },
  // the same without the replay (the ES module bundle is never replayed; cargo is still not asked), as information
  { name: "  info: pyts-build sdist, no replay", cmd: process.execPath, args: [CLI, "sdist", "-q", "-o", join(work, "pyts-build/out")], cwd: ours, env: { PYTS_BUILD_NO_CODE_CACHE: "1" } },
  ...(process.env.PYTS_BUILD_BASELINE ? [{ name: "baseline pyts-build sdist", cmd: process.execPath, args: [process.env.PYTS_BUILD_BASELINE, "sdist", "-q", "-o", join(work, "baseline-out")], cwd: ours }] : []),
  ...(peer ? [peer] : []),
  { name: "cargo package --list", cmd: "cargo", args: ["package", "--list", "--allow-dirty"], cwd: ours },
  { name: "cargo package --list --exclude-lockfile", cmd: "cargo", args: ["package", "--list", "--allow-dirty", "--exclude-lockfile"], cwd: ours },
  // the floor under any Node CLI: what the machine charges to start node and end it
  { name: "node -e 0", cmd: process.execPath, args: ["-e", "0"], cwd: ours },
];
// One untimed round: caches warm, and every command is shown to work.
for (const c of commands) runTimed(c.cmd, c.args, { cwd: c.cwd, env: { ...env, ...c.env } });
const times = new Map(commands.map((c) => [c.name, []]));
for (let round = 0; round < RUNS; round++) {
  for (let i = 0; i < commands.length; i++) {
    const c = commands[(round + i) % commands.length];
    times.get(c.name).push(runTimed(c.cmd, c.args, { cwd: c.cwd, env: { ...env, ...c.env } }).seconds);
  }
}

const ourMedian = median(times.get("pyts-build sdist"));
printTable(
  ["command", "median", "min", "max", "pyts-build / this"],
  commands.map((c) => {
    const s = summarize(times.get(c.name));
    return [c.name, fmtSeconds(s.median), fmtSeconds(s.min), fmtSeconds(s.max), (ourMedian / s.median).toFixed(2)];
  }),
);
const replayed = existsSync(replayLog) ? readFileSync(replayLog, "utf8").split("\n").filter((l) => l.startsWith("replayed")).length : 0;
console.log(`\npyts-build sdist runs replayed by bin/: ${replayed} of ${RUNS + 1} (the first untimed)`);
const members = readdirSync(join(work, "pyts-build/out"));
console.log(`\npyts-build wrote ${members.join(", ")}`);
if (peer) {
  const r = ourMedian / median(times.get(peer.name));
  console.log(`target 3: pyts-build sdist <= ${TARGET}x ${peer.name.split(" (")[0]}: measured ${r.toFixed(2)}x: ${r <= TARGET ? "met" : "not met"}`);
} else {
  console.log(`target 3: pyts-build sdist <= ${TARGET}x maturin sdist: not measured (no peer)`);
}
