/** Wheel compatibility tags (PEP 425 and the platform tag spec). */
import { ValidationError } from "../errors.js";

/**
 * The facts about an interpreter that decide its tags. Declared here, in the pure
 * formats layer; the build's InterpreterInfo (src/build/python) extends it.
 */
export interface TagInterpreter {
  /** how it was run, named in errors */
  executable: string;
  /** sys.implementation.name: "cpython", "pypy", "graalpy", ... */
  implementation: string;
  major: number;
  minor: number;
  /** sys.abiflags ("" on 3.8+, "m" on 3.7 and older CPython) */
  abiflags: string;
  /** sysconfig EXT_SUFFIX */
  extSuffix: string;
  /** sysconfig SOABI, or null */
  soabi: string | null;
  /** sysconfig.get_platform(), e.g. "linux-x86_64" */
  platform: string;
  /** 32 or 64 */
  pointerWidth: number;
  /** free-threaded build (Py_GIL_DISABLED) */
  gilDisabled: boolean;
}

export interface WheelTag {
  python: string;
  abi: string;
  platform: string;
}

/** `cp311-cp311-linux_x86_64` */
export function tagsToString(tag: WheelTag): string {
  return `${tag.python}-${tag.abi}-${tag.platform}`;
}

const uniqSorted = (xs: string[]): string[] => [...new Set(xs)].sort();

/**
 * The tag part of a wheel file name: per kind, the distinct values sorted and
 * joined with `.` (`cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64`).
 */
export function compressedTagSet(tags: WheelTag[]): string {
  if (tags.length === 0) throw new ValidationError("a wheel needs at least one tag", "pass the tags the wheel is compatible with");
  return [
    uniqSorted(tags.map((t) => t.python)).join("."),
    uniqSorted(tags.map((t) => t.abi)).join("."),
    uniqSorted(tags.map((t) => t.platform)).join("."),
  ].join("-");
}

/** `py2.py3-none-any` -> every (python, abi, platform) combination, in file-name order. */
export function expandTagSet(s: string): WheelTag[] {
  const parts = s.split("-");
  if (parts.length !== 3 || parts.some((p) => p === "" || p.split(".").some((x) => x === ""))) {
    throw new ValidationError(`"${s}" is not a wheel tag set`, "a tag set looks like cp311-cp311-linux_x86_64");
  }
  const [py, abi, plat] = parts.map((p) => p.split(".")) as [string[], string[], string[]];
  const out: WheelTag[] = [];
  for (const python of py) for (const a of abi) for (const platform of plat) out.push({ python, abi: a, platform });
  return out;
}

/** The tags as the WHEEL file lists them: the expansion of the compressed set, one `Tag:` per line. */
export function wheelTagLines(tags: WheelTag[]): string[] {
  return expandTagSet(compressedTagSet(tags)).map((t) => `Tag: ${tagsToString(t)}`);
}

/** Whether pyo3's abi3 applies: CPython with the GIL (PyPy and free-threaded builds are version-specific). */
export function supportsAbi3(interp: TagInterpreter): boolean {
  return interp.implementation === "cpython" && !interp.gilDisabled && interp.major >= 3;
}

const norm = (s: string): string => s.replace(/[-.]/g, "_");

/**
 * Python and ABI tags for an extension built for `interp`.
 * `abi3Minor` (e.g. 7 for abi3-py37) asks for the stable ABI; it is ignored where
 * abi3 does not apply (see supportsAbi3), because the build is version-specific there.
 */
export function pythonAbiTag(interp: TagInterpreter, abi3Minor?: number): { python: string; abi: string } {
  const ver = `${interp.major}${interp.minor}`;
  if (abi3Minor !== undefined && supportsAbi3(interp)) {
    // an interpreter older than the minimum only lends its platform: the build
    // itself runs without it (PYO3_NO_PYTHON, src/build/cargo/cargo-env.ts)
    return { python: `cp${interp.major}${abi3Minor}`, abi: "abi3" };
  }
  switch (interp.implementation) {
    case "cpython": {
      let flags = interp.abiflags;
      if (interp.gilDisabled && !flags.includes("t")) flags = "t" + flags;
      return { python: `cp${ver}`, abi: `cp${ver}${flags}` };
    }
    case "pypy": {
      // SOABI "pypy39-pp73-x86_64-linux-gnu" (or EXT_SUFFIX ".pypy39-pp73-...so") -> "pypy39_pp73"
      const soabi = interp.soabi ?? interp.extSuffix.replace(/^\./, "");
      const parts = soabi.split("-");
      if (parts.length < 2 || !parts[0]?.startsWith("pypy")) {
        throw new ValidationError(`cannot derive the PyPy ABI tag from SOABI ${JSON.stringify(soabi)} of ${interp.executable}`);
      }
      return { python: `pp${ver}`, abi: norm(`${parts[0]}_${parts[1]}`) };
    }
    case "graalpy": {
      // SOABI "graalpy240-310-native-x86_64-linux" -> abi "graalpy240_310_native"
      const soabi = interp.soabi ?? interp.extSuffix.replace(/^\./, "");
      return { python: `graalpy${ver}`, abi: norm(soabi.split("-").slice(0, 3).join("_")) };
    }
    default: {
      const soabi = interp.soabi;
      return { python: `${interp.implementation}${ver}`, abi: soabi ? norm(soabi.split("-").slice(0, 2).join("_")) : "none" };
    }
  }
}

/** For a wheel with no Python ABI (a Rust binary shipped as a script). */
export function noAbiTag(major = 3): { python: string; abi: string } {
  return { python: `py${major}`, abi: "none" };
}

/**
 * `sysconfig.get_platform()` -> platform tag: `linux-x86_64` -> `linux_x86_64`,
 * `macosx-11.0-arm64` -> `macosx_11_0_arm64`, `win-amd64` -> `win_amd64`.
 * A 32-bit interpreter on a 64-bit Linux kernel reports the kernel's machine;
 * `pointerWidth` 32 corrects that as pip does.
 */
export function platformTagFromSysconfig(platform: string, pointerWidth?: number): string {
  let tag = platform.toLowerCase().replace(/[-. ]/g, "_");
  if (pointerWidth === 32) {
    if (tag === "linux_x86_64") tag = "linux_i686";
    else if (tag === "linux_aarch64") tag = "linux_armv7l";
  }
  return tag;
}

export function platformTag(interp: TagInterpreter): string {
  return platformTagFromSysconfig(interp.platform, interp.pointerWidth);
}

export interface WheelFileName {
  /** The `{dist}` component as written (escaped form). */
  dist: string;
  version: string;
  build?: string;
  pythonTags: string[];
  abiTags: string[];
  platformTags: string[];
  tags: WheelTag[];
}

/** Parse `{dist}-{version}(-{build})?-{python}-{abi}-{platform}.whl`. */
export function parseWheelFileName(fileName: string): WheelFileName {
  const base = fileName.replace(/^.*[\\/]/, "");
  const bad = (why: string): never => {
    throw new ValidationError(`"${base}" is not a wheel file name: ${why}`, "wheel names look like name-1.0-cp311-cp311-linux_x86_64.whl");
  };
  if (!base.endsWith(".whl")) bad("it does not end in .whl");
  const parts = base.slice(0, -4).split("-");
  if (parts.length !== 5 && parts.length !== 6) bad(`it has ${parts.length} '-'-separated parts, not 5 or 6`);
  const [dist, version] = parts as [string, string];
  const build = parts.length === 6 ? parts[2] : undefined;
  if (build !== undefined && !/^\d[A-Za-z0-9_.]*$/.test(build)) bad(`the build tag "${build}" must start with a digit`);
  const tagPart = parts.slice(-3).join("-");
  if (dist === "" || version === "") bad("the name or version is empty");
  let tags: WheelTag[] = [];
  try {
    tags = expandTagSet(tagPart);
  } catch {
    bad(`"${tagPart}" is not a tag set`);
  }
  const [py, abi, plat] = parts.slice(-3).map((p) => p.split(".")) as [string[], string[], string[]];
  const out: WheelFileName = { dist, version, pythonTags: py, abiTags: abi, platformTags: plat, tags };
  if (build !== undefined) out.build = build;
  return out;
}

/** Every (python, abi) pair of `tags` with each of `platforms`, in order, without repeats. */
export function withPlatforms(tags: WheelTag[], platforms: string[]): WheelTag[] {
  const out: WheelTag[] = [];
  const seen = new Set<string>();
  for (const t of tags) {
    for (const platform of platforms) {
      const tag = { python: t.python, abi: t.abi, platform };
      const key = tagsToString(tag);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(tag);
      }
    }
  }
  return out;
}
