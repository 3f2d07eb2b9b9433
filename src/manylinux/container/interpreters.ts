/**
 * The Pythons inside a build image: pypa images keep them at
 * /opt/python/<tag>-<abi>/bin/python, other images (a distribution's own
 * python3.X) have them on PATH. They are found and described INSIDE the
 * container (sysconfig of the image, not of the host), with the same query
 * script the host build uses.
 */
import { InterpreterError } from "../../errors.js";
import type { InterpreterInfo } from "../../build/python/interpreter-info.js";
import { parseQueryOutput, QUERY_SCRIPT } from "../../build/python/interpreter-query.js";

/**
 * POSIX sh (busybox too): each candidate as `@@<path>` followed by the query
 * script's JSON answer. The script comes in $PYTS_QUERY so no quoting games.
 */
export const DISCOVER_SCRIPT = `
{
  for p in /opt/python/*/bin/python; do [ -x "$p" ] && echo "$p"; done
  IFS=:
  for d in $PATH; do
    for p in "$d"/python3.* "$d"/pypy3.*; do [ -f "$p" ] && [ -x "$p" ] && echo "$p"; done
  done
} | while read -r p; do
  case "$p" in
    /opt/python/*|*/python3.[0-9]|*/python3.[0-9][0-9]|*/python3.[0-9]t|*/python3.[0-9][0-9]t|*/pypy3.[0-9]|*/pypy3.[0-9][0-9]) ;;
    *) continue ;;
  esac
  echo "@@$p"
  "$p" -c "$PYTS_QUERY" 2>/dev/null || echo "@@failed"
done
`;

/** The candidate names kept from PATH: python3.9, python3.13t, pypy3.10 (not python3.9-config, python3.9m). */
const PATH_NAME = /^(python3\.\d+t?|pypy3\.\d+)$/;

function keepCandidate(path: string): boolean {
  if (path.startsWith("/opt/python/")) return true;
  return PATH_NAME.test(path.slice(path.lastIndexOf("/") + 1));
}

/** Identity of a Python: two paths to the same one build the same wheel. */
export function interpreterId(i: InterpreterInfo): string {
  return `${i.implementation}:${i.major}.${i.minor}:${i.extSuffix}:${i.gilDisabled ? "t" : ""}`;
}

/**
 * Parse DISCOVER_SCRIPT's output: described interpreters, first path wins
 * (/opt/python comes first), broken or non-Python 3 candidates dropped.
 * `executable` is the path found (what PYO3_PYTHON gets), not sys.executable.
 */
export function parseDiscovery(stdout: string): InterpreterInfo[] {
  const out: InterpreterInfo[] = [];
  const seen = new Set<string>();
  const blocks = stdout.split(/^@@/m).slice(1);
  for (const block of blocks) {
    const nl = block.indexOf("\n");
    const path = (nl < 0 ? block : block.slice(0, nl)).trim();
    const body = nl < 0 ? "" : block.slice(nl + 1);
    if (path === "failed" || !keepCandidate(path) || body.trim() === "") continue;
    let info: InterpreterInfo;
    try {
      info = { ...parseQueryOutput(body, path), executable: path };
    } catch {
      continue;
    }
    if (info.major !== 3) continue;
    const id = interpreterId(info);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(info);
  }
  return out.sort((a, b) => implRank(a) - implRank(b) || a.minor - b.minor || Number(a.gilDisabled) - Number(b.gilDisabled));
}

function implRank(i: InterpreterInfo): number {
  return i.implementation === "cpython" ? 0 : i.implementation === "pypy" ? 1 : 2;
}

/** "CPython 3.9", "CPython 3.13t", "PyPy 3.10" */
export function describeInterpreter(i: InterpreterInfo): string {
  const impl = i.implementation === "cpython" ? "CPython" : i.implementation === "pypy" ? "PyPy" : i.implementation;
  return `${impl} ${i.major}.${i.minor}${i.gilDisabled ? "t" : ""}`;
}

interface PythonRequest {
  implementation: "cpython" | "pypy";
  minor: number;
  freeThreaded: boolean;
}

/** `--python` value: 3.9, 3.13t, cp39, cp313t, pypy3.10, pp310. */
export function parsePythonRequest(s: string): PythonRequest | undefined {
  const t = s.trim().toLowerCase();
  let m = /^(?:python|cpython|cp)?3\.(\d+)(t?)$/.exec(t) ?? /^cp3(\d+)(t?)$/.exec(t);
  if (m) return { implementation: "cpython", minor: Number(m[1]), freeThreaded: m[2] === "t" };
  m = /^(?:pypy|pp)3\.?(\d+)$/.exec(t);
  if (m) return { implementation: "pypy", minor: Number(m[1]), freeThreaded: false };
  return undefined;
}

function matches(i: InterpreterInfo, r: PythonRequest): boolean {
  return i.implementation === r.implementation && i.major === 3 && i.minor === r.minor && i.gilDisabled === r.freeThreaded;
}

/**
 * The interpreters to build for. Requested ones must all exist (else an
 * error listing what the image has); by default every CPython with the GIL
 * (free-threaded and PyPy builds only when asked for).
 */
export function selectInterpreters(available: InterpreterInfo[], requested: string[], image: string): InterpreterInfo[] {
  const has = available.map(describeInterpreter);
  const hasText = has.length ? has.join(", ") : "no Python 3 interpreter at all";
  if (requested.length === 0) {
    const cpythons = available.filter((i) => i.implementation === "cpython" && !i.gilDisabled);
    if (cpythons.length === 0) {
      throw new InterpreterError(`image ${image} has no CPython 3 interpreter (it has ${hasText})`, "pick an image with CPython in /opt/python or python3.X on PATH (--image), or name the ones to use with --python");
    }
    return cpythons;
  }
  const chosen: InterpreterInfo[] = [];
  for (const s of requested) {
    const r = parsePythonRequest(s);
    if (!r) throw new InterpreterError(`--python ${s} is not a Python version`, "write it like 3.9, 3.13t, cp39 or pypy3.10");
    const hit = available.find((i) => matches(i, r));
    if (!hit) {
      throw new InterpreterError(`image ${image} has no ${r.implementation === "pypy" ? "PyPy" : "CPython"} ${3}.${r.minor}${r.freeThreaded ? "t" : ""}; it has ${hasText}`, "pick one of those with --python, or another image with --image");
    }
    if (!chosen.includes(hit)) chosen.push(hit);
  }
  return chosen;
}

