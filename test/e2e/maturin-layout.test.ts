/**
 * Projects laid out for maturin (test/fixtures/maturin/*) built with
 * `pyts-build wheel`, installed and run. The expected file lists are maturin
 * 1.15's for the same projects: verified by building each fixture with
 * `maturin build` (configuration moved to [tool.maturin]; the pure-Rust one
 * through pyo3, since maturin wants a pyo3 dependency for bindings = "pyo3"),
 * which gave these lists plus its `sboms/*.cyclonedx.json` (pyts-build writes
 * one too). The generated `__init__.py` and `ffi.py` were byte-identical.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type BuiltWheel, buildWheels } from "../../src/build/build-wheel.js";
import { editableLayout } from "../../src/build/backend/editable.js";
import { runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, installWheel, makeVenv, py, SYSTEM_PYTHON, testEnv, twineCheck, WORK } from "../helpers/env.js";
import { fixture, wheelNames, wheelText } from "./wheel-helpers.js";

const py311 = cpython("3.11") ?? SYSTEM_PYTHON;
/** Debian's python3 carries cffi (python3-cffi), which the build runs and the installed package imports. */
const DEBIAN_SITE = { PYTHONPATH: "/usr/lib/python3/dist-packages" };
const TARGET = join(WORK, "cargo-target-maturin-layout");

/** Build a fixture; its one wheel must have this name and, besides METADATA/WHEEL/RECORD and the SBOM, exactly these files (maturin's). */
function build(name: string, python: string, fileName: string, files: string[]): BuiltWheel {
  const r = runCliOk(["wheel", "-m", join(fixture(`maturin/${name}`), "Cargo.toml"), "-i", python, "-o", freshDir(`maturin-${name}`), "--json", "--compatibility", "linux"], {
    env: { CARGO_TARGET_DIR: TARGET },
  });
  const wheels = JSON.parse(r.stdout) as BuiltWheel[];
  expect(wheels.map((w) => w.fileName)).toEqual([fileName]);
  const [dist, version] = fileName.split("-") as [string, string];
  const info = ["METADATA", "WHEEL", "RECORD"].map((f) => `${dist}-${version}.dist-info/${f}`);
  const names = wheelNames(SYSTEM_PYTHON, (wheels[0] as BuiltWheel).path);
  expect(names.filter((n) => !n.includes(".dist-info/sboms/"))).toEqual([...files, ...info]);
  // and, as maturin 1.15, the crate's SBOM (PEP 770)
  expect(names.filter((n) => n.includes(".dist-info/sboms/"))).toEqual([expect.stringMatching(new RegExp(`^${dist}-${version}\\.dist-info/sboms/[\\w-]+\\.cyclonedx\\.json$`))]);
  return wheels[0] as BuiltWheel;
}

function installed(python: string, wheel: string): string {
  const venv = makeVenv(python, join(freshDir("maturin-venv"), "v"));
  installWheel(venv, wheel);
  return venv;
}

describe("maturin layouts", () => {
  it("pure Rust: the module wrapped in a package, its stub as __init__.pyi + py.typed", () => {
    const w = build("pure-rust", py311, "maturin_pure-0.5.0-cp311-cp311-linux_x86_64.whl", [
      "ffi_min/__init__.py",
      "ffi_min/__init__.pyi",
      "ffi_min/ffi_min.cpython-311-x86_64-linux-gnu.so",
      "ffi_min/py.typed",
    ]);
    twineCheck(w.path);
    const venv = installed(py311, w.path);
    expect(py(venv, "import ffi_min; print(ffi_min.answer(), ffi_min.__name__, ffi_min.ffi_min.__name__)")).toBe("42 ffi_min ffi_min.ffi_min");
  });

  it("bin: the program in .data/scripts, the Python package and the data folder beside it (py3-none)", () => {
    const w = build("bin", py311, "maturin_bin-0.2.0-py3-none-linux_x86_64.whl", [
      "maturin_bin-0.2.0.data/headers/maturin_bin.h",
      "maturin_bin-0.2.0.data/scripts/maturin-bin",
      "maturin_bin/__init__.py",
    ]);
    const venv = installed(py311, w.path);
    const venvDir = join(venv, "../..");
    expect(execFileSync(join(venvDir, "bin/maturin-bin"), ["pip"], { encoding: "utf8" })).toBe("maturin-bin says hello to pip\n");
    expect(py(venv, "import maturin_bin; print(maturin_bin.program())", { PATH: `${join(venvDir, "bin")}:/usr/bin:/bin` })).toBe(join(venvDir, "bin/maturin-bin"));
    // headers go to the environment's include folder (installer: include/python3.X/<dist>/, pip: include/site/python3.X/<dist>/)
    const headers = ["include", "include/site"].map((d) => join(venvDir, d, `python${py(venv, "import sys; print('%d.%d' % sys.version_info[:2])")}`, "maturin_bin/maturin_bin.h"));
    expect(headers.some((h) => existsSync(h))).toBe(true);
  });

  it("cffi, pure: loader, ffi.py and the library in one package, tagged py3-none; callable through cffi", () => {
    const w = build("cffi-pure", SYSTEM_PYTHON, "cffi_pure-0.3.0-py3-none-linux_x86_64.whl", [
      "cffi_pure/__init__.py",
      "cffi_pure/__init__.pyi",
      "cffi_pure/ffi.py",
      "cffi_pure/libcffi_pure.so",
      "cffi_pure/py.typed",
    ]);
    expect(wheelText(SYSTEM_PYTHON, w.path, "cffi_pure-0.3.0.dist-info/WHEEL")).toContain("Tag: py3-none-linux_x86_64\n");
    expect(wheelText(SYSTEM_PYTHON, w.path, "cffi_pure/ffi.py")).toContain("point_norm2");
    twineCheck(w.path);
    const venv = installed(SYSTEM_PYTHON, w.path);
    const code = "import cffi_pure as c; p = c.ffi.new('Point *', {'x': 3.0, 'y': 4.0}); print(c.lib.cffi_add(40, 2), c.lib.point_norm2(p[0]))";
    expect(py(venv, code, DEBIAN_SITE)).toBe("42 25.0");
  });

  it("cffi, mixed: the library's package inside the Python package", () => {
    const w = build("cffi-mixed", SYSTEM_PYTHON, "cffi_mixed-0.3.0-py3-none-linux_x86_64.whl", [
      "cffi_mixed/__init__.py",
      "cffi_mixed/_native/__init__.py",
      "cffi_mixed/_native/ffi.py",
      "cffi_mixed/_native/lib_native.so",
    ]);
    expect(wheelText(SYSTEM_PYTHON, w.path, "cffi_mixed-0.3.0.dist-info/METADATA")).toContain("Requires-Dist: cffi\n");
    const venv = installed(SYSTEM_PYTHON, w.path);
    expect(py(venv, "import cffi_mixed as c; print(c.add(2, 3), c.norm2(6.0, 8.0))", DEBIAN_SITE)).toBe("5 100.0");
  });

  it("cffi, mixed, editable (develop's layout): the generated package goes into the sources, the wheel holds a .pth", async () => {
    const root = freshDir("cffi-editable");
    for (const name of ["cffi-pure", "cffi-mixed"]) cpSync(fixture(`maturin/${name}`), join(root, name), { recursive: true }); // cffi-mixed uses cffi-pure's source
    const d = join(root, "cffi-mixed");
    const out = join(root, "out");
    const [w] = await buildWheels({ cwd: d, env: testEnv({ CARGO_TARGET_DIR: TARGET }), interpreters: [SYSTEM_PYTHON], out, layout: editableLayout });
    expect(readdirSync(join(d, "python/cffi_mixed/_native")).sort()).toEqual(["__init__.py", "ffi.py", "lib_native.so"]);
    expect(wheelNames(SYSTEM_PYTHON, w?.path as string).filter((n) => !n.includes(".dist-info/"))).toEqual(["cffi_mixed_editable.pth"]);
    const venv = installed(SYSTEM_PYTHON, w?.path as string);
    expect(py(venv, "import cffi_mixed as c; print(c.add(20, 22), c.__file__)", DEBIAN_SITE)).toBe(`42 ${join(d, "python/cffi_mixed/__init__.py")}`);
  });
});
