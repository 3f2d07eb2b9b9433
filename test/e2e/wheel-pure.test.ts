/**
 * A pure Rust pyo3 extension (metadata only from Cargo.toml), built by the real
 * CLI with real cargo for CPython 3.11, another CPython minor and PyPy, then
 * installed (installer verifies RECORD; pip into a fresh venv once) and called.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cpython, freshDir, installWheel, makeVenv, py, pypy, SYSTEM_PYTHON, testEnv, twineCheck } from "../helpers/env.js";
import { buildFixture, sha256, wheelNames, wheelText } from "./wheel-helpers.js";

const py311 = cpython("3.11") ?? SYSTEM_PYTHON;
const otherMinor = cpython("3.12") ?? cpython("3.9") ?? cpython("3.10");
const CALL = "import pyo3_pure; print(pyo3_pure.add(40, 2), pyo3_pure.greet('wheel'))";

function installAndCall(python: string, wheel: string): string {
  const venv = makeVenv(python, join(freshDir("venv"), "v"));
  installWheel(venv, wheel);
  return py(venv, CALL);
}

describe("pyo3-pure wheel", () => {
  it("CPython 3.11: tags, layout, metadata from Cargo.toml; twine, installer, import and call", () => {
    const out = freshDir("pure-311");
    const [w, ...more] = buildFixture("pyo3-pure", ["-i", py311, "-o", out]);
    expect(more).toEqual([]);
    expect(w?.fileName).toBe("pyo3_pure-0.4.0b1-cp311-cp311-linux_x86_64.whl");
    expect(w?.interpreter).toEqual({ executable: py311, implementation: "cpython", version: "3.11" });
    const wheel = w?.path as string;
    // maturin 1.x's pure-Rust layout: the module wrapped in a package of its name
    expect(wheelNames(SYSTEM_PYTHON, wheel)).toEqual([
      "pyo3_pure/__init__.py",
      "pyo3_pure/pyo3_pure.cpython-311-x86_64-linux-gnu.so",
      "pyo3_pure-0.4.0b1.dist-info/METADATA",
      "pyo3_pure-0.4.0b1.dist-info/WHEEL",
      "pyo3_pure-0.4.0b1.dist-info/licenses/LICENSE",
      "pyo3_pure-0.4.0b1.dist-info/sboms/pyo3-pure.cyclonedx.json",
      "pyo3_pure-0.4.0b1.dist-info/RECORD",
    ]);
    const md = wheelText(SYSTEM_PYTHON, wheel, "pyo3_pure-0.4.0b1.dist-info/METADATA");
    expect(md).toContain("Name: pyo3-pure\n");
    expect(md).toContain("Version: 0.4.0b1\n");
    expect(md).toContain("Summary: Test fixture: a pure Rust extension whose metadata all comes from Cargo.toml\n");
    expect(md).toContain("License-Expression: MIT OR Apache-2.0\n");
    // maturin's rule: Cargo's authors whole in Author, the addresses in Author-email
    expect(md).toContain("Author: Fixture Author <fixture@example.org>\nAuthor-email: Fixture Author <fixture@example.org>\n");
    expect(md).toContain("Project-URL: Homepage, https://example.org/pyo3-pure\n");
    expect(md).toContain("Description-Content-Type: text/markdown; charset=UTF-8; variant=GFM\n");
    expect(md).toContain("\n\n# pyo3-pure\n");
    twineCheck(wheel);
    expect(installAndCall(py311, wheel)).toBe("42 hello, wheel");
  });

  it("same SOURCE_DATE_EPOCH, different TZ: byte-identical wheels", () => {
    const a = buildFixture("pyo3-pure", ["-i", py311, "-o", freshDir("repro-a")], { SOURCE_DATE_EPOCH: "1700000000", TZ: "UTC" })[0];
    const b = buildFixture("pyo3-pure", ["-i", py311, "-o", freshDir("repro-b")], { SOURCE_DATE_EPOCH: "1700000000", TZ: "Pacific/Auckland" })[0];
    expect(a?.fileName).toBe(b?.fileName);
    expect(sha256(a?.path as string)).toBe(sha256(b?.path as string));
    // and the epoch is really used: the zip's entry times say 2023-11-14 (in UTC)
    const stamp = py(SYSTEM_PYTHON, `import zipfile; print(zipfile.ZipFile(${JSON.stringify(a?.path)}).infolist()[0].date_time[:3])`);
    expect(stamp).toBe("(2023, 11, 14)");
  });

  it.skipIf(!otherMinor)("another CPython minor, installed with pip into a fresh venv", () => {
    const python = otherMinor as string;
    const ver = py(python, "import sys; print(f'{sys.version_info[0]}{sys.version_info[1]}')");
    const [w] = buildFixture("pyo3-pure", ["-i", python, "-o", freshDir("pure-other")]);
    expect(w?.fileName).toBe(`pyo3_pure-0.4.0b1-cp${ver}-cp${ver}-linux_x86_64.whl`);
    twineCheck(w?.path as string);
    const venv = makeVenv(python, join(freshDir("pip-venv"), "v"), true);
    execFileSync(venv, ["-m", "pip", "install", "--no-index", w?.path as string], { env: testEnv(), stdio: "pipe" });
    expect(py(venv, CALL)).toBe("42 hello, wheel");
    expect(py(venv, "import importlib.metadata as m; print(m.version('pyo3-pure'))")).toBe("0.4.0b1");
  });

  it.skipIf(!pypy())("PyPy: pp39-pypy39_pp73 with PyPy's own EXT_SUFFIX", () => {
    const [w] = buildFixture("pyo3-pure", ["-i", pypy() as string, "-o", freshDir("pure-pypy")]);
    expect(w?.fileName).toBe("pyo3_pure-0.4.0b1-pp39-pypy39_pp73-linux_x86_64.whl");
    expect(wheelNames(SYSTEM_PYTHON, w?.path as string)[1]).toBe("pyo3_pure/pyo3_pure.pypy39-pp73-x86_64-linux-gnu.so");
    twineCheck(w?.path as string);
    expect(installAndCall(pypy() as string, w?.path as string)).toBe("42 hello, wheel");
  });
});
