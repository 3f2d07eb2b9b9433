/**
 * The manylinux / musllinux audit of a set of ELF files (a wheel's, or a freshly
 * built extension): for every policy of the files' architecture, most
 * compatible first, why the files as they are miss it, which outside libraries a
 * repair would bundle, and why even a repaired wheel would miss it. The best
 * policy is the first one without reasons.
 */
import { realpathSync } from "node:fs";
import { AuditError } from "../../errors.js";
import { isStrictlyInside } from "../../paths.js";
import { type ElfArch, type ElfFile, EM_386, EM_X86_64, readElfFile, x86IsaLevel } from "./elf.js";
import { type Loader, type Resolved, resolveLibrary, type SearchContext, type SearchSource, systemSearchContext } from "./ld-paths.js";
import type { WorkTrace } from "./trace.js";
import {
  GLIBC_SYMBOL_INTRODUCED,
  isDynamicLoader,
  isLibpython,
  isMuslLibc,
  linuxPlatformTag,
  MUSL_1_2_SYMBOLS,
  platformTags,
  policiesFor,
  type Policy,
  type PolicyFamily,
  splitVersionName,
  versionVerdict,
  withoutArchSuffix,
  compareVersions,
  type Namespace,
  type Version,
} from "./policy.js";

export interface AuditFile {
  /** the name used in reports: the path inside the wheel, or on disk */
  path: string;
  /** the file on disk */
  file: string;
}

export interface AuditOptions {
  /** LD_LIBRARY_PATH is taken from here (default: process.env) */
  env?: NodeJS.ProcessEnv;
  /** the system tree whose ld.so.conf and library folders are searched (default "/") */
  root?: string;
  /** libraries found under this folder are inside the wheel */
  wheelRoot?: string;
  /** a complete search context instead of the system's (tests) */
  search?: SearchContext;
  /** reports each extraction, ELF parse and library look-up (tests and the bench count them) */
  trace?: WorkTrace;
  /**
   * Parsed ELF files by path on disk: filled by the audit, reused by a repair
   * that follows it (it needs the same DT_NEEDED and run paths), so no file is parsed twice.
   */
  parsed?: Map<string, ElfFile>;
  /**
   * A program bound to the interpreter its wheel's tag names (a pyo3 `bin`) may link that Python's libpython, as
   * maturin lets it: then libpython is neither a reason against a policy nor bundled.
   */
  libpythonAllowed?: boolean;
}

export type Reason =
  /** an outside library the policy does not allow (a repair bundles it) */
  | { kind: "library"; library: string; neededBy: string; allowedFrom?: string }
  /** a symbol version newer than the policy allows, needed from an outside library */
  | { kind: "version"; library: string; version: string; neededBy: string; symbols: string[]; allowedFrom?: string }
  /** an unversioned reference to a C library symbol newer than the policy */
  | { kind: "symbol"; symbol: string; requires: string; neededBy: string; allowedFrom?: string }
  /** an x86-64 ISA level above the baseline: no policy allows it */
  | { kind: "isa"; level: number; neededBy: string }
  /** an outside library the loader would not find here, so a repair cannot bundle it */
  | { kind: "unresolved"; library: string; neededBy: string }
  /** a program embedding Python needs libpython: no policy allows it, and bundling it would not work */
  | { kind: "libpython"; library: string; neededBy: string };

export interface LibraryUse {
  name: string;
  /** where the loader finds it; undefined when it does not */
  path?: string;
  realPath?: string;
  via?: SearchSource;
  /** found inside the wheel */
  internal: boolean;
  neededBy: string[];
}

export interface Graft {
  /** the DT_NEEDED name */
  name: string;
  /** the file to copy */
  realPath: string;
  /** the files (wheel paths, or names of other grafted libraries) that need it */
  neededBy: string[];
}

export interface PolicyEvaluation {
  policy: Policy;
  /** why the files as they are miss the policy (empty: they meet it) */
  reasons: Reason[];
  /** outside libraries a repair would bundle for this policy */
  grafts: Graft[];
  /** why even the repaired files would miss it */
  repairReasons: Reason[];
}

export interface FileSummary {
  path: string;
  needed: string[];
  soname?: string;
  rpath: string[];
  runpath: string[];
  isaLevel: number;
  /** PyInit_* symbols defined: the extension modules in the file */
  pyInit: string[];
}

export interface AuditReport {
  /** undefined when no file is ELF, or the architecture has no policies (x32, ARM soft-float ...) */
  arch: ElfArch | undefined;
  family: PolicyFamily;
  files: FileSummary[];
  /** every library the files need (the dynamic loader aside) and where it resolves */
  libraries: LibraryUse[];
  /** highest x86-64 ISA level needed (1 = baseline) */
  isaLevel: number;
  /** highest version needed from outside libraries per namespace (`GLIBC` -> `2.34`) */
  highest: Partial<Record<Namespace, string>>;
  /** every policy of the architecture, most compatible first */
  evaluations: PolicyEvaluation[];
  /** the most compatible policy met as the files are */
  best: PolicyEvaluation | undefined;
  /** the most compatible policy a repair reaches */
  bestRepaired: PolicyEvaluation | undefined;
  /** platform tags for `best` (`linux_<arch>` when none) */
  platformTags: string[];
  repairedPlatformTags: string[];
  /** why no policy can apply at all (no ELF files, unknown architecture) */
  note?: string;
}

interface Parsed extends AuditFile {
  elf: ElfFile;
}

function familyOf(elves: ElfFile[]): PolicyFamily {
  const musl = elves.some((e) => e.needed.some(isMuslLibc) || (e.interpreter ?? "").includes("ld-musl-"));
  return musl ? "musllinux" : "manylinux";
}

/**
 * A program embedding Python (a bin with PyO3's auto-initialize) may link
 * libpython; an extension module (any shared object) may not. Executables are
 * told apart by their program interpreter (PT_INTERP), which shared libraries lack.
 */
export function mayLinkLibpython(elf: ElfFile): boolean {
  return elf.interpreter !== undefined;
}

/** The libpython refusal: an extension must leave libpython to the interpreter that loads it. */
function refuseLibpython(files: Parsed[]): void {
  for (const f of files) {
    const lib = f.elf.needed.find(isLibpython);
    if (lib && !mayLinkLibpython(f.elf)) {
      throw new AuditError(
        `${f.path} is linked against ${lib}: an extension module must not link libpython (it fails to import where Python is not built as a shared library, e.g. the manylinux images and Debian's python3)`,
        'PyO3 older than 0.26: enable its "extension-module" feature (pyo3 = { version = "...", features = ["extension-module"] }); PyO3 0.26 and newer need nothing when built by pyts-build (it sets PYO3_BUILD_EXTENSION_MODULE=1); otherwise remove -lpython from the build script or link arguments',
      );
    }
  }
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** Audit ELF files (already known to be ELF). Throws AuditError for libpython or mixed architectures. */
export function auditElfFiles(input: AuditFile[], opts: AuditOptions = {}): AuditReport {
  const parsed = opts.parsed ?? new Map<string, ElfFile>();
  const readElf = (file: string, name: string): ElfFile => {
    let elf = parsed.get(file);
    if (!elf) {
      opts.trace?.("elf", file);
      elf = readElfFile(file, name);
      parsed.set(file, elf);
    }
    return elf;
  };
  const files: Parsed[] = input.map((f) => ({ ...f, elf: readElf(f.file, f.path) }));
  refuseLibpython(files);
  const family = familyOf(files.map((f) => f.elf));
  const summaries: FileSummary[] = files.map((f) => {
    const s: FileSummary = {
      path: f.path,
      needed: f.elf.needed,
      rpath: f.elf.rpath,
      runpath: f.elf.runpath,
      isaLevel: isX86(f.elf) ? x86IsaLevel(f.elf.x86IsaNeeded) : 1,
      pyInit: f.elf.symbols.filter((s) => s.defined && s.name.startsWith("PyInit_")).map((s) => s.name),
    };
    if (f.elf.soname !== undefined) s.soname = f.elf.soname;
    return s;
  });
  const empty = (note: string, arch?: ElfArch): AuditReport => ({
    arch,
    family,
    files: summaries,
    libraries: [],
    isaLevel: 1,
    highest: {},
    evaluations: [],
    best: undefined,
    bestRepaired: undefined,
    platformTags: arch ? [linuxPlatformTag(arch)] : [],
    repairedPlatformTags: arch ? [linuxPlatformTag(arch)] : [],
    note,
  });
  if (files.length === 0) return empty("no ELF files: nothing ties this wheel to a platform");
  const machines = uniq(files.map((f) => `${f.elf.machine}/${f.elf.elfClass}/${f.elf.endian}`));
  if (machines.length > 1) {
    throw new AuditError(
      `the ELF files are built for different machines: ${files.map((f) => `${f.path} (${f.elf.arch ?? "machine " + f.elf.machine}, ${f.elf.elfClass}-bit)`).join(", ")}`,
      "a wheel holds binaries for one architecture; build each target into its own wheel",
    );
  }
  const first = files[0]!.elf;
  const arch = first.arch;
  if (arch === undefined) {
    const why =
      first.machine === 40
        ? "ARM files that are not EABI5 hard-float (armv7l) have no manylinux policy"
        : `machine ${first.machine} (${first.elfClass}-bit) has no manylinux policy`;
    return empty(why);
  }

  const ctx = opts.search ?? systemSearchContext({ ...(opts.env ? { env: opts.env } : {}), ...(opts.root ? { root: opts.root } : {}), elfClass: first.elfClass });
  const wheelRoot = opts.wheelRoot ? realpathSync(opts.wheelRoot) : undefined;
  const internal = (r: Resolved | undefined) => r !== undefined && wheelRoot !== undefined && isStrictlyInside(wheelRoot, r.realPath);
  // every policy asks the same questions of the same load chains: each is looked up once
  const looked = new Map<string, Resolved | undefined>();
  const resolve = (name: string, requester: Loader, loaders: Loader[]): Resolved | undefined => {
    const key = [name, requester.file, ...loaders.map((l) => l.file)].join("\0");
    if (looked.has(key)) return looked.get(key);
    opts.trace?.("resolve", `${name} <- ${requester.file}`);
    const r = resolveLibrary(name, requester, loaders, ctx);
    looked.set(key, r);
    return r;
  };

  // the wheel's own needs, resolved once
  const libraries = new Map<string, LibraryUse>();
  const resolutions = new Map<string, Map<string, Resolved | undefined>>(); // wheel file -> name -> resolution
  for (const f of files) {
    const mine = new Map<string, Resolved | undefined>();
    resolutions.set(f.path, mine);
    for (const name of f.elf.needed) {
      if (isDynamicLoader(name)) continue;
      const r = resolve(name, f, []);
      mine.set(name, r);
      let use = libraries.get(name);
      if (!use) {
        use = { name, internal: internal(r), neededBy: [] };
        if (r) Object.assign(use, { path: r.path, realPath: r.realPath, via: r.via });
        libraries.set(name, use);
      }
      use.neededBy.push(f.path);
    }
  }

  // outside libraries, parsed on demand (for grafting: their own needs, versions, ISA notes)
  const parsedLibs = new Map<string, Parsed>();
  const parseLib = (name: string, realPath: string): Parsed => {
    let p = parsedLibs.get(realPath);
    if (!p) {
      p = { path: name, file: realPath, elf: readElf(realPath, name) };
      parsedLibs.set(realPath, p);
    }
    return p;
  };

  const policies = policiesFor(arch, family);
  const firstAllowing = (test: (p: Policy) => boolean): string | undefined => policies.find(test)?.name;

  /** reasons for one checked object against a policy; `stays(lib)` says whether a needed library stays outside */
  const objectReasons = (obj: Parsed, p: Policy, staysOutside: (lib: string) => boolean): Reason[] => {
    const out: Reason[] = [];
    for (const need of obj.elf.versionNeeds) {
      if (!staysOutside(need.file)) continue;
      for (const v of need.versions) {
        if (v.weak) continue; // VER_FLG_WEAK: the loader only warns when the version is missing
        if (versionVerdict(p, v.name) !== "denied") continue;
        out.push({
          kind: "version",
          library: need.file,
          version: v.name,
          neededBy: obj.path,
          symbols: obj.elf.symbols.filter((s) => !s.defined && s.version === v.name).map((s) => s.name),
          ...optional("allowedFrom", firstAllowing((q) => versionVerdict(q, v.name) === "allowed")),
        });
      }
    }
    for (const s of obj.elf.symbols) {
      if (s.defined || s.bind === "weak") continue;
      if (p.family === "manylinux") {
        const minor = GLIBC_SYMBOL_INTRODUCED[s.name];
        // versioned references were judged above through their version
        if (minor !== undefined && !(s.version ?? "").startsWith("GLIBC_") && p.version[1] < minor) {
          out.push({ kind: "symbol", symbol: s.name, requires: `glibc 2.${minor}`, neededBy: obj.path, ...optional("allowedFrom", firstAllowing((q) => q.version[1] >= minor)) });
        }
      } else if (p.version[1] < 2 && (MUSL_1_2_SYMBOLS.has(s.name) || s.name.endsWith("_time64"))) {
        out.push({ kind: "symbol", symbol: s.name, requires: "musl 1.2", neededBy: obj.path, ...optional("allowedFrom", firstAllowing((q) => q.version[1] >= 2)) });
      }
    }
    const level = isX86(obj.elf) ? x86IsaLevel(obj.elf.x86IsaNeeded) : 1;
    if (level > 1) out.push({ kind: "isa", level, neededBy: obj.path });
    return out;
  };

  const isInternalName = (lib: string): boolean => libraries.get(lib)?.internal === true;

  const evaluations: PolicyEvaluation[] = policies.map((p) => {
    const allowed = (lib: string) => isDynamicLoader(lib) || p.libraries.has(lib);
    // as the files are
    const reasons: Reason[] = [];
    for (const f of files) {
      for (const name of f.elf.needed) {
        if (isLibpython(name)) {
          if (!opts.libpythonAllowed) reasons.push({ kind: "libpython", library: name, neededBy: f.path });
          continue;
        }
        if (allowed(name) || isInternalName(name)) continue;
        reasons.push({ kind: "library", library: name, neededBy: f.path, ...optional("allowedFrom", firstAllowing((q) => q.libraries.has(name))) });
      }
    }
    // symbol-version needs of the wheel's own files count the same before and after bundling
    const ownObjectReasons = files.flatMap((f) => objectReasons(f, p, (lib) => allowed(lib) && !isInternalName(lib)));
    reasons.push(...ownObjectReasons);
    // after bundling every outside library the policy does not allow (and their own such needs)
    const grafts = new Map<string, Graft>();
    const repairReasons: Reason[] = [];
    const queue: { name: string; r: Resolved | undefined; by: string; loaders: Loader[] }[] = [];
    for (const f of files) {
      for (const [name, r] of resolutions.get(f.path)!) {
        // libpython stays outside: a copy in the wheel would not find its standard library
        if (isLibpython(name)) {
          if (!opts.libpythonAllowed) repairReasons.push({ kind: "libpython", library: name, neededBy: f.path });
        }
        else if (!allowed(name) && !internal(r)) queue.push({ name, r, by: f.path, loaders: [f] });
      }
    }
    repairReasons.push(...ownObjectReasons); // after libpython: the reason no other fix helps with comes first
    while (queue.length) {
      const { name, r, by, loaders } = queue.shift()!;
      if (!r) {
        repairReasons.push({ kind: "unresolved", library: name, neededBy: by });
        continue;
      }
      const known = grafts.get(name);
      if (known) {
        if (!known.neededBy.includes(by)) known.neededBy.push(by);
        continue;
      }
      grafts.set(name, { name, realPath: r.realPath, neededBy: [by] });
      const lib = parseLib(name, r.realPath);
      const libAsLoader: Loader = { file: r.path, elf: lib.elf };
      for (const dep of lib.elf.needed) {
        if (allowed(dep) || isLibpython(dep)) continue;
        const dr = resolve(dep, libAsLoader, loaders);
        if (internal(dr)) continue;
        queue.push({ name: dep, r: dr, by: name, loaders: [libAsLoader, ...loaders] });
      }
      repairReasons.push(...objectReasons(lib, p, allowed));
    }
    return { policy: p, reasons: dedupe(reasons), grafts: [...grafts.values()], repairReasons: dedupe(repairReasons) };
  });

  const best = evaluations.find((e) => e.reasons.length === 0);
  const bestRepaired = evaluations.find((e) => e.repairReasons.length === 0);
  return {
    arch,
    family,
    files: summaries,
    libraries: [...libraries.values()],
    isaLevel: Math.max(...summaries.map((s) => s.isaLevel)),
    highest: highestNeeds(files, (lib) => !isInternalName(lib)),
    evaluations,
    best,
    bestRepaired,
    platformTags: best ? platformTags(best.policy) : [linuxPlatformTag(arch)],
    repairedPlatformTags: bestRepaired ? platformTags(bestRepaired.policy) : [linuxPlatformTag(arch)],
  };
}

function isX86(e: ElfFile): boolean {
  return e.machine === EM_X86_64 || e.machine === EM_386;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function dedupe(reasons: Reason[]): Reason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const k = JSON.stringify(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The highest governed version the files need from outside libraries, per namespace. */
function highestNeeds(files: Parsed[], outside: (lib: string) => boolean): Partial<Record<Namespace, string>> {
  const best: Partial<Record<Namespace, { v: Version; s: string }>> = {};
  for (const f of files) {
    for (const need of f.elf.versionNeeds) {
      if (!outside(need.file)) continue;
      for (const v of need.versions) {
        const split = splitVersionName(v.name);
        if (!split || v.weak) continue;
        const cur = best[split.namespace];
        if (!cur || compareVersions(split.version, cur.v) > 0) best[split.namespace] = { v: split.version, s: split.version.join(".") };
      }
    }
  }
  const out: Partial<Record<Namespace, string>> = {};
  for (const [k, v] of Object.entries(best)) out[k as Namespace] = v.s;
  return out;
}

/** The evaluation of a named policy (`manylinux2014`, `manylinux_2_28`, ...) in a report. */
export function evaluationFor(report: AuditReport, name: string): PolicyEvaluation | undefined {
  const bare = report.arch ? withoutArchSuffix(name, report.arch) : name;
  return report.evaluations.find((e) => e.policy.name === bare || e.policy.aliases.includes(bare));
}
