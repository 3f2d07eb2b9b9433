/**
 * A target Python read from its sysroot without running it: the
 * `_sysconfigdata_*.py` file of its `lib/python3.X` (the folder
 * PYO3_CROSS_LIB_DIR names) is a Python dict literal of strings and integers,
 * `build_time_vars = {'EXT_SUFFIX': '.cpython-311-aarch64-linux-gnu.so', ...}`;
 * reading it gives the same facts the interpreter would report.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InterpreterError } from "../../errors.js";
import type { InterpreterInfo } from "../python/interpreter-info.js";
import { sysconfigPlatform, type TargetTriple } from "./triple.js";

export type SysconfigVars = Record<string, string | number>;

const STRING = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/y;
const NUMBER = /\s*(-?\d+)/y;
const KEY = /\s*[{,]?\s*'([^'\\]+)'\s*:/y;

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t" })[c] ?? c);
}

/** The `build_time_vars` dict of a `_sysconfigdata_*.py` text (strings, adjacent literals joined, and integers). */
export function parseSysconfigData(text: string, file = "_sysconfigdata"): SysconfigVars {
  const start = text.indexOf("build_time_vars");
  const open = text.indexOf("{", start);
  if (start < 0 || open < 0) throw new InterpreterError(`${file} holds no build_time_vars`, "point PYO3_CROSS_LIB_DIR at the target's lib/python3.X folder");
  const out: SysconfigVars = {};
  let pos = open;
  for (;;) {
    KEY.lastIndex = pos;
    const k = KEY.exec(text);
    if (!k) break;
    pos = KEY.lastIndex;
    NUMBER.lastIndex = pos;
    const n = NUMBER.exec(text);
    if (n) {
      out[k[1] as string] = Number(n[1]);
      pos = NUMBER.lastIndex;
      continue;
    }
    let value = "";
    let any = false;
    for (;;) {
      STRING.lastIndex = pos;
      const s = STRING.exec(text);
      if (!s) break;
      value += unescape(s[1] ?? s[2] ?? "");
      pos = STRING.lastIndex;
      any = true;
    }
    if (!any) throw new InterpreterError(`${file}: the value of ${k[1]} is neither a string nor a number`, "point PYO3_CROSS_LIB_DIR at the target's lib/python3.X folder");
    out[k[1] as string] = value;
  }
  return out;
}

/** The `_sysconfigdata_*.py` of a lib folder (or of its `python3.X` child); the target's multiarch one first. */
export function findSysconfigData(libDir: string, t: TargetTriple): string | undefined {
  const names = (dir: string): string[] => {
    try {
      return readdirSync(dir).filter((f) => /^_sysconfigdata_.*\.py$/.test(f)).map((f) => join(dir, f));
    } catch {
      return [];
    }
  };
  let found = names(libDir);
  if (found.length === 0) {
    let kids: string[] = [];
    try {
      kids = readdirSync(libDir).filter((d) => /^(python|pypy)3\.\d+$/.test(d));
    } catch {
      // not a folder: nothing found
    }
    found = kids.flatMap((d) => names(join(libDir, d)));
  }
  const arch = t.arch === "armv7" ? "arm" : t.arch;
  return found.sort((a, b) => Number(b.includes(arch)) - Number(a.includes(arch)) || a.localeCompare(b))[0];
}

/** The InterpreterInfo of the target Python a sysconfigdata file describes. */
export function describeFromSysconfig(vars: SysconfigVars, t: TargetTriple, file: string, deploymentTarget?: string): InterpreterInfo {
  const str = (k: string): string | undefined => (typeof vars[k] === "string" ? (vars[k] as string) : undefined);
  const version = str("VERSION") ?? str("py_version_short");
  const m = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  const extSuffix = str("EXT_SUFFIX") ?? str("SO");
  if (!m || !extSuffix) throw new InterpreterError(`${file} names no VERSION or EXT_SUFFIX`, "point PYO3_CROSS_LIB_DIR at the target's lib/python3.X folder");
  const soabi = str("SOABI") ?? null;
  const pypy = /^\.?pypy/.test(soabi ?? extSuffix.slice(1));
  const width = vars.SIZEOF_VOID_P === 4 ? 32 : vars.SIZEOF_VOID_P === 8 ? 64 : t.pointerWidth;
  return {
    executable: `${pypy ? "pypy" : "python"}${m[1]}.${m[2]} (${file})`,
    implementation: pypy ? "pypy" : "cpython",
    major: Number(m[1]),
    minor: Number(m[2]),
    abiflags: str("ABIFLAGS") ?? "",
    extSuffix,
    soabi,
    platform: sysconfigPlatform(t, deploymentTarget),
    pointerWidth: width,
    gilDisabled: vars.Py_GIL_DISABLED === 1,
    system: t.system,
    machine: t.machine,
    described: t.triple,
  };
}

/** Read the target Python of a lib folder (PYO3_CROSS_LIB_DIR); InterpreterError when it holds none. */
export function targetPythonFromLibDir(libDir: string, t: TargetTriple, deploymentTarget?: string): InterpreterInfo {
  const file = findSysconfigData(libDir, t);
  if (!file) throw new InterpreterError(`PYO3_CROSS_LIB_DIR=${libDir} holds no _sysconfigdata_*.py`, "point it at the target's lib/python3.X folder (the one with _sysconfigdata_*.py)");
  return describeFromSysconfig(parseSysconfigData(readFileSync(file, "utf8"), file), t, file, deploymentTarget);
}
