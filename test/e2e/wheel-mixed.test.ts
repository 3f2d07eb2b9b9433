/**
 * A mixed Rust/Python project: python-source, module-name = "pkg._native",
 * console/gui scripts, an entry point group, a .data folder, include/exclude,
 * license files; installed with the real installer and run.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cpython, freshDir, installWheel, makeVenv, py, SYSTEM_PYTHON, testEnv, twineCheck } from "../helpers/env.js";
import { buildFixture, wheelNames, wheelText } from "./wheel-helpers.js";

const py311 = cpython("3.11") ?? SYSTEM_PYTHON;
const DIST = "pyo3_mixed-2.1.0";

describe("pyo3-mixed wheel", () => {
  const out = freshDir("mixed");
  let wheel = "";

  it("lays out the Python package with the extension inside it", () => {
    const [w] = buildFixture("pyo3-mixed", ["-i", py311, "-o", out]);
    wheel = w?.path as string;
    expect(w?.fileName).toBe(`${DIST}-cp311-cp311-linux_x86_64.whl`);
    expect(wheelNames(SYSTEM_PYTHON, wheel)).toEqual([
      "extra/notes.txt",
      `${DIST}.data/data/share/pyo3-mixed/info.txt`,
      `${DIST}.data/scripts/mixed-tool`,
      "pyo3_mixed/__init__.py",
      "pyo3_mixed/_native.cpython-311-x86_64-linux-gnu.so",
      "pyo3_mixed/_native.pyi",
      "pyo3_mixed/cli.py",
      "pyo3_mixed/py.typed",
      `${DIST}.dist-info/METADATA`,
      `${DIST}.dist-info/WHEEL`,
      `${DIST}.dist-info/entry_points.txt`,
      `${DIST}.dist-info/licenses/LICENSE.txt`,
      `${DIST}.dist-info/sboms/pyo3-mixed.cyclonedx.json`,
      `${DIST}.dist-info/RECORD`,
    ]); // scratch.tmp is excluded
    expect(wheelText(SYSTEM_PYTHON, wheel, `${DIST}.dist-info/entry_points.txt`)).toBe(
      "[console_scripts]\nmixed-hello = pyo3_mixed.cli:main\n\n[gui_scripts]\nmixed-gui = pyo3_mixed.cli:main\n\n[pyo3_mixed.plugins]\ndouble = pyo3_mixed:double\n",
    );
    const md = wheelText(SYSTEM_PYTHON, wheel, `${DIST}.dist-info/METADATA`);
    expect(md).toContain("Version: 2.1.0\n"); // dynamic: from Cargo.toml
    expect(md).toContain("Description-Content-Type: text/x-rst; charset=UTF-8\n");
    expect(md).toContain('Requires-Dist: pytest>=7; extra == "test"\n');
    expect(md).toContain("Provides-Extra: test\n");
    expect(md).toContain("License-File: LICENSE.txt\n");
    twineCheck(wheel);
  });

  it("installs: the package imports, scripts run, entry points and data files are in place", () => {
    const venvDir = join(freshDir("mixed-venv"), "v");
    const venv = makeVenv(py311, venvDir);
    installWheel(venv, wheel);
    expect(py(venv, "import pyo3_mixed; print(pyo3_mixed.quadruple(5), pyo3_mixed._native.double(4))")).toBe("20 8");
    const hello = join(venvDir, "bin", "mixed-hello");
    expect(execFileSync(hello, ["3"], { env: testEnv(), encoding: "utf8" })).toBe("mixed says 12\n");
    expect(existsSync(join(venvDir, "bin", "mixed-gui"))).toBe(true);
    // a .data script: shipped 0644 in the source tree, executable once installed
    const tool = join(venvDir, "bin", "mixed-tool");
    expect(statSync(tool).mode & 0o111).not.toBe(0);
    expect(execFileSync(tool, { encoding: "utf8" })).toBe("mixed tool ran\n");
    expect(readFileSync(join(venvDir, "share/pyo3-mixed/info.txt"), "utf8")).toBe("data shipped in .data/data\n");
    const eps = py(venv, "import importlib.metadata as m; print([(e.name, e.value) for e in m.entry_points(group='pyo3_mixed.plugins')])");
    expect(eps).toBe("[('double', 'pyo3_mixed:double')]");
    expect(py(venv, "import pyo3_mixed, importlib.metadata as m; print(pyo3_mixed.__file__.endswith('__init__.py'), m.version('pyo3-mixed'))")).toBe("True 2.1.0");
  });

  it("--strip ships a stripped copy that still imports", () => {
    const [w] = buildFixture("pyo3-mixed", ["-i", py311, "-o", freshDir("mixed-strip"), "--strip"]);
    const so = "pyo3_mixed/_native.cpython-311-x86_64-linux-gnu.so";
    const size = (whl: string) => Number(py(SYSTEM_PYTHON, `import zipfile; print(zipfile.ZipFile(${JSON.stringify(whl)}).getinfo(${JSON.stringify(so)}).file_size)`));
    expect(size(w?.path as string)).toBeLessThan(size(wheel));
    const venv = makeVenv(py311, join(freshDir("strip-venv"), "v"));
    installWheel(venv, w?.path as string);
    expect(py(venv, "import pyo3_mixed; print(pyo3_mixed.quadruple(1))")).toBe("4");
    // the symbol table is gone (readelf lists no .symtab)
    const installed = py(venv, "import pyo3_mixed._native as n; print(n.__file__)");
    expect(execFileSync("readelf", ["-S", installed], { encoding: "utf8" })).not.toContain(".symtab");
  });
});
