/**
 * `pyts-build wheel` flags reach cargo and rustc (the no-dependency FFI fixture:
 * each build ~0.2 s), outputs land where they should, stdout carries only results.
 */
import { cpSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, installWheel, makeVenv, py, SYSTEM_PYTHON, twineCheck } from "../helpers/env.js";
import { fixture } from "./wheel-helpers.js";

const py311 = cpython("3.11") ?? SYSTEM_PYTHON;
// The platform tag is beside the point here (wheel-manylinux.test.ts covers it): plain linux_*.
const LINUX = ["--compatibility", "linux"];

/** A private copy of the fixture (its own target/), so tests do not share artifacts. */
function crate(): string {
  const d = freshDir("ffi-cli");
  cpSync(fixture("ffi-min"), d, { recursive: true });
  return d;
}

/** Build with the flags, install into a fresh venv, return ffi_min.answer(). */
function answerWith(flags: string[]): number {
  const d = crate();
  const r = runCliOk(["wheel", "-i", py311, "-o", join(d, "out"), "--json", ...flags], { cwd: d });
  const [w] = JSON.parse(r.stdout) as BuiltWheel[];
  const venv = makeVenv(py311, join(d, "venv"));
  installWheel(venv, w?.path as string);
  return Number(py(venv, "import ffi_min; print(ffi_min.answer())"));
}

describe("pyts-build wheel (CLI)", () => {
  it("defaults: python3, debug profile, <target dir>/wheels; the path on stdout, progress on stderr", () => {
    const d = crate();
    const r = runCliOk(["wheel"], { cwd: d });
    const wheels = readdirSync(join(d, "target/wheels"));
    expect(wheels).toHaveLength(1);
    expect(r.stdout).toBe(join(d, "target/wheels", wheels[0] as string) + "\n");
    expect(r.stderr).toMatch(/==> Building for CPython 3\.\d+ \(\/.*\) \.\.\./);
    expect(r.stderr).toContain("Finished `dev` profile"); // cargo's own progress is passed through
    expect(r.stderr).toContain(`Built wheel ${join(d, "target/wheels", wheels[0] as string)}`);
    expect(existsSync(join(d, "target/debug/libffi_min.so"))).toBe(true);
    twineCheck(join(d, "target/wheels", wheels[0] as string));
  });

  it("the build alias, --release, -q and --json", () => {
    const d = crate();
    const r = runCliOk(["-q", "build", "-r", "-i", py311, "-o", "dist", "--json", ...LINUX], { cwd: d });
    expect(r.stderr).toBe("");
    const wheels = JSON.parse(r.stdout) as BuiltWheel[];
    expect(wheels).toEqual([
      {
        path: join(d, "dist/ffi_min-0.2.0-cp311-cp311-linux_x86_64.whl"),
        fileName: "ffi_min-0.2.0-cp311-cp311-linux_x86_64.whl",
        tags: ["cp311-cp311-linux_x86_64"],
        abi3: false,
        interpreter: { executable: py311, implementation: "cpython", version: "3.11" },
      },
    ]);
    expect(existsSync(join(d, "target/release/libffi_min.so"))).toBe(true);
  });

  it("--profile picks a cargo profile", () => {
    const d = crate();
    runCliOk(["wheel", "--profile", "release", "-i", py311, "-o", "out"], { cwd: d });
    expect(existsSync(join(d, "target/release/libffi_min.so"))).toBe(true);
    expect(existsSync(join(d, "target/debug"))).toBe(false);
  });

  it("features and trailing rustc arguments reach the compiler", () => {
    expect(answerWith([])).toBe(42);
    expect(answerWith(["-F", "plus-one"])).toBe(43);
    expect(answerWith(["--no-default-features"])).toBe(40);
    expect(answerWith(["--all-features"])).toBe(43);
    expect(answerWith(["--features", "base,plus-one", "--no-default-features", "--", "--cfg", "ffi_min_extra"])).toBe(143);
  });

  it("-m from another folder; -i twice gives one wheel per interpreter", () => {
    const other = cpython("3.12") ?? cpython("3.10") ?? cpython("3.9");
    const d = crate();
    const r = runCliOk(["wheel", "-m", join(d, "Cargo.toml"), "-i", py311, ...(other ? ["-i", other] : []), "-o", join(d, "out"), "--json", ...LINUX], { cwd: freshDir("elsewhere") });
    const names = (JSON.parse(r.stdout) as BuiltWheel[]).map((w) => w.fileName);
    expect(names[0]).toBe("ffi_min-0.2.0-cp311-cp311-linux_x86_64.whl");
    expect(names).toHaveLength(other ? 2 : 1);
  });

  it.skipIf(!cpython("3.7"))("CPython 3.7 carries its ABI flag: cp37-cp37m", () => {
    const py37 = cpython("3.7") as string;
    const d = crate();
    const [w] = JSON.parse(runCliOk(["wheel", "-i", py37, "-o", "out", "--json", ...LINUX], { cwd: d }).stdout) as BuiltWheel[];
    expect(w?.fileName).toBe("ffi_min-0.2.0-cp37-cp37m-linux_x86_64.whl");
    const venv = makeVenv(py37, join(d, "venv"));
    installWheel(venv, w?.path as string);
    expect(py(venv, "import ffi_min; print(ffi_min.answer())")).toBe("42");
  });

  it("--find-interpreter builds for every CPython found that fits requires-python", () => {
    const d = crate();
    writeFileSync(join(d, "pyproject.toml"), '[project]\nname = "ffi-min"\nversion = "0.2.0"\nreadme = "README.md"\nrequires-python = ">=3.10"\n');
    const r = runCliOk(["wheel", "--find-interpreter", "-o", "out", "--json", ...LINUX], { cwd: d });
    const names = (JSON.parse(r.stdout) as BuiltWheel[]).map((w) => w.fileName).sort();
    const expected = ["3.10", "3.11", "3.12", "3.13"].filter((m) => cpython(m)).map((m) => `ffi_min-0.2.0-cp3${m.slice(2)}-cp3${m.slice(2)}-linux_x86_64.whl`);
    expect(names).toEqual(expected.sort());
  });

  it("--help shows the flags and examples", () => {
    const r = runCli(["wheel", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--manifest-path", "--interpreter", "--find-interpreter", "--release", "--features", "--no-default-features", "--locked", "--strip", "--out", "--json", "--compatibility", "--auditwheel"]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain("Examples:");
  });
});
