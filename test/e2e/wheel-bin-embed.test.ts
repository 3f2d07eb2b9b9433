/**
 * A program that embeds Python (pyo3's auto-initialize, issue 8 point 5 and
 * issue 21 point 6): it links libpython, which only extension modules may not.
 * As maturin does for a `bin` crate that uses pyo3, it is built for the
 * interpreter and tagged for it (`cp311-cp311`), with the manylinux policy the
 * rest of it meets: the libpython of the Python the tag names is allowed and
 * never bundled. It installs with pip and its script runs Python code.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { readElfFile } from "../../src/manylinux/audit/elf.js";
import { runCli, type CliResult } from "../helpers/cli.js";
import { freshDir, makeVenv, SYSTEM_PYTHON, testEnv } from "../helpers/env.js";
import { fixture, PYO3_TARGET, wheelNames, wheelText } from "./wheel-helpers.js";

// Debian's python3: its libpython3.11.so.1.0 is on the loader's default path,
// so the installed program finds it without LD_LIBRARY_PATH.
const PY = SYSTEM_PYTHON;

describe("bindings = bin, embedding Python", () => {
  let project: string;
  let first: CliResult;
  const wheel = () => (JSON.parse(first.stdout) as BuiltWheel[])[0] as BuiltWheel;

  beforeAll(() => {
    project = join(freshDir("bin-embed"), "bin-embed-python");
    cpSync(fixture("bin-embed-python"), project, { recursive: true, filter: (p) => !/\/(target|Cargo\.lock)$/.test(p) });
    // the default compatibility (auto, with the audit): libpython must not be refused
    first = runCli(["wheel", "-i", PY, "-o", "out", "--json"], { cwd: project, env: { CARGO_TARGET_DIR: PYO3_TARGET } });
  });

  it("builds for the interpreter: cp311-cp311 with the policy its glibc symbols meet, libpython neither refused nor bundled", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(wheel().fileName).toMatch(/^bin_embed_python-0\.1\.0-cp311-cp311-manylinux_2_\d+_x86_64\.whl$/);
    expect(first.stderr).not.toMatch(/libpython/);
    const names = wheelNames(PY, wheel().path);
    expect(names.filter((n) => !n.includes(".dist-info/"))).toEqual(["bin_embed_python-0.1.0.data/scripts/bin-embed-python"]);
    expect(names.filter((n) => n.includes(".libs/"))).toEqual([]);
    expect(wheelText(PY, wheel().path, "bin_embed_python-0.1.0.dist-info/WHEEL")).toMatch(/\nTag: cp311-cp311-manylinux_2_\d+_x86_64\n/);
    expect(wheelText(PY, wheel().path, "bin_embed_python-0.1.0.dist-info/METADATA")).toMatch(/^Metadata-Version: 2\.4\nName: bin-embed-python\nVersion: 0\.1\.0\nSummary: Test fixture: a Rust program embedding Python\nRequires-Python: >=3\.7\n$/);
    // really linked: the built program needs libpython
    const built = join(PYO3_TARGET, "debug", "bin-embed-python");
    expect(readElfFile(built).needed).toContain("libpython3.11.so.1.0");
  });

  it("installs, and its script runs Python code", () => {
    const venvDir = join(freshDir("bin-embed-venv"), "v");
    execFileSync(makeVenv(PY, venvDir, true), ["-m", "pip", "install", "--no-index", wheel().path], { env: testEnv({ PIP_CONFIG_FILE: "/dev/null" }), stdio: "pipe" });
    const script = join(venvDir, "bin", "bin-embed-python");
    expect(existsSync(script)).toBe(true);
    expect(execFileSync(script, ["import sys; print(6 * 7, sys.version_info[:2])"], { encoding: "utf8" })).toBe("42 (3, 11)\n");
    expect(execFileSync(script, [], { encoding: "utf8" })).toMatch(/^embedded Python 3\.11\.\d+\n$/);
  });

  it("pypi is met; a policy older than its glibc symbols is an error that names them, not libpython", () => {
    const pypi = runCli(["wheel", "-i", PY, "-o", join(freshDir("bin-embed-pypi"), "out"), "--compatibility", "pypi", "--json"], { cwd: project, env: { CARGO_TARGET_DIR: PYO3_TARGET } });
    expect(pypi.code, pypi.stderr).toBe(0);
    expect((JSON.parse(pypi.stdout) as BuiltWheel[])[0]?.fileName).toBe(wheel().fileName);
    const out = join(freshDir("bin-embed-policy"), "out");
    const r = runCli(["wheel", "-i", PY, "-o", out, "--compatibility", "manylinux_2_17"], { cwd: project, env: { CARGO_TARGET_DIR: PYO3_TARGET } });
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/error: the build does not meet manylinux_2_17 \(manylinux2014\): .*needs GLIBC_2\.\d+ from libc\.so\.6/);
    expect(r.stderr).not.toMatch(/libpython/);
    expect(existsSync(out) ? readdirSync(out).filter((f) => f.endsWith(".whl")) : []).toEqual([]);
  });
});
