/**
 * maturin's conditional features (issue 21 point 10): `features = [..., {
 * feature = "pyo3-ffi/abi3-py310", python-version = ">=3.10" }]` is on only for
 * the interpreters the specifier matches, so one multi-interpreter build makes
 * a version-specific wheel for 3.9 and one abi3 wheel for 3.10 and newer (pyo3-ffi
 * 0.17, Debian's, knows abi3 up to py310), each
 * from its own cargo target folder. The fixture is maturin/ffi-abi3 (pyo3-ffi:
 * fast) with its abi3 feature moved into the condition, written here.
 */
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, makeVenv, py, testEnv } from "../helpers/env.js";
import { fixture, wheelNames, wheelText } from "./wheel-helpers.js";

const PY39 = cpython("3.9");
const PY310 = cpython("3.10");
const PY312 = cpython("3.12");

describe.skipIf(!PY39 || !PY310 || !PY312)("conditional features", () => {
  let wheels: BuiltWheel[];
  let stderr: string;
  beforeAll(() => {
    const d = join(freshDir("cond-features"), "p");
    cpSync(fixture("maturin/ffi-abi3"), d, { recursive: true, filter: (p) => !/\/(target|Cargo\.lock)$/.test(p) });
    const cargo = readFileSync(join(d, "Cargo.toml"), "utf8").replace('default = ["stable-abi"]', "default = []");
    writeFileSync(join(d, "Cargo.toml"), cargo);
    writeFileSync(
      join(d, "pyproject.toml"),
      `${readFileSync(join(d, "pyproject.toml"), "utf8")}\n[tool.maturin]\nbindings = "pyo3-ffi"\nfeatures = [{ feature = "pyo3-ffi/abi3-py310", python-version = ">=3.10" }, { feature = "stable-abi", python-implementation = "pypy" }]\n`,
    );
    const r = runCliOk(["wheel", "-i", PY39 as string, "-i", PY310 as string, "-i", PY312 as string, "-o", join(d, "out"), "--json", "--compatibility", "linux", "-v"], { cwd: d, env: { CARGO_TARGET_DIR: join(d, "target") } });
    wheels = JSON.parse(r.stdout) as BuiltWheel[];
    stderr = r.stderr;
  });

  it("one abi3 wheel for 3.10+ (the feature on), one version-specific wheel for 3.9 (off), each from its own target folder", () => {
    expect(wheels.map((w) => w.fileName).sort()).toEqual(["ffi_abi3-0.1.0-cp310-abi3-linux_x86_64.whl", "ffi_abi3-0.1.0-cp39-cp39-linux_x86_64.whl"]);
    expect(stderr).toMatch(/cargo .*--features pyo3-ffi\/abi3-py310/);
    const folders = [...stderr.matchAll(/cargo target folder: (\S+)/g)].map((m) => m[1]);
    expect(new Set(folders).size).toBe(2);
    expect(folders.some((f) => /cpython-3\.10-64bit-abi3-py310/.test(f as string))).toBe(true);
    const abi3 = wheels.find((w) => w.abi3) as BuiltWheel;
    expect(wheelNames(PY310 as string, abi3.path).filter((n) => !n.includes(".dist-info/"))).toEqual(["ffi_abi3/__init__.py", "ffi_abi3/ffi_abi3.abi3.so"]);
    expect(wheelText(PY310 as string, abi3.path, "ffi_abi3-0.1.0.dist-info/METADATA")).toBe("Metadata-Version: 2.4\nName: ffi-abi3\nVersion: 0.1.0\n");
  });

  it("each installs with pip into its interpreter and imports", () => {
    for (const [python, tag] of [
      [PY39, "cp39-cp39"],
      [PY312, "cp310-abi3"],
    ] as const) {
      const w = wheels.find((x) => x.fileName.includes(tag)) as BuiltWheel;
      const venv = makeVenv(python as string, join(freshDir("cond-venv"), "v"), true);
      execFileSync(venv, ["-m", "pip", "install", "--no-index", w.path], { env: testEnv({ PIP_CONFIG_FILE: "/dev/null" }), stdio: "pipe" });
      expect(py(venv, "import ffi_abi3; print(ffi_abi3.answer())")).toBe("38");
    }
  });
});
