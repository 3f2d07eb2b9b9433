/**
 * What an sdist never carries, wherever it was found (Cargo's list, the Python
 * tree, an include glob): build output and caches. Folders are judged once and
 * remembered, since every file below them asks again.
 */
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { isInside, isStrictlyInside } from "../../paths.js";

/** Files compiled or built from the sources, never sources themselves. */
const NEVER_SUFFIXES = [".pyc", ".pyo", ".whl"];
/** Native extension modules: in a Python tree they are build output (an editable install puts them there). */
export const NATIVE_SUFFIXES = [".so", ".pyd", ".dylib", ".dll"];
const NEVER_DIR_NAMES = new Set(["__pycache__", ".git", ".hg", ".svn"]);

export interface ExclusionOptions {
  /** The sdist root: folders at or above it are never judged (a cache folder may well hold a whole checkout). */
  root: string;
  /** Cargo target folders (from cargo metadata), the output folder: everything below is excluded. */
  outputDirs: string[];
  /** Folders whose `target/` child is a cargo target folder even without a CACHEDIR.TAG (crates, workspaces, the project). */
  crateDirs: string[];
  /** Previous sdists of this project: `<dist>-*.tar.gz` files, by dist-name prefix. */
  sdistPrefix: string;
}

export class Exclusions {
  private readonly dirs = new Map<string, string | undefined>();
  private readonly crateDirs: Set<string>;
  private readonly outputDirs: string[];

  constructor(private readonly o: ExclusionOptions) {
    this.crateDirs = new Set(o.crateDirs);
    // `-o .` must not exclude the whole project: only output folders strictly inside the root count.
    this.outputDirs = o.outputDirs.filter((d) => isStrictlyInside(o.root, d));
  }

  /**
   * Why the folder `dir` itself (not through a parent) is build output, a cache
   * or a virtualenv, else undefined. `byContent`: decided by a file in it
   * (CACHEDIR.TAG, pyvenv.cfg) rather than by its path alone.
   */
  ownReason(dir: string): { why: string; byContent: boolean } | undefined {
    if (!isStrictlyInside(this.o.root, dir)) return undefined;
    const name = basename(dir);
    if (NEVER_DIR_NAMES.has(name)) return { why: `${name} folder`, byContent: false };
    if (this.outputDirs.some((o) => isInside(o, dir))) return { why: "build output folder", byContent: false };
    if (name === "target" && this.crateDirs.has(dirname(dir))) return { why: "cargo target folder", byContent: false };
    if (existsSync(join(dir, "CACHEDIR.TAG"))) return { why: "cache folder (CACHEDIR.TAG)", byContent: true };
    if (existsSync(join(dir, "pyvenv.cfg"))) return { why: "virtualenv", byContent: true };
    return undefined;
  }

  /** Why the folder `dir` is build output (or a cache, or a virtualenv), itself or through a parent, else undefined. */
  private dirReason(dir: string): string | undefined {
    if (this.dirs.has(dir)) return this.dirs.get(dir);
    if (!isStrictlyInside(this.o.root, dir)) return undefined;
    const why = this.ownReason(dir)?.why ?? this.dirReason(dirname(dir));
    this.dirs.set(dir, why);
    return why;
  }

  /** Why the file `abs` must stay out of the sdist, else undefined. */
  fileReason(abs: string): string | undefined {
    const name = basename(abs);
    const suffix = NEVER_SUFFIXES.find((s) => name.endsWith(s));
    if (suffix) return `${suffix} file`;
    if (name.startsWith(this.o.sdistPrefix + "-") && name.endsWith(".tar.gz")) return "an earlier sdist";
    return this.dirReason(dirname(abs));
  }

  /** Whether a folder should be skipped when walking. */
  dirExcluded(abs: string): boolean {
    return this.dirReason(abs) !== undefined;
  }
}

export function isNativeModule(name: string): boolean {
  return NATIVE_SUFFIXES.some((s) => name.endsWith(s));
}
