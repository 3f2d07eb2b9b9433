/**
 * No wheel that cannot import leaves pyts-build: a library that does not
 * export PyInit_<module>, a PyO3-style build exporting none, and a cffi build
 * without cffi each stop with one error line and a hint, before any wheel is
 * written. The check sits in buildWheels, so develop (editable layout), the
 * PEP 517 hooks and the container build go through it too: the first two are
 * run here in-process.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildWheels } from "../../src/build/build-wheel.js";
import { editableLayout } from "../../src/build/backend/editable.js";
import { runHook } from "../../src/build/backend/pep517.js";
import { runCli } from "../helpers/cli.js";
import { cpython, freshDir, makeVenv, SYSTEM_PYTHON, testEnv, WORK } from "../helpers/env.js";
import { expectUserError, fixture } from "./wheel-helpers.js";

const py311 = cpython("3.11") ?? SYSTEM_PYTHON;
const TARGET = join(WORK, "cargo-target-import-safety");
const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

/** A copy of a fixture with this pyproject.toml. */
function project(from: string, pyproject: string, extra: Record<string, string> = {}): string {
  const d = freshDir("import-safety");
  cpSync(fixture(from), d, { recursive: true });
  writeFileSync(join(d, "pyproject.toml"), pyproject);
  for (const [rel, text] of Object.entries(extra)) {
    mkdirSync(dirname(join(d, rel)), { recursive: true });
    writeFileSync(join(d, rel), text);
  }
  return d;
}

const wheel = (d: string, out: string, python = py311) => runCli(["wheel", "-i", python, "-o", out], { cwd: d, env: { CARGO_TARGET_DIR: TARGET } });

describe("import safety", () => {
  it("module-name the library does not export: its PyInit_* and both fixes named, no wheel", () => {
    const d = project("ffi-min", '[project]\nname = "ffi-min"\nversion = "0.2.0"\n[tool.pyts-build]\nmodule-name = "pkg.fast"\n');
    const out = join(d, "out");
    const r = wheel(d, out);
    expectUserError(r, 'libffi_min.so exports PyInit_ffi_min but not PyInit_fast, so "import pkg.fast" would fail');
    expect(r.stderr).toContain('module-name = "pkg.ffi_min"');
    // and, first, maturin's layout for a dotted name without Python sources is pointed out
    expect(r.stderr).toContain("warning: module-name pkg.fast has no Python package around it (no python-source): the wheel's module is the top-level package fast");
    expect(r.stderr).toContain("#[pymodule] fn fast");
    expect(filesIn(out)).toEqual([]);
  });

  it("a PyO3-bindings build of a library exporting no PyInit_* at all", () => {
    const d = project("maturin/cffi-pure", '[project]\nname = "cffi-pure"\nversion = "0.3.0"\n[tool.pyts-build]\nbindings = "pyo3"\n');
    const out = join(d, "out");
    const r = wheel(d, out);
    expectUserError(r, "libcffi_pure.so exports no PyInit_* function, so Python cannot import it as the extension module cffi_pure");
    expect(r.stderr).toContain('bindings = "cffi"');
    expect(filesIn(out)).toEqual([]);
  });

  it("cffi bindings with a build interpreter that lacks cffi: the install command, no wheel", () => {
    const venv = makeVenv(SYSTEM_PYTHON, join(freshDir("no-cffi"), "v")); // no system site-packages: no cffi
    const d = project("maturin/cffi-pure", '[project]\nname = "cffi-pure"\nversion = "0.3.0"\n[tool.pyts-build]\nbindings = "cffi"\n');
    const out = join(d, "out");
    const r = wheel(d, out, venv);
    expect(r.stderr).toContain('warning: bindings = "cffi": the installed package imports cffi, but the project does not depend on it');
    expectUserError(r, `${venv} has no cffi module (bindings = "cffi" needs it to generate ffi.py)`);
    expect(r.stderr).toContain(`${venv} -m pip install cffi`);
    expect(filesIn(out)).toEqual([]);
  });

  it("develop's editable layout: refused before the library is copied into the sources", async () => {
    const d = project("ffi-min", '[project]\nname = "ffi-min"\nversion = "0.2.0"\n[tool.pyts-build]\nmodule-name = "pkg._native"\npython-source = "python"\n', {
      "python/pkg/__init__.py": "",
    });
    const out = join(d, "out");
    const env = testEnv({ CARGO_TARGET_DIR: TARGET });
    await expect(buildWheels({ cwd: d, env, interpreters: [py311], out, layout: editableLayout })).rejects.toThrow("exports PyInit_ffi_min but not PyInit__native");
    expect(readdirSync(join(d, "python/pkg"))).toEqual(["__init__.py"]);
    expect(filesIn(out)).toEqual([]);
  });

  it("the PEP 517 build_wheel hook", async () => {
    const d = project("ffi-min", '[project]\nname = "ffi-min"\nversion = "0.2.0"\n[tool.pyts-build]\nmodule-name = "other"\n');
    const out = freshDir("pep517-out");
    await expect(runHook("build_wheel", { out, cwd: d, interpreter: py311, env: testEnv({ CARGO_TARGET_DIR: TARGET }) })).rejects.toThrow(
      "exports PyInit_ffi_min but not PyInit_other",
    );
    expect(filesIn(out)).toEqual([]);
  });
});
