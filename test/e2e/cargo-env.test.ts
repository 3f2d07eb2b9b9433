/**
 * What cargo's build scripts really receive from pyts-build (issue 14): the
 * test/fixtures/cargo-env-probe crate records PyO3's variables in its build
 * script and embeds the record in the extension / program it builds; each
 * test reads it back from the built wheel (Python's zipfile) and, where the
 * wheel can run, from the installed module or script. Per build kind:
 * extension, abi3 with and without a fitting interpreter, bin, the PEP 517
 * hook, develop. (The container build: test/manylinux/container/cargo-env.test.ts;
 * the planning itself, macOS included: test/build/cargo/cargo-env.test.ts.)
 */
import { cpSync, readdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, installWheel, makeVenv, py, ROOT, testEnv, WORK } from "../helpers/env.js";
import { parseRecord, recordInWheel } from "../helpers/cargo-env-record.js";
import { fixture } from "./wheel-helpers.js";
import { venvWithPip } from "./pep517-helpers.js";

const PY311 = cpython("3.11");
/** This file's own target folder: the fixture builds in ~1 s, and no other file races on it. */
const TARGET = join(WORK, "cargo-target-env-probe");

/** A scratch copy of the fixture, with a pyproject.toml when given. */
function probeProject(name: string, pyproject?: string): string {
  const dir = join(freshDir(name), "cargo-env-probe");
  cpSync(fixture("cargo-env-probe"), dir, { recursive: true, filter: (p) => !/\/(target|Cargo\.lock)$/.test(p) });
  if (pyproject !== undefined) writeFileSync(join(dir, "pyproject.toml"), pyproject);
  return dir;
}

function build(args: string[], env: Record<string, string | undefined> = {}, manifest = join(fixture("cargo-env-probe"), "Cargo.toml")): BuiltWheel {
  const r = runCliOk(["wheel", "-m", manifest, "--json", "--compatibility", "linux", "-o", freshDir("env-probe-out"), ...args], { env: { CARGO_TARGET_DIR: TARGET, ...env } });
  const wheels = JSON.parse(r.stdout) as BuiltWheel[];
  expect(wheels).toHaveLength(1);
  return wheels[0] as BuiltWheel;
}

const EXTENSION_VARS = (python: string, minor: number) => ({
  PYO3_BUILD_EXTENSION_MODULE: "1",
  PYO3_PYTHON: python,
  PYTHON_SYS_EXECUTABLE: python,
  PYO3_ENVIRONMENT_SIGNATURE: `cpython-3.${minor}-64bit`,
});

describe.skipIf(!PY311)("the environment cargo's build scripts receive", () => {
  const python = PY311 as string;

  it("an extension module: PYO3_BUILD_EXTENSION_MODULE, the interpreter and its signature (and it imports)", () => {
    const w = build(["-i", python]);
    expect(w.fileName).toBe("cargo_env_probe-0.1.0-cp311-cp311-linux_x86_64.whl");
    const record = recordInWheel(w.path);
    expect(record).toEqual(EXTENSION_VARS(python, 11));
    // the module built from it imports, and carries the same record
    const venv = makeVenv(python, join(freshDir("env-probe-venv"), "v"));
    installWheel(venv, w.path);
    expect(parseRecord(py(venv, "import cargo_env_probe; print(cargo_env_probe.env(), end='')") + "\n")).toEqual(record);
  });

  it("abi3 with an interpreter that fits (abi3-py38, Python 3.11): that interpreter, no PYO3_NO_PYTHON", () => {
    const w = build(["-i", python, "-F", "abi3-py38"]);
    expect(w.fileName).toBe("cargo_env_probe-0.1.0-cp38-abi3-linux_x86_64.whl");
    expect(recordInWheel(w.path)).toEqual(EXTENSION_VARS(python, 11));
  });

  it("abi3 without a fitting interpreter (abi3-py313, only Python 3.11): PYO3_NO_PYTHON=1 and no interpreter, even the user's", () => {
    const w = build(["-i", python, "-F", "abi3-py313"], { PYO3_PYTHON: python });
    expect(w.fileName).toBe("cargo_env_probe-0.1.0-cp313-abi3-linux_x86_64.whl");
    expect(recordInWheel(w.path)).toEqual({ PYO3_BUILD_EXTENSION_MODULE: "1", PYO3_NO_PYTHON: "1" });
    // a real cp313-abi3 wheel: it imports on 3.13
    const py313 = cpython("3.13");
    if (py313) {
      const venv = makeVenv(py313, join(freshDir("env-probe-abi3-venv"), "v"));
      installWheel(venv, w.path);
      expect(py(venv, "import cargo_env_probe; print(cargo_env_probe.cargo_env_probe.__file__.endswith('.abi3.so'), 'PYO3_NO_PYTHON=1' in cargo_env_probe.env())")).toBe("True True");
    }
  });

  it('bindings = "bin": never PYO3_BUILD_EXTENSION_MODULE (even exported by the user), the interpreter to embed', () => {
    const project = probeProject("env-probe-bin", '[project]\nname = "cargo-env-probe"\nversion = "0.1.0"\n\n[tool.pyts-build]\nbindings = "bin"\n');
    const w = build(["-i", python], { PYO3_BUILD_EXTENSION_MODULE: "1" }, join(project, "Cargo.toml"));
    // a program using pyo3 is built for the interpreter and tagged for it, as maturin does
    expect(w.fileName).toBe("cargo_env_probe-0.1.0-cp311-cp311-linux_x86_64.whl");
    const record = recordInWheel(w.path);
    expect(record).toEqual({ PYO3_PYTHON: python, PYTHON_SYS_EXECUTABLE: python, PYO3_ENVIRONMENT_SIGNATURE: "cpython-3.11-64bit" });
    // installed, the program prints the same record
    const venv = makeVenv(python, join(freshDir("env-probe-bin-venv"), "v"));
    installWheel(venv, w.path);
    const run = spawnSync(join(venv, "..", "cargo-env-probe"), [], { encoding: "utf8", env: testEnv() });
    expect(run.status, run.stderr).toBe(0);
    expect(parseRecord(run.stdout)).toEqual(record);
  });

  it("the user's own PYO3_BUILD_EXTENSION_MODULE value is kept for an extension", () => {
    const w = build(["-i", python], { PYO3_BUILD_EXTENSION_MODULE: "yes" });
    expect(recordInWheel(w.path).PYO3_BUILD_EXTENSION_MODULE).toBe("yes");
  });

  it("the PEP 517 build_wheel hook (python shim -> node -> cargo): the same variables for the hook's interpreter", () => {
    const project = probeProject("env-probe-pep517", '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "cargo-env-probe"\nversion = "0.1.0"\n');
    const out = freshDir("env-probe-pep517-out");
    const r = spawnSync(python, ["-c", `import pyts_build; print(pyts_build.build_wheel(${JSON.stringify(out)}))`], {
      cwd: project,
      env: testEnv({ PYTHONPATH: join(ROOT, "python"), CARGO_TARGET_DIR: TARGET }),
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("cargo_env_probe-0.1.0-cp311-cp311-linux_x86_64.whl");
    const record = recordInWheel(join(out, r.stdout.trim()));
    expect(record.PYO3_BUILD_EXTENSION_MODULE).toBe("1");
    expect(record.PYO3_ENVIRONMENT_SIGNATURE).toBe("cpython-3.11-64bit");
    expect(record.PYO3_NO_PYTHON).toBeUndefined();
    // the shim hands over a stable path of the interpreter running the hook
    expect(py(record.PYO3_PYTHON as string, "import sys; print(sys.version_info[:2])")).toBe("(3, 11)");
    expect(record.PYTHON_SYS_EXECUTABLE).toBe(record.PYO3_PYTHON);
  });

  it("pyts-build develop: the venv's interpreter, as an extension", () => {
    const project = probeProject("env-probe-develop", '[project]\nname = "cargo-env-probe"\nversion = "0.1.0"\n');
    const venvPython = venvWithPip(python, "env-probe-develop-venv");
    const venv = join(venvPython, "../..");
    const r = runCli(["develop"], { cwd: project, env: { VIRTUAL_ENV: venv, CARGO_TARGET_DIR: TARGET } });
    expect(r.code, r.stderr).toBe(0);
    const record = parseRecord(py(venvPython, "import cargo_env_probe; print(cargo_env_probe.env(), end='')") + "\n");
    expect(record).toEqual(EXTENSION_VARS(venvPython, 11));
    expect(readdirSync(venv)).toContain("pyvenv.cfg");
  });
});
