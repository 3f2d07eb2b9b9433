/**
 * Rust target triples and what a wheel needs to know of them: the
 * architecture, the operating system and C library, the pointer width, the
 * machine name Python reports there, CPython's PLATFORM_TRIPLET (the middle of
 * EXT_SUFFIX) and the platform part of the wheel tag. Pure.
 *
 * Naming sources: rustc's triples (`rustc --print target-list`), CPython's
 * configure.ac (PLATFORM_TRIPLET: `arm-linux-gnueabihf`, `i386-linux-gnu`,
 * `powerpc64le-linux-gnu`, `x86_64-linux-musl`), sysconfig.get_platform() per
 * system (`linux-aarch64`, `macosx-11.0-arm64`, `win-amd64`, `win32`) and the
 * platform tag spec (`linux_armv7l`, `win_arm64`, `macosx_10_12_universal2`).
 */
import { ConfigError } from "../../errors.js";

export type TargetSystem = "linux" | "darwin" | "windows";

export interface TargetTriple {
  /** As given, e.g. `armv7-unknown-linux-gnueabihf`. */
  triple: string;
  /** Normalised architecture: x86_64, i686, aarch64, armv7, arm, ppc64le, ppc64, s390x, riscv64, loongarch64, universal2. */
  arch: string;
  system: TargetSystem;
  /** The triple's environment part: gnu, gnueabihf, musl, musleabihf, msvc, ... ("" for macOS). */
  env: string;
  /** Linux only: which C library the target's programs link. */
  libc?: "glibc" | "musl";
  pointerWidth: 32 | 64;
  /** platform.machine() of a Python on the target: `aarch64`, `armv7l` (Linux), `arm64` (macOS), `ARM64`/`AMD64`/`x86` (Windows). */
  machine: string;
}

const ARCHES: Record<string, { arch: string; width: 32 | 64 }> = {
  x86_64: { arch: "x86_64", width: 64 },
  i686: { arch: "i686", width: 32 },
  i586: { arch: "i686", width: 32 },
  aarch64: { arch: "aarch64", width: 64 },
  armv7: { arch: "armv7", width: 32 },
  thumbv7neon: { arch: "armv7", width: 32 },
  arm: { arch: "arm", width: 32 },
  powerpc64le: { arch: "ppc64le", width: 64 },
  powerpc64: { arch: "ppc64", width: 64 },
  s390x: { arch: "s390x", width: 64 },
  riscv64gc: { arch: "riscv64", width: 64 },
  loongarch64: { arch: "loongarch64", width: 64 },
  universal2: { arch: "universal2", width: 64 },
};

/** The targets the documentation and the tests name (every one parses and has a platform tag). */
export const KNOWN_TARGETS = [
  "x86_64-unknown-linux-gnu",
  "i686-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "armv7-unknown-linux-gnueabihf",
  "powerpc64le-unknown-linux-gnu",
  "s390x-unknown-linux-gnu",
  "x86_64-unknown-linux-musl",
  "i686-unknown-linux-musl",
  "aarch64-unknown-linux-musl",
  "armv7-unknown-linux-musleabihf",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "universal2-apple-darwin",
  "x86_64-pc-windows-msvc",
  "aarch64-pc-windows-msvc",
  "i686-pc-windows-msvc",
  "x86_64-pc-windows-gnu",
] as const;

const HINT = "name a Rust target triple, e.g. aarch64-unknown-linux-gnu (`rustc --print target-list` lists them)";

/** Parse a triple; an architecture or system pyts-build cannot tag is a ConfigError naming `what`. */
export function parseTriple(triple: string, what = "--target"): TargetTriple {
  const parts = triple.split("-");
  const first = parts[0] ?? "";
  const a = ARCHES[first];
  if (parts.length < 3 || parts.some((p) => p === "")) throw new ConfigError(`${what} ${JSON.stringify(triple)} is not a target triple`, HINT);
  if (!a) throw new ConfigError(`${what} ${triple}: pyts-build has no wheel platform for the architecture ${first}`, HINT);
  const rest = parts.slice(1);
  let system: TargetSystem;
  if (rest.includes("linux")) system = "linux";
  else if (rest.includes("darwin")) system = "darwin";
  else if (rest.includes("windows")) system = "windows";
  else throw new ConfigError(`${what} ${triple}: pyts-build builds wheels for Linux, macOS and Windows targets only`, HINT);
  if (a.arch === "universal2" && system !== "darwin") throw new ConfigError(`${what} ${triple}: universal2 exists only for macOS`, "use universal2-apple-darwin");
  const env = system === "darwin" ? "" : (parts[parts.length - 1] as string);
  const out: TargetTriple = { triple, arch: a.arch, system, env, pointerWidth: a.width, machine: machineOf(a.arch, system) };
  if (system === "linux") out.libc = env.startsWith("musl") ? "musl" : "glibc";
  return out;
}

function machineOf(arch: string, system: TargetSystem): string {
  if (system === "darwin") return arch === "aarch64" ? "arm64" : arch;
  if (system === "windows") return arch === "x86_64" ? "AMD64" : arch === "aarch64" ? "ARM64" : "x86";
  if (arch === "armv7") return "armv7l";
  if (arch === "arm") return "armv6l";
  return arch;
}

/** The triple of the machine this runs on (Node's names), for telling a foreign target. */
export function hostTriple(platform: string = process.platform, arch: string = process.arch, musl = false): string {
  const a = ({ x64: "x86_64", arm64: "aarch64", ia32: "i686", arm: "armv7", ppc64: "powerpc64le", s390x: "s390x", riscv64: "riscv64gc", loong64: "loongarch64" } as Record<string, string>)[arch] ?? arch;
  if (platform === "darwin") return `${a}-apple-darwin`;
  if (platform === "win32") return `${a}-pc-windows-msvc`;
  const env = a === "armv7" ? (musl ? "musleabihf" : "gnueabihf") : musl ? "musl" : "gnu";
  return `${a}-unknown-linux-${env}`;
}

/**
 * Whether a build for `target` cannot run on `host` (both triples): another
 * architecture, system or C library. Such a build is described from tables,
 * not by running its Python.
 */
export function isForeign(target: TargetTriple, host: TargetTriple): boolean {
  return target.arch !== host.arch || target.system !== host.system || (target.libc ?? "") !== (host.libc ?? "");
}

/**
 * CPython's PLATFORM_TRIPLET for the target (configure.ac): `aarch64-linux-gnu`,
 * `arm-linux-gnueabihf`, `i386-linux-gnu`, `x86_64-linux-musl`, `darwin`;
 * undefined on Windows, whose suffixes name the platform tag instead.
 */
export function platformTriplet(t: TargetTriple): string | undefined {
  if (t.system === "darwin") return "darwin";
  if (t.system === "windows") return undefined;
  const arch = ({ i686: "i386", armv7: "arm", arm: "arm", ppc64le: "powerpc64le", ppc64: "powerpc64" } as Record<string, string>)[t.arch] ?? t.arch;
  return `${arch}-linux-${t.env}`;
}

/** macOS versions a wheel claims by default: Rust's own minimum per architecture. */
const MACOS_DEFAULT: Record<string, string> = { x86_64: "10.12", aarch64: "11.0" };

/**
 * The macOS version of a wheel for `arch`: MACOSX_DEPLOYMENT_TARGET when set, never below what Rust's code needs.
 * From macOS 11 on only `N.0` is a tag pip accepts (packaging's mac_platforms; `wheel` rounds the same way).
 */
export function macosVersionFor(arch: string, deploymentTarget?: string): string {
  const least = MACOS_DEFAULT[arch] ?? "11.0";
  if (!deploymentTarget) return least;
  const [a, b] = [deploymentTarget, least].map((v) => v.split(".").map(Number)) as [number[], number[]];
  const newer = (a[0] ?? 0) !== (b[0] ?? 0) ? (a[0] ?? 0) > (b[0] ?? 0) : (a[1] ?? 0) >= (b[1] ?? 0);
  if (!newer) return least;
  return (a[0] ?? 0) >= 11 ? `${a[0]}.0` : deploymentTarget;
}

/** `sysconfig.get_platform()` of a Python on the target: `linux-armv7l`, `macosx-11.0-arm64`, `win-arm64`, `win32`. */
export function sysconfigPlatform(t: TargetTriple, deploymentTarget?: string): string {
  if (t.system === "windows") return t.arch === "x86_64" ? "win-amd64" : t.arch === "aarch64" ? "win-arm64" : "win32";
  if (t.system === "darwin") {
    if (t.arch === "universal2") return `macosx-${macosVersionFor("x86_64", deploymentTarget)}-universal2`;
    return `macosx-${macosVersionFor(t.arch, deploymentTarget)}-${t.machine}`;
  }
  return `linux-${t.machine}`;
}

/**
 * The platform tags of a wheel for the target before any audit: `linux_aarch64`,
 * `win_amd64`, `macosx_11_0_arm64`; universal2 names both thin platforms and
 * the fat one, so pip on either Mac (old or new) takes it.
 */
export function targetPlatformTags(t: TargetTriple, deploymentTarget?: string): string[] {
  const tag = (p: string) => p.replace(/[-.]/g, "_");
  if (t.system === "darwin" && t.arch === "universal2") {
    const x86 = macosVersionFor("x86_64", deploymentTarget);
    const arm = macosVersionFor("aarch64", deploymentTarget);
    return [tag(`macosx-${x86}-x86_64`), tag(`macosx-${arm}-arm64`), tag(`macosx-${x86}-universal2`)];
  }
  return [tag(sysconfigPlatform(t, deploymentTarget))];
}

/** `CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_<what>`: cargo's per-target variables. */
export function cargoTargetVar(triple: string, what: string): string {
  return `CARGO_TARGET_${triple.toUpperCase().replace(/[-.]/g, "_")}_${what}`;
}
