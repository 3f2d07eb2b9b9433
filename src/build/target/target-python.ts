/**
 * The target's Python without running it: `-i python3.11` (or `pypy3.10`,
 * `3.12`, `python3.13t`) with a foreign `--target` means that version built for
 * the target, described from CPython's and PyPy's naming rules the way their
 * own sysconfig would describe it. Pure.
 *
 * The rules (CPython's configure.ac and PC/layout, PyPy's sysconfig):
 * - Linux/macOS CPython: SOABI `cpython-<XY><abiflags>-<PLATFORM_TRIPLET>`, EXT_SUFFIX `.<SOABI>.so`;
 *   abiflags `m` up to 3.7 (pymalloc), `t` for free-threaded builds.
 * - Windows CPython: EXT_SUFFIX `.cp<XY>-<platform tag>.pyd` (`win_amd64`, `win_arm64`, `win32`);
 *   SOABI unset before 3.13, then `cp<XY>-<platform tag>`.
 * - PyPy: SOABI `pypy<XY>-pp73`, EXT_SUFFIX `.pypy<XY>-pp73-<PLATFORM_TRIPLET>.so` (Windows: `-<platform tag>.pyd`).
 */
import { InterpreterError } from "../../errors.js";
import type { InterpreterInfo } from "../python/interpreter-info.js";
import { platformTriplet, sysconfigPlatform, type TargetTriple } from "./triple.js";

export interface PythonRequest {
  implementation: "cpython" | "pypy";
  major: number;
  minor: number;
  gilDisabled: boolean;
}

/** Oldest and newest minor the table describes, per implementation (PyPy: the 7.3 series). */
export const TABLE_MINORS: Record<PythonRequest["implementation"], [number, number]> = { cpython: [7, 14], pypy: [7, 11] };

/**
 * A version request (`python3.11`, `3.11`, `cpython3.11`, `pypy3.10`, `python3.13t`), or
 * undefined for anything else (a path, `python3`): those name a program on this machine.
 */
export function parsePythonRequest(spec: string): PythonRequest | undefined {
  const m = /^(python|cpython|pypy|)(3)\.(\d+)(t?)$/.exec(spec);
  if (!m) return undefined;
  const implementation = m[1] === "pypy" ? "pypy" : "cpython";
  const gilDisabled = m[4] === "t";
  if (gilDisabled && implementation === "pypy") return undefined;
  return { implementation, major: 3, minor: Number(m[3]), gilDisabled };
}

/** `python3.11`, `pypy3.10`, `python3.13t`: how errors and the build's steps name a request. */
export function requestLabel(r: PythonRequest): string {
  return `${r.implementation === "pypy" ? "pypy" : "python"}${r.major}.${r.minor}${r.gilDisabled ? "t" : ""}`;
}

/** SOABI and EXT_SUFFIX of the request on the target. */
export function soabiAndSuffix(r: PythonRequest, t: TargetTriple): { soabi: string | null; extSuffix: string; abiflags: string } {
  const ver = `${r.major}${r.minor}`;
  const abiflags = r.implementation === "cpython" ? `${r.gilDisabled ? "t" : ""}${r.minor <= 7 ? "m" : ""}` : "";
  const winTag = sysconfigPlatform(t).replace(/-/g, "_");
  if (r.implementation === "pypy") {
    // PyPy's SOABI stops at the ABI; only EXT_SUFFIX names the platform
    const soabi = `pypy${ver}-pp73`;
    const where = t.system === "windows" ? winTag : t.system === "darwin" ? "darwin" : platformTriplet(t);
    return { soabi, extSuffix: `.${soabi}-${where}${t.system === "windows" ? ".pyd" : ".so"}`, abiflags };
  }
  if (t.system === "windows") {
    const stem = `cp${ver}${r.gilDisabled ? "t" : ""}-${winTag}`;
    return { soabi: r.minor >= 13 ? stem : null, extSuffix: `.${stem}.pyd`, abiflags };
  }
  const soabi = `cpython-${ver}${abiflags}-${platformTriplet(t)}`;
  return { soabi, extSuffix: `.${soabi}.so`, abiflags };
}

/**
 * The InterpreterInfo of a request on a foreign target. `executable` is the
 * request as written: nothing runs it (`described` says so).
 */
export function describeTargetPython(spec: string, t: TargetTriple, deploymentTarget?: string): InterpreterInfo {
  const r = parsePythonRequest(spec);
  if (!r) {
    throw new InterpreterError(
      `-i ${spec} names a Python of this machine, which cannot describe a build for ${t.triple}`,
      `name the target's Python by version (-i python3.11, -i pypy3.10), or point PYO3_CROSS_LIB_DIR at the target's lib/python3.X`,
    );
  }
  const [lo, hi] = TABLE_MINORS[r.implementation];
  if (r.minor < lo || r.minor > hi) {
    throw new InterpreterError(`-i ${spec}: pyts-build describes ${r.implementation === "pypy" ? "PyPy" : "CPython"} 3.${lo} to 3.${hi} for other targets`, `pick a version in that range`);
  }
  const { soabi, extSuffix, abiflags } = soabiAndSuffix(r, t);
  return {
    executable: requestLabel(r),
    implementation: r.implementation,
    major: r.major,
    minor: r.minor,
    abiflags,
    extSuffix,
    soabi,
    platform: sysconfigPlatform(t, deploymentTarget),
    pointerWidth: t.pointerWidth,
    gilDisabled: r.gilDisabled,
    system: t.system,
    machine: t.machine,
    described: t.triple,
  };
}
