/**
 * The environment a cargo run of a build gets, and the extra rustc arguments:
 * what PyO3's build script (and rust-cpython's) read to know what is being
 * built and for which Python. Pure: the callers (the host build, the container
 * build) apply the plan. docs/configuration.md "The environment pyts-build
 * gives cargo" is the user-facing description; keep the two in step.
 */
import type { InterpreterInfo } from "../python/interpreter-info.js";
import type { Bindings } from "../project/tool-config.js";
import { cargoTargetVar } from "../target/triple.js";

export interface CargoEnvInput {
  bindings: Bindings;
  /** The interpreter the build is for (undefined: none at all). */
  interpreter?: InterpreterInfo;
  /** The abi3 minimum (3.X) of an abi3 build; undefined for version-specific builds. */
  abi3Minor?: number;
  /** `--target` triple, when given. */
  target?: string;
  /** The user's environment (decides which of the user's own values win). */
  env: NodeJS.ProcessEnv;
  /** The user's trailing rustc arguments (after `--`), checked like RUSTFLAGS. */
  rustcArgs?: string[];
  /** A foreign target's Python (`interpreter.described`): the PYO3_CONFIG_FILE that describes it (src/build/target/pyo3-config.ts). */
  pyo3ConfigFile?: string;
  /** A linker variable for a foreign Linux target nothing else names one for (src/build/target/toolchain.ts). */
  linker?: { name: string; value: string };
}

export interface CargoEnvPlan {
  /** Final values of the variables pyts-build manages (the user's own value where it wins). */
  vars: Record<string, string>;
  /** Variables to remove from the user's environment for this run. */
  remove: string[];
  /** Extra trailing rustc arguments (only for extension builds: `cargo rustc --lib -- ...`). */
  rustcArgs: string[];
  /** True when the build runs with no usable interpreter (abi3 only): PYO3_NO_PYTHON=1. */
  withoutInterpreter: boolean;
  /** The target's operating system: linux, darwin, windows, ... */
  system: string;
}

/** Rust's own minimum macOS per architecture (rustc's defaults since Rust 1.74). */
export const MACOS_MINIMUM: Readonly<Record<string, string>> = { x86_64: "10.12", aarch64: "11.0" };

/** `x86_64`, `aarch64`, `i686`, ... from an interpreter's platform.machine() or a triple's first part. */
export function normalizeArch(machine: string): string {
  const m = machine.toLowerCase();
  if (m === "amd64" || m === "x64") return "x86_64";
  if (m === "arm64") return "aarch64";
  if (/^i[3-6]86$/.test(m) || m === "x86") return "i686";
  if (/^armv7/.test(m)) return "armv7";
  if (m === "riscv64gc") return "riscv64";
  if (m === "powerpc64le") return "ppc64le";
  if (m === "powerpc64") return "ppc64";
  return m;
}

/** The OS of a target triple: `x86_64-apple-darwin` -> darwin, `*-linux-*` -> linux, `*-windows-*` -> windows. */
export function systemOfTriple(triple: string): string | undefined {
  const parts = triple.toLowerCase().split("-");
  if (parts.includes("darwin") || parts.includes("ios")) return parts.includes("darwin") ? "darwin" : "ios";
  if (parts.includes("linux")) return "linux";
  if (parts.includes("windows")) return "windows";
  if (parts.includes("freebsd")) return "freebsd";
  return undefined;
}

/** The system the build is for: the --target's, else the interpreter's, else this machine's. */
export function targetSystem(target: string | undefined, interp: InterpreterInfo | undefined): string {
  return (target !== undefined ? systemOfTriple(target) : undefined) ?? interp?.system ?? (process.platform === "win32" ? "windows" : process.platform);
}

/**
 * Whether `interp` can describe a build for `target`: with no --target it does
 * (cargo builds for the machine it runs on); with one, the triple's
 * architecture and OS must be the interpreter's. An unknown triple counts as fitting.
 */
export function interpreterFitsTarget(interp: InterpreterInfo, target: string | undefined): boolean {
  if (target === undefined) return true;
  const sys = systemOfTriple(target);
  const arch = normalizeArch(target.split("-")[0] ?? "");
  if (sys !== undefined && sys !== interp.system) return false;
  return arch === normalizeArch(interp.machine);
}

/**
 * `cpython-3.12-64bit`: identifies the interpreter so PyO3's build script
 * reruns when it changes (maturin's form; a free-threaded build adds `t`).
 */
export function environmentSignature(i: InterpreterInfo): string {
  return `${i.implementation}-${i.major}.${i.minor}${i.gilDisabled ? "t" : ""}-${i.pointerWidth}bit`;
}

/** `CARGO_TARGET_X86_64_APPLE_DARWIN_RUSTFLAGS` for a triple. */
export function targetRustflagsVar(triple: string): string {
  return cargoTargetVar(triple, "RUSTFLAGS");
}

/** The triple cargo builds for on macOS: the --target, else this Mac's. */
function darwinTriple(target: string | undefined, interp: InterpreterInfo | undefined): string | undefined {
  if (target !== undefined) return target;
  return interp ? `${normalizeArch(interp.machine)}-apple-darwin` : undefined;
}

/** Every rustflags source cargo reads from the environment for this target. */
function userRustflags(env: NodeJS.ProcessEnv, triple: string | undefined): string[] {
  const out = [env.RUSTFLAGS, env.CARGO_BUILD_RUSTFLAGS, ...(env.CARGO_ENCODED_RUSTFLAGS ?? "").split("\x1f")];
  if (triple !== undefined) out.push(env[targetRustflagsVar(triple)]);
  else out.push(...Object.keys(env).filter((k) => /^CARGO_TARGET_.+_RUSTFLAGS$/.test(k)).map((k) => env[k]));
  return out.filter((s): s is string => s !== undefined && s !== "");
}

/** Whether the user already decides how undefined symbols are linked (`-undefined ...`, `-Wl,-undefined,...`). */
export function choosesUndefinedLinking(flags: string[]): boolean {
  return flags.some((f) => /-undefined\b|dynamic_lookup|-Wl,-undefined|-flat_namespace/.test(f));
}

/** `11.0` from `macosx-11.0-arm64`; undefined for other platforms. */
function macosVersionOf(platform: string): string | undefined {
  return /^macosx-(\d+(?:\.\d+)?)/.exec(platform)?.[1];
}

function versionKey(v: string): number[] {
  return v.split(".").map(Number);
}

function newerVersion(a: string, b: string): string {
  const [x, y] = [versionKey(a), versionKey(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d > 0 ? a : b;
  }
  return a;
}

/**
 * The default MACOSX_DEPLOYMENT_TARGET: the newer of Rust's minimum for the
 * architecture and the macOS the interpreter was built for (its wheels need
 * that one anyway); undefined when neither is known.
 */
export function defaultDeploymentTarget(arch: string, interp: InterpreterInfo | undefined): string | undefined {
  const rust = MACOS_MINIMUM[arch];
  const py = interp && interp.system === "darwin" ? macosVersionOf(interp.platform) : undefined;
  if (rust && py) return newerVersion(rust, py);
  return rust ?? py;
}

/** Plan the environment and extra rustc arguments of one cargo run. */
export function planCargoEnv(input: CargoEnvInput): CargoEnvPlan {
  const { bindings, env } = input;
  const extension = bindings !== "bin";
  const system = targetSystem(input.target, input.interpreter);
  const vars: Record<string, string> = {};
  const remove: string[] = [];
  const rustcArgs: string[] = [];

  // PyO3 0.26+ links libpython unless told an extension module is built (any
  // value counts, so the user's own is kept); a binary embedding Python needs it linked.
  if (extension) vars.PYO3_BUILD_EXTENSION_MODULE = env.PYO3_BUILD_EXTENSION_MODULE || "1";
  else if (env.PYO3_BUILD_EXTENSION_MODULE !== undefined) remove.push("PYO3_BUILD_EXTENSION_MODULE");

  const interp = input.interpreter;
  // abi3Minor is only ever set with a stable-ABI interpreter (planBuilds): older than the minimum does not fit
  const fits = interp !== undefined && interpreterFitsTarget(interp, input.target) && (input.abi3Minor === undefined || interp.minor >= input.abi3Minor);
  const withoutInterpreter = extension && input.abi3Minor !== undefined && !fits && input.pyo3ConfigFile === undefined;
  if (interp?.described !== undefined && input.pyo3ConfigFile !== undefined) {
    // a foreign target's Python: PyO3 reads the file, runs nothing and asks for no PYO3_CROSS_* variable
    if (extension) vars.PYO3_CONFIG_FILE = input.pyo3ConfigFile;
    vars.PYO3_ENVIRONMENT_SIGNATURE = environmentSignature(interp);
    remove.push("PYO3_PYTHON", "PYTHON_SYS_EXECUTABLE", "PYO3_NO_PYTHON");
  } else if (withoutInterpreter) {
    // PyO3 configures an abi3 build from the abi3-py3X feature alone: no interpreter is run.
    vars.PYO3_NO_PYTHON = "1";
    remove.push("PYO3_PYTHON", "PYTHON_SYS_EXECUTABLE", "PYO3_ENVIRONMENT_SIGNATURE");
  } else if (interp !== undefined) {
    // always the interpreter being built for: choose it with -i, not PYO3_PYTHON
    vars.PYO3_PYTHON = interp.executable;
    vars.PYTHON_SYS_EXECUTABLE = interp.executable; // rust-cpython's python3-sys, and old PyO3
    vars.PYO3_ENVIRONMENT_SIGNATURE = environmentSignature(interp);
  }

  if (system === "darwin") {
    const arch = normalizeArch((input.target ?? "").split("-")[0] || interp?.machine || "");
    const deployment = env.MACOSX_DEPLOYMENT_TARGET || defaultDeploymentTarget(arch, interp);
    if (deployment) vars.MACOSX_DEPLOYMENT_TARGET = deployment;
    // An extension leaves the Python C API symbols to the interpreter that loads it.
    const flags = [...userRustflags(env, darwinTriple(input.target, interp)), ...(input.rustcArgs ?? [])];
    if (extension && !choosesUndefinedLinking(flags)) rustcArgs.push("-C", "link-arg=-undefined", "-C", "link-arg=dynamic_lookup");
  }
  if (input.linker) vars[input.linker.name] = input.linker.value;
  return { vars, remove: remove.filter((k) => env[k] !== undefined), rustcArgs, withoutInterpreter, system };
}

/** The user's environment with the plan applied (for cargo on this machine). */
export function applyCargoEnv(env: NodeJS.ProcessEnv, plan: CargoEnvPlan): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, ...plan.vars };
  for (const k of plan.remove) delete out[k];
  return out;
}

/** One line for --verbose: what pyts-build set and removed. */
export function describeCargoEnv(plan: CargoEnvPlan): string {
  const set = Object.entries(plan.vars).map(([k, v]) => `${k}=${v}`);
  const removed = plan.remove.map((k) => `-${k}`);
  const args = plan.rustcArgs.length ? [`rustc: ${plan.rustcArgs.join(" ")}`] : [];
  return [...set, ...removed, ...args].join(" ");
}
