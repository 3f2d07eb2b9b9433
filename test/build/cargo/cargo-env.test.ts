/**
 * The planning of cargo's environment (src/build/cargo/cargo-env.ts), pure: every
 * build kind, the user's own values, and macOS (deployment target, link
 * arguments), which this machine cannot build for. What cargo's build scripts
 * really receive is proven end to end in test/e2e/cargo-env.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  applyCargoEnv,
  type CargoEnvInput,
  choosesUndefinedLinking,
  defaultDeploymentTarget,
  describeCargoEnv,
  environmentSignature,
  interpreterFitsTarget,
  planCargoEnv,
  systemOfTriple,
  targetRustflagsVar,
} from "../../../src/build/cargo/cargo-env.js";
import { fakeInterpreter } from "../../helpers/interpreter-info.js";

const py312 = fakeInterpreter(12);
const UNDEFINED_ARGS = ["-C", "link-arg=-undefined", "-C", "link-arg=dynamic_lookup"];
const mac = (minor: number, machine: "arm64" | "x86_64", platform: string) =>
  fakeInterpreter(minor, { system: "darwin", machine, platform, extSuffix: `.cpython-3${minor}-darwin.so`, executable: `/Library/py3.${minor}` });
const plan = (o: Partial<CargoEnvInput>) => planCargoEnv({ bindings: "pyo3", interpreter: py312, env: {}, ...o });

describe("extension modules (pyo3, pyo3-ffi, cffi)", () => {
  it("a version-specific build: extension module, the interpreter and its signature", () => {
    const p = plan({});
    expect(p.vars).toEqual({
      PYO3_BUILD_EXTENSION_MODULE: "1",
      PYO3_PYTHON: "/py/3.12",
      PYTHON_SYS_EXECUTABLE: "/py/3.12",
      PYO3_ENVIRONMENT_SIGNATURE: "cpython-3.12-64bit",
    });
    expect(p.remove).toEqual([]);
    expect(p.rustcArgs).toEqual([]); // Linux: no link arguments
    expect(p.withoutInterpreter).toBe(false);
    expect(p.system).toBe("linux");
  });

  it("every extension kind gets PYO3_BUILD_EXTENSION_MODULE", () => {
    // the shared Bindings type grows "pyo3-ffi" and "cffi" (issue 8); the rule is "not bin"
    for (const bindings of ["pyo3", "pyo3-ffi", "cffi"]) {
      expect(plan({ bindings: bindings as CargoEnvInput["bindings"] }).vars.PYO3_BUILD_EXTENSION_MODULE).toBe("1");
    }
  });

  it("abi3 with an interpreter that fits: that interpreter, no PYO3_NO_PYTHON", () => {
    const p = plan({ abi3Minor: 8 });
    expect(p.vars.PYO3_PYTHON).toBe("/py/3.12");
    expect(p.vars.PYO3_NO_PYTHON).toBeUndefined();
    expect(p.withoutInterpreter).toBe(false);
  });

  it("abi3 whose interpreter is older than the minimum: PYO3_NO_PYTHON=1 and no interpreter at all", () => {
    const p = plan({ abi3Minor: 13, env: { PYO3_PYTHON: "/usr/bin/python3", PATH: "/bin" } });
    expect(p.vars).toEqual({ PYO3_BUILD_EXTENSION_MODULE: "1", PYO3_NO_PYTHON: "1" });
    expect(p.remove).toEqual(["PYO3_PYTHON"]); // only what the user had
    expect(p.withoutInterpreter).toBe(true);
    const env = applyCargoEnv({ PYO3_PYTHON: "/usr/bin/python3", PATH: "/bin" }, p);
    expect(env).toEqual({ PATH: "/bin", PYO3_BUILD_EXTENSION_MODULE: "1", PYO3_NO_PYTHON: "1" });
  });

  it("abi3 for another --target than the interpreter's machine: without interpreter", () => {
    expect(plan({ abi3Minor: 8, target: "aarch64-unknown-linux-gnu" }).withoutInterpreter).toBe(true);
    expect(plan({ abi3Minor: 8, target: "x86_64-unknown-linux-gnu" }).withoutInterpreter).toBe(false);
    expect(plan({ abi3Minor: 8, target: "x86_64-unknown-linux-musl" }).withoutInterpreter).toBe(false);
    // a version-specific cross build still names the interpreter (PyO3's own cross variables are the user's)
    expect(plan({ target: "aarch64-unknown-linux-gnu" }).vars.PYO3_PYTHON).toBe("/py/3.12");
  });

  it("abi3 with no interpreter given at all", () => {
    const p = planCargoEnv({ bindings: "pyo3", abi3Minor: 9, env: {} });
    expect(p.vars).toEqual({ PYO3_BUILD_EXTENSION_MODULE: "1", PYO3_NO_PYTHON: "1" });
  });

  it("the user's PYO3_BUILD_EXTENSION_MODULE is kept (PyO3 reads any value); PYO3_PYTHON is always the target interpreter", () => {
    const p = plan({ env: { PYO3_BUILD_EXTENSION_MODULE: "yes", PYO3_PYTHON: "/elsewhere/python" } });
    expect(p.vars.PYO3_BUILD_EXTENSION_MODULE).toBe("yes");
    expect(p.vars.PYO3_PYTHON).toBe("/py/3.12");
  });
});

describe("bin (a program, possibly embedding Python)", () => {
  it("never PYO3_BUILD_EXTENSION_MODULE, even when the user's shell exports it", () => {
    const p = plan({ bindings: "bin", env: { PYO3_BUILD_EXTENSION_MODULE: "1" } });
    expect(p.vars.PYO3_BUILD_EXTENSION_MODULE).toBeUndefined();
    expect(p.remove).toEqual(["PYO3_BUILD_EXTENSION_MODULE"]);
    expect(applyCargoEnv({ PYO3_BUILD_EXTENSION_MODULE: "1" }, p).PYO3_BUILD_EXTENSION_MODULE).toBeUndefined();
    // the interpreter it embeds
    expect(p.vars.PYO3_PYTHON).toBe("/py/3.12");
    expect(p.vars.PYO3_ENVIRONMENT_SIGNATURE).toBe("cpython-3.12-64bit");
  });

  it("no macOS link arguments for a program (they would let a missing symbol through to run time)", () => {
    const p = plan({ bindings: "bin", interpreter: mac(12, "arm64", "macosx-11.0-arm64") });
    expect(p.rustcArgs).toEqual([]);
    expect(p.vars.MACOSX_DEPLOYMENT_TARGET).toBe("11.0");
  });
});

describe("macOS", () => {
  it("an extension: dynamic_lookup link arguments and the deployment target", () => {
    const p = plan({ interpreter: mac(12, "arm64", "macosx-11.0-arm64") });
    expect(p.system).toBe("darwin");
    expect(p.rustcArgs).toEqual(UNDEFINED_ARGS);
    expect(p.vars.MACOSX_DEPLOYMENT_TARGET).toBe("11.0");
    expect(p.vars.PYO3_BUILD_EXTENSION_MODULE).toBe("1");
  });

  it("deployment target: the newer of Rust's minimum and the interpreter's macOS", () => {
    expect(plan({ interpreter: mac(12, "x86_64", "macosx-10.9-x86_64") }).vars.MACOSX_DEPLOYMENT_TARGET).toBe("10.12");
    expect(plan({ interpreter: mac(13, "x86_64", "macosx-10.13-x86_64") }).vars.MACOSX_DEPLOYMENT_TARGET).toBe("10.13");
    expect(plan({ interpreter: mac(13, "arm64", "macosx-14.0-arm64") }).vars.MACOSX_DEPLOYMENT_TARGET).toBe("14.0");
    expect(plan({ interpreter: mac(12, "x86_64", "macosx-10.9-universal2") }).vars.MACOSX_DEPLOYMENT_TARGET).toBe("10.12");
    expect(defaultDeploymentTarget("aarch64", undefined)).toBe("11.0");
    expect(defaultDeploymentTarget("x86_64", fakeInterpreter(12))).toBe("10.12"); // a Linux interpreter says nothing
  });

  it("the user's MACOSX_DEPLOYMENT_TARGET wins", () => {
    const p = plan({ interpreter: mac(12, "arm64", "macosx-11.0-arm64"), env: { MACOSX_DEPLOYMENT_TARGET: "13.3" } });
    expect(p.vars.MACOSX_DEPLOYMENT_TARGET).toBe("13.3");
  });

  it("a --target of apple-darwin plans for macOS (the triple's architecture decides the minimum)", () => {
    const p = planCargoEnv({ bindings: "pyo3", target: "x86_64-apple-darwin", abi3Minor: 8, env: {} });
    expect(p.system).toBe("darwin");
    expect(p.vars.MACOSX_DEPLOYMENT_TARGET).toBe("10.12");
    expect(p.rustcArgs).toEqual(UNDEFINED_ARGS);
    expect(p.vars.PYO3_NO_PYTHON).toBe("1");
    // a Mac interpreter cross-building for the other architecture does not fit it
    expect(plan({ interpreter: mac(12, "arm64", "macosx-11.0-arm64"), target: "x86_64-apple-darwin", abi3Minor: 8 }).withoutInterpreter).toBe(true);
  });

  it("the user's RUSTFLAGS, CARGO_ENCODED_RUSTFLAGS, target RUSTFLAGS or rustc arguments that choose the linking win", () => {
    const interpreter = mac(12, "arm64", "macosx-11.0-arm64");
    const chosen: Partial<CargoEnvInput>[] = [
      { env: { RUSTFLAGS: "-C link-arg=-undefined -C link-arg=error" } },
      { env: { CARGO_BUILD_RUSTFLAGS: "-Clink-args=-Wl,-undefined,dynamic_lookup" } },
      { env: { CARGO_ENCODED_RUSTFLAGS: "-C\x1flink-arg=-undefined\x1f-C\x1flink-arg=suppress" } },
      { env: { CARGO_TARGET_AARCH64_APPLE_DARWIN_RUSTFLAGS: "-C link-args=-undefined dynamic_lookup" } },
      { rustcArgs: ["-C", "link-arg=-undefined", "-C", "link-arg=error"] },
    ];
    for (const c of chosen) expect(plan({ interpreter, ...c }).rustcArgs, JSON.stringify(c)).toEqual([]);
    // unrelated flags, or another target's flags, do not count
    expect(plan({ interpreter, env: { RUSTFLAGS: "-C opt-level=3" } }).rustcArgs).toEqual(UNDEFINED_ARGS);
    expect(plan({ interpreter, env: { CARGO_TARGET_X86_64_APPLE_DARWIN_RUSTFLAGS: "-C link-arg=-undefined" } }).rustcArgs).toEqual(UNDEFINED_ARGS);
  });
});

describe("pieces", () => {
  it("environment signatures in maturin's form (free-threaded marked)", () => {
    expect(environmentSignature(fakeInterpreter(9))).toBe("cpython-3.9-64bit");
    expect(environmentSignature(fakeInterpreter(13, { gilDisabled: true }))).toBe("cpython-3.13t-64bit");
    expect(environmentSignature(fakeInterpreter(10, { implementation: "pypy", pointerWidth: 32 }))).toBe("pypy-3.10-32bit");
  });

  it("triples", () => {
    expect(systemOfTriple("aarch64-apple-darwin")).toBe("darwin");
    expect(systemOfTriple("x86_64-unknown-linux-gnu")).toBe("linux");
    expect(systemOfTriple("x86_64-pc-windows-msvc")).toBe("windows");
    expect(systemOfTriple("wasm32-unknown-unknown")).toBeUndefined();
    expect(targetRustflagsVar("armv7-unknown-linux-gnueabihf")).toBe("CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_RUSTFLAGS");
    expect(interpreterFitsTarget(fakeInterpreter(12, { machine: "AMD64", system: "windows" }), "x86_64-pc-windows-msvc")).toBe(true);
    expect(interpreterFitsTarget(fakeInterpreter(12), "x86_64-pc-windows-msvc")).toBe(false);
    expect(interpreterFitsTarget(fakeInterpreter(12), "i686-unknown-linux-gnu")).toBe(false);
    expect(interpreterFitsTarget(fakeInterpreter(12), undefined)).toBe(true);
  });

  it("choosesUndefinedLinking", () => {
    expect(choosesUndefinedLinking(["-C link-arg=-undefined"])).toBe(true);
    expect(choosesUndefinedLinking(["-C link-arg=-Wl,-flat_namespace"])).toBe(true);
    expect(choosesUndefinedLinking(["-C target-cpu=native", "-Zundefined-behaviour"])).toBe(false);
  });

  it("describeCargoEnv: what --verbose prints", () => {
    const p = plan({ bindings: "bin", env: { PYO3_BUILD_EXTENSION_MODULE: "1" } });
    expect(describeCargoEnv(p)).toBe("PYO3_PYTHON=/py/3.12 PYTHON_SYS_EXECUTABLE=/py/3.12 PYO3_ENVIRONMENT_SIGNATURE=cpython-3.12-64bit -PYO3_BUILD_EXTENSION_MODULE");
  });
});

describe("a foreign target's Python (described, not run)", () => {
  it("PYO3_CONFIG_FILE instead of any interpreter variable; the linker chosen for the target", () => {
    const aarch64 = fakeInterpreter(11, { described: "aarch64-unknown-linux-gnu", machine: "aarch64", platform: "linux-aarch64", executable: "python3.11" });
    const p = planCargoEnv({
      bindings: "pyo3",
      interpreter: aarch64,
      target: "aarch64-unknown-linux-gnu",
      env: { PYO3_PYTHON: "/usr/bin/python3", PYO3_NO_PYTHON: "1" },
      pyo3ConfigFile: "/t/pyo3-config-1.txt",
      linker: { name: "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", value: "aarch64-linux-gnu-gcc" },
    });
    expect(p.vars).toEqual({
      PYO3_BUILD_EXTENSION_MODULE: "1",
      PYO3_CONFIG_FILE: "/t/pyo3-config-1.txt",
      PYO3_ENVIRONMENT_SIGNATURE: "cpython-3.11-64bit",
      CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER: "aarch64-linux-gnu-gcc",
    });
    expect(p.remove.sort()).toEqual(["PYO3_NO_PYTHON", "PYO3_PYTHON"]);
    expect(p.withoutInterpreter).toBe(false);
  });
});
