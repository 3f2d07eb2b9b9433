/**
 * `pyts-build audit` and `pyts-build repair` through the real CLI (compiled
 * dist/, child process): output, --json, exit codes, one-line errors with hints.
 */
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { freshDir } from "../../helpers/env.js";
import { buildCLib, buildPyext, makeWheel } from "../helpers/build.js";

/** An error run: non-zero exit, `error: ...` and `  hint: ...`, and no stack trace. */
function expectUserError(r: { code: number; stderr: string }, message: RegExp, hint: RegExp): void {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split("\n");
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^ {2}hint: /);
  expect(lines[1]).toMatch(hint);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("pyts-build audit / repair", () => {
  let zlibWheel: string;
  let extWheel: string;
  let libDir: string;
  let dir: string;

  beforeAll(() => {
    dir = freshDir("cli");
    const z = buildPyext({ variant: "cli-zlib", features: ["zlib"] });
    zlibWheel = makeWheel(dir, "zdemo", "1.0", "cp311-cp311-linux_x86_64", [{ path: "zdemo/pyext.so", data: readFileSync(z) }]);
    libDir = freshDir("cli-lib");
    buildCLib(libDir, "libclidep.so.1", "long pyext_answer(void) { return 9; }\n", ["-Wl,-soname,libclidep.so.1"]);
    symlinkSync("libclidep.so.1", join(libDir, "libclidep.so"));
    const e = buildPyext({ variant: "cli-extlib", features: ["extlib"], linkLib: "clidep", linkDir: libDir });
    extWheel = makeWheel(dir, "edemo", "1.0", "cp311-cp311-linux_x86_64", [{ path: "edemo/pyext.so", data: readFileSync(e) }]);
  });

  it("audit prints the verdict, the libraries and why not the next policy", () => {
    const r = runCli(["audit", zlibWheel]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^zdemo-1\.0-cp311-cp311-linux_x86_64\.whl$/m);
    expect(r.stdout).toMatch(/ELF files: zdemo\/pyext\.so \(extension module pyext\)/);
    expect(r.stdout).toMatch(/as it is: manylinux_2_\d+ -> manylinux_2_\d+_x86_64/);
    expect(r.stdout).toMatch(/libz\.so\.1 +\S+.*system \(allowed\)/);
    expect(r.stdout).toMatch(/why not manylinux_2_\d+:\n {4}- zdemo\/pyext\.so needs GLIBC_2\.\d+ from libc\.so\.6/);
  });

  it("audit --json gives the same verdict as data", () => {
    const r = runCli(["audit", "--json", zlibWheel, extWheel], { env: { LD_LIBRARY_PATH: libDir } });
    expect(r.code).toBe(0);
    const [z, e] = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(z!.policy).toMatch(/^manylinux_2_\d+$/);
    expect(z!.grafts).toEqual([]);
    expect((z!.libraries as { name: string }[]).map((l) => l.name)).toContain("libz.so.1");
    expect(e!.policy).toBe("linux");
    expect(e!.platformTags).toEqual(["linux_x86_64"]);
    expect(e!.repairedPolicy).toBe(z!.policy);
    expect(e!.grafts).toEqual([{ name: "libclidep.so.1", realPath: join(libDir, "libclidep.so.1"), neededBy: ["edemo/pyext.so"] }]);
    const p2014 = (e!.policies as { name: string; met: boolean; reasons: { kind: string }[] }[]).find((p) => p.name === "manylinux_2_17")!;
    expect(p2014.met).toBe(false);
    expect(p2014.reasons.map((x) => x.kind)).toEqual(expect.arrayContaining(["library", "version"]));
  });

  it("audit --plat fails when a wheel misses the policy", () => {
    expectUserError(runCli(["audit", "--plat", "manylinux2014", zlibWheel]), /does not meet manylinux_2_17 \(manylinux2014\): zdemo\/pyext\.so needs GLIBC_2\./, /older glibc/);
    expect(runCli(["audit", "--plat", "manylinux_2_41", zlibWheel]).code).toBe(0);
  });

  it("audit of a missing or broken file: one line and a hint", () => {
    expectUserError(runCli(["audit", join(dir, "nope-1.0-py3-none-any.whl")]), /nope-1\.0-py3-none-any\.whl/, /./);
    const junk = join(dir, "junk-1.0-py3-none-any.whl");
    writeFileSync(junk, "not a zip");
    expectUserError(runCli(["audit", junk]), /junk-1\.0-py3-none-any\.whl is not a usable wheel/, /rebuild the wheel/);
  });

  it("repair writes the repaired wheel and prints its path", () => {
    const out = freshDir("cli-out");
    const r = runCli(["repair", extWheel, "-w", out], { env: { LD_LIBRARY_PATH: libDir } });
    expect(r.code).toBe(0);
    const path = r.stdout.trim();
    expect(existsSync(path)).toBe(true);
    expect(basename(path)).toMatch(/^edemo-1\.0-cp311-cp311-manylinux_2_\d+_x86_64\.whl$/);
    expect(r.stderr).toMatch(/bundled libclidep\.so\.1 .* as edemo\.libs\/libclidep-[0-9a-f]{8}\.so\.1/);
  });

  it("repair errors: a library that cannot be found, an unknown --plat, no -w", () => {
    expectUserError(runCli(["repair", extWheel, "-w", freshDir("cli-x")], { env: { LD_LIBRARY_PATH: "" } }), /cannot meet any manylinux policy, even repaired: .*libclidep\.so\.1.*not found/, /LD_LIBRARY_PATH/);
    expectUserError(runCli(["repair", zlibWheel, "-w", freshDir("cli-y"), "--plat", "manylinux2099"]), /"manylinux2099" is not a policy for x86_64/, /manylinux2014/);
    const r = runCli(["repair", zlibWheel]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--wheel-dir/);
  });
});
