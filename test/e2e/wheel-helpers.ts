/**
 * Shared by the wheel e2e tests: where the fixtures are, one cargo target dir
 * for all pyo3 fixtures (pyo3 takes 15-22 s to compile cold; each fixture is
 * built by one test file only, so no two files race on the same artifact).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCliOk } from "../helpers/cli.js";
import { ROOT, testEnv, WORK } from "../helpers/env.js";
import { materializeFixtures } from "../helpers/fixture-modules.mjs";

export const FIXTURES = join(ROOT, "test/fixtures");
export const PYO3_TARGET = join(WORK, "cargo-target-pyo3");

/** Fixture folders used as a copy with their pyo3-ffi modules written (fixture-modules.mjs); ffi-min is beside them for pure-rust. */
const MATERIALIZED = ["maturin", "ffi-min"];

export function fixture(name: string): string {
  if (name.split("/")[0] === "maturin") return join(materializeFixtures(FIXTURES, MATERIALIZED, WORK), name);
  return join(FIXTURES, name);
}

/**
 * `pyts-build wheel --json` on a fixture; returns the built wheels. These tests
 * are about layouts and interpreters, so they ask for the plain `linux_*` tag
 * unless they pass --compatibility; wheel-manylinux.test.ts covers the default.
 */
export function buildFixture(name: string, args: string[], env: Record<string, string | undefined> = {}): BuiltWheel[] {
  const compat = args.includes("--compatibility") ? [] : ["--compatibility", "linux"];
  const r = runCliOk(["wheel", "-m", join(fixture(name), "Cargo.toml"), "--json", ...compat, ...args], { env: { CARGO_TARGET_DIR: PYO3_TARGET, ...env } });
  return JSON.parse(r.stdout) as BuiltWheel[];
}

export function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** Member names of a wheel, via Python's zipfile (an independent reader). */
export function wheelNames(python: string, wheel: string): string[] {
  const out = runPy(python, `import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))`, [wheel]);
  return out.split("\n").filter(Boolean);
}

export function wheelText(python: string, wheel: string, member: string): string {
  return runPy(python, `import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())`, [wheel, member]);
}

export function runPy(python: string, code: string, args: string[] = [], env: Record<string, string | undefined> = {}): string {
  return execFileSync(python, ["-c", code, ...args], { env: testEnv(env), encoding: "utf8" });
}

/** A failure the user caused: non-zero exit, our `error:` line (the last one: cargo's may come before it), a hint, no stack. */
export function expectUserError(r: { code: number; stderr: string }, message: RegExp | string): void {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trimEnd().split("\n");
  // ours is the last `error:` line (cargo's own may come before it)
  const errLine = lines.filter((l) => l.startsWith("error: ")).pop() ?? "";
  if (typeof message === "string") expect(errLine).toContain(message);
  else expect(errLine).toMatch(message);
  expect(r.stderr).toMatch(/\n {2}hint: /);
  expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack without --verbose
}

