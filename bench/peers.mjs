#!/usr/bin/env node
/**
 * pyts-build side by side with setuptools-rust, building the SAME crate
 * (examples/word-count: pyo3 + rayon, copied under bench/.work/peers so nothing
 * is written into the example) for /usr/bin/python3, release profile, from the
 * offline crate source:
 *
 * - setuptools-rust: a setup.py with `RustExtension("word_count._word_count",
 *   binding=Binding.PyO3)` and the python/ package, built with
 *   `/usr/bin/python3 -m build --no-isolation --wheel` (Debian's build; falls
 *   back to `setup.py bdist_wheel` if that fails, and says so);
 * - `pyts-build wheel --release -i /usr/bin/python3` (audits the library and
 *   picks a manylinux tag), and the same with `--compatibility linux` (plain
 *   linux_x86_64 tag like setuptools-rust's, no audit): the audit's cost is the
 *   difference between the two.
 *
 * Scenarios: (a) cold build, a fresh CARGO_TARGET_DIR each run (compiles pyo3
 * and rayon); (b) no-op rebuild, the crate already compiled; (c) rebuild after
 * touching src/lib.rs. Each round runs every tool once, the order rotating from
 * round to round, so machine noise hits all of them. Both wheels are installed
 * into throwaway venvs and pass the example's own tests, so like is compared
 * with like; the rustc that compiled each library is read from its .comment.
 *
 *   apt-get install -y --no-install-recommends python3-setuptools-rust   # once
 *   node bench/peers.mjs [--cold-runs 3] [--noop-runs 10] [--touch-runs 5]
 *
 * Needs a compiled dist/ (`npm run build`). The Debian package brings Debian's
 * own rustc/cargo into /usr/bin; this script puts ~/.cargo/bin first on PATH so
 * both tools use rustup's cargo, and prints the cargo each one sees.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { homedir, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEnv, BENCH_WORK, fmtSeconds, header, printTable, ratio, ROOT, runCliTimed, runTimed, summarize } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    "cold-runs": { type: "string", default: "3" },
    "noop-runs": { type: "string", default: "10" },
    "touch-runs": { type: "string", default: "5" },
  },
});
const PYTHON = "/usr/bin/python3";

// ~/.cargo/bin first: python3-setuptools-rust pulls Debian's cargo into /usr/bin.
const cargoBin = join(homedir(), ".cargo/bin");
const path = [cargoBin, ...(process.env.PATH ?? "").split(":").filter((d) => d && d !== cargoBin)].join(":");
const env = benchEnv({ PATH: path });

const probe = spawnSync(PYTHON, ["-c", "import setuptools_rust; print(setuptools_rust.__version__)"], { env, encoding: "utf8" });
if (probe.status !== 0) {
  console.log(`setuptools-rust is not importable by ${PYTHON}; install it (Debian) with:`);
  console.log("  apt-get install -y --no-install-recommends python3-setuptools-rust");
  console.log("then run `node bench/peers.mjs` again.");
  process.exit(0);
}
const setuptoolsRustVersion = probe.stdout.trim();

header(`pyts-build vs setuptools-rust ${setuptoolsRustVersion} on examples/word-count (release, ${PYTHON})`);

// ---- the cargo each tool will run: resolved from PATH by the tool's own process
const cargoSeenBy = (cmd, args) => execFileSync(cmd, args, { env, encoding: "utf8" }).trim();
console.log(
  `cargo seen by setuptools-rust (${PYTHON}): ` +
    cargoSeenBy(PYTHON, ["-c", "import shutil, subprocess; c = shutil.which('cargo'); print(c, '->', subprocess.check_output([c, '--version'], text=True).strip())"]),
);
console.log(
  `cargo seen by pyts-build (node):          ` +
    cargoSeenBy(process.execPath, [
      "-e",
      "const {execFileSync} = require('node:child_process'); const c = execFileSync('sh', ['-c', 'command -v cargo'], {encoding: 'utf8'}).trim(); console.log(c, '->', execFileSync(c, ['--version'], {encoding: 'utf8'}).trim())",
    ]),
);

// ---- two copies of the example with one shared Cargo.lock (same crate versions for both)
const work = join(BENCH_WORK, "peers");
rmSync(work, { recursive: true, force: true });
const example = join(ROOT, "examples/word-count");
const copyExample = (dest) => {
  cpSync(example, dest, { recursive: true, filter: (p) => !/\/(target|build|[^/]*\.egg-info|__pycache__)$|\/Cargo\.lock$/.test(p.slice(example.length)) });
  return dest;
};
const pytsProject = copyExample(join(work, "pyts-build/word-count"));
const srProject = copyExample(join(work, "setuptools-rust/word-count"));
execFileSync("cargo", ["generate-lockfile", "--manifest-path", join(pytsProject, "Cargo.toml")], { env, stdio: "inherit" });
cpSync(join(pytsProject, "Cargo.lock"), join(srProject, "Cargo.lock"));

// setuptools' own build description instead of the pyts-build backend's pyproject.toml
writeFileSync(
  join(srProject, "pyproject.toml"),
  `[build-system]\nrequires = ["setuptools", "wheel", "setuptools-rust"]\nbuild-backend = "setuptools.build_meta"\n`,
);
writeFileSync(
  join(srProject, "setup.py"),
  `from setuptools import setup
from setuptools_rust import Binding, RustExtension

setup(
    name="word-count",
    version="0.1.0",
    packages=["word_count"],
    package_dir={"": "python"},
    package_data={"word_count": ["py.typed", "_word_count.pyi"]},
    rust_extensions=[RustExtension("word_count._word_count", path="Cargo.toml", binding=Binding.PyO3, debug=False)],
    zip_safe=False,
)
`,
);

// ---- the tools: each has its own project copy, target folder and output folder
let srMode = "python3 -m build --no-isolation --wheel";
const tools = [
  {
    name: "setuptools-rust",
    project: srProject,
    target: join(work, "setuptools-rust/target"),
    out: join(work, "setuptools-rust/wheels"),
    run(t) {
      const e = { env: { ...env, CARGO_TARGET_DIR: t.target }, cwd: t.project };
      if (srMode.startsWith("setup.py")) return runTimed(PYTHON, ["setup.py", "bdist_wheel", "-d", t.out], e);
      return runTimed(PYTHON, ["-m", "build", "--no-isolation", "--wheel", "--outdir", t.out, t.project], e);
    },
    // setuptools' own build state, so a cold build is cold for setuptools too
    clean: (t) => {
      rmSync(join(t.project, "build"), { recursive: true, force: true });
      rmSync(join(t.project, "python/word_count.egg-info"), { recursive: true, force: true });
    },
  },
  ...[
    ["pyts-build", []],
    ["pyts-build --compatibility linux", ["--compatibility", "linux"]],
  ].map(([name, extra], i) => ({
    name,
    project: pytsProject,
    target: join(work, `pyts-build/target-${i}`),
    out: join(work, `pyts-build/wheels-${i}`),
    run: (t) =>
      runCliTimed(["wheel", "-m", join(t.project, "Cargo.toml"), "--release", "-i", PYTHON, "-o", t.out, ...extra], {
        env: { ...env, CARGO_TARGET_DIR: t.target },
      }),
    clean: () => {},
  })),
];

/** The cdylib cargo wrote for a tool (target/release/libword_count.so), if any. */
const artifact = (t) => join(t.target, "release/libword_count.so");
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : undefined);

/**
 * One build by `t`, timed; the output folder emptied first (untimed). `expect`
 * says whether cargo must relink the library ("compile") or leave it alone
 * ("fresh"), so a broken scenario cannot pass for a fast one.
 */
function build(t, expect) {
  rmSync(t.out, { recursive: true, force: true });
  mkdirSync(t.out, { recursive: true });
  const before = mtime(artifact(t));
  const r = t.run(t);
  const after = mtime(artifact(t));
  const wheels = readdirSync(t.out).filter((f) => f.endsWith(".whl"));
  if (wheels.length !== 1) throw new Error(`${t.name}: expected one wheel in ${t.out}, found ${wheels.join(", ") || "none"}\n${r.stderr}`);
  if (after === undefined) throw new Error(`${t.name}: no ${artifact(t)} after the build`);
  if (expect === "fresh" && after !== before) throw new Error(`${t.name}: a no-op rebuild relinked the library`);
  if (expect === "compile" && after === before) throw new Error(`${t.name}: the library was not rebuilt`);
  t.wheel = join(t.out, wheels[0]);
  return r.seconds;
}

/** `rounds` rounds, every tool once per round, the starting tool rotating. */
function scenario(rounds, before, expect) {
  const times = new Map(tools.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < tools.length; k++) {
      const t = tools[(r + k) % tools.length];
      before(t);
      times.get(t.name).push(build(t, expect));
    }
  }
  return times;
}

// the first cold build of setuptools-rust also decides how it is driven
try {
  tools[0].clean(tools[0]);
  tools[0].run(tools[0]);
} catch (e) {
  console.log(`\n\`${srMode}\` failed; using \`python3 setup.py bdist_wheel\` instead. It said:\n${String(e.message).split("\n").slice(-15).join("\n")}`);
  srMode = "setup.py bdist_wheel";
}
console.log(`setuptools-rust is driven by: ${srMode}`);

console.log(`\n(a) cold builds: ${values["cold-runs"]} rounds ...`);
const cold = scenario(
  Number(values["cold-runs"]),
  (t) => {
    rmSync(t.target, { recursive: true, force: true });
    t.clean(t);
  },
  "compile",
);

// ---- like with like: both wheels install and pass the example's tests
console.log("\nthe wheels (last cold build of each):");
const venvPython = (name) => {
  const dir = join(work, `venv-${name.replace(/\W+/g, "-")}`);
  rmSync(dir, { recursive: true, force: true });
  execFileSync(PYTHON, ["-m", "venv", "--without-pip", dir], { env });
  return join(dir, "bin/python");
};
for (const t of tools) {
  const py = venvPython(t.name);
  const site = { ...env, PYTHONPATH: "/usr/lib/python3/dist-packages" };
  execFileSync(py, ["-m", "installer", t.wheel], { env: site });
  const check = execFileSync(
    py,
    ["-c", "import word_count as w; assert w.search('Hello hello, HELLO world', 'hello') == 3; print(w.__version__, w._word_count.__file__.rsplit('/', 1)[-1])"],
    { env, cwd: work, encoding: "utf8" },
  ).trim();
  // the example's own test-suite, against the installed package (cwd is not its python/ folder)
  execFileSync(py, ["-m", "unittest", "discover", "-q", "-s", join(t.project, "tests")], { env, cwd: work, stdio: ["ignore", "ignore", "pipe"] });
  const comment = execFileSync("readelf", ["-p", ".comment", artifact(t)], { encoding: "utf8" }).match(/rustc version [^\n]*/)?.[0] ?? "no rustc in .comment";
  console.log(`  ${t.name}: ${t.wheel.split("/").pop()} (${(statSync(t.wheel).size / 1024).toFixed(0)} KB); imports ${check}; tests pass; ${comment.trim()}`);
}

// untimed: one build each so every tool's own state (egg-info, caches) is settled
for (const t of tools) build(t, "fresh");
console.log(`\n(b) no-op rebuilds: ${values["noop-runs"]} rounds ...`);
const noop = scenario(Number(values["noop-runs"]), () => {}, "fresh");

console.log(`(c) rebuilds after touching src/lib.rs: ${values["touch-runs"]} rounds ...\n`);
const touch = scenario(
  Number(values["touch-runs"]),
  (t) => {
    const now = new Date();
    utimesSync(join(t.project, "src/lib.rs"), now, now);
  },
  "compile",
);

// ---- the table and the ratios
const rows = [];
const ratios = [];
for (const [label, times] of [
  ["(a) cold build", cold],
  ["(b) no-op rebuild", noop],
  ["(c) after touching src/lib.rs", touch],
]) {
  const s = new Map(tools.map((t) => [t.name, summarize(times.get(t.name))]));
  for (const t of tools) {
    const x = s.get(t.name);
    rows.push([`${label}: ${t.name}`, x.n, fmtSeconds(x.median), fmtSeconds(x.min), fmtSeconds(x.max)]);
  }
  const sr = s.get("setuptools-rust").median;
  const p = s.get("pyts-build").median;
  const pl = s.get("pyts-build --compatibility linux").median;
  ratios.push(
    `${label}: setuptools-rust / pyts-build ${ratio(sr, p)}, setuptools-rust / pyts-build --compatibility linux ${ratio(sr, pl)}; ` +
      `audit cost ${p - pl >= 0 ? "+" : "-"}${fmtSeconds(Math.abs(p - pl))}`,
  );
}
printTable(["scenario: tool", "runs", "median", "min", "max"], rows);
console.log("\nratios of medians (above 1: pyts-build is faster):");
for (const r of ratios) console.log(`  ${r}`);
console.log(`\nsetuptools-rust driven by: ${srMode}`);
console.log(`load average now: ${loadavg().map((x) => x.toFixed(2)).join(" ")} (a busy machine inflates every number)`);
console.log(`(work files kept in ${work})`);
