/**
 * Target folders of multi-interpreter builds (src/build/cargo/target-dirs.ts): the
 * planning is pure; the seeding runs on temporary folders. That a seeded folder
 * really compiles nothing again is proven with cargo in test/e2e/wheel-multi-python.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planCargoEnv } from "../../../src/build/cargo/cargo-env.js";
import { buildSubdirs, planTargetDirs, profileDirName, seedTargetDir, targetDirKey, targetDirsRoot } from "../../../src/build/cargo/target-dirs.js";
import { fakeInterpreter } from "../../helpers/interpreter-info.js";

const unit = (minor: number, extra: { abi3Minor?: number; target?: string; executable?: string } = {}) => ({
  cargoEnv: planCargoEnv({ bindings: "pyo3", interpreter: fakeInterpreter(minor, extra.executable ? { executable: extra.executable } : {}), env: {}, ...(extra.abi3Minor !== undefined ? { abi3Minor: extra.abi3Minor } : {}) }),
  ...(extra.abi3Minor !== undefined ? { abi3Minor: extra.abi3Minor } : {}),
  ...(extra.target !== undefined ? { target: extra.target } : {}),
});

describe("planTargetDirs", () => {
  it("one environment keeps cargo's own target folder", () => {
    expect(planTargetDirs([unit(11)], "/t")).toEqual([undefined]);
    expect(planTargetDirs([unit(11), unit(11)], "/t")).toEqual([undefined, undefined]);
    expect(planTargetDirs([], "/t")).toEqual([]);
  });

  it("a --target build always has its own folder, named for the triple (a host build after it rebuilds nothing)", () => {
    const [dir] = planTargetDirs([unit(11, { target: "aarch64-unknown-linux-gnu" })], "/t");
    expect(dir).toMatch(new RegExp(`^${targetDirsRoot("/t")}/aarch64-unknown-linux-gnu-cpython-3\\.11-64bit-[0-9a-f]{10}$`));
  });

  it("several environments: one folder each under <target>/pyts-build/targets, named for the interpreter", () => {
    const dirs = planTargetDirs([unit(9), unit(11), unit(12)], "/t");
    expect(new Set(dirs).size).toBe(3);
    for (const [i, minor] of [9, 11, 12].entries()) expect(dirs[i]).toMatch(new RegExp(`^${targetDirsRoot("/t")}/cpython-3\\.${minor}-64bit-[0-9a-f]{10}$`));
  });

  it("the key follows what PyO3's build script reads: interpreter path, abi3, target", () => {
    const base = targetDirKey(unit(11));
    expect(targetDirKey(unit(11))).toBe(base); // stable between runs
    expect(targetDirKey(unit(11, { executable: "/venv/bin/python" }))).not.toBe(base);
    expect(targetDirKey(unit(11, { abi3Minor: 8 }))).toMatch(/^cpython-3\.11-64bit-abi3-py38-/);
    expect(targetDirKey(unit(11, { target: "x86_64-unknown-linux-gnu" }))).not.toBe(base);
    const noPython = { cargoEnv: planCargoEnv({ bindings: "pyo3", env: {}, abi3Minor: 8 }), abi3Minor: 8 };
    expect(targetDirKey(noPython)).toMatch(/^no-python-abi3-py38-/);
  });
});

describe("profile folders", () => {
  it("maps cargo profiles to their folders", () => {
    expect(profileDirName({})).toBe("debug");
    expect(profileDirName({ release: true })).toBe("release");
    expect(profileDirName({ profile: "dev", release: true })).toBe("debug");
    expect(profileDirName({ profile: "bench" })).toBe("release");
    expect(profileDirName({ profile: "dist" })).toBe("dist");
    expect(buildSubdirs({ release: true, target: "aarch64-unknown-linux-gnu" })).toEqual(["release", join("aarch64-unknown-linux-gnu", "release")]);
  });
});

describe("seedTargetDir", () => {
  const root = mkdtempSync(join(tmpdir(), "pyts-target-dirs-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const old = new Date("2020-01-02T03:04:05Z");

  function builtFolder(name: string): string {
    const d = join(root, name);
    mkdirSync(join(d, "release", ".fingerprint", "x"), { recursive: true });
    writeFileSync(join(d, "release", ".fingerprint", "x", "lib-x"), "fingerprint");
    utimesSync(join(d, "release", ".fingerprint", "x", "lib-x"), old, old);
    writeFileSync(join(d, ".rustc_info.json"), "{}");
    mkdirSync(join(d, "wheels"));
    return d;
  }

  it("copies the profile folder of the first built source, timestamps kept, no hard links", () => {
    const src = builtFolder("src1");
    const dest = join(root, "dest1");
    const r = seedTargetDir(dest, [join(root, "missing"), src], ["release"]);
    expect(r.from).toBe(src);
    expect(r.bytes).toBe("fingerprint".length);
    const copied = join(dest, "release", ".fingerprint", "x", "lib-x");
    expect(readFileSync(copied, "utf8")).toBe("fingerprint");
    expect(statSync(copied).mtimeMs).toBe(old.getTime());
    expect(statSync(copied).ino).not.toBe(statSync(join(src, "release", ".fingerprint", "x", "lib-x")).ino);
    expect(statSync(join(dest, ".rustc_info.json")).isFile()).toBe(true);
    expect(() => statSync(join(dest, "wheels"))).toThrow(); // only what cargo uses for this build
    // writing through the copy leaves the source as it was
    writeFileSync(copied, "changed");
    expect(readFileSync(join(src, "release", ".fingerprint", "x", "lib-x"), "utf8")).toBe("fingerprint");
  });

  it("leaves a folder that has the build already, and seeds nothing without a built source", () => {
    const src = builtFolder("src2");
    const dest = join(root, "dest2");
    mkdirSync(join(dest, "release"), { recursive: true });
    expect(seedTargetDir(dest, [src], ["release"])).toEqual({ bytes: 0 });
    expect(() => statSync(join(dest, "release", ".fingerprint"))).toThrow();
    expect(seedTargetDir(join(root, "dest3"), [join(root, "none"), src], ["debug"])).toEqual({ bytes: 0 });
  });
});
