#!/usr/bin/env node
/**
 * Not a timing: the file lists of pyts-build's wheels next to maturin's, for
 * the maturin-style fixtures in test/fixtures/maturin/ (the lists the tests in
 * test/e2e/maturin-layout.test.ts expect were checked this way). Each fixture
 * is copied under bench/.work, its [tool.pyts-build] table renamed
 * [tool.maturin] and its build backend set to maturin, then built by both
 * tools for the same interpreter with the offline crate source. maturin wants
 * a pyo3 dependency for bindings = "pyo3", so the pure-Rust fixture gets a
 * pyo3 module of the same name (needs librust-pyo3-dev). maturin's
 * `.dist-info/sboms/` is listed apart: pyts-build writes no SBOM.
 *
 *   python3.11 -m venv V && V/bin/pip install maturin   # where pip's mirror has it
 *   MATURIN=V/bin/maturin node bench/maturin-layout.mjs [-i /path/to/python-with-cffi]
 *
 * Needs a compiled dist/ (`npm run build`), cbindgen, and cffi in the interpreter.
 */
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { materializeFixtures } from "../test/helpers/fixture-modules.mjs";
import { benchEnv, CLI, header, mkdtempWork, printTable, ROOT } from "./lib.mjs";

const iArg = process.argv.indexOf("-i");
const python = iArg > 0 ? process.argv[iArg + 1] : "/usr/bin/python3";
const maturin = process.env.MATURIN ?? "maturin";
const FIXTURES = join(ROOT, "test/fixtures/maturin");
const PYO3_MODULE = `use pyo3::prelude::*;

#[pyfunction]
fn answer() -> i64 {
    42
}

#[pymodule]
fn ffi_min(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(answer, m)?)?;
    Ok(())
}
`;

/** Member names of a wheel, read by Python's zipfile. */
function names(wheel) {
  const out = execFileSync(python, ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", wheel], { encoding: "utf8" });
  return out.split("\n").filter(Boolean).sort();
}

function onlyWheel(dir) {
  const w = readdirSync(dir).filter((f) => f.endsWith(".whl"));
  if (w.length !== 1) throw new Error(`expected one wheel in ${dir}, found ${w.join(", ") || "none"}`);
  return join(dir, w[0]);
}

header(`pyts-build vs ${maturin}: wheel file lists (${python})`);
const work = mkdtempWork("maturin-layout");
// the fixtures with their pyo3-ffi modules written, and ffi-min beside them (the pure-Rust fixture's source)
const ready = materializeFixtures(join(ROOT, "test/fixtures"), ["maturin", "ffi-min"], work);
cpSync(join(ready, "maturin"), join(work, "pyts"), { recursive: true });
cpSync(join(ready, "maturin"), join(work, "maturin"), { recursive: true });
cpSync(join(ready, "ffi-min"), join(work, "ffi-min"), { recursive: true });
const env = benchEnv({ CARGO_TARGET_DIR: join(work, "target") });
const rows = [];
for (const name of readdirSync(FIXTURES).sort()) {
  const m = join(work, "maturin", name);
  const pyproject = readFileSync(join(m, "pyproject.toml"), "utf8")
    .replace('requires = ["pyts-build"]', 'requires = ["maturin>=1,<2"]')
    .replace('build-backend = "pyts_build"', 'build-backend = "maturin"')
    .replace("[tool.pyts-build]", "[tool.maturin]");
  writeFileSync(join(m, "pyproject.toml"), pyproject);
  if (name === "pure-rust") {
    const cargo = readFileSync(join(m, "Cargo.toml"), "utf8").replace(/^path = .*\n/m, "").replace(/\[features\][\s\S]*$/, "");
    writeFileSync(join(m, "Cargo.toml"), cargo + '\n[dependencies]\npyo3 = { version = "0.17", features = ["extension-module"] }\n');
    execFileSync("mkdir", ["-p", join(m, "src")]);
    writeFileSync(join(m, "src/lib.rs"), PYO3_MODULE);
  }
  execFileSync(maturin, ["build", "-i", python, "-o", join(m, "out"), "--compatibility", "linux"], { cwd: m, env, stdio: ["ignore", "ignore", "inherit"] });
  const p = join(work, "pyts", name);
  execFileSync(process.execPath, [CLI, "wheel", "-i", python, "-o", join(p, "out"), "--compatibility", "linux"], { cwd: p, env, stdio: ["ignore", "ignore", "inherit"] });
  const ours = names(onlyWheel(join(p, "out")));
  const theirs = names(onlyWheel(join(m, "out")));
  const sbom = theirs.filter((n) => n.includes(".dist-info/sboms/"));
  const rest = theirs.filter((n) => !sbom.includes(n));
  const onlyOurs = ours.filter((n) => !rest.includes(n));
  const onlyTheirs = rest.filter((n) => !ours.includes(n));
  rows.push([name, String(ours.length), String(rest.length), onlyOurs.length + onlyTheirs.length === 0 ? "same" : `pyts only: ${onlyOurs.join(" ")}; maturin only: ${onlyTheirs.join(" ")}`, String(sbom.length)]);
}
printTable(["fixture", "pyts-build files", "maturin files", "file lists", "maturin SBOMs"], rows);
console.log(`\nwork folder: ${work}`);
