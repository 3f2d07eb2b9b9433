/**
 * Today's maturin projects (issue 21, points 2-5 and 7), on fixtures written
 * here (test/fixtures/maturin-2026/; the extension is sdist-fixtures.ts's
 * `extensionSource`, no dependencies, so each builds in about a second): a build
 * script's OUT_DIR file shipped through `include = [{ from = "out-dir" }]`,
 * `license = { file }` also listed in `dynamic`, maturin's Python-first
 * `rust/Cargo.toml` layout found without `manifest-path`, and a project whose
 * readme and python-source sit one folder up (and a license file two up).
 * Each wheel installs with pip (offline, hermetic), imports and runs; its file
 * list and METADATA are asserted. `pip install .` and `pip install <sdist>`
 * go through the PEP 517 backend wheel (pep517-helpers.ts).
 */
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, py, SYSTEM_PYTHON, WORK } from "../helpers/env.js";
import { dateBack } from "../helpers/ffi-min.js";
import { pipInstall, venvWithPip } from "./pep517-helpers.js";
import { fixture, wheelNames, wheelText } from "./wheel-helpers.js";
import { extensionSource, writeTree } from "../build/sdist/sdist-fixtures.js";

const PY311 = cpython("3.11");
const TARGET = join(WORK, "cargo-target-maturin-2026");

/** The crate of each fixture (below the fixture), its module and ANSWER. */
const CRATES: Record<string, [string, string, number]> = {
  "out-dir": [".", "_native", 21],
  "license-merge": [".", "license_merge", 7],
  "py-first": ["rust", "_core", 11],
  outside: ["pkgs/proj", "_native", 33],
};

/** A fresh copy of a fixture with its extension's lib.rs written (builds never write into the checkout). */
function copyOf(name: string): string {
  const d = join(freshDir(`m2026-${name}`), name);
  cpSync(fixture(join("maturin-2026", name)), d, { recursive: true });
  const [crate, module, answer] = CRATES[name] as [string, string, number];
  writeTree(join(d, crate), { "src/lib.rs": extensionSource(module, String(answer)) });
  return d;
}

/** `pyts-build wheel --json` in `cwd` (no -m: the project is found from there). */
function wheel(cwd: string, extra: string[] = []): { wheel: BuiltWheel; stderr: string } {
  const r = runCliOk(["wheel", "-i", PY311 as string, "--compatibility", "linux", "--json", "-o", freshDir("m2026-out"), ...extra], { cwd, env: { CARGO_TARGET_DIR: TARGET } });
  const wheels = JSON.parse(r.stdout) as BuiltWheel[];
  expect(wheels).toHaveLength(1);
  return { wheel: wheels[0] as BuiltWheel, stderr: r.stderr };
}

/** METADATA's header lines sorted, then the body. */
function metadataLines(w: BuiltWheel, dist: string): string[] {
  const text = wheelText(SYSTEM_PYTHON, w.path, `${dist}.dist-info/METADATA`);
  const cut = text.indexOf("\n\n");
  const head = cut < 0 ? text.trimEnd() : text.slice(0, cut);
  const body = cut < 0 ? "" : text.slice(cut + 2);
  return [...head.split("\n").sort(), ...(body !== "" ? ["", body] : [])];
}

const tarNames = (sdist: string) => py(SYSTEM_PYTHON, `import tarfile; print("\\n".join(sorted(tarfile.open(${JSON.stringify(sdist)}).getnames())))`).split("\n");
const tarText = (sdist: string, member: string) => py(SYSTEM_PYTHON, `import tarfile, sys; sys.stdout.write(tarfile.open(${JSON.stringify(sdist)}).extractfile(${JSON.stringify(member)}).read().decode())`);

describe.skipIf(!PY311)("today's maturin projects build, install with pip and import", () => {
  let python: string;
  const pipEnv = () => ({ PYTS_BUILD_CACHE_DIR: join(WORK, "user-cache"), CARGO_TARGET_DIR: undefined });
  beforeAll(() => {
    python = venvWithPip(PY311 as string, "m2026-pip");
  });
  const install = (what: string, cwd?: string) => pipInstall(python, ["--force-reinstall", "--no-deps", what], { env: pipEnv(), ...(cwd !== undefined ? { cwd } : {}) });

  it("include = [{ path, from = \"out-dir\", to }] ships what build.rs wrote to OUT_DIR; unknown entry keys warn", () => {
    const { wheel: w, stderr } = wheel(copyOf("out-dir"));
    const dist = "out_dir_pkg-0.1.0";
    expect(w.fileName).toBe(`${dist}-cp311-cp311-linux_x86_64.whl`);
    expect(stderr).toMatch(/tool\.maturin\.include\[1\] keys ignored by pyts-build: note/);
    expect(wheelNames(SYSTEM_PYTHON, w.path).sort()).toEqual(
      [
        "out_dir_pkg/__init__.py",
        "out_dir_pkg/_native.cpython-311-x86_64-linux-gnu.so",
        "out_dir_pkg/gen/consts.py",
        "out_dir_pkg/generated_info.txt",
        `${dist}.dist-info/METADATA`,
        `${dist}.dist-info/WHEEL`,
        `${dist}.dist-info/sboms/out-dir-pkg.cyclonedx.json`,
        `${dist}.dist-info/RECORD`,
      ].sort(),
    );
    expect(metadataLines(w, dist)).toEqual(["Metadata-Version: 2.4", "Name: out-dir-pkg", "Version: 0.1.0"]);
    expect(install(w.path)).toMatch(/Successfully installed out-dir-pkg-0\.1\.0/);
    expect(py(python, "import out_dir_pkg, out_dir_pkg.gen.consts as c; print(out_dir_pkg.generated(), out_dir_pkg.ANSWER, c.ANSWER)")).toBe("hello from build.rs: first 21 21");
  });

  it("license = { file } with dynamic = [\"license\"]: maturin's merge and a PEP 621 warning; --strict keeps the error", () => {
    const d = copyOf("license-merge");
    const { wheel: w, stderr } = wheel(d);
    const dist = "license_merge-0.1.0";
    expect(stderr).toMatch(/project\.dynamic lists "license" but \[project\] also sets it, which PEP 621 forbids; merged as maturin does/);
    expect(wheelNames(SYSTEM_PYTHON, w.path).sort()).toEqual(
      ["license_merge/__init__.py", "license_merge/license_merge.cpython-311-x86_64-linux-gnu.so", `${dist}.dist-info/licenses/LICENSE`, `${dist}.dist-info/METADATA`, `${dist}.dist-info/WHEEL`, `${dist}.dist-info/sboms/license-merge.cyclonedx.json`, `${dist}.dist-info/RECORD`].sort(),
    );
    // the license from Cargo.toml, the file from the table (maturin writes the same two facts)
    expect(metadataLines(w, dist)).toEqual(["License-Expression: MIT OR Apache-2.0", "License-File: LICENSE", "Metadata-Version: 2.4", "Name: license-merge", "Version: 0.1.0"]);
    expect(install(w.path)).toMatch(/Successfully installed license-merge-0\.1\.0/);
    expect(py(python, "import license_merge; print(license_merge.ANSWER)")).toBe("7");
    const out = freshDir("m2026-strict");
    const strict = runCli(["wheel", "-i", PY311 as string, "--strict", "-o", out], { cwd: d, env: { CARGO_TARGET_DIR: TARGET } });
    expect(strict.code).not.toBe(0);
    expect(strict.stderr.trim().split("\n")[0]).toMatch(/^error: .*pyproject\.toml: project\.dynamic lists "license" but \[project\] also sets it \(PEP 621\)$/);
    expect(readdirSync(out)).toEqual([]);
  });

  it("rust/Cargo.toml without manifest-path: pip install ., pyts-build sdist with no -m, pip install of that sdist", () => {
    const d = copyOf("py-first");
    expect(install(".", d)).toMatch(/Successfully installed py-first-0\.1\.0/);
    expect(py(python, "import py_first; print(py_first.twice())")).toBe("22");
    const sdist = runCliOk(["sdist", "-o", freshDir("m2026-sdist")], { cwd: d, env: { CARGO_TARGET_DIR: TARGET } }).stdout.trim();
    expect(tarNames(sdist)).toEqual(
      ["PKG-INFO", "README.md", "pyproject.toml", "rust/Cargo.lock", "rust/Cargo.toml", "rust/src/lib.rs", "src/py_first/__init__.py"].map((p) => `py_first-0.1.0/${p}`),
    );
    py(python, "import subprocess, sys; subprocess.check_call([sys.executable, '-m', 'pip', 'uninstall', '-y', '-q', 'py-first'])");
    expect(install(sdist)).toMatch(/Successfully installed py-first-0\.1\.0/);
    expect(py(python, "import py_first, importlib.metadata as m; print(py_first.twice(), m.metadata('py-first')['Description-Content-Type'])")).toBe("22 text/markdown; charset=UTF-8; variant=GFM");
  });

  it("readme and python-source one folder up, license file two up: pip install ., the sdist copies and rewrites, pip install of it", () => {
    const repo = copyOf("outside");
    const proj = join(repo, "pkgs/proj");
    expect(install(".", proj)).toMatch(/Successfully installed outside-pkg-0\.1\.0/);
    expect(py(python, "import outside_pkg; print(outside_pkg.ANSWER, outside_pkg.WHERE)")).toBe("33 python-source one folder up");
    const sdist = runCliOk(["sdist", "-o", freshDir("m2026-sdist")], { cwd: proj, env: { CARGO_TARGET_DIR: TARGET } }).stdout.trim();
    // the root widens to pkgs/ for python-source (the readme is then inside); the license two up is copied beside Cargo.toml
    const top = "outside_pkg-0.1.0";
    expect(tarNames(sdist)).toEqual(["/PKG-INFO", "/README.md", "/proj/Cargo.lock", "/proj/Cargo.toml", "/proj/LICENSE", "/proj/pyproject.toml", "/proj/src/lib.rs", "/pyproject.toml", "/python/outside_pkg/__init__.py"].map((p) => top + p));
    expect(tarText(sdist, `${top}/proj/Cargo.toml`)).toMatch(/license-file = "LICENSE"/);
    expect(tarText(sdist, `${top}/proj/LICENSE`)).toBe(readFileSync(join(repo, "LICENSE"), "utf8").trim()); // py() trims
    expect(tarText(sdist, `${top}/proj/pyproject.toml`)).toBe(readFileSync(join(proj, "pyproject.toml"), "utf8").trim()); // python-source = "../python" still holds
    py(python, "import subprocess, sys; subprocess.check_call([sys.executable, '-m', 'pip', 'uninstall', '-y', '-q', 'outside-pkg'])");
    expect(install(sdist)).toMatch(/Successfully installed outside-pkg-0\.1\.0/);
    const meta = py(python, "import importlib.metadata as m; d = m.metadata('outside-pkg'); print(d['License-File'], '|', d.get_payload().strip().splitlines()[0])");
    expect(meta).toBe("LICENSE | # outside");
    expect(py(python, "import outside_pkg; print(outside_pkg.ANSWER)")).toBe("33");
    // the wheel built here has the same files
    const { wheel: w } = wheel(proj);
    expect(wheelNames(SYSTEM_PYTHON, w.path).filter((n) => !n.includes(".dist-info/") || n.endsWith("LICENSE")).sort()).toEqual(
      ["outside_pkg-0.1.0.dist-info/licenses/LICENSE", "outside_pkg/__init__.py", "outside_pkg/_native.cpython-311-x86_64-linux-gnu.so"].sort(),
    );
  });

  it("python-source without the module's package: one line naming the folder and the module, nothing built", () => {
    const d = copyOf("out-dir");
    renameSync(join(d, "python/out_dir_pkg"), join(d, "python/elsewhere"));
    const out = freshDir("m2026-missing");
    const r = runCli(["wheel", "-i", PY311 as string, "-o", out], { cwd: d, env: { CARGO_TARGET_DIR: TARGET } });
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toBe(
      `error: ${join(d, "pyproject.toml")}: tool.maturin.python-source "python": no Python package "out_dir_pkg" for the module out_dir_pkg._native in ${join(d, "python")} (looked for ${join(d, "python/out_dir_pkg")}/)`,
    );
    expect(lines.slice(1).every((l) => l.startsWith("  hint:"))).toBe(true);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});

/**
 * The inputs these projects add (OUT_DIR files, a readme, python-source and a license file outside the
 * project) are seen by every no-op path: cargo-fresh, the wheel and sdist reuse, the sdist's cargo-files
 * cache and the replay (bin/ answering from a note). Each edit follows a build that was replayed, so
 * the replay's note is the first thing that must notice it.
 */
describe.skipIf(!PY311)("the no-op paths notice the new inputs", () => {
  const cliIn = (dir: string, scratch: string) => {
    const log = join(scratch, "replay.log");
    const env = { CARGO_TARGET_DIR: join(scratch, "target"), PYTS_BUILD_CACHE_DIR: join(scratch, "cache"), PYTS_BUILD_REPLAY_LOG: log };
    const replays = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter((l) => l.startsWith("replayed")).length : 0);
    const run = (args: string[]) => {
      const before = replays();
      const r = runCliOk(args, { cwd: dir, env });
      return { path: r.stdout.trim(), replayed: replays() > before };
    };
    /** Runs until one is replayed (nothing is recorded while an input is younger than 2 s: edits are dated back). */
    const settle = (args: string[], root: string) => {
      for (let i = 0; i < 6; i++) {
        const r = run(args);
        if (r.replayed) return r;
        dateBack(root);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
      }
      throw new Error(`never replayed:\n${existsSync(log) ? readFileSync(log, "utf8") : ""}`);
    };
    return { run, settle };
  };
  const edit = (file: string, text: string) => writeFileSync(file, text);

  it("OUT_DIR: an edit of build.rs's input, and of the OUT_DIR file itself, reach the next wheel", () => {
    const scratch = freshDir("m2026-noop-outdir");
    const d = copyOf("out-dir");
    dateBack(d);
    const { run, settle } = cliIn(d, scratch);
    const args = ["wheel", "-i", PY311 as string, "--compatibility", "linux", "-o", join(scratch, "out")];
    const generated = (w: string) => wheelText(SYSTEM_PYTHON, w, "out_dir_pkg/generated_info.txt");
    expect(generated(settle(args, d).path)).toBe("hello from build.rs: first");
    edit(join(d, "data.in"), "second\n"); // rerun-if-changed: cargo runs the build script again
    const after = run(args);
    expect(after.replayed).toBe(false);
    expect(generated(after.path)).toBe("hello from build.rs: second");
    settle(args, d);
    const outDir = readdirSync(join(scratch, "target/debug/build")).find((n) => n.startsWith("out-dir-pkg-") && existsSync(join(scratch, "target/debug/build", n, "out")));
    edit(join(scratch, "target/debug/build", outDir as string, "out/generated_info.txt"), "edited in OUT_DIR"); // cargo sees no change here
    const again = run(args);
    expect(again.replayed).toBe(false);
    expect(generated(again.path)).toBe("edited in OUT_DIR");
  });

  it("outside the project: the readme and python-source reach the next wheel, the license file and python-source the next sdist", () => {
    const scratch = freshDir("m2026-noop-outside");
    const repo = copyOf("outside");
    const proj = join(repo, "pkgs/proj");
    dateBack(repo);
    const { run, settle } = cliIn(proj, scratch);
    const wheelArgs = ["wheel", "-i", PY311 as string, "--compatibility", "linux", "-o", join(scratch, "out")];
    const sdistArgs = ["sdist", "-o", join(scratch, "out")];
    const init = join(repo, "pkgs/python/outside_pkg/__init__.py");
    settle(wheelArgs, repo);
    edit(join(repo, "pkgs/README.md"), "# outside\n\nEdited one folder up.\n");
    const w1 = run(wheelArgs);
    expect(w1.replayed).toBe(false);
    expect(wheelText(SYSTEM_PYTHON, w1.path, "outside_pkg-0.1.0.dist-info/METADATA")).toContain("Edited one folder up.");
    settle(wheelArgs, repo);
    edit(init, 'from ._native import ANSWER\n\nWHERE = "edited"\n');
    const w2 = run(wheelArgs);
    expect(w2.replayed).toBe(false);
    expect(wheelText(SYSTEM_PYTHON, w2.path, "outside_pkg/__init__.py")).toContain('WHERE = "edited"');

    const top = "outside_pkg-0.1.0";
    settle(sdistArgs, repo);
    edit(join(repo, "LICENSE"), "A new license text two folders up.\n");
    const s1 = run(sdistArgs);
    expect(s1.replayed).toBe(false);
    expect(tarText(s1.path, `${top}/proj/LICENSE`)).toBe("A new license text two folders up.");
    settle(sdistArgs, repo);
    edit(init, 'from ._native import ANSWER\n\nWHERE = "edited again"\n');
    const s2 = run(sdistArgs);
    expect(s2.replayed).toBe(false);
    expect(tarText(s2.path, `${top}/python/outside_pkg/__init__.py`)).toContain('WHERE = "edited again"');
  });
});
