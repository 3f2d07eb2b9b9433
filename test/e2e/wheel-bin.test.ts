/** bindings = "bin": a Rust program shipped as a script in a py3-none-<platform> wheel. */
import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, installWheel, makeVenv, SYSTEM_PYTHON, twineCheck } from "../helpers/env.js";
import { fixture, wheelNames } from "./wheel-helpers.js";

const py311 = cpython("3.11") ?? SYSTEM_PYTHON;

describe("bindings = bin", () => {
  it("ships the binary in .data/scripts under a py3-none tag, and it runs once installed", () => {
    const d = freshDir("bin-hello");
    cpSync(fixture("bin-hello"), d, { recursive: true });
    const r = runCliOk(["wheel", "-i", py311, "-o", "out", "--json", "--strip"], { cwd: d });
    const [w] = JSON.parse(r.stdout) as BuiltWheel[];
    // the binary is audited like an extension: tagged with the manylinux policy it meets
    expect(w?.fileName).toMatch(/^bin_hello-0\.1\.0-py3-none-manylinux_2_\d+_x86_64(\.manylinux\w+)?\.whl$/);
    expect(wheelNames(SYSTEM_PYTHON, w?.path as string).filter((n) => !n.includes(".dist-info/"))).toEqual(["bin_hello-0.1.0.data/scripts/bin-hello"]);
    twineCheck(w?.path as string);
    const venvDir = join(d, "venv");
    installWheel(makeVenv(py311, venvDir), w?.path as string);
    expect(execFileSync(join(venvDir, "bin", "bin-hello"), ["wheel"], { encoding: "utf8" })).toBe("hello wheel, from rust\n");
  });

  it("rustc arguments after -- are refused for binaries", () => {
    const d = freshDir("bin-args");
    cpSync(fixture("bin-hello"), d, { recursive: true });
    const r = runCli(["wheel", "-i", py311, "--", "-C", "opt-level=1"], { cwd: d });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("error: trailing rustc arguments (after --) work only for extension modules");
  });
});
