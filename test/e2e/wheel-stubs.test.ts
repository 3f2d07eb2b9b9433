/**
 * --generate-stubs end to end on test/fixtures/stubs-demo: a dependency-free
 * extension that carries pyo3 0.29's introspection data written by hand (no
 * pyo3 0.29 here). The stubs are the text pyo3-introspection renders for that
 * data, in maturin's places for the pure, mixed and python-source layouts; the
 * wheels install with pip and import; every stub parses with Python's ast and
 * names every public name the module exports. Also: develop, the PEP 517 hook
 * with `generate-stubs = true`, the generate-stubs command, the errors, and a
 * no-op rebuild that is still replayed with stubs on.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runHook } from "../../src/build/backend/pep517.js";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, makeVenv, ROOT, SYSTEM_PYTHON, testEnv } from "../helpers/env.js";
import { dateBack } from "../helpers/ffi-min.js";
import { expectUserError, runPy, wheelNames, wheelText } from "./wheel-helpers.js";

const python = cpython("3.11") ?? SYSTEM_PYTHON;
const EXT = ".cpython-311-x86_64-linux-gnu.so";

// What pyo3-introspection 0.29 renders for the fixture's data (pyo3-introspection/src/stubs.rs): docstring,
// imports, then attributes, classes, functions, each sorted by name; blank lines only around multi-line
// elements; a property's getter before its setter; the class named by its id is local (`Counter`).
const ROOT_STUB = `"""
A module described by hand-written pyo3 introspection data.
"""

from typing import Final, final
ANSWER: Final = 42
VERSION: Final = "1.0"

@final
class Counter:
    """
    Counts.
    """
    LIMIT: Final[int]
    def __new__(cls, /, start: int = 0) -> Counter: ...
    def incr(self, /, by: int = 1) -> None: ...
    @property
    def value(self, /) -> int:
        """
        The current value.
        """
    @value.setter
    def value(self, /, value: int) -> None: ...

def add(a: int, b: int = 1) -> int:
    """
    Adds.
    """

def greet(name: str, /, *, punct: str = "!") -> str: ...
`;
// the submodule: its class reference is the parent module's, imported relatively
const SUB_STUB = "from . import Counter\ndef double(x: int) -> int: ...\ndef make() -> Counter: ...\n";

const PYPROJECT = (name: string, tool = "") => `[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "${name}"\nversion = "0.1.0"\n${tool}`;

/** A copy of the fixture with its own pyproject.toml and extra files; cargo's target folder beside it. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(freshDir(`stubs-${name}`), "project");
  cpSync(join(ROOT, "test/fixtures/stubs-demo"), dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** The .dist-info members of a wheel, in the writer's order (the crate's SBOM, PEP 770, before RECORD). */
const distInfo = (dist: string) => ["METADATA", "WHEEL", "sboms/stubs-demo.cyclonedx.json", "RECORD"].map((f) => `${dist}-0.1.0.dist-info/${f}`);
const targetOf = (dir: string) => join(dir, "../target");
const cli = (args: string[], cwd: string, env: Record<string, string> = {}) => runCli(args, { cwd, env: { CARGO_TARGET_DIR: targetOf(cwd), ...env } });
const wheelOf = (args: string[], cwd: string, env: Record<string, string> = {}) => {
  const r = cli(["wheel", "-i", python, "--compatibility", "linux", "--json", ...args], cwd, env);
  if (r.code !== 0) throw new Error(r.stderr);
  return { wheel: (JSON.parse(r.stdout) as Array<{ path: string }>)[0]!.path, stderr: r.stderr };
};

/**
 * In `venv`: import `module`, then check the stubs at `stub` (a `.pyi` file or a folder with
 * `__init__.pyi`): every .pyi parses with ast, every public name of the module (and of its classes)
 * is defined in its stub, a submodule has a stub of its own. Prints what is missing.
 */
const CHECK = String.raw`
import ast, importlib, inspect, os, sys, types
module, stub = importlib.import_module(sys.argv[1]), sys.argv[2]
for root, _, files in os.walk(stub if os.path.isdir(stub) else os.path.dirname(stub)):
    for f in files:
        if f.endswith(".pyi"):
            ast.parse(open(os.path.join(root, f)).read(), f)
def defined(body):
    names = {}
    for node in body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign):
            names[node.target.id] = node
    return names
missing = []
def check(mod, path):
    file = os.path.join(path, "__init__.pyi") if os.path.isdir(path) else path
    names = defined(ast.parse(open(file).read()).body)
    for n in (x for x in dir(mod) if not x.startswith("_")):
        value = getattr(mod, n)
        if isinstance(value, types.ModuleType):
            sub = [p for p in (os.path.join(path, n + ".pyi"), os.path.join(path, n)) if os.path.isdir(path) and os.path.exists(p)]
            if sub: check(value, sub[0])
            else: missing.append(mod.__name__ + "." + n)
        elif n not in names:
            missing.append(mod.__name__ + "." + n)
        elif inspect.isclass(value):
            members = defined(names[n].body)
            missing.extend(value.__name__ + "." + m for m in vars(value) if not m.startswith("_") and m not in members)
check(module, stub)
print("missing:", sorted(missing))
`;

describe("--generate-stubs", () => {
  let venv = "";
  let site = "";
  beforeAll(() => {
    venv = makeVenv(python, join(freshDir("stubs-venv"), "v"), true);
    site = runPy(venv, "import sysconfig; print(sysconfig.get_paths()['platlib'])").trim();
  });
  const pip = (...args: string[]) => execFileSync(venv, ["-m", "pip", "--disable-pip-version-check", ...args], { env: testEnv({ PIP_CONFIG_FILE: "/dev/null" }), encoding: "utf8", stdio: "pipe" });
  const checkInstalled = (module: string, stub: string) => expect(runPy(venv, CHECK, [module, join(site, stub)]).trim()).toBe("missing: []");

  it("pure Rust: <module>/__init__.pyi, <module>/<sub>.pyi and py.typed; a hand-written stub is set aside", () => {
    const dir = project("pure", { "pyproject.toml": PYPROJECT("stubs-pure"), "stubs_demo.pyi": "# hand-written\n" });
    const { wheel, stderr } = wheelOf(["--generate-stubs"], dir);
    expect(stderr).toContain("stubs_demo.pyi is not shipped: the stubs are generated from the library instead");
    expect(wheelNames(SYSTEM_PYTHON, wheel)).toEqual([
      "stubs_demo/__init__.py",
      "stubs_demo/__init__.pyi",
      "stubs_demo/py.typed",
      `stubs_demo/stubs_demo${EXT}`,
      "stubs_demo/sub.pyi",
      ...distInfo("stubs_pure"),
    ]);
    expect(wheelText(SYSTEM_PYTHON, wheel, "stubs_demo/__init__.pyi")).toBe(ROOT_STUB);
    expect(wheelText(SYSTEM_PYTHON, wheel, "stubs_demo/sub.pyi")).toBe(SUB_STUB);
    expect(wheelText(SYSTEM_PYTHON, wheel, "stubs_demo/py.typed")).toBe("");
    pip("install", "--no-index", "--no-deps", wheel);
    expect(runPy(venv, "import stubs_demo; print(stubs_demo.add(2, 3), stubs_demo.Counter.LIMIT)").trim()).toBe("5 10");
    // the stubs describe the extension (the package re-exports it, and also has it as the attribute stubs_demo)
    checkInstalled("stubs_demo.stubs_demo", "stubs_demo");
    pip("uninstall", "-y", "stubs-pure");
    // without the flag the hand-written stub is shipped, as before
    expect(wheelText(SYSTEM_PYTHON, wheelOf([], dir).wheel, "stubs_demo/__init__.pyi")).toBe("# hand-written\n");
  });

  it("python-source sub-folder, module-name pkg._native, --strip: pkg/_native.pyi beside the extension (one file); develop writes it into the sources", () => {
    const dir = project("src", {
      "pyproject.toml": PYPROJECT("stubs-src", '\n[tool.pyts-build]\nmodule-name = "pkg._native"\npython-source = "python"\nfeatures = ["native", "flat"]\n'),
      "python/pkg/__init__.py": "from ._native import add\n",
    });
    const { wheel } = wheelOf(["--generate-stubs", "--strip"], dir); // the stubs are read before the strip
    expect(wheelNames(SYSTEM_PYTHON, wheel)).toEqual([
      "pkg/__init__.py",
      `pkg/_native${EXT}`,
      "pkg/_native.pyi",
      ...distInfo("stubs_src"),
    ]);
    expect(wheelText(SYSTEM_PYTHON, wheel, "pkg/_native.pyi")).toBe(ROOT_STUB);
    pip("install", "--no-index", "--no-deps", wheel);
    checkInstalled("pkg._native", "pkg/_native.pyi");
    pip("uninstall", "-y", "stubs-src");

    // develop: the stub goes into the source tree with the extension (maturin's editable install)
    runCliOk(["develop", "--generate-stubs", "--venv", join(venv, "../..")], { cwd: dir, env: { CARGO_TARGET_DIR: targetOf(dir) } });
    expect(readFileSync(join(dir, "python/pkg/_native.pyi"), "utf8")).toBe(ROOT_STUB);
    checkInstalledAt(join(dir, "python"), "pkg._native", "pkg/_native.pyi");
    pip("uninstall", "-y", "stubs-src");
  });

  /** checkInstalled for an editable install, whose stubs are in the source tree */
  const checkInstalledAt = (base: string, module: string, stub: string) => expect(runPy(venv, CHECK, [module, join(base, stub)]).trim()).toBe("missing: []");

  it("mixed, package and module of the same name, built by the PEP 517 hook with generate-stubs = true: a stub folder beside the extension", async () => {
    const dir = project("mixed", {
      "pyproject.toml": PYPROJECT("stubs-mixed", "\n[tool.pyts-build]\ngenerate-stubs = true\n"),
      "stubs_demo/__init__.py": "from .stubs_demo import *\n",
    });
    const out = freshDir("stubs-hook-out");
    const name = await runHook("build_wheel", { out, cwd: dir, interpreter: python, env: testEnv({ CARGO_TARGET_DIR: targetOf(dir) }) });
    const wheel = join(out, name);
    expect(wheelNames(SYSTEM_PYTHON, wheel)).toEqual([
      "stubs_demo/__init__.py",
      `stubs_demo/stubs_demo${EXT}`,
      "stubs_demo/stubs_demo/__init__.pyi",
      "stubs_demo/stubs_demo/sub.pyi",
      ...distInfo("stubs_mixed"),
    ]);
    expect(wheelText(SYSTEM_PYTHON, wheel, "stubs_demo/stubs_demo/__init__.pyi")).toBe(ROOT_STUB);
    expect(wheelText(SYSTEM_PYTHON, wheel, "stubs_demo/stubs_demo/sub.pyi")).toBe(SUB_STUB);
    pip("install", "--no-index", "--no-deps", wheel);
    checkInstalled("stubs_demo.stubs_demo", "stubs_demo/stubs_demo");
    pip("uninstall", "-y", "stubs-mixed");

    // the generate-stubs command writes the same files into the source tree, or into -o
    const r = runCliOk(["generate-stubs", "-i", python], { cwd: dir, env: { CARGO_TARGET_DIR: targetOf(dir) } });
    expect(r.stdout.trim().split("\n")).toEqual([join(dir, "stubs_demo/stubs_demo/__init__.pyi"), join(dir, "stubs_demo/stubs_demo/sub.pyi")]);
    expect(readFileSync(join(dir, "stubs_demo/stubs_demo/sub.pyi"), "utf8")).toBe(SUB_STUB);
    const elsewhere = freshDir("stubs-out");
    runCliOk(["generate-stubs", "-i", python, "-o", elsewhere], { cwd: dir, env: { CARGO_TARGET_DIR: targetOf(dir) } });
    expect(readFileSync(join(elsewhere, "stubs_demo/__init__.pyi"), "utf8")).toBe(ROOT_STUB);
  });

  it("a library without introspection data: one line naming pyo3's experimental-inspect feature", () => {
    const dir = join(freshDir("stubs-none"), "project");
    cpSync(join(ROOT, "test/fixtures/ffi-min"), dir, { recursive: true });
    const r = cli(["wheel", "-i", python, "--generate-stubs"], dir);
    expectUserError(r, /libffi_min\.so has no pyo3 introspection data to generate stubs from: turn on pyo3's "experimental-inspect" feature/);
  });

  it("a cffi build has no introspection data: refused before compiling", () => {
    const dir = project("cffi", { "pyproject.toml": PYPROJECT("stubs-cffi", '\n[tool.pyts-build]\nbindings = "cffi"\n') });
    const r = cli(["wheel", "-i", python, "--generate-stubs"], dir);
    expectUserError(r, '--generate-stubs reads pyo3\'s introspection data, which a bindings = "cffi" build does not have');
    expect(existsSync(targetOf(dir))).toBe(false); // nothing compiled
  });

  it("a no-op rebuild with stubs on keeps the wheel and is replayed; a changed library changes the stubs", () => {
    const dir = project("noop", { "pyproject.toml": PYPROJECT("stubs-noop") });
    const log = join(dir, "..", "replay.log");
    const env = { PYTS_BUILD_REPLAY_LOG: log };
    const replays = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter((l) => l.startsWith("replayed")).length : 0);
    const first = wheelOf(["--generate-stubs"], dir, env).wheel;
    let replayed = false;
    for (let i = 0; i < 5 && !replayed; i++) {
      dateBack(dir);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100); // nothing younger than 2 s is recorded
      const before = replays();
      expect(wheelOf(["--generate-stubs"], dir, env).wheel).toBe(first);
      replayed = replays() > before;
    }
    expect(replayed).toBe(true);
    // the data changes with the code: the stubs follow
    const rs = join(dir, "src/introspection.rs");
    writeFileSync(rs, readFileSync(rs, "utf8").replace('"doc":"Adds."', '"doc":"Adds two numbers."'));
    expect(wheelText(SYSTEM_PYTHON, wheelOf(["--generate-stubs"], dir, env).wheel, "stubs_demo/__init__.pyi")).toContain("    Adds two numbers.\n");
  });
});
