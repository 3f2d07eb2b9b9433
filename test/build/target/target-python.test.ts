/**
 * The target's Python from the table (src/build/target/target-python.ts), checked two ways: against
 * CPython's and PyPy's naming rules written out per target, and against the real interpreters of this
 * machine (each x86_64 CPython and PyPy here must be described exactly as it describes itself).
 */
import { describe, expect, it } from "vitest";
import { InterpreterError } from "../../../src/errors.js";
import { describeTargetPython, parsePythonRequest } from "../../../src/build/target/target-python.js";
import { KNOWN_TARGETS, parseTriple, targetPlatformTags } from "../../../src/build/target/triple.js";
import { platformTag, pythonAbiTag } from "../../../src/wheel/tags.js";
import { moduleFileName } from "../../../src/wheel/module-name.js";
import { cpython, pypy, py } from "../../helpers/env.js";

const describeOn = (spec: string, triple: string) => describeTargetPython(spec, parseTriple(triple));

describe("parsePythonRequest", () => {
  it("takes versions, never program paths or bare python3", () => {
    expect(parsePythonRequest("python3.11")).toEqual({ implementation: "cpython", major: 3, minor: 11, gilDisabled: false });
    expect(parsePythonRequest("3.12")).toMatchObject({ implementation: "cpython", minor: 12 });
    expect(parsePythonRequest("pypy3.10")).toMatchObject({ implementation: "pypy", minor: 10 });
    expect(parsePythonRequest("python3.13t")).toMatchObject({ gilDisabled: true, minor: 13 });
    for (const s of ["/usr/bin/python3.11", "python3", "pypy3", "pypy3.10t", "python2.7"]) expect(parsePythonRequest(s)).toBeUndefined();
  });

  it("a program of this machine, or a version outside the table, is a one-line InterpreterError", () => {
    expect(() => describeOn("/usr/bin/python3.11", "aarch64-unknown-linux-gnu")).toThrow(InterpreterError);
    expect(() => describeOn("/usr/bin/python3.11", "aarch64-unknown-linux-gnu")).toThrow(/names a Python of this machine, which cannot describe a build for aarch64-unknown-linux-gnu/);
    expect(() => describeOn("python3.6", "aarch64-unknown-linux-gnu")).toThrow(/CPython 3\.7 to 3\.14/);
  });
});

describe("the table follows CPython's naming rules", () => {
  it.each([
    ["python3.11", "aarch64-unknown-linux-gnu", ".cpython-311-aarch64-linux-gnu.so", "cpython-311-aarch64-linux-gnu", "cp311-cp311-linux_aarch64"],
    ["python3.11", "armv7-unknown-linux-gnueabihf", ".cpython-311-arm-linux-gnueabihf.so", "cpython-311-arm-linux-gnueabihf", "cp311-cp311-linux_armv7l"],
    ["python3.7", "i686-unknown-linux-gnu", ".cpython-37m-i386-linux-gnu.so", "cpython-37m-i386-linux-gnu", "cp37-cp37m-linux_i686"],
    ["python3.12", "powerpc64le-unknown-linux-gnu", ".cpython-312-powerpc64le-linux-gnu.so", "cpython-312-powerpc64le-linux-gnu", "cp312-cp312-linux_ppc64le"],
    ["python3.12", "s390x-unknown-linux-gnu", ".cpython-312-s390x-linux-gnu.so", "cpython-312-s390x-linux-gnu", "cp312-cp312-linux_s390x"],
    ["python3.12", "aarch64-unknown-linux-musl", ".cpython-312-aarch64-linux-musl.so", "cpython-312-aarch64-linux-musl", "cp312-cp312-linux_aarch64"],
    ["python3.13t", "x86_64-unknown-linux-gnu", ".cpython-313t-x86_64-linux-gnu.so", "cpython-313t-x86_64-linux-gnu", "cp313-cp313t-linux_x86_64"],
    ["python3.11", "aarch64-apple-darwin", ".cpython-311-darwin.so", "cpython-311-darwin", "cp311-cp311-macosx_11_0_arm64"],
    ["python3.11", "x86_64-apple-darwin", ".cpython-311-darwin.so", "cpython-311-darwin", "cp311-cp311-macosx_10_12_x86_64"],
    ["python3.11", "x86_64-pc-windows-msvc", ".cp311-win_amd64.pyd", null, "cp311-cp311-win_amd64"],
    ["python3.13", "aarch64-pc-windows-msvc", ".cp313-win_arm64.pyd", "cp313-win_arm64", "cp313-cp313-win_arm64"],
    ["python3.10", "i686-pc-windows-msvc", ".cp310-win32.pyd", null, "cp310-cp310-win32"],
    ["pypy3.10", "aarch64-unknown-linux-gnu", ".pypy310-pp73-aarch64-linux-gnu.so", "pypy310-pp73", "pp310-pypy310_pp73-linux_aarch64"],
    ["pypy3.9", "x86_64-pc-windows-msvc", ".pypy39-pp73-win_amd64.pyd", "pypy39-pp73", "pp39-pypy39_pp73-win_amd64"],
  ])("%s on %s", (spec, triple, extSuffix, soabi, tag) => {
    const i = describeOn(spec, triple);
    expect(i.extSuffix).toBe(extSuffix);
    expect(i.soabi).toBe(soabi);
    const { python, abi } = pythonAbiTag(i);
    expect(`${python}-${abi}-${platformTag(i)}`).toBe(tag);
    expect(i.described).toBe(triple);
    expect(i.pointerWidth).toBe(parseTriple(triple).pointerWidth);
  });

  it("every listed target gets a description whose platform tag is the target's", () => {
    for (const t of KNOWN_TARGETS) expect(targetPlatformTags(parseTriple(t))).toContain(platformTag(describeOn("python3.12", t)));
  });

  it("the module file names that follow: .pyd on Windows, .so elsewhere, abi3 everywhere", () => {
    const win = describeOn("python3.11", "aarch64-pc-windows-msvc");
    expect(moduleFileName({ module: "m", system: win.system, extSuffix: win.extSuffix })).toBe("m.cp311-win_arm64.pyd");
    expect(moduleFileName({ module: "m", system: win.system, extSuffix: win.extSuffix, abi3: true })).toBe("m.pyd");
    const mac = describeOn("python3.11", "aarch64-apple-darwin");
    expect(moduleFileName({ module: "m", system: mac.system, extSuffix: mac.extSuffix, abi3: true })).toBe("m.abi3.so");
  });
});

describe("the table agrees with the real interpreters of this machine (x86_64 Linux)", () => {
  const facts = (exe: string) =>
    JSON.parse(py(exe, "import sys, sysconfig, json; g = sysconfig.get_config_var; print(json.dumps([g('EXT_SUFFIX'), g('SOABI'), getattr(sys, 'abiflags', '')]))")) as [string, string, string];
  const host = process.arch === "x64" && process.platform === "linux" ? "x86_64-unknown-linux-gnu" : undefined;

  it.skipIf(!host).each(["3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"])("CPython %s", (v) => {
    const exe = cpython(v);
    if (!exe) return; // this machine lacks that version: nothing to compare
    const i = describeOn(`python${v}`, host as string);
    expect([i.extSuffix, i.soabi, i.abiflags]).toEqual(facts(exe));
  });

  it.skipIf(!host || !pypy())("PyPy", () => {
    const exe = pypy() as string;
    const [ext, soabi] = facts(exe);
    const minor = /pypy3(\d+)/.exec(soabi)?.[1] as string;
    const i = describeOn(`pypy3.${minor}`, host as string);
    expect([i.extSuffix, i.soabi]).toEqual([ext, soabi]);
  });
});
