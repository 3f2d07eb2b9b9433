/**
 * The audit step of `pyts-build wheel`: the platform tag is the manylinux
 * policy the built extension really meets. The expected policy is worked out
 * here independently of src/manylinux, from `readelf -V` (the newest GLIBC_x.y
 * the extension needs), and pip itself must accept the wheel.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, installWheel, makeVenv, py, SYSTEM_PYTHON, testEnv, twineCheck } from "../helpers/env.js";
import { buildCLib, PYEXT_FIXTURE } from "../manylinux/helpers/build.js";
import { fixture, wheelNames } from "./wheel-helpers.js";

const py311 = cpython("3.11") ?? SYSTEM_PYTHON;

function crate(): string {
  const d = freshDir("ffi-manylinux");
  cpSync(fixture("ffi-min"), d, { recursive: true });
  return d;
}

/** The newest GLIBC_2.N a shared library needs, per readelf (not our ELF reader). */
function newestGlibc(so: string): number {
  const out = execFileSync("readelf", ["-V", "-W", so], { encoding: "utf8" });
  const minors = [...out.matchAll(/Name: GLIBC_2\.(\d+)/g)].map((m) => Number(m[1]));
  expect(minors.length).toBeGreaterThan(0);
  return Math.max(...minors);
}

const LEGACY: Record<number, string> = { 5: "manylinux1", 12: "manylinux2010", 17: "manylinux2014" };

describe("pyts-build wheel picks the manylinux policy the build meets", () => {
  it("auto (the default): tagged manylinux_2_X for the newest glibc symbol needed, and pip installs it", () => {
    const d = crate();
    const r = runCliOk(["wheel", "-i", py311, "-o", "out", "--json"], { cwd: d });
    const [w] = JSON.parse(r.stdout) as BuiltWheel[];
    const x = Math.max(17, newestGlibc(join(d, "target/debug/libffi_min.so"))); // Rust itself needs 2.17
    const plats = [`manylinux_2_${x}_x86_64`, ...(LEGACY[x] ? [`${LEGACY[x]}_x86_64`] : [])].sort();
    expect(w?.fileName).toBe(`ffi_min-0.2.0-cp311-cp311-${plats.join(".")}.whl`);
    expect(w?.tags).toEqual(plats.map((p) => `cp311-cp311-${p}`));
    expect(readdirSync(join(d, "out"))).toEqual([w?.fileName]); // the plain linux wheel is gone
    twineCheck(w?.path as string);
    // real pip into a fresh venv: pip refuses wheels whose manylinux tag this glibc does not support
    const venv = join(d, "venv");
    execFileSync(py311, ["-m", "venv", venv], { env: testEnv() });
    execFileSync(join(venv, "bin/python"), ["-m", "pip", "install", "--no-index", w?.path as string], { env: testEnv(), stdio: "pipe" });
    expect(py(join(venv, "bin/python"), "import ffi_min; print(ffi_min.answer())")).toBe("42");
  });

  it("--compatibility linux keeps the plain tag; [tool.pyts-build] compatibility is the default", () => {
    const d = crate();
    const plain = JSON.parse(runCliOk(["wheel", "-i", py311, "-o", "a", "--json", "--compatibility", "linux"], { cwd: d }).stdout) as BuiltWheel[];
    expect(plain[0]?.fileName).toBe("ffi_min-0.2.0-cp311-cp311-linux_x86_64.whl");
    execFileSync("sh", ["-c", `printf '\\n[tool.pyts-build]\\ncompatibility = "off"\\n' >> pyproject.toml`], { cwd: d });
    const fromConfig = JSON.parse(runCliOk(["wheel", "-i", py311, "-o", "b", "--json"], { cwd: d }).stdout) as BuiltWheel[];
    expect(fromConfig[0]?.fileName).toBe("ffi_min-0.2.0-cp311-cp311-linux_x86_64.whl");
  });

  it("an explicit policy the build misses is an error naming the symbol versions, and leaves no wheel", () => {
    const d = crate();
    const r = runCli(["wheel", "-i", py311, "-o", "out", "--compatibility", "manylinux_2_5"], { cwd: d });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error: .*manylinux_2_5.*GLIBC_2\.\d+/m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
    const out = join(d, "out");
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]); // decided before writing: not even a temp file
  });

  it("an explicit policy the build meets tags it so, legacy alias included", () => {
    const d = crate();
    runCliOk(["wheel", "-i", py311, "-o", "out", "--json"], { cwd: d });
    const x = Math.max(17, newestGlibc(join(d, "target/debug/libffi_min.so")));
    const wanted = x <= 17 ? "manylinux2014" : `manylinux_2_${x}`;
    const [w] = JSON.parse(runCliOk(["wheel", "-i", py311, "-o", "explicit", "--json", "--compatibility", wanted, "--auditwheel", "check"], { cwd: d }).stdout) as BuiltWheel[];
    expect(w?.fileName).toMatch(new RegExp(`-cp311-cp311-.*manylinux_2_${x}_x86_64.*\\.whl$`));
  });

  it("an extension linking an outside library: the wheel is repaired (library bundled) and works without the original", () => {
    const libDir = freshDir("wheel-extlib");
    buildCLib(libDir, "libanswer7.so.1", "long pyext_answer(void) { return 7; }\n", ["-Wl,-soname,libanswer7.so.1"]);
    symlinkSync("libanswer7.so.1", join(libDir, "libanswer7.so"));
    const d = freshDir("pyext-cli");
    cpSync(PYEXT_FIXTURE, d, { recursive: true });
    const env = { PYEXT_LINK_LIB: "answer7", PYEXT_LINK_DIR: libDir, LD_LIBRARY_PATH: libDir };
    const [w] = JSON.parse(runCliOk(["wheel", "-i", py311, "-o", "out", "-F", "extlib", "--json"], { cwd: d, env }).stdout) as BuiltWheel[];
    expect(w?.fileName).toMatch(/^pyext-0\.1\.0-cp311-cp311-manylinux_2_\d+_x86_64.*\.whl$/);
    expect(wheelNames(py311, w?.path as string).filter((n) => n.startsWith("pyext.libs/"))).toEqual([expect.stringMatching(/^pyext\.libs\/libanswer7-[0-9a-f]{8}\.so\.1$/)]);
    expect(readdirSync(join(d, "out"))).toEqual([w?.fileName]);
    const venv = makeVenv(py311, join(d, "venv"));
    installWheel(venv, w?.path as string);
    rmSync(libDir, { recursive: true });
    expect(py(venv, "import pyext; print(pyext.answer)")).toBe("7");
  });
});
