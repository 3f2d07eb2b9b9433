/**
 * A build for several interpreters (src/build/cargo/target-dirs.ts), with real cargo
 * and pyo3 (the point is pyo3's build script, which reruns whenever the
 * interpreter changes): each environment keeps its own target folder, seeded
 * from a built one, so a repeated build compiles nothing and gives the same
 * bytes, a changed source recompiles in every folder, and each wheel imports in
 * its own interpreter. A target folder of its own: seeding copies a profile
 * folder, which must not be one other test files compile into at the same time.
 */
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, installWheel, makeVenv, py, WORK } from "../helpers/env.js";
import { fixture, sha256 } from "./wheel-helpers.js";

const A = cpython("3.11");
const B = cpython("3.12") ?? cpython("3.9") ?? cpython("3.10");
// a third, where there is one: the folders after the first compile side by side (build-wheel.ts concurrentUnits)
const C = [cpython("3.10"), cpython("3.9"), cpython("3.13")].find((p) => p && p !== A && p !== B);
const TARGET = join(WORK, "cargo-target-multi-python");
const EPOCH = { SOURCE_DATE_EPOCH: "1700000000" };

function build(project: string, pythons: string[], out: string): { wheels: BuiltWheel[]; compiled: string[] } {
  const args = ["wheel", "-m", join(project, "Cargo.toml"), "--json", "--compatibility", "linux", "-o", out, ...pythons.flatMap((p) => ["-i", p])];
  const r = runCliOk(args, { env: { CARGO_TARGET_DIR: TARGET, ...EPOCH } });
  const compiled = r.stderr.split("\n").flatMap((l) => /^\s*Compiling (\S+)/.exec(l)?.[1] ?? []);
  return { wheels: JSON.parse(r.stdout) as BuiltWheel[], compiled };
}

function call(python: string, wheel: string): string {
  const venv = makeVenv(python, join(freshDir("multi-venv"), "v"));
  installWheel(venv, wheel);
  return py(venv, "import pyo3_pure; print(pyo3_pure.add(40, 2), pyo3_pure.greet('multi'))");
}

describe.skipIf(!A || !B)("wheel -i A -i B [-i C]: one target folder per interpreter", () => {
  const project = join(freshDir("multi-python"), "pyo3-pure");
  cpSync(fixture("pyo3-pure"), project, { recursive: true });
  // cargo's own folder is kept between runs (pyo3 stays compiled); the per-interpreter ones go, so seeding is tested every time
  rmSync(join(TARGET, "pyts-build", "targets"), { recursive: true, force: true });
  const pythons = [A, B, ...(C ? [C] : [])] as string[];

  it("a single interpreter uses cargo's own folder; two get a folder each, seeded: nothing but pyo3 and the crate compiles again", () => {
    build(project, [A as string], freshDir("multi-single"));
    expect(readdirSync(join(TARGET, "debug"))).toContain("libpyo3_pure.so");

    const { wheels, compiled } = build(project, pythons, freshDir("multi-1"));
    expect(wheels.map((w) => w.interpreter.executable)).toEqual(pythons);
    expect(readdirSync(join(TARGET, "pyts-build", "targets"))).toHaveLength(pythons.length);
    // A's folder is a copy of cargo's own (built for A): nothing to do; B's reruns pyo3's build script only
    const dependents = ["pyo3-build-config", "pyo3-ffi", "pyo3", "pyo3-pure"];
    expect(compiled.filter((c) => !dependents.includes(c))).toEqual([]);
    expect(compiled.filter((c) => c === "pyo3-pure")).toHaveLength(pythons.length - 1);
    for (const w of wheels) expect(call(w.interpreter.executable, w.path)).toBe("42 hello, multi");
  });

  it("a repeated build compiles nothing and gives the same bytes", () => {
    const first = build(project, pythons, freshDir("multi-2a"));
    const again = build(project, pythons, freshDir("multi-2b"));
    expect(again.compiled).toEqual([]);
    expect(again.wheels.map((w) => sha256(w.path))).toEqual(first.wheels.map((w) => sha256(w.path)));
  });

  it("a changed source recompiles the crate in every folder", () => {
    const lib = join(project, "src", "lib.rs");
    writeFileSync(lib, readFileSync(lib, "utf8").replace('format!("hello, {name}")', 'format!("hi, {name}")'));
    const { wheels, compiled } = build(project, pythons, freshDir("multi-3"));
    expect(compiled).toEqual(pythons.map(() => "pyo3-pure"));
    for (const w of wheels) expect(call(w.interpreter.executable, w.path)).toBe("42 hi, multi");
  });
});
