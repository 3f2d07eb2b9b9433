/** Flags shared by commands that compile the crate (wheel, and later develop/manylinux). */
import { type Command, Option } from "commander";
import type { BuildWheelsOptions } from "../build/build-wheel.js";

/** Repeatable flag that also splits comma/space lists: `-F a,b -F c` -> [a, b, c]. */
export function collectList(value: string, prev: string[] = []): string[] {
  return [...prev, ...value.split(/[\s,]+/).filter(Boolean)];
}

function collect(value: string, prev: string[] = []): string[] {
  return [...prev, value];
}

export interface CompileFlags {
  manifestPath?: string;
  interpreter?: string[];
  findInterpreter?: boolean;
  release?: boolean;
  profile?: string;
  features?: string[];
  allFeatures?: boolean;
  /** commander's negatable `--no-default-features` */
  defaultFeatures?: boolean;
  target?: string;
  locked?: boolean;
  frozen?: boolean;
  offline?: boolean;
  strip?: boolean;
  generateStubs?: boolean;
  strict?: boolean;
}

export function addCompileOptions(cmd: Command): Command {
  return cmd
    .option("-m, --manifest-path <path>", "the crate's Cargo.toml (default: next to pyproject.toml, or in the current folder)")
    .option("-i, --interpreter <python>", "build for this interpreter: a name on PATH (python3.11, pypy3), a version (3.12) or a path; repeatable", collect)
    .option("--find-interpreter", "build for every python3.X / pypy3.X found on PATH, in pyenv, the conda env and the py launcher that fits requires-python (see list-python)")
    .option("-r, --release", "build with the release profile")
    .option("--profile <name>", "build with this cargo profile")
    .option("-F, --features <features>", "cargo features to enable (comma separated; repeatable)", collectList)
    .option("--all-features", "enable all cargo features")
    .addOption(new Option("--no-default-features", "do not enable the crate's default features"))
    .option("--target <triple>", "cargo target triple (cross-compiling)")
    .option("--locked", "require Cargo.lock to be up to date (cargo --locked)")
    .option("--frozen", "require Cargo.lock and the cache to be up to date (cargo --frozen)")
    .option("--offline", "run cargo without network access")
    .option("--strip", "strip the shared library's symbols (on a copy; cargo's output is untouched)")
    .option("--generate-stubs", "ship the type stubs pyo3 describes in the library (its experimental-inspect feature), as maturin does")
    .option("--strict", "PEP 621 as written: a [project] field also listed in dynamic is an error (maturin merges them)");
}

/** The typed API options for the flags (only those given, so config defaults still apply). */
export function compileOptionsFrom(f: CompileFlags, rustcArgs: string[]): BuildWheelsOptions {
  const o: BuildWheelsOptions = {};
  if (f.manifestPath !== undefined) o.manifestPath = f.manifestPath;
  if (f.interpreter) o.interpreters = f.interpreter;
  if (f.findInterpreter) o.findInterpreter = true;
  if (f.release) o.release = true;
  if (f.profile !== undefined) o.profile = f.profile;
  if (f.features) o.features = f.features;
  if (f.allFeatures) o.allFeatures = true;
  if (f.defaultFeatures === false) o.noDefaultFeatures = true;
  if (f.target !== undefined) o.target = f.target;
  if (f.locked) o.locked = true;
  if (f.frozen) o.frozen = true;
  if (f.offline) o.offline = true;
  if (f.strip) o.strip = true;
  if (f.generateStubs) o.generateStubs = true;
  if (f.strict) o.strictMetadata = true;
  if (rustcArgs.length > 0) o.rustcArgs = rustcArgs;
  return o;
}
