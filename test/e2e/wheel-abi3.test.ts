/**
 * pyo3's abi3-py37 feature: one cp37-abi3 wheel (module `x.abi3.so`) built with
 * one CPython and installed on two other CPython minors; PyPy, which has no
 * stable ABI, gets its own version-specific wheel from the same command.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { cpython, freshDir, installWheel, makeVenv, py, pypy, SYSTEM_PYTHON, twineCheck } from "../helpers/env.js";
import { buildFixture, wheelNames } from "./wheel-helpers.js";

const py311 = cpython("3.11") ?? SYSTEM_PYTHON;
const installTargets = [cpython("3.8"), cpython("3.12"), cpython("3.9"), cpython("3.13")].filter((p): p is string => p !== undefined).slice(0, 2);

describe("pyo3-abi3 wheel", () => {
  let wheels: BuiltWheel[] = [];
  let abi3: BuiltWheel | undefined;
  beforeAll(() => {
    wheels = buildFixture("pyo3-abi3", ["-i", py311, ...(pypy() ? ["-i", pypy() as string] : []), "-o", freshDir("abi3")]);
    abi3 = wheels.find((w) => w.abi3);
  });

  it("one abi3 wheel for CPython (cp37-abi3, .abi3.so in a typed package), one version-specific for PyPy", () => {
    expect(abi3?.fileName).toBe("pyo3_abi3-1.0.0-cp37-abi3-linux_x86_64.whl");
    expect(wheelNames(SYSTEM_PYTHON, abi3?.path as string).filter((n) => !n.includes(".dist-info/"))).toEqual([
      "pyo3_abi3/__init__.py",
      "pyo3_abi3/__init__.pyi",
      "pyo3_abi3/py.typed",
      "pyo3_abi3/pyo3_abi3.abi3.so",
    ]);
    twineCheck(abi3?.path as string);
    if (pypy()) {
      const pp = wheels.find((w) => !w.abi3);
      expect(pp?.fileName).toBe("pyo3_abi3-1.0.0-pp39-pypy39_pp73-linux_x86_64.whl");
      twineCheck(pp?.path as string);
      const venv = makeVenv(pypy() as string, join(freshDir("abi3-pypy"), "v"));
      installWheel(venv, pp?.path as string);
      expect(py(venv, "import pyo3_abi3; print(pyo3_abi3.triple(3))")).toBe("9");
    }
  });

  it("installs and runs on two more CPython minors", () => {
    expect(installTargets.length).toBe(2);
    for (const python of installTargets) {
      const venv = makeVenv(python, join(freshDir("abi3-venv"), "v"));
      installWheel(venv, abi3?.path as string);
      const minor = py(python, "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')");
      expect(py(venv, "import pyo3_abi3; print(pyo3_abi3.triple(14), pyo3_abi3.version_info())")).toBe(`42 ${minor}`);
    }
  });
});
