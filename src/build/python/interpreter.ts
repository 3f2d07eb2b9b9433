/**
 * Which interpreters to build for: `-i/--interpreter` values, `--find-interpreter`
 * (every python3.X / pypy3.X found on PATH and in pyenv), or `python3`.
 * Each is resolved to a stable real executable and described once.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { InterpreterError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { silentLogger } from "../../log.js";
import { parseSpecifier, parseVersion, type Specifier } from "../../wheel/pep440.js";
import { isExecutableFile, which } from "../../fs-util.js";
import type { InterpreterInfo } from "./interpreter-info.js";
import { INSTALL_HINT, queryInterpreter } from "./interpreter-query.js";
import { condaInterpreter, pyLauncherInterpreters } from "./interpreter-sources.js";
import { isPyenvShim, pyenvRoot, resolvePyenvShim } from "./pyenv.js";

export type { InterpreterInfo } from "./interpreter-info.js";

export interface FindInterpretersOptions {
  /** -i values: names (`python3.11`, `pypy3`, `3.12`) or paths. */
  interpreters?: string[];
  /** --find-interpreter */
  findInterpreter?: boolean;
  /** Where to cache answers (under the cargo target dir). */
  cacheDir?: string;
  /** requires-python: --find-interpreter skips interpreters outside it (with a note); a chosen one outside it is an error. */
  requiresPython?: string;
  /** Lowest Python 3 minor the bindings support (pyo3: 7); --find-interpreter skips older ones. */
  minMinor?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

/** A -i value as a command name: `3.12` -> `python3.12`. */
export function interpreterCommand(spec: string): string {
  return /^\d+(\.\d+)?$/.test(spec) ? `python${spec}` : spec;
}

/** A -i value -> an executable path (PATH lookup, pyenv shims followed). Throws InterpreterError. */
export function locateInterpreter(spec: string, cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const cmd = interpreterCommand(spec);
  let path: string | undefined;
  if (cmd.includes("/") || isAbsolute(cmd)) {
    path = resolve(cwd, cmd);
    if (!existsSync(path)) throw new InterpreterError(`interpreter ${spec} does not exist`, INSTALL_HINT);
  } else {
    path = which(cmd, env);
    if (!path) throw new InterpreterError(`interpreter ${spec} was not found on PATH`, INSTALL_HINT);
  }
  if (isPyenvShim(path, env)) {
    const real = resolvePyenvShim(path, cwd, env);
    if (!real) {
      throw new InterpreterError(`interpreter ${spec} is a pyenv shim with no installed version behind it here`, "check `pyenv versions`, or pass a real path with -i");
    }
    return real;
  }
  return path;
}

const CANDIDATE = /^(python3\.\d+|pypy3(\.\d+)?)$/;

/**
 * --find-interpreter and list-python: python3.X and pypy3.X on PATH and in
 * pyenv's versions, then the active conda env's python and the Windows `py`
 * launcher's list; one path per real file.
 */
export function discoverInterpreters(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  const root = pyenvRoot(env);
  for (const d of (env.PATH ?? "").split(delimiter)) {
    if (d === "" || (root && isPyenvShim(join(d, "x"), env))) continue;
    dirs.push(d);
  }
  if (root) {
    try {
      for (const v of readdirSync(join(root, "versions")).sort()) dirs.push(join(root, "versions", v, "bin"));
    } catch {
      // pyenv without versions
    }
  }
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    let id: string;
    try {
      const st = statSync(p);
      id = `${st.dev}:${st.ino}`;
    } catch {
      return;
    }
    if (seen.has(id)) return;
    seen.add(id);
    found.push(p);
  };
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names.filter((x) => CANDIDATE.test(x)).sort()) {
      const p = join(d, n);
      if (isExecutableFile(p)) add(p);
    }
  }
  const conda = condaInterpreter(env);
  if (conda) add(conda);
  pyLauncherInterpreters(env).forEach(add);
  return found;
}

function cmpRelease(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const releaseOf = (s: Specifier): number[] => parseVersion(s.version.replace(/\.\*$/, "")).release.map(Number);

/** One specifier against a release tuple (pre/post/dev parts ignored: interpreters are releases). */
function specifierAllows(part: string, have: number[]): boolean {
  const s = parseSpecifier(part);
  if (typeof s === "string") return true; // validated when the config was read
  if (s.operator === "===") return s.version === have.join(".");
  const rel = releaseOf(s);
  const prefixOk = (n: number) => cmpRelease(have.slice(0, n), rel.slice(0, n)) === 0;
  const c = cmpRelease(have, rel);
  switch (s.operator) {
    case "==":
      return s.wildcard ? prefixOk(rel.length) : c === 0;
    case "!=":
      return s.wildcard ? !prefixOk(rel.length) : c !== 0;
    case "~=":
      return c >= 0 && prefixOk(rel.length - 1);
    case ">=":
      return c >= 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case "<":
      return c < 0;
  }
}

/** Whether the version `major.minor` itself (as maturin compares it: `3.11` = 3.11.0) satisfies a specifier set. */
export function pythonVersionMatches(specifiers: string, major: number, minor: number): boolean {
  return specifiers.split(",").every((p) => specifierAllows(p, [major, minor]));
}

/** Whether some release of Python `major.minor` satisfies a requires-python set. */
export function pythonVersionAllowed(requiresPython: string, major: number, minor: number): boolean {
  const parts = requiresPython.split(",");
  // micro releases worth trying: the ends, and each micro a specifier names (and its neighbours)
  const micros = new Set([0, 999]);
  for (const part of parts) {
    const s = parseSpecifier(part);
    if (typeof s === "string" || s.operator === "===") continue;
    const m = releaseOf(s)[2];
    if (m !== undefined) [m - 1, m, m + 1].filter((x) => x >= 0).forEach((x) => micros.add(x));
  }
  return [...micros].some((micro) => parts.every((p) => specifierAllows(p, [major, minor, micro])));
}

function label(i: InterpreterInfo): string {
  const impl = i.implementation === "cpython" ? "CPython" : i.implementation === "pypy" ? "PyPy" : i.implementation;
  return `${impl} ${i.major}.${i.minor}`;
}

/** The interpreters to build for, each described (from the cache when possible). */
export async function findInterpreters(o: FindInterpretersOptions = {}): Promise<InterpreterInfo[]> {
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  const log = o.log ?? silentLogger;
  const q = (p: string) => queryInterpreter(p, { ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}), env });

  if (o.findInterpreter) {
    const paths = discoverInterpreters(env);
    const infos = await Promise.all(paths.map((p) => q(p).catch((e: Error) => (log.debug(`skipping ${p}: ${e.message}`), undefined))));
    const out: InterpreterInfo[] = [];
    const seen = new Set<string>();
    for (const i of infos) {
      if (!i) continue;
      const id = `${i.implementation}:${i.major}.${i.minor}:${i.extSuffix}`;
      if (seen.has(id)) continue; // the same Python twice (e.g. /usr/bin and pyenv)
      if (i.major !== 3 || (o.minMinor !== undefined && i.minor < o.minMinor)) {
        log.debug(`skipping ${i.executable} (${label(i)}): not supported by the bindings`);
        continue;
      }
      if (o.requiresPython && !pythonVersionAllowed(o.requiresPython, i.major, i.minor)) {
        log.info(`Skipping ${i.executable} (${label(i)}): outside requires-python ${o.requiresPython}`);
        continue;
      }
      seen.add(id);
      out.push(i);
    }
    if (out.length === 0) throw new InterpreterError("--find-interpreter found no usable Python 3 interpreter", INSTALL_HINT);
    return out;
  }

  const specs = o.interpreters && o.interpreters.length > 0 ? o.interpreters : ["python3"];
  const infos = await Promise.all(specs.map((s) => q(locateInterpreter(s, cwd, env))));
  for (const [n, i] of infos.entries()) {
    if (i.major !== 3) {
      throw new InterpreterError(`interpreter ${specs[n]} is Python ${i.major}.${i.minor}; only Python 3 is supported`, INSTALL_HINT);
    }
    // Chosen by name (or the default python3): a wheel it could not install is an error, as in maturin.
    if (o.requiresPython && !pythonVersionAllowed(o.requiresPython, i.major, i.minor)) {
      throw new InterpreterError(
        `interpreter ${specs[n]} (${label(i)}) does not satisfy the project's requires-python ${o.requiresPython}`,
        "pass an interpreter that does with -i, use --find-interpreter to build for every one found that does, or change requires-python",
      );
    }
  }
  // -i python3 -i python3.11 can be the same interpreter: build once
  const seen = new Set<string>();
  return infos.filter((i) => !seen.has(i.executable) && seen.add(i.executable));
}

export { label as interpreterLabel };
