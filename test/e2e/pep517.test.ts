/**
 * The PEP 517 backend for real: the backend wheel made by `pyts-build
 * backend-wheel`, pip installing the word-count example from its sdist in a
 * fresh venv (build isolation, no index: cargo's offline CARGO_HOME must reach
 * cargo through pip -> Python -> node), Debian's `python -m build
 * --no-isolation`, and the hooks called directly (metadata, errors, node override).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, installWheel, makeVenv, py, ROOT, SYSTEM_PYTHON, testEnv, twineCheck, WORK } from "../helpers/env.js";
import { workspaceFixture } from "../build/sdist/sdist-fixtures.js";
import { backendWheel, backendWheelDir, pipInstall, run, runOk, venvWithPip } from "./pep517-helpers.js";

const PY311 = cpython("3.11");
const EXAMPLE = join(ROOT, "examples/word-count");
const TEXT = "The cat and the hat. THE end, theme! the";
const COUNTS = `import word_count as w
t = ${JSON.stringify(TEXT)}
print(w.search(t, "the"), w.search_sequential(t, "the"), w.search_sequential_allow_threads(t, "the"), w.search_py(t, "the"))`;

/** Call one backend hook in `cwd` with the checkout's shim (python/) and bundle (dist/bundle). */
function hook(python: string, cwd: string, call: string, env: Record<string, string | undefined> = {}): { code: number; result: string; out: string } {
  const r = spawnSync(python, ["-c", `import pyts_build\nprint(repr(pyts_build.${call}))`], {
    cwd,
    env: testEnv({ PYTHONPATH: join(ROOT, "python"), ...env }),
    encoding: "utf8",
  });
  // stdout: only the hook's return value; stderr: the CLI's progress and errors
  return { code: r.status ?? -1, result: r.stdout.trim(), out: r.stdout + r.stderr };
}

describe.skipIf(!PY311)("the backend wheel", () => {
  it("passes twine --strict, installs with installer (RECORD checked), and its pyts-build script runs the bundle", () => {
    const whl = backendWheel();
    expect(whl).toMatch(/pyts_build-\d+\.\d+\.\d+-py3-none-any\.whl$/);
    twineCheck(whl);
    const venv = makeVenv(PY311 as string, join(freshDir("backend-venv"), "v"));
    installWheel(venv, whl);
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
    expect(runOk(join(venv, "..", "pyts-build"), ["--version"]).trim()).toBe(version);
    expect(py(venv, "import pyts_build; print(pyts_build.get_requires_for_build_wheel(), pyts_build.get_requires_for_build_sdist(), pyts_build.get_requires_for_build_editable())")).toBe("[] [] []");
  });
});

describe.skipIf(!PY311)("pip install from the word-count sdist", () => {
  let sdist: string;
  beforeAll(() => {
    sdist = runCliOk(["sdist", "-m", join(EXAMPLE, "Cargo.toml"), "-o", freshDir("wc-sdist")]).stdout.trim();
  });

  it("builds and installs it in a fresh venv, and the package counts right", () => {
    expect(sdist).toMatch(/word_count-0\.1\.0\.tar\.gz$/);
    twineCheck(sdist);
    const python = venvWithPip(PY311 as string, "wc-pip");
    // Control: the environment reaches cargo through pip -> Python -> node. With an empty
    // CARGO_HOME (no offline crate source) and the network off, the same install fails in cargo.
    const control = run(python, ["-m", "pip", "install", "--no-cache-dir", "--no-index", "--find-links", backendWheelDir(), sdist], {
      env: { CARGO_HOME: freshDir("empty-cargo-home"), CARGO_NET_OFFLINE: "true", PYTS_BUILD_CACHE_DIR: freshDir("wc-pip-cache") },
    });
    expect(control.code).not.toBe(0);
    expect(control.out).toMatch(/pyts-build: build_wheel failed/);
    expect(control.out).toMatch(/no matching package named `(pyo3|rayon)`/);
    const cache = freshDir("wc-pip-cache");
    const out = pipInstall(python, [sdist], { env: { PYTS_BUILD_CACHE_DIR: cache } });
    expect(out).toMatch(/Successfully installed word-count-0\.1\.0/);
    // pip built in a temporary folder; cargo's output went to the persistent per-project target
    expect(readdirSync(join(cache, "target/word_count/release"))).toContain("libword_count.so");
    expect(py(python, COUNTS)).toBe("4 4 4 4");
    // the example's own test suite, against the installed package
    runOk(python, ["-m", "unittest", "discover", "-s", "tests"], { cwd: EXAMPLE });
  });

  it("python -m build --no-isolation (Debian's build) makes the sdist and a wheel from it", () => {
    const python = venvWithPip(SYSTEM_PYTHON, "wc-build", { systemSitePackages: true });
    pipInstall(python, [backendWheel()]);
    const dist = freshDir("wc-build-out");
    const out = runOk(python, ["-m", "build", "--no-isolation", "--outdir", dist, EXAMPLE], { env: { PYTS_BUILD_CACHE_DIR: freshDir("wc-build-cache") } });
    // like the anchors, a PEP 517 wheel carries the plain platform tag (the example sets no compatibility)
    const wheel = /^word_count-0\.1\.0-cp311-cp311-linux_x86_64\.whl$/;
    expect(out).toMatch(/Successfully built word_count-0\.1\.0\.tar\.gz and word_count-0\.1\.0-cp311-cp311-linux_x86_64\.whl/);
    const files = readdirSync(dist).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(wheel);
    expect(files[1]).toBe("word_count-0.1.0.tar.gz");
    pipInstall(python, [join(dist, files[0] as string)]);
    expect(py(python, COUNTS)).toBe("4 4 4 4");
  });
});

describe.skipIf(!PY311)("the hooks, called directly", () => {
  it("prepare_metadata_for_build_wheel writes the .dist-info build_wheel will have, without compiling", () => {
    const fx = workspaceFixture(freshDir("hooks"));
    const md = freshDir("hooks-md");
    const r = hook(PY311 as string, fx.project, `prepare_metadata_for_build_wheel(${JSON.stringify(md)})`);
    expect(r.code, r.out).toBe(0);
    expect(r.result).toBe("'fx-1.2.3.dist-info'");
    expect(readdirSync(join(md, "fx-1.2.3.dist-info")).sort()).toEqual(["METADATA", "WHEEL", "licenses"]);
    expect(readFileSync(join(md, "fx-1.2.3.dist-info/WHEEL"), "utf8")).toContain("Tag: cp311-cp311-linux_x86_64\n");
    expect(readFileSync(join(md, "fx-1.2.3.dist-info/METADATA"), "utf8")).toMatch(/^Metadata-Version: 2\.4\nName: fx\nVersion: 1\.2\.3\n/);
    // nothing was compiled (the fixture's target/ holds only its stale file)
    expect(readdirSync(join(fx.repo, "target/release"))).toEqual(["stale.txt"]);

    const wheels = freshDir("hooks-wheel");
    const w = hook(PY311 as string, fx.project, `build_wheel(${JSON.stringify(wheels)})`);
    expect(w.code, w.out).toBe(0);
    expect(w.result).toBe("'fx-1.2.3-cp311-cp311-linux_x86_64.whl'"); // the plain tag, as prepare_metadata said
    expect(readdirSync(wheels)).toEqual([w.result.slice(1, -1)]);
    const venv = makeVenv(PY311 as string, join(freshDir("hooks-venv"), "v"));
    installWheel(venv, join(wheels, w.result.slice(1, -1)));
    expect(py(venv, "import fx; print(fx.ANSWER)")).toBe("42");
  });

  it("build_wheel audits and tags for manylinux when [tool.pyts-build] compatibility asks for it", () => {
    const fx = workspaceFixture(freshDir("hooks-compat"));
    const pyproject = join(fx.project, "pyproject.toml");
    writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace("[tool.pyts-build]\n", '[tool.pyts-build]\ncompatibility = "auto"\n'));
    const wheels = freshDir("hooks-compat-wheel");
    const w = hook(PY311 as string, fx.project, `build_wheel(${JSON.stringify(wheels)})`);
    expect(w.code, w.out).toBe(0);
    expect(w.result).toMatch(/^'fx-1\.2\.3-cp311-cp311-manylinux_2_\d+_x86_64\.whl'$/);
    expect(readdirSync(wheels)).toEqual([w.result.slice(1, -1)]);
  });

  it("in an unpacked sdist, a persistent target never passes off an old build as fresh", () => {
    const fx = workspaceFixture(freshDir("hooks"), { lock: true });
    const cache = freshDir("hooks-cache");
    const answerOf = (sdistDir: string) => {
      const dir = freshDir("hooks-unpacked");
      execFileSync("tar", ["-xzf", join(sdistDir, "fx-1.2.3.tar.gz"), "-C", dir]);
      const out = freshDir("hooks-wheel");
      const w = hook(PY311 as string, join(dir, "fx-1.2.3"), `build_wheel(${JSON.stringify(out)})`, { PYTS_BUILD_CACHE_DIR: cache });
      expect(w.code, w.out).toBe(0);
      const venv = makeVenv(PY311 as string, join(freshDir("hooks-venv"), "v"));
      installWheel(venv, join(out, w.result.slice(1, -1)));
      return py(venv, "import fx; print(fx.ANSWER)");
    };
    const first = freshDir("hooks-sdist");
    runCliOk(["sdist", "-o", first], { cwd: fx.project });
    expect(answerOf(first)).toBe("42");
    expect(readdirSync(join(cache, "target/fx"))).toContain("release");
    // same version, changed code in the path dependency: the new sdist's files carry the
    // same fixed mtime as the old ones, yet the wheel must hold the new code
    writeFileSync(join(fx.repo, "crates/core/src/lib.rs"), "pub fn answer() -> i64 { 6 * 9 }\n");
    const second = freshDir("hooks-sdist");
    runCliOk(["sdist", "-o", second], { cwd: fx.project });
    expect(answerOf(second)).toBe("54");
  });

  it("build_sdist returns the sdist's basename", () => {
    const fx = workspaceFixture(freshDir("hooks"), { lock: true });
    const out = freshDir("hooks-sdist");
    const r = hook(PY311 as string, fx.project, `build_sdist(${JSON.stringify(out)})`);
    expect(r.code, r.out).toBe(0);
    expect(r.result).toBe("'fx-1.2.3.tar.gz'");
    expect(readdirSync(out)).toEqual(["fx-1.2.3.tar.gz"]);
  });

  it("a failing build is a short message and exit code 1, not a traceback of the shim", () => {
    const fx = workspaceFixture(freshDir("hooks"));
    writeFileSync(join(fx.repo, "crates/core/src/lib.rs"), "pub fn answer() -> i64 { not rust }\n");
    const r = hook(PY311 as string, fx.project, `build_wheel(${JSON.stringify(freshDir("hooks-fail"))})`);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/error: cargo failed with exit code 101/);
    expect(r.out).toMatch(/^pyts-build: build_wheel failed \(exit code 1\): cargo failed with exit code 101$/m);
    expect(r.out).not.toContain("Traceback");
  });

  it("PYTS_BUILD_NODE overrides the node on PATH, and a bad one is a clear error", () => {
    const fx = workspaceFixture(freshDir("hooks"));
    const bad = hook(PY311 as string, fx.project, `build_sdist(${JSON.stringify(freshDir("hooks-node"))})`, { PYTS_BUILD_NODE: "/nonexistent/node" });
    expect(bad.code).toBe(1);
    expect(bad.out.trim()).toBe("pyts-build: PYTS_BUILD_NODE=/nonexistent/node is not an executable");
    // a node found only through PYTS_BUILD_NODE (PATH without node) does the job
    const good = hook(PY311 as string, fx.project, `build_sdist(${JSON.stringify(freshDir("hooks-node"))})`, {
      PYTS_BUILD_NODE: process.execPath,
      PATH: dirname(execFileSync("rustup", ["which", "cargo"], { encoding: "utf8" }).trim()), // cargo, but no node
    });
    expect(good.code, good.out).toBe(0);
    const noNode = hook(PY311 as string, fx.project, `build_sdist(${JSON.stringify(freshDir("hooks-node"))})`, { PATH: "/nonexistent" });
    expect(noNode.out).toMatch(/Node\.js \(version 20 or newer\) was not found on PATH/);
  });

  it("hands cargo the venv's base interpreter, a path that does not change from one build env to the next", () => {
    const a = makeVenv(PY311 as string, join(freshDir("stable"), "a"));
    const b = makeVenv(PY311 as string, join(freshDir("stable"), "b"));
    const code = "from pyts_build._runner import stable_interpreter; print(stable_interpreter())";
    const env = { PYTHONPATH: join(ROOT, "python") };
    const fromA = py(a, code, env);
    expect(fromA).toBe(py(b, code, env));
    expect(fromA.startsWith(WORK)).toBe(false);
    expect(py(PY311 as string, "import sys; print(sys.executable)")).toBe(fromA);
  });
});
