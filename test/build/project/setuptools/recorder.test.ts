/** The setup.py recorder, run by a real CPython (no setuptools needed: the stand-ins take its place). */
import { describe, expect, it } from "vitest";
import { parseRecording, recordSetup, recorderEnv } from "../../../../src/build/project/setuptools/recorder.js";
import { cpython } from "../../../helpers/env.js";
import { writeTree } from "../../../helpers/tree.js";

const PY = cpython("3.11") as string;
const OLD = cpython("3.7");

describe("recordSetup", () => {
  it("records setup()'s keywords: find_packages evaluated, RustExtension/RustBin with their arguments, enums by name", () => {
    const d = writeTree("rec-basic", {
      "setup.py":
        "import os\nfrom setuptools import setup, find_packages, find_namespace_packages\nfrom setuptools_rust import Binding, RustBin, RustExtension, Strip\n" +
        "assert 'SECRET' not in os.environ\n" +
        "setup(name='demo', version='1.0', packages=find_packages(where='python'), ns=find_namespace_packages(where='python'), package_dir={'': 'python'},\n" +
        "      rust_extensions=[RustExtension('demo._lib', 'rust/Cargo.toml', binding=Binding.NoBinding, strip=Strip.All, features=('a',)),\n" +
        "                       RustBin('demo-tool', path='rust/Cargo.toml')])\n" +
        "raise SystemExit('never reached: setup() ends the recording')\n",
      "python/demo/__init__.py": "",
      "python/demo/data/x.txt": "",
      "python/demo/sub/__init__.py": "",
    });
    const r = recordSetup(d, PY, { ...process.env, SECRET: "1" });
    expect(r.setupPy).toBe(true);
    expect(r.setup.packages).toEqual(["demo", "demo.sub"]);
    expect((r.setup.ns as string[]).sort()).toEqual(["demo", "demo.data", "demo.sub"]);
    const [ext, bin] = r.setup.rust_extensions as Array<Record<string, unknown>>;
    expect(ext).toMatchObject({ __class__: "RustExtension", target: "demo._lib", path: "rust/Cargo.toml", binding: "NoBinding", strip: "All", features: ["a"] });
    expect(bin).toMatchObject({ __class__: "RustBin", target: "demo-tool", binding: "Exec" });
  });

  it("setup.cfg's [metadata] and [options] under setup.py's keywords; [bdist_wheel] kept; setup.cfg alone works too", () => {
    const d = writeTree("rec-cfg", {
      "setup.cfg":
        "[metadata]\nname = from-cfg\nversion = attr: pkg.__version__\ndescription = from cfg\nclassifiers =\n    A :: B\n    C :: D\n\n" +
        "[options]\npackages = find:\npackage_dir =\n    =src\ninstall_requires =\n    attrs\n    six\ninclude_package_data = true\n\n" +
        "[options.packages.find]\nwhere = src\n\n[options.extras_require]\ntest = pytest\n\n[options.entry_points]\nconsole_scripts =\n    hi = pkg:main\n\n" +
        "[bdist_wheel]\npy_limited_api = cp38\n",
      "src/pkg/__init__.py": "__version__ = '2.5'\n",
    });
    const r = recordSetup(d, PY);
    expect(r.setupPy).toBe(false);
    expect(r.setup).toMatchObject({
      name: "from-cfg",
      version: "2.5",
      classifiers: ["A :: B", "C :: D"],
      packages: ["pkg"],
      package_dir: { "": "src" },
      install_requires: ["attrs", "six"],
      include_package_data: true,
      extras_require: { test: ["pytest"] },
      entry_points: { console_scripts: ["hi = pkg:main"] },
    });
    expect(r.cfg.bdist_wheel).toEqual({ py_limited_api: "cp38" });
    const both = writeTree("rec-both", { "setup.cfg": "[metadata]\nname = cfg-name\nversion = 1\n", "setup.py": "from setuptools import setup\nsetup(version='9')\n" });
    expect(recordSetup(both, PY).setup).toMatchObject({ name: "cfg-name", version: "9" });
  });

  it("what setup.py takes from setuptools beyond setup() is recorded as an object, for the caller to refuse", () => {
    const d = writeTree("rec-cmd", {
      "setup.py": "from setuptools import setup, Extension\nfrom setuptools.command.build_ext import build_ext\nclass B(build_ext):\n    pass\nsetup(name='x', cmdclass={'build_ext': B}, ext_modules=[Extension('c', ['c.c'])])\n",
    });
    const r = recordSetup(d, PY);
    expect(r.setup.cmdclass).toEqual({ build_ext: { __class__: "class", name: "__main__.B" } });
    expect(r.setup.ext_modules).toEqual([{ __class__: "Extension", name: "c" }]);
  });

  it.skipIf(!OLD)("runs on an old CPython too (3.7)", () => {
    const d = writeTree("rec-old", { "setup.py": "from setuptools import setup\nsetup(name='old', version='1')\n" });
    expect(recordSetup(d, OLD as string).setup).toEqual({ name: "old", version: "1" });
  });

  it.each([
    ["raise RuntimeError('boom')\n", "60", "setup.py failed before calling setup(): RuntimeError: boom"],
    ["x = 1\n", "60", "setup.py ran to its end without calling setup()"],
    ["import time\ntime.sleep(30)\n", "1", "setup.py did not call setup() within 1 s"],
  ])("a setup.py that %j (time limit %s s): one line naming it", (code, seconds, message) => {
    const d = writeTree("rec-bad", { "setup.py": code });
    expect(() => recordSetup(d, PY, { ...process.env, PYTS_BUILD_SETUP_PY_TIMEOUT: seconds })).toThrow(message);
  });

  it("a missing interpreter and a bad time limit are named", () => {
    const d = writeTree("rec-nopy", { "setup.py": "" });
    expect(() => recordSetup(d, "/nonexistent/python3")).toThrow("cannot run /nonexistent/python3");
    expect(() => recordSetup(d, PY, { PYTS_BUILD_SETUP_PY_TIMEOUT: "soon" })).toThrow('PYTS_BUILD_SETUP_PY_TIMEOUT="soon"');
  });

  it("the environment setup.py sees: PATH, HOME, locale, temp folders; nothing else", () => {
    expect(recorderEnv({ PATH: "/bin", HOME: "/h", CARGO_HOME: "/c", PYTHONPATH: "/x", AWS_SECRET_ACCESS_KEY: "k" })).toEqual({ PATH: "/bin", HOME: "/h", PYTHONDONTWRITEBYTECODE: "1", PYTHONIOENCODING: "utf-8" });
  });

  it("Windows (simulated: a copy of its environment, as Windows spells the names): SystemRoot and Path reach setup.py", () => {
    // Windows' Python stops at start-up without SYSTEMROOT; a copied env is case-sensitive, Windows is not
    const env = { Path: "C:\\Python312;C:\\Windows", SystemRoot: "C:\\Windows", windir: "C:\\Windows", ComSpec: "C:\\Windows\\system32\\cmd.exe", USERPROFILE: "C:\\Users\\me", CARGO_HOME: "C:\\c" };
    expect(recorderEnv(env, "win32")).toEqual({
      PATH: "C:\\Python312;C:\\Windows",
      SYSTEMROOT: "C:\\Windows",
      WINDIR: "C:\\Windows",
      COMSPEC: "C:\\Windows\\system32\\cmd.exe",
      USERPROFILE: "C:\\Users\\me",
      PYTHONDONTWRITEBYTECODE: "1",
      PYTHONIOENCODING: "utf-8",
    });
    expect(recorderEnv(env, "linux").SYSTEMROOT).toBeUndefined(); // names are exact elsewhere
  });

  it("parseRecording refuses what is not a recording", () => {
    expect(() => parseRecording("not json", "/p/setup.py")).toThrow("could not be recorded");
    expect(() => parseRecording("[]", "/p/setup.py")).toThrow("could not be recorded");
  });
});
