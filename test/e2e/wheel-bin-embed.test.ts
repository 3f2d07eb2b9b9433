/**
 * A program that embeds Python (pyo3's auto-initialize, issue 8 point 5): it
 * links libpython, which only extension modules may not. It builds as a
 * py3-none wheel, installs, and its script runs Python code. The audit does
 * not refuse it; since libpython is allowed by no policy and a bundled copy
 * would not find its standard library, such a wheel keeps the plain linux tag
 * (docs/configuration.md, "The environment pyts-build gives cargo").
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { readElfFile } from "../../src/manylinux/audit/elf.js";
import { runCli, type CliResult } from "../helpers/cli.js";
import { freshDir, installWheel, makeVenv, SYSTEM_PYTHON } from "../helpers/env.js";
import { fixture, PYO3_TARGET, wheelNames } from "./wheel-helpers.js";

// Debian's python3: its libpython3.11.so.1.0 is on the loader's default path,
// so the installed program finds it without LD_LIBRARY_PATH.
const PY = SYSTEM_PYTHON;

describe("bindings = bin, embedding Python", () => {
  let project: string;
  let first: CliResult;
  const wheel = () => (JSON.parse(first.stdout) as BuiltWheel[])[0] as BuiltWheel;

  beforeAll(() => {
    project = join(freshDir("bin-embed"), "bin-embed-python");
    cpSync(fixture("bin-embed-python"), project, { recursive: true, filter: (p) => !/\/(target|Cargo\.lock)$/.test(p) });
    // the default compatibility (auto, with the audit): libpython must not be refused
    first = runCli(["wheel", "-i", PY, "-o", "out", "--json"], { cwd: project, env: { CARGO_TARGET_DIR: PYO3_TARGET } });
  });

  it("builds: the program links libpython, the audit keeps it with the plain linux tag and says why", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(wheel().fileName).toBe("bin_embed_python-0.1.0-py3-none-linux_x86_64.whl");
    expect(first.stderr).toMatch(/warning: tagged linux_x86_64: no manylinux policy can be met: .*bin-embed-python embeds Python through libpython3\.11\.so\.1\.0/);
    const scripts = wheelNames(PY, wheel().path).filter((n) => !n.includes(".dist-info/"));
    expect(scripts).toEqual(["bin_embed_python-0.1.0.data/scripts/bin-embed-python"]);
    // really linked: the built program needs libpython
    const built = join(PYO3_TARGET, "debug", "bin-embed-python");
    expect(readElfFile(built).needed).toContain("libpython3.11.so.1.0");
  });

  it("installs, and its script runs Python code", () => {
    const venvDir = join(freshDir("bin-embed-venv"), "v");
    installWheel(makeVenv(PY, venvDir), wheel().path);
    const script = join(venvDir, "bin", "bin-embed-python");
    expect(existsSync(script)).toBe(true);
    expect(execFileSync(script, ["import sys; print(6 * 7, sys.version_info[:2])"], { encoding: "utf8" })).toBe("42 (3, 11)\n");
    expect(execFileSync(script, [], { encoding: "utf8" })).toMatch(/^embedded Python 3\.11\.\d+\n$/);
  });

  it("a policy asked for explicitly, or pypi, is an error that names libpython and leaves no wheel", () => {
    for (const compat of ["manylinux_2_28", "pypi"]) {
      const out = join(freshDir("bin-embed-policy"), "out");
      const r = runCli(["wheel", "-i", PY, "-o", out, "--compatibility", compat], { cwd: project, env: { CARGO_TARGET_DIR: PYO3_TARGET } });
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/error: .*embeds Python through libpython3\.11\.so\.1\.0/);
      expect(r.stderr).toMatch(/hint: a program that embeds Python runs only where that libpython is installed/);
      expect(existsSync(out) ? readdirSync(out).filter((f) => f.endsWith(".whl")) : []).toEqual([]);
    }
  });
});
