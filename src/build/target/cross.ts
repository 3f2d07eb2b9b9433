/**
 * What a `--target` build is for: the triple (from `--target`, the project's
 * `target` key, or CARGO_BUILD_TARGET like maturin), whether it is foreign to
 * this machine, and for a foreign one the target's Pythons, described without
 * running them (the table in target-python.ts, or the sysroot's sysconfigdata
 * when PYO3_CROSS_LIB_DIR names it).
 */
import { ConfigError } from "../../errors.js";
import type { InterpreterInfo } from "../python/interpreter-info.js";
import { describeTargetPython } from "./target-python.js";
import { targetPythonFromLibDir } from "./sysconfigdata.js";
import { hostTriple, isForeign, parseTriple, type TargetTriple } from "./triple.js";

export interface BuildTarget {
  /** The triple cargo gets as --target. */
  triple: string;
  parsed: TargetTriple;
  /** Not this machine's architecture, system or C library: its Python cannot run here. */
  foreign: boolean;
}

let hostMusl: boolean | undefined;
/** Whether this Linux runs on musl (Node's report has no glibc version there). */
function onMusl(): boolean {
  if (hostMusl === undefined) {
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    hostMusl = process.platform === "linux" && header?.glibcVersionRuntime === undefined;
  }
  return hostMusl;
}

/** The build's target: `target` (command line or project), else CARGO_BUILD_TARGET; undefined for a host build. */
export function buildTarget(target: string | undefined, env: NodeJS.ProcessEnv, host?: string): BuildTarget | undefined {
  const what = target !== undefined ? "--target" : "CARGO_BUILD_TARGET";
  const triple = target ?? (env.CARGO_BUILD_TARGET || undefined);
  if (triple === undefined) return undefined; // a host build asks nothing about this machine
  const parsed = parseTriple(triple, what);
  const here = host ?? hostTriple(process.platform, process.arch, process.platform === "linux" && onMusl());
  return { triple, parsed, foreign: isForeign(parsed, parseTriple(here, "this machine")) };
}

export interface CrossInterpreterOptions {
  /** -i values. */
  interpreters?: string[];
  findInterpreter?: boolean;
  /** The abi3 minimum from pyo3's features ("current": abi3 without a version). */
  abi3: number | "current" | undefined;
  /** A binary or cffi build: the Python version does not matter. */
  versionIndependent: boolean;
  env: NodeJS.ProcessEnv;
}

/** The target's Pythons of a foreign build, described (never run); one-line errors for what cannot be described. */
export function crossInterpreters(t: BuildTarget, o: CrossInterpreterOptions): InterpreterInfo[] {
  const deployment = o.env.MACOSX_DEPLOYMENT_TARGET || undefined;
  const libDir = o.env.PYO3_CROSS_LIB_DIR || undefined;
  if (o.findInterpreter) {
    throw new ConfigError(`--find-interpreter finds this machine's Pythons, not ${t.triple}'s`, "name the target's versions with -i (e.g. -i python3.11 -i python3.12)");
  }
  if (libDir !== undefined) {
    const found = targetPythonFromLibDir(libDir, t.parsed, deployment);
    for (const spec of o.interpreters ?? []) {
      const i = describeTargetPython(spec, t.parsed, deployment);
      if (i.minor !== found.minor || i.implementation !== found.implementation) {
        throw new ConfigError(`-i ${spec}, but PYO3_CROSS_LIB_DIR=${libDir} holds ${found.executable}`, "name the version the sysroot has, or point PYO3_CROSS_LIB_DIR at that version's folder");
      }
    }
    return [found];
  }
  const specs = o.interpreters ?? [];
  if (specs.length > 0) return specs.map((s) => describeTargetPython(s, t.parsed, deployment));
  // abi3: the minimum version describes the build; a binary needs no Python at all
  if (typeof o.abi3 === "number") return [describeTargetPython(`python3.${o.abi3}`, t.parsed, deployment)];
  if (o.versionIndependent) return [describeTargetPython("python3.12", t.parsed, deployment)];
  throw new ConfigError(
    `building for ${t.triple} needs the target Python's version`,
    `name it with -i (e.g. -i python3.11 or -i pypy3.10), enable a pyo3 abi3-py3X feature, or point PYO3_CROSS_LIB_DIR at the target's lib/python3.X`,
  );
}
