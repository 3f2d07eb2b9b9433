/**
 * Failures a user can cause: one `error:` line naming the file/key/cause, a
 * hint, a non-zero exit, no stack trace, and no wheel (or temp file) left behind.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, SYSTEM_PYTHON, testEnv } from "../helpers/env.js";
import { expectUserError, fixture, PYO3_TARGET } from "./wheel-helpers.js";

const py311 = cpython("3.11") ?? SYSTEM_PYTHON;

function crate(): string {
  const d = freshDir("ffi-err");
  cpSync(fixture("ffi-min"), d, { recursive: true });
  return d;
}

const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

describe("pyts-build wheel failures", () => {
  it("no Cargo.toml", () => {
    const d = freshDir("empty");
    expectUserError(runCli(["wheel"], { cwd: d }), `no Cargo.toml or pyproject.toml in ${d}`);
    expectUserError(runCli(["wheel", "-m", "nope/Cargo.toml"], { cwd: d }), `manifest ${join(d, "nope/Cargo.toml")} does not exist`);
  });

  it("malformed TOML: the file and line", () => {
    const d = crate();
    writeFileSync(join(d, "pyproject.toml"), '[project]\nname = "ffi-min"\nversion = "1.0\n');
    expectUserError(runCli(["wheel", "-i", py311], { cwd: d }), new RegExp(`^error: ${join(d, "pyproject.toml")}:3:\\d+: invalid TOML`));
    const c = crate();
    writeFileSync(join(c, "Cargo.toml"), readFileSync(join(c, "Cargo.toml"), "utf8").replace("[lib]", "[lib"));
    expectUserError(runCli(["wheel", "-i", py311], { cwd: c }), new RegExp(`^error: ${join(c, "Cargo.toml")}:\\d+:\\d+: invalid TOML`));
  });

  it("invalid values name the file, the key and why", () => {
    const d = crate();
    writeFileSync(join(d, "pyproject.toml"), '[project]\nname = "ffi-min"\nversion = "one"\n');
    expectUserError(runCli(["wheel"], { cwd: d }), `${join(d, "pyproject.toml")}: project.version "one"`);
    writeFileSync(join(d, "pyproject.toml"), '[project]\nname = "ffi-min"\nversion = "1"\n[tool.pyts-build]\nmodul-name = "x"\n');
    const r = runCli(["wheel"], { cwd: d });
    expectUserError(r, 'unknown key "modul-name" in [tool.pyts-build] (did you mean "module-name"?)');
    expect(r.stderr).toContain("valid keys are: module-name,");
  });

  it("an interpreter that does not exist", () => {
    const d = crate();
    const r = runCli(["wheel", "-i", "python3.99"], { cwd: d });
    expectUserError(r, "interpreter python3.99 was not found on PATH");
    expect(r.stderr).toContain("--find-interpreter");
    expectUserError(runCli(["wheel", "-i", "/no/such/python"], { cwd: d }), "interpreter /no/such/python does not exist");
    expect(filesIn(join(d, "target/wheels"))).toEqual([]);
  });

  it("a compile error: cargo's message shown, non-zero exit, nothing in out/", () => {
    const d = crate();
    writeFileSync(join(d, "src/lib.rs"), readFileSync(join(d, "src/lib.rs"), "utf8") + "\nfn broken( {}\n");
    const out = join(d, "out");
    const r = runCli(["wheel", "-i", py311, "-o", out], { cwd: d });
    expectUserError(r, "cargo failed with exit code 101");
    expect(r.stderr).toContain("unclosed delimiter"); // rustc's diagnostic, rendered by cargo
    expect(r.stderr).toContain("src/lib.rs");
    expect(filesIn(out)).toEqual([]);
  });

  it("a crate that is not a cdylib, or has no library", () => {
    const d = crate();
    writeFileSync(join(d, "Cargo.toml"), readFileSync(join(d, "Cargo.toml"), "utf8").replace('crate-type = ["cdylib"]', 'crate-type = ["rlib"]'));
    const r = runCli(["wheel", "-i", py311], { cwd: d });
    expectUserError(r, `${join(d, "Cargo.toml")}: the library is not a cdylib (crate-type = ["rlib"])`);
    expect(r.stderr).toContain('crate-type = ["cdylib"]');
    expect(existsSync(join(d, "target"))).toBe(false); // refused before compiling
    const b = freshDir("bin-only");
    writeFileSync(join(b, "Cargo.toml"), '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n');
    cpSync(join(d, "README.md"), join(b, "README.md"));
    execFileSync("mkdir", ["-p", join(b, "src")]);
    writeFileSync(join(b, "src/main.rs"), "fn main() {}\n");
    // without a library the bindings are detected as "bin" (maturin's rule); asking for pyo3 is the error
    writeFileSync(join(b, "pyproject.toml"), '[project]\nname = "tool"\nversion = "0.1.0"\n[tool.pyts-build]\nbindings = "pyo3"\n');
    expectUserError(runCli(["wheel", "-i", py311], { cwd: b }), "has no library target");
  });

  it("pyo3 without extension-module: the extension links libpython, and we say so", () => {
    const out = freshDir("noext-out");
    const r = runCli(["wheel", "-m", join(fixture("pyo3-noext"), "Cargo.toml"), "-i", py311, "-o", out], { env: { CARGO_TARGET_DIR: PYO3_TARGET } });
    expectUserError(r, /links libpython3\.11\.so\.1\.0: a Python extension module must not link libpython/);
    expect(r.stderr).toContain("extension-module");
    expect(filesIn(out)).toEqual([]);
  });

  it("--locked: passes with a current lock, fails (cargo says why) when Cargo.toml moved on", () => {
    const d = crate();
    execFileSync("cargo", ["generate-lockfile", "--manifest-path", join(d, "Cargo.toml")], { env: testEnv(), stdio: "pipe" });
    runCliOk(["wheel", "--locked", "-i", py311, "-o", "out"], { cwd: d });
    writeFileSync(join(d, "Cargo.toml"), readFileSync(join(d, "Cargo.toml"), "utf8").replace('version = "0.2.0"', 'version = "0.3.0"'));
    const r = runCli(["wheel", "--locked", "-i", py311, "-o", "out2"], { cwd: d });
    expectUserError(r, "cargo failed with exit code 101");
    expect(r.stderr).toContain("--locked");
    expect(filesIn(join(d, "out2"))).toEqual([]);
  });

  it("a dependency no crate source has: the hint says --offline to the CLI's user, CARGO_NET_OFFLINE=true under pip (the PEP 517 backend)", () => {
    const d = crate();
    writeFileSync(join(d, "Cargo.toml"), readFileSync(join(d, "Cargo.toml"), "utf8").replace("[lib]", '[dependencies]\nno-such-crate-xyz = "1"\n\n[lib]'));
    const cli = runCli(["wheel", "-i", py311, "-o", "out"], { cwd: d });
    expectUserError(cli, "the dependency `no-such-crate-xyz` is not in the crate source it searched");
    expect(cli.stderr).toMatch(/\n {2}hint: .* and pass --offline\n$/);
    // what the Python shim runs for pip's build_wheel
    const backend = runCli(["pep517", "build_wheel", "--out", join(d, "pip-out"), "--interpreter", py311], { cwd: d });
    expectUserError(backend, "the dependency `no-such-crate-xyz` is not in the crate source it searched");
    expect(backend.stderr).toMatch(/\n {2}hint: .* and set CARGO_NET_OFFLINE=true where pip runs\n$/);
    expect(backend.stderr).not.toContain("--offline\n");
  });

  it("--verbose shows the stack", () => {
    const r = runCli(["-v", "wheel"], { cwd: freshDir("empty-v") });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/ConfigError|at .*config\.js/);
  });
});
