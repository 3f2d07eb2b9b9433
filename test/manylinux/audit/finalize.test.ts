/**
 * finalizeWheel, the audit step the wheel build runs after writing a plain
 * linux wheel: retag (pip must accept the tag on this machine), repair, keep,
 * or refuse.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditError } from "../../../src/errors.js";
import { memoryLogger } from "../../../src/log.js";
import { finalizeWheel } from "../../../src/manylinux/audit/finalize.js";
import { cpython, freshDir, makeVenv, py, SYSTEM_PYTHON, testEnv } from "../../helpers/env.js";
import { buildCLib, buildPyext, makeWheel } from "../helpers/build.js";

const PY = cpython("3.11") ?? cpython("3.12") ?? SYSTEM_PYTHON;
const PYTAG = "cp" + py(PY, "import sys; print('%d%d' % sys.version_info[:2])");

describe("finalizeWheel", () => {
  let so: string;
  beforeAll(() => {
    so = buildPyext({ variant: "finalize-plain" });
  });
  const plainWheel = (name: string) => {
    const dir = freshDir(name);
    return { dir, whl: makeWheel(dir, "fdemo", "1.0", `${PYTAG}-${PYTAG}-linux_x86_64`, [{ path: "fdemo/pyext.so", data: readFileSync(so) }]) };
  };

  it("auto: retags to the best policy, replaces the plain wheel, and pip installs the result here", () => {
    const { dir, whl } = plainWheel("fin-auto");
    return finalizeWheel(whl, { linuxTag: "linux_x86_64", outDir: dir }).then((r) => {
      expect(r.grafted).toEqual([]);
      expect(basename(r.path)).toBe(`fdemo-1.0-${PYTAG}-${PYTAG}-${r.platformTags.join(".")}.whl`);
      expect(r.platformTags[0]).toMatch(/^manylinux_2_\d+_x86_64$/);
      expect(existsSync(whl)).toBe(false);
      // pip decides by the tag whether the wheel fits this machine's glibc
      const venv = makeVenv(PY, freshDir("fin-venv"), true);
      execFileSync(venv, ["-m", "pip", "install", "--no-index", "--no-deps", r.path], { env: testEnv(), stdio: "pipe" });
      expect(py(venv, "import fdemo.pyext as m; print(m.answer)")).toBe("42");
    });
  });

  it("auto with an outside library: repairs", async () => {
    const libDir = freshDir("fin-lib");
    buildCLib(libDir, "libfindep.so.1", "long pyext_answer(void) { return 3; }\n", ["-Wl,-soname,libfindep.so.1"]);
    symlinkSync("libfindep.so.1", join(libDir, "libfindep.so"));
    const ext = buildPyext({ variant: "finalize-extlib", features: ["extlib"], linkLib: "findep", linkDir: libDir });
    const dir = freshDir("fin-repair");
    const whl = makeWheel(dir, "fdemo", "1.0", `${PYTAG}-${PYTAG}-linux_x86_64`, [{ path: "fdemo/pyext.so", data: readFileSync(ext) }]);
    const log = memoryLogger();
    const r = await finalizeWheel(whl, { linuxTag: "linux_x86_64", outDir: dir, env: { ...process.env, LD_LIBRARY_PATH: libDir }, log });
    expect(r.grafted).toEqual(["libfindep.so.1"]);
    expect(existsSync(whl)).toBe(false);
    expect(log.lines.join("\n")).toMatch(/bundled libfindep\.so\.1 as fdemo\.libs\/libfindep-[0-9a-f]{8}\.so\.1/);
  });

  it("linux keeps the wheel as it is; an explicit policy the build misses is refused and the wheel kept", async () => {
    const { dir, whl } = plainWheel("fin-linux");
    const r = await finalizeWheel(whl, { linuxTag: "linux_x86_64", outDir: dir, compatibility: "linux" });
    expect(r.path).toBe(whl);
    expect(r.platformTags).toEqual(["linux_x86_64"]);
    const err = await finalizeWheel(whl, { linuxTag: "linux_x86_64", outDir: dir, compatibility: "manylinux2014" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditError);
    expect((err as AuditError).message).toMatch(/does not meet manylinux_2_17 \(manylinux2014\)/);
    expect(existsSync(whl)).toBe(true);
  });
});
