/**
 * Cross-compilation end to end (docs/cross.md), with the setup .ci/cross.sh makes: Debian's rustc with
 * the arm64/armhf standard libraries driven by rustup's cargo (RUSTC), the cross gcc found on PATH, and
 * an aarch64 CPython 3.11 run under qemu-aarch64-static. Each build is made once and shared by the tests
 * after it (the cross builds are the slow part: about a minute for pyo3 on this kind of machine).
 * The errors at the end need no setup: they fail before any compile.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readElfFile } from "../../src/manylinux/audit/elf.js";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCli } from "../helpers/cli.js";
import { crossSetup } from "../helpers/cross.js";
import { cpython, freshDir, ROOT, SYSTEM_PYTHON, testEnv, WORK } from "../helpers/env.js";
import { runHook } from "../../src/build/backend/pep517.js";
import { expectUserError, fixture, wheelNames } from "./wheel-helpers.js";

const setup = crossSetup();
const ready = typeof setup !== "string";
const TARGET_DIR = join(WORK, "cargo-target-cross");

function copyOf(src: string, name: string): string {
  const dir = join(freshDir(name), "p");
  cpSync(src, dir, { recursive: true, filter: (f) => !/[\\/](target|Cargo\.lock)$/.test(f) });
  return dir;
}

function cross(project: string, args: string[], env: Record<string, string | undefined> = {}) {
  const r = runCli(["wheel", "-m", join(project, "Cargo.toml"), "--json", "-r", ...args], {
    env: { CARGO_TARGET_DIR: TARGET_DIR, ...(ready ? { RUSTC: setup.rustc } : {}), ...env },
  });
  return { ...r, wheels: r.code === 0 ? (JSON.parse(r.stdout) as BuiltWheel[]) : [] };
}

/** The one extension file of a wheel, unpacked by Python's zipfile, read by our ELF reader. */
function extensionArch(wheel: string): string | undefined {
  const member = wheelNames(SYSTEM_PYTHON, wheel).find((n) => /\.so$/.test(n)) as string;
  const dir = freshDir("cross-elf");
  execFileSync(SYSTEM_PYTHON, ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])", wheel, member, dir]);
  return readElfFile(join(dir, member)).arch;
}

describe.skipIf(!ready)(`cross builds${ready ? "" : ` (skipped: ${setup})`}`, () => {
  const s = setup as Exclude<typeof setup, string>;
  let abi3: string;
  let aarch64: ReturnType<typeof cross>;
  beforeAll(() => {
    abi3 = copyOf(fixture("pyo3-abi3"), "cross-abi3");
    aarch64 = cross(abi3, ["--target", "aarch64-unknown-linux-gnu", "--test-command", "python -c \"import pyo3_abi3, platform; assert pyo3_abi3.triple(5) == 15; print('on', platform.machine(), pyo3_abi3.version_info())\"", "--test-python-root", s.aarch64Root]);
  }, 600_000);

  it("an abi3 extension for aarch64 with no target Python: PyO3 configured from pyts-build's PYO3_CONFIG_FILE, the cross gcc found, tagged by the audit of the aarch64 file", () => {
    expect(aarch64.code, aarch64.stderr).toBe(0);
    const [w] = aarch64.wheels as [BuiltWheel];
    expect(w.fileName).toMatch(/^pyo3_abi3-1\.0\.0-cp37-abi3-manylinux_2_\d+_aarch64\.whl$/);
    expect(extensionArch(w.path)).toBe("aarch64");
    expect(aarch64.stderr).toContain("linking for aarch64-unknown-linux-gnu with aarch64-linux-gnu-gcc (found on PATH; set CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER to choose another)");
  });

  it("--test-command ran the wheel on aarch64 under qemu (the test printed the emulated machine)", () => {
    expect(aarch64.stderr).toMatch(/Testing pyo3_abi3-.*_aarch64\.whl: .*\(aarch64-unknown-linux-gnu under qemu-aarch64-static\)/);
    expect(aarch64.stderr).toContain("on aarch64 3.11");
  });

  it("a second cross build compiles nothing and keeps the wheel; a failing test command removes it", () => {
    const again = cross(abi3, ["--target", "aarch64-unknown-linux-gnu"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/Compiling /);
    const [w] = again.wheels as [BuiltWheel];
    expect(w.path).toBe((aarch64.wheels[0] as BuiltWheel).path);
    const failing = cross(abi3, ["--target", "aarch64-unknown-linux-gnu", "--test-command", "python -c 'import pyo3_abi3, sys; sys.exit(3)'", "--test-python-root", s.aarch64Root]);
    expectUserError(failing, /the test command failed \(exit code 3\) for pyo3_abi3-.*aarch64\.whl: it is not kept/);
    expect(existsSync(w.path)).toBe(false);
  });

  it("the PEP 517 backend builds for the project's target key, taking only the version of the frontend's Python", async () => {
    const project = copyOf(fixture("pyo3-abi3"), "cross-pep517");
    appendFileSync(join(project, "pyproject.toml"), '\n[tool.pyts-build]\ntarget = "aarch64-unknown-linux-gnu"\n');
    const out = join(project, "dist");
    mkdirSync(out);
    // python3.7, the abi3 minimum: the same PyO3 configuration as the builds above, so their compiled crates are reused
    const frontend = cpython("3.7") ?? (cpython("3.11") as string);
    const name = await runHook("build_wheel", { out, interpreter: frontend, cwd: project, env: testEnv({ CARGO_TARGET_DIR: TARGET_DIR, RUSTC: s.rustc }) });
    expect(name).toBe("pyo3_abi3-1.0.0-cp37-abi3-linux_aarch64.whl");
    expect(extensionArch(join(out, name))).toBe("aarch64");
  }, 600_000);

  it.skipIf(!s.targets.includes("armv7-unknown-linux-gnueabihf"))("the same fixture for armv7 (32-bit, hard float), stripped: armv7l tags and an ARM file", () => {
    // --strip with arm-linux-gnueabihf-strip (this machine's strip cannot read an ARM file)
    const r = cross(abi3, ["--target", "armv7-unknown-linux-gnueabihf", "--strip", "--test-command", "python -c 1"]);
    expect(r.code, r.stderr).toBe(0);
    const [w] = r.wheels as [BuiltWheel];
    expect(w.fileName).toMatch(/^pyo3_abi3-1\.0\.0-cp37-abi3-manylinux_2_\d+_armv7l\.whl$/);
    expect(extensionArch(w.path)).toBe("armv7l");
    // no armv7 Python was given: the test is skipped with a note, the wheel is kept
    expect(r.stderr).toMatch(/--test-command skipped for .*armv7l\.whl: no armv7-unknown-linux-gnueabihf Python to test with/);
  });

  it("examples/word-count for aarch64 and CPython 3.11: its own tests pass on aarch64 under qemu", () => {
    const wc = copyOf(join(ROOT, "examples/word-count"), "cross-word-count");
    const r = cross(wc, ["--target", "aarch64-unknown-linux-gnu", "-i", "python3.11", "--test-command", "python -m unittest discover -s tests", "--test-python-root", s.aarch64Root]);
    expect(r.code, r.stderr).toBe(0);
    const [w] = r.wheels as [BuiltWheel];
    expect(w.fileName).toMatch(/^word_count-0\.1\.0-cp311-cp311-manylinux_2_\d+_aarch64\.whl$/);
    expect(wheelNames(SYSTEM_PYTHON, w.path)).toContain("word_count/_word_count.cpython-311-aarch64-linux-gnu.so");
    expect(r.stderr).toMatch(/Ran \d+ tests? in [\d.]+s\s+OK/);
    // the same build described by the target root's own _sysconfigdata (PYO3_CROSS_LIB_DIR): the same PyO3 configuration, nothing compiled
    const lib = cross(wc, ["--target", "aarch64-unknown-linux-gnu"], { PYO3_CROSS_LIB_DIR: join(s.aarch64Root, "usr/lib/python3.11") });
    expect(lib.code, lib.stderr).toBe(0);
    expect(lib.stderr).not.toMatch(/Compiling /);
    expect((lib.wheels[0] as BuiltWheel).fileName).toBe(w.fileName);
    expect((lib.wheels[0] as BuiltWheel).interpreter.executable).toMatch(/^python3\.11 \(.*_sysconfigdata_.*aarch64-linux-gnu\.py\)$/);
  }, 600_000);
});

describe("cross-compilation errors: one line, non-zero, nothing written", () => {
  const ffi = copyOf(fixture("ffi-min"), "cross-errors");
  const out = () => join(ffi, "out");
  const noWheels = () => expect(existsSync(out()) ? readdirSync(out()).filter((f) => f.endsWith(".whl")) : []).toEqual([]);

  it("a host interpreter path with a foreign target", () => {
    const r = cross(ffi, ["--target", "aarch64-unknown-linux-gnu", "-i", cpython("3.11") ?? SYSTEM_PYTHON, "-o", out()], { CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER: "cc" });
    expectUserError(r, /names a Python of this machine, which cannot describe a build for aarch64-unknown-linux-gnu/);
    noWheels();
  });

  it("no linker for a foreign Linux target", () => {
    const r = cross(ffi, ["--target", "powerpc64le-unknown-linux-gnu", "-i", "python3.11", "-o", out()]);
    expectUserError(r, "no linker for powerpc64le-unknown-linux-gnu: cargo would link with this machine's cc, and powerpc64le-linux-gnu-gcc is not on PATH");
    noWheels();
  });

  it("the target's standard library missing (rustup's rustc has only this machine's)", () => {
    const r = runCli(["wheel", "-m", join(ffi, "Cargo.toml"), "--target", "aarch64-unknown-linux-gnu", "-i", "python3.11", "-o", out()], {
      env: { CARGO_TARGET_DIR: TARGET_DIR, RUSTC: undefined, CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER: "cc" },
    });
    expectUserError(r, "cargo failed with exit code 101: the Rust standard library for aarch64-unknown-linux-gnu is not installed");
    expect(r.stderr).toContain("hint: add it with `rustup target add aarch64-unknown-linux-gnu`");
    noWheels();
  });

  // universal2 builds themselves: test/build/universal2.test.ts (no macOS std or linker here)
  it("universal2: both macOS standard libraries missing (real cargo, rustup's rustc has only this machine's): one command adds both", () => {
    const r = runCli(["wheel", "-m", join(ffi, "Cargo.toml"), "--target", "universal2-apple-darwin", "-i", "python3.11", "-o", out()], { env: { CARGO_TARGET_DIR: TARGET_DIR, RUSTC: undefined } });
    expectUserError(r, "cargo failed with exit code 101: the Rust standard library for x86_64-apple-darwin is not installed (a universal2 build needs both x86_64-apple-darwin and aarch64-apple-darwin)");
    expect(r.stderr).toContain("hint: add them with `rustup target add x86_64-apple-darwin aarch64-apple-darwin`");
    noWheels();
  });

  it("universal2: a host interpreter path, and cffi bindings", () => {
    const host = cross(ffi, ["--target", "universal2-apple-darwin", "-i", cpython("3.11") ?? SYSTEM_PYTHON, "-o", out()]);
    expectUserError(host, /names a Python of this machine, which cannot describe a build for universal2-apple-darwin/);
    const cffi = copyOf(fixture("ffi-min"), "cross-errors-cffi");
    appendFileSync(join(cffi, "pyproject.toml"), '[project]\nname = "ffi-min"\nversion = "0.2.0"\n[tool.maturin]\nbindings = "cffi"\n');
    const r = cross(cffi, ["--target", "universal2-apple-darwin", "-i", "python3.11", "-o", out()]);
    expectUserError(r, 'bindings = "cffi" cannot be built for universal2-apple-darwin from here: ffi.py is made by the target\'s Python');
    noWheels();
  });

  it("manylinux --target: a non-Linux target, and --emulate with the host's Rust, refused before any engine is asked", () => {
    // (the cross route itself runs in test/manylinux/container/cross.test.ts)
    const mac = runCli(["manylinux", "-m", join(ffi, "Cargo.toml"), "--target", "aarch64-apple-darwin", "--engine", "/nonexistent/engine", "-o", out()]);
    expectUserError(mac, "manylinux builds Linux wheels, and aarch64-apple-darwin is a macOS target");
    const emulated = runCli(["manylinux", "-m", join(ffi, "Cargo.toml"), "--target", "aarch64-unknown-linux-gnu", "--emulate", "--engine", "/nonexistent/engine", "-o", out()]);
    expectUserError(emulated, "--emulate runs aarch64 programs in the container, where this machine's Rust toolchain (--rust host) cannot run");
    const noTarget = runCli(["manylinux", "-m", join(ffi, "Cargo.toml"), "--emulate", "--rust", "rustup", "--engine", "/nonexistent/engine", "-o", out()]);
    expectUserError(noTarget, "--emulate needs --target");
    noWheels();
  });

  it("develop --target for a foreign target", () => {
    const r = runCli(["develop", "-m", join(ffi, "Cargo.toml"), "--target", "aarch64-unknown-linux-gnu"], { env: { VIRTUAL_ENV: undefined } });
    expectUserError(r, "develop installs into this machine's virtualenv, which cannot load a build for aarch64-unknown-linux-gnu");
  });
});
