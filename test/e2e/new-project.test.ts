/**
 * `pyts-build new` and `init` end to end: each generated project builds with
 * `pyts-build wheel` offline (pyo3 as cargo resolves it from the test's crate
 * source), installs, imports, and its own generated test passes, both under
 * `python -m unittest` (pytest runs unittest cases too; it is not installed
 * here) and as a plain script.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, installWheel, SYSTEM_PYTHON, testEnv, WORK } from "../helpers/env.js";
import { PYO3_TARGET, wheelNames } from "./wheel-helpers.js";

const py311 = cpython("3.11") ?? SYSTEM_PYTHON;
// the dependency-free crates (bin, cffi) share one target dir; pyo3 ones share the suite's pyo3 build
const PLAIN_TARGET = join(WORK, "cargo-target-new");

function checkPassed(r: ReturnType<typeof spawnSync>, what: string): string {
  const err = String(r.stderr);
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${err}`);
  return err;
}

/** Build the project's wheel, install it into a fresh venv, run the generated tests with it. */
function buildInstallTest(dir: string, opts: { target?: string; python?: string; systemSite?: boolean } = {}): { wheel: BuiltWheel; names: string[]; log: string } {
  const python = opts.python ?? py311;
  const r = runCliOk(["wheel", "-i", python, "-o", "out", "--json", "--compatibility", "linux"], { cwd: dir, env: { CARGO_TARGET_DIR: opts.target ?? PYO3_TARGET } });
  const [wheel] = JSON.parse(r.stdout) as BuiltWheel[];
  const venv = join(dir, ".venv");
  execFileSync(python, ["-m", "venv", "--without-pip", ...(opts.systemSite ? ["--system-site-packages"] : []), venv], { env: testEnv(), stdio: "pipe" });
  const vpy = join(venv, "bin/python");
  installWheel(vpy, wheel?.path as string);
  const env = testEnv();
  const log = checkPassed(spawnSync(vpy, ["-m", "unittest", "discover", "-v", "-s", "tests"], { cwd: dir, env, encoding: "utf8" }), "python -m unittest");
  for (const t of readdirSync(join(dir, "tests")).filter((f) => f.endsWith(".py"))) {
    checkPassed(spawnSync(vpy, [join("tests", t)], { cwd: dir, env, encoding: "utf8" }), `python tests/${t}`);
  }
  return { wheel: wheel as BuiltWheel, names: wheelNames(SYSTEM_PYTHON, wheel?.path as string), log };
}

const files = (dir: string, sub = ""): string[] =>
  readdirSync(join(dir, sub), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(dir, join(sub, e.name)) : [join(sub, e.name)]))
    .sort();

describe("pyts-build new", () => {
  it("pyo3 (default): the pyo3 cargo resolves, a module that imports, a passing generated test", () => {
    const root = freshDir("new-pyo3");
    const r = runCliOk(["new", "demo-proj"], { cwd: root });
    expect(r.stderr).toContain("pyo3 0.17.3"); // what the offline crate source has
    const dir = join(root, "demo-proj");
    expect(files(dir)).toEqual([".gitignore", "Cargo.toml", "README.md", "demo_proj.pyi", "pyproject.toml", "src/lib.rs", "tests/test_demo_proj.py"]);
    expect(readFileSync(join(dir, "Cargo.toml"), "utf8")).toContain('pyo3 = { version = "0.17.3", features = ["extension-module"] }');
    expect(readFileSync(join(dir, "src/lib.rs"), "utf8")).toContain("m: &PyModule"); // the pre-0.21 API
    const { wheel, names, log } = buildInstallTest(dir);
    expect(wheel.fileName).toBe("demo_proj-0.1.0-cp311-cp311-linux_x86_64.whl");
    expect(names).toContain("demo_proj/__init__.pyi");
    expect(log).toMatch(/test_add .* ok/);
  });

  it("--mixed: python/<pkg> around the extension <pkg>._<pkg>, with its stub", () => {
    const root = freshDir("new-mixed");
    runCliOk(["new", "mixed-proj", "--mixed"], { cwd: root });
    const dir = join(root, "mixed-proj");
    expect(files(dir)).toContain("python/mixed_proj/__init__.py");
    const { names, log } = buildInstallTest(dir);
    expect(names.filter((n) => !n.includes(".dist-info/")).map((n) => n.replace(/\.cpython-311-.*\.so$/, ".so")).sort()).toEqual([
      "mixed_proj/__init__.py",
      "mixed_proj/_mixed_proj.pyi",
      "mixed_proj/_mixed_proj.so",
      "mixed_proj/py.typed",
    ]);
    expect(log).toMatch(/Ran 1 test/);
  });

  it("--bindings bin: the program installed as a command, run by the generated test", () => {
    const root = freshDir("new-bin");
    runCliOk(["new", "my-tool", "--bindings", "bin"], { cwd: root });
    const dir = join(root, "my-tool");
    expect(files(dir)).toEqual([".gitignore", "Cargo.toml", "README.md", "pyproject.toml", "src/main.rs", "tests/test_my_tool.py"]);
    const { wheel, names } = buildInstallTest(dir, { target: PLAIN_TARGET });
    expect(wheel.fileName).toBe("my_tool-0.1.0-py3-none-linux_x86_64.whl");
    expect(names).toContain("my_tool-0.1.0.data/scripts/my-tool");
  });

  it("--bindings cffi: a C-ABI cdylib exporting the function cbindgen/cffi will see", () => {
    const root = freshDir("new-cffi");
    for (const [name, mixed] of [
      ["cffi-demo", false],
      ["cffi-mixed", true],
    ] as const) {
      runCliOk(["new", name, "--bindings", "cffi", ...(mixed ? ["--mixed"] : [])], { cwd: root });
      const dir = join(root, name);
      const pkg = name.replace("-", "_");
      expect(readFileSync(join(dir, "pyproject.toml"), "utf8")).toContain('bindings = "cffi"');
      expect(readFileSync(join(dir, `tests/test_${pkg}.py`), "utf8")).toContain(`${pkg}.lib.add(2, 3)`);
      if (mixed) expect(readFileSync(join(dir, `python/${pkg}/__init__.py`), "utf8")).toContain(`from ._${pkg} import ffi, lib`);
      // the crate itself builds and exports the C function cbindgen/cffi will see
      execFileSync("cargo", ["build", "--quiet", "--manifest-path", join(dir, "Cargo.toml")], { env: testEnv({ CARGO_TARGET_DIR: PLAIN_TARGET }), stdio: "pipe" });
      const so = join(PLAIN_TARGET, "debug", `lib${pkg}.so`);
      expect(execFileSync("nm", ["-D", "--defined-only", so], { encoding: "utf8" })).toMatch(/ T add$/m);
    }
  });

  it.each([
    ["cffi-full", false],
    ["cffi-full-mixed", true],
  ] as const)("--bindings cffi (%s): builds, installs and passes its test", (name, mixed) => {
    const root = freshDir(`new-${name}`);
    runCliOk(["new", name, "--bindings", "cffi", ...(mixed ? ["--mixed"] : [])], { cwd: root });
    // Debian's python3-cffi serves the system Python; the venv sees it through system site-packages
    const { wheel, names } = buildInstallTest(join(root, name), { target: PLAIN_TARGET, python: SYSTEM_PYTHON, systemSite: true });
    const pkg = name.replaceAll("-", "_");
    expect(wheel.fileName).toBe(`${pkg}-0.1.0-py3-none-linux_x86_64.whl`);
    expect(names).toContain(mixed ? `${pkg}/_${pkg}/ffi.py` : `${pkg}/ffi.py`);
  });

  it("refuses a non-empty folder, a name that is no project name or no Python module or a standard library module's, bin with --mixed, and leaves nothing behind", () => {
    const root = freshDir("new-errors");
    mkdirSync(join(root, "taken"));
    writeFileSync(join(root, "taken/notes.txt"), "x");
    let r = runCli(["new", "taken"], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*taken already exists and is not empty\n  hint: .*pyts-build init/);
    r = runCli(["new", "9lives", "--pyo3-version", "0.17.3"], { cwd: root });
    expect(r.stderr).toBe(`error: the folder name "9lives" gives the module name "9lives", which is not a Python identifier\n  hint: choose the project name with --name (it must start with a letter)\n`);
    r = runCli(["new", "9lives", "--name", "my project"], { cwd: root });
    expect(r.stderr).toBe(`error: --name "my project" is not a valid project name\n  hint: use ASCII letters, digits, '-', '_' and '.', starting and ending with a letter or digit (PEP 508); choose another with --name\n`);
    r = runCli(["new", "my project", "--pyo3-version", "0.17.3"], { cwd: root });
    expect(r.stderr).toBe(`error: the folder name "my project" is not a valid project name\n  hint: use ASCII letters, digits, '-', '_' and '.', starting and ending with a letter or digit (PEP 508); choose the project name with --name\n`);
    // a module the standard library has would be shadowed by Python's own (its generated test would fail)
    for (const [name, extra] of [["sys", []], ["test", ["--bindings", "cffi"]], ["json", ["--mixed"]]] as const) {
      r = runCli(["new", name, "--pyo3-version", "0.17.3", ...extra], { cwd: root });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`error: the folder name "${name}" gives the module name "${name}", which the standard library already has: \`import ${name}\` would find Python's own\n  hint: choose the project name with --name, e.g. ${name}_rs\n`);
    }
    // a program has no module to shadow
    expect(runCli(["new", "sys", "--bindings", "bin"], { cwd: root }).code).toBe(0);
    r = runCli(["new", "x", "--bindings", "bin", "--mixed"], { cwd: root });
    expect(r.stderr).toContain("error: --mixed with --bindings bin is not supported");
    r = runCli(["new", "y", "--bindings", "uniffi"], { cwd: root });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/argument 'uniffi' is invalid/);
    expect(readdirSync(root).sort()).toEqual(["sys", "taken"]);
  });

  it("a crate source without pyo3: a one-line error naming the way out", () => {
    const root = freshDir("new-nopyo3");
    const home = join(root, "cargo-home");
    mkdirSync(join(root, "empty-registry"), { recursive: true });
    mkdirSync(home);
    writeFileSync(join(home, "config.toml"), `[source.crates-io]\nreplace-with = "empty"\n[source.empty]\ndirectory = "${join(root, "empty-registry")}"\n`);
    const r = runCli(["new", "p"], { cwd: root, env: { CARGO_HOME: home } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cargo could not find the pyo3 crate on your configured crate sources: the crate `pyo3` could not be found.*\n  hint: .*--pyo3-version/m);
    expect(existsSync(join(root, "p"))).toBe(false);
  });
});

describe("pyts-build init", () => {
  it("a crate made by `cargo new --lib`: keeps its code, gains the pyo3 module, builds and passes", () => {
    const root = freshDir("init-lib");
    execFileSync("cargo", ["new", "--lib", "--vcs", "none", "--edition", "2021", "--quiet", "plain-lib"], { cwd: root, env: testEnv() });
    const dir = join(root, "plain-lib");
    const libBefore = readFileSync(join(dir, "src/lib.rs"), "utf8");
    const r = runCliOk(["init"], { cwd: dir });
    expect(r.stderr).toContain('set up pyo3 project "plain-lib"');
    const cargo = readFileSync(join(dir, "Cargo.toml"), "utf8");
    expect(cargo).toContain('crate-type = ["cdylib", "rlib"]');
    expect(cargo).toMatch(/pyo3 = \{ version = "0\.17\.3", features = \["extension-module"\] \}/);
    expect(readFileSync(join(dir, "src/lib.rs"), "utf8")).toBe(libBefore + "\nmod python_module;\n");
    const { log } = buildInstallTest(dir);
    expect(log).toMatch(/test_add .* ok/);
    // the crate's own Rust tests still build and pass (rlib kept)
    // (with the build's PYO3_PYTHON, so pyo3's build script does not rerun for the shared target dir)
    execFileSync("cargo", ["test", "--quiet", "--lib"], { cwd: dir, env: testEnv({ CARGO_TARGET_DIR: PYO3_TARGET, PYO3_PYTHON: py311 }), stdio: "pipe" });
    // a second init is refused
    const again = runCli(["init"], { cwd: dir });
    expect(again.stderr).toMatch(/^error: .* already has a pyproject.toml/);
  });

  it("--bindings cffi on a crate of edition 2024: the C functions in src/c_api.rs build and are exported", () => {
    const root = freshDir("init-cffi");
    execFileSync("cargo", ["new", "--lib", "--vcs", "none", "--edition", "2024", "--quiet", "c-lib"], { cwd: root, env: testEnv() });
    const dir = join(root, "c-lib");
    runCliOk(["init", "--bindings", "cffi"], { cwd: dir });
    expect(readFileSync(join(dir, "src/c_api.rs"), "utf8")).toContain("#[unsafe(no_mangle)]");
    expect(readFileSync(join(dir, "src/lib.rs"), "utf8")).toMatch(/\nmod c_api;\n$/);
    execFileSync("cargo", ["build", "--quiet", "--lib"], { cwd: dir, env: testEnv({ CARGO_TARGET_DIR: PLAIN_TARGET }), stdio: "pipe" });
    expect(execFileSync("nm", ["-D", "--defined-only", join(PLAIN_TARGET, "debug/libc_lib.so")], { encoding: "utf8" })).toMatch(/ T add$/m);
  });

  it("a bin crate (`cargo new`): bindings bin detected, the program installed and run", () => {
    const root = freshDir("init-bin");
    execFileSync("cargo", ["new", "--bin", "--vcs", "none", "--quiet", "plain-bin"], { cwd: root, env: testEnv() });
    const dir = join(root, "plain-bin");
    runCliOk(["init", dir]);
    expect(readFileSync(join(dir, "pyproject.toml"), "utf8")).toContain('bindings = "bin"');
    const { names } = buildInstallTest(dir, { target: PLAIN_TARGET });
    expect(names).toContain("plain_bin-0.1.0.data/scripts/plain-bin");
  });

  it("an existing folder without a crate: the files of `new`, named after the folder or --name", () => {
    const root = freshDir("init-folder");
    const dir = join(root, "work");
    mkdirSync(dir);
    writeFileSync(join(dir, ".gitignore"), "/notes\n");
    runCliOk(["init", "--name", "folder-proj", "--bindings", "bin"], { cwd: dir });
    expect(files(dir)).toEqual([".gitignore", "Cargo.toml", "README.md", "pyproject.toml", "src/main.rs", "tests/test_folder_proj.py"]);
    // an existing .gitignore is kept and gains what a project needs
    const gi = readFileSync(join(dir, ".gitignore"), "utf8");
    expect(gi.startsWith("/notes\n/target\n")).toBe(true);
    expect(gi).toContain("*.whl\n");
  });
});
