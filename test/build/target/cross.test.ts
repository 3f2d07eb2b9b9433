/** Which target a build is for and the target's Pythons of a foreign build (src/build/target/cross.ts). */
import { describe, expect, it } from "vitest";
import { ConfigError, InterpreterError } from "../../../src/errors.js";
import { buildTarget, crossInterpreters } from "../../../src/build/target/cross.js";

const HOST = "x86_64-unknown-linux-gnu";
const aarch64 = buildTarget("aarch64-unknown-linux-gnu", {}, HOST)!;

describe("buildTarget", () => {
  it("--target first, then CARGO_BUILD_TARGET; none is a host build", () => {
    expect(buildTarget(undefined, {}, HOST)).toBeUndefined();
    expect(buildTarget(undefined, { CARGO_BUILD_TARGET: "aarch64-unknown-linux-gnu" }, HOST)).toMatchObject({ triple: "aarch64-unknown-linux-gnu", foreign: true });
    expect(buildTarget("x86_64-unknown-linux-gnu", { CARGO_BUILD_TARGET: "aarch64-unknown-linux-gnu" }, HOST)).toMatchObject({ triple: HOST, foreign: false });
    expect(() => buildTarget(undefined, { CARGO_BUILD_TARGET: "nonsense" }, HOST)).toThrow(/^CARGO_BUILD_TARGET "nonsense" is not a target triple/);
  });
});

describe("crossInterpreters", () => {
  const base = { abi3: undefined, versionIndependent: false, env: {} };
  it("-i versions are described for the target", () => {
    const found = crossInterpreters(aarch64, { ...base, interpreters: ["python3.11", "pypy3.10"] });
    expect(found.map((i) => i.extSuffix)).toEqual([".cpython-311-aarch64-linux-gnu.so", ".pypy310-pp73-aarch64-linux-gnu.so"]);
  });

  it("abi3 without -i: the minimum version; a binary: any", () => {
    expect(crossInterpreters(aarch64, { ...base, abi3: 8 }).map((i) => i.minor)).toEqual([8]);
    expect(crossInterpreters(aarch64, { ...base, versionIndependent: true })).toHaveLength(1);
  });

  it("a host interpreter path, --find-interpreter, or no version at all: one-line errors", () => {
    expect(() => crossInterpreters(aarch64, { ...base, interpreters: ["/usr/bin/python3"] })).toThrow(InterpreterError);
    expect(() => crossInterpreters(aarch64, { ...base, findInterpreter: true })).toThrow(/--find-interpreter finds this machine's Pythons, not aarch64-unknown-linux-gnu's/);
    expect(() => crossInterpreters(aarch64, base)).toThrow(ConfigError);
    expect(() => crossInterpreters(aarch64, base)).toThrow(/building for aarch64-unknown-linux-gnu needs the target Python's version/);
  });
});
