/**
 * Repair of a foreign wheel (docs/cross.md "Tags, audit and repair"): an aarch64 extension, made by the
 * cross gcc, needs libxhost.so.1. A library of that soname built for this machine (x86_64) sits first on
 * the library path: the audit must not resolve to it and repair must never graft it; an aarch64 library
 * of the same soname further down the path is the one bundled.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repairWheel } from "../../../src/manylinux/audit/repair.js";
import { auditWheel } from "../../../src/manylinux/audit/wheel-audit.js";
import { readElfFile } from "../../../src/manylinux/audit/elf.js";
import { which } from "../../../src/fs-util.js";
import { freshDir } from "../../helpers/env.js";
import { makeWheel } from "../helpers/build.js";

const GCC = "aarch64-linux-gnu-gcc";
const missing = which(GCC) === undefined;
// .ci/cross.sh installs it; only a developer machine may lack it
if (missing && process.env.CI) throw new Error(`${GCC} missing in CI: .ci/cross.sh installs it`);

describe.skipIf(missing)(`a foreign wheel's repair${missing ? ` (skipped: no ${GCC}; run .ci/cross.sh)` : ""}`, () => {
  const dir = freshDir("repair-cross");
  const src = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const lib = src("xhost.c", "int xhost(void) { return 7; }\n");
  const ext = src("ext.c", "int xhost(void);\nint PyInit_ext(void) { return xhost(); }\n");
  const hostDir = join(dir, "host");
  const armDir = join(dir, "arm");
  mkdirSync(hostDir);
  mkdirSync(armDir);
  // the same soname for two machines
  execFileSync("cc", ["-shared", "-fPIC", "-Wl,-soname,libxhost.so.1", "-o", join(hostDir, "libxhost.so.1"), lib]);
  execFileSync(GCC, ["-shared", "-fPIC", "-Wl,-soname,libxhost.so.1", "-o", join(armDir, "libxhost.so.1"), lib]);
  execFileSync(GCC, ["-shared", "-fPIC", "-o", join(dir, "ext.so"), ext, "-L", armDir, "-l:libxhost.so.1"]);
  const wheel = makeWheel(join(dir, "in"), "xpkg", "1.0", "cp311-cp311-linux_aarch64", [{ path: "ext.so", data: execFileSync("cat", [join(dir, "ext.so")]) }]);

  it("with only this machine's library of that soname: unresolved, nothing grafted", async () => {
    const report = await auditWheel(wheel, { env: { ...process.env, LD_LIBRARY_PATH: hostDir } });
    expect(report.arch).toBe("aarch64");
    const x = report.libraries.find((l) => l.name === "libxhost.so.1");
    expect(x?.path).toBeUndefined();
    await expect(repairWheel(wheel, { outDir: join(dir, "out1"), env: { ...process.env, LD_LIBRARY_PATH: hostDir } })).rejects.toThrow(/ext\.so needs libxhost\.so\.1, which is not found/);
  });

  it("with the target's library further down the path: that one is bundled, never the host's", async () => {
    const r = await repairWheel(wheel, { outDir: join(dir, "out2"), env: { ...process.env, LD_LIBRARY_PATH: `${hostDir}:${armDir}` } });
    expect(r.grafted.map((g) => [g.name, g.from])).toEqual([["libxhost.so.1", join(armDir, "libxhost.so.1")]]);
    const unpacked = freshDir("repair-cross-out");
    execFileSync("python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", r.wheel, unpacked]);
    const grafted = join(unpacked, (r.grafted[0] as { wheelPath: string }).wheelPath);
    expect(readElfFile(grafted).arch).toBe("aarch64");
    rmSync(unpacked, { recursive: true, force: true });
  });
});
