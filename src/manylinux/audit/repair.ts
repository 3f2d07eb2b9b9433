/**
 * Wheel repair: bundle each outside library the target policy does not allow
 * into `{dist}.libs/` under a unique name (`libfoo-1a2b3c4d.so.1.2.3`: base,
 * first 8 hex digits of its sha256, rest of the real file's name), give it that
 * SONAME, point the extensions' DT_NEEDED at it and their run path at
 * `$ORIGIN/<relative path to {dist}.libs>`, then retag WHEEL and the file name
 * and recompute RECORD (through src/wheel's rewriteWheel).
 */
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, realpathSync } from "node:fs";
import { checkOutputDir } from "../../output-dir.js";
import { basename, dirname, join, posix } from "node:path";
import { AuditError, ValidationError } from "../../errors.js";
import { type WheelEdits, writeEditedWheel } from "../../wheel/edit.js";
import { type WheelFileName, type WheelTag, withPlatforms } from "../../wheel/tags.js";
import { wheelFileName } from "../../wheel/wheel.js";
import { VERSION } from "../../version.js";
import { type AskPackageManager, askHere, graftedLibrariesSbom, pythonJsonDumps, whichProvides } from "./sbom.js";
import { type AuditOptions, evaluationFor, type Graft, type PolicyEvaluation } from "./audit.js";
import { hintFor, summarizeReasons } from "./explain.js";
import { type ElfFile, readElfFile } from "./elf.js";
import { resolveLibrary, type SearchContext } from "./ld-paths.js";
import { patchelfTool, requirePatchelf, requireStrip, stripFile } from "./patchelf.js";
import { platformTags, type Policy, policyLabel } from "./policy.js";
import { type AuditedWheel, openAuditedWheel, type WheelAuditReport } from "./wheel-audit.js";

export interface RepairOptions extends AuditOptions {
  /** where the repaired wheel goes */
  outDir: string;
  /** target policy (`manylinux_2_17`, `manylinux2014`, `manylinux_2_17_x86_64`); default: the best a repair reaches */
  plat?: string;
  /** strip symbols from the extensions and bundled libraries */
  strip?: boolean;
  /** path of patchelf (default: found on PATH) */
  patchelf?: string;
  /** zip time stamp (default SOURCE_DATE_EPOCH, else 1980-01-01) */
  epoch?: number;
  /** the result may replace the input file (default: refuse, OutputError) */
  replaceInput?: boolean;
  /**
   * `<dist-info>/sboms/auditwheel.cdx.json` naming the OS packages the grafted libraries came from (auditwheel
   * 6.x's SBOM; default true; `[sbom] auditwheel = false` turns it off)
   */
  sbom?: boolean;
  /** Who says which OS package a grafted library came from (default: this machine's package manager). */
  packages?: PackageSource;
}

/**
 * The system the grafted libraries were installed on, for the SBOM: a container
 * build's libraries are copies, and its image (not this machine) knows their packages.
 */
export interface PackageSource {
  ask: AskPackageManager;
  /** that system's /etc/os-release text ("" when it has none: no SBOM), read only when a library was grafted; default this machine's */
  osRelease?: () => Promise<string>;
  /** a grafted file's path on that system */
  pathThere(file: string): string;
}

export interface GraftedLibrary {
  /** the DT_NEEDED name that was replaced */
  name: string;
  /** where it came from */
  from: string;
  /** its path in the wheel */
  wheelPath: string;
}

export interface RepairResult {
  /** the repaired wheel's path */
  wheel: string;
  policy: Policy;
  platformTags: string[];
  grafted: GraftedLibrary[];
  /** the audit of the input wheel */
  report: WheelAuditReport;
}

/** `libfoo.so.1.2.3` + digest -> `libfoo-1a2b3c4d.so.1.2.3` */
export function graftedName(realFileName: string, sha256hex: string): string {
  const dot = realFileName.indexOf(".");
  const base = dot < 0 ? realFileName : realFileName.slice(0, dot);
  const rest = dot < 0 ? "" : realFileName.slice(dot);
  return `${base}-${sha256hex.slice(0, 8)}${rest}`;
}

/** The run-path entry that reaches `libsDir` from a file installed at `installPath` (both site-packages relative). */
export function originPath(installPath: string, libsDir: string): string {
  const rel = posix.relative(posix.dirname(installPath), libsDir);
  return rel === "" ? "$ORIGIN" : `$ORIGIN/${rel}`;
}

function chooseEvaluation(report: WheelAuditReport, plat: string | undefined): PolicyEvaluation {
  if (report.evaluations.length === 0) {
    throw new AuditError(`${basename(report.wheel)} cannot be repaired: ${report.note ?? "no policy applies"}`, "only wheels with ELF files for a manylinux architecture can be repaired");
  }
  if (plat !== undefined) {
    const ev = evaluationFor(report, plat);
    if (!ev) {
      const names = report.evaluations.flatMap((e) => [...e.policy.aliases, e.policy.name]);
      throw new ValidationError(`"${plat}" is not a policy for ${report.arch}`, `use one of: ${names.join(", ")}`);
    }
    if (ev.repairReasons.length) {
      throw new AuditError(`${basename(report.wheel)} cannot meet ${policyLabel(ev.policy)} even repaired: ${summarizeReasons(ev.repairReasons)}`, hintFor(ev.repairReasons, ev));
    }
    return ev;
  }
  const ev = report.bestRepaired;
  if (!ev) {
    const last = report.evaluations.at(-1)!;
    throw new AuditError(`${basename(report.wheel)} cannot meet any manylinux policy, even repaired: ${summarizeReasons(last.repairReasons)}`, hintFor(last.repairReasons, last));
  }
  return ev;
}

/** Repair a wheel into `opts.outDir`; returns the new wheel's path and what was bundled. */
export async function repairWheel(path: string, opts: RepairOptions): Promise<RepairResult> {
  await checkOutputDir(opts.outDir);
  const audited = await openAuditedWheel(path, { ...opts, scratchIn: opts.outDir });
  try {
    return await repairAudited(audited, opts);
  } finally {
    await audited.dispose();
  }
}

/**
 * Repair a wheel already extracted and audited (openAuditedWheel): the audit's
 * report picks the policy and the grafts, its parsed ELF files give the names and
 * run paths to patch, and the extracted entries are patched in place and written
 * out, so the wheel is read once. The extraction is changed by this: call it once per AuditedWheel.
 */
export async function repairAudited(audited: AuditedWheel, opts: RepairOptions): Promise<RepairResult> {
  const { opened: w, root, elfFiles: files, report, parsed } = audited;
  const ev = chooseEvaluation(report, opts.plat);
  const patchelf = ev.grafts.length ? patchelfTool(requirePatchelf(opts.patchelf, opts.env)) : undefined;
  const strip = opts.strip ? requireStrip(opts.env) : undefined;
  const parsedElf = (file: string): ElfFile => {
    const elf = parsed.get(file);
    if (!elf) throw new Error(`internal: ${file} was not parsed by the audit`);
    return elf;
  };

  const libsDir = `${w.fileName.dist}.libs`;
  const { copies, newNames } = copyGrafts(ev.grafts, join(root, libsDir));
  const replace: { path: string; source: { file: string }; executable?: boolean }[] = [];
  const add: { path: string; source: { file: string }; executable: boolean }[] = [];
  const patched: { path: string; file: string }[] = [];

  // bundled libraries: strip, own SONAME, their bundled needs, run path $ORIGIN
  // (stripping keeps the dynamic section, so the audit's parse of the original still holds)
  for (const [realPath, c] of copies) {
    if (strip) stripFile(strip, c.file);
    const elf = parsedElf(realPath);
    patchelf!.setSoname(c.file, c.wheelName);
    const pairs = elf.needed.filter((n) => newNames.has(n)).map((n): [string, string] => [n, newNames.get(n)!]);
    patchelf!.replaceNeeded(c.file, pairs);
    if (pairs.length) patchelf!.setRpath(c.file, ["$ORIGIN"]);
    else if (elf.rpath.length || elf.runpath.length) patchelf!.removeRpath(c.file);
    add.push({ path: `${libsDir}/${c.wheelName}`, source: { file: c.file }, executable: true });
    patched.push({ path: `${libsDir}/${c.wheelName}`, file: c.file });
  }

  // the wheel's own ELF files
  for (const f of files) {
    const elf = parsedElf(f.file);
    const pairs = elf.needed.filter((n) => newNames.has(n)).map((n): [string, string] => [n, newNames.get(n)!]);
    if (pairs.length === 0 && !strip) continue;
    if (strip) stripFile(strip, f.file);
    if (pairs.length) {
      patchelf!.replaceNeeded(f.file, pairs);
      // keep run-path entries that point inside the wheel; drop ones that point at the build machine
      const own = [...elf.runpath, ...elf.rpath].filter((e) => e.startsWith("$ORIGIN") || e.startsWith("${ORIGIN}"));
      const mine = originPath(f.installPath, libsDir);
      patchelf!.setRpath(f.file, [...own.filter((e) => e !== mine), mine]);
      patched.push({ path: f.path, file: f.file });
    }
    replace.push({ path: f.path, source: { file: f.file } });
  }
  checkPatched(patched, newNames, join(root, libsDir), basename(w.reader.path), ev.policy, opts);

  const plats = platformTags(ev.policy);
  const tags = withPlatforms(w.wheel.tags, plats);
  // the input of a `repair` is the user's; the wheel command's plain wheel is an intermediate it may replace
  const sbom = opts.sbom === false || ev.grafts.length === 0 ? undefined : await graftSbom(w.fileName, tags, ev.grafts, opts.packages ?? { ask: askHere(opts.env), pathThere: (f) => f });
  const edits: WheelEdits = { tags, replace, add: sbom ? [...add, { path: `${w.distInfoDir}/sboms/auditwheel.cdx.json`, source: { bytes: sbom } }] : add, keepInput: !opts.replaceInput };
  if (opts.epoch !== undefined) edits.epoch = opts.epoch;
  const out = await writeEditedWheel(w, audited.entries, opts.outDir, edits);
  return {
    wheel: out,
    policy: ev.policy,
    platformTags: plats,
    grafted: ev.grafts.map((g) => ({ name: g.name, from: g.realPath, wheelPath: `${libsDir}/${newNames.get(g.name)!}` })),
    report,
  };
}

/** auditwheel's SBOM of the grafted libraries for the wheel's final name, or undefined when no package owns any of them. */
async function graftSbom(name: WheelFileName, tags: WheelTag[], grafts: Graft[], packages: PackageSource): Promise<string | undefined> {
  const fileName = wheelFileName(name.dist, name.version, tags, name.build);
  const files = [...new Set(grafts.map((g) => packages.pathThere(g.realPath)))].sort();
  const provided = await whichProvides(files, { ask: packages.ask, ...(packages.osRelease ? { osRelease: await packages.osRelease() } : {}) });
  const doc = graftedLibrariesSbom(fileName, provided, { name: "pyts-build", version: VERSION });
  return doc ? pythonJsonDumps(doc) : undefined;
}

// a search that only follows the objects' own run paths: what a bundled library must be found by
const NO_SYSTEM_DIRS: SearchContext = { ldLibraryPath: [], confDirs: [], defaultDirs: [] };

/**
 * The patched files say what the repair meant: no replaced name is still
 * needed, and every bundled name is found through the file's own run path, in
 * the wheel's libs folder. (The audit already showed the result meets the
 * policy once that holds: the bundled copies are the libraries it judged.)
 */
function checkPatched(patched: { path: string; file: string }[], newNames: Map<string, string>, libsDir: string, wheel: string, policy: Policy, opts: RepairOptions): void {
  if (patched.length === 0) return;
  const bundled = new Set(newNames.values());
  const libs = realpathSync(libsDir);
  for (const p of patched) {
    opts.trace?.("elf", `${p.file} (repaired)`);
    const elf = readElfFile(p.file, p.path);
    const fail = (why: string) =>
      new AuditError(`repairing ${wheel} for ${policyLabel(policy)} went wrong: ${p.path} ${why}`, "this is a bug in pyts-build's repair (or patchelf); please report it with the wheel");
    const stale = elf.needed.find((n) => newNames.has(n));
    if (stale !== undefined) throw fail(`still needs ${stale}`);
    for (const n of elf.needed.filter((x) => bundled.has(x))) {
      opts.trace?.("resolve", `${n} <- ${p.file}`);
      const r = resolveLibrary(n, { file: p.file, elf }, [], NO_SYSTEM_DIRS);
      if (!r || dirname(r.realPath) !== libs) throw fail(`needs ${n}, which its run path (${[...elf.runpath, ...elf.rpath].join(":") || "none"}) does not find in the wheel`);
    }
  }
}

/** Copy each grafted file once (several DT_NEEDED names may resolve to one file) under its hashed name. */
function copyGrafts(grafts: Graft[], dir: string): { copies: Map<string, { file: string; wheelName: string }>; newNames: Map<string, string> } {
  const copies = new Map<string, { file: string; wheelName: string }>();
  const newNames = new Map<string, string>();
  for (const g of grafts) {
    let c = copies.get(g.realPath);
    if (!c) {
      const digest = createHash("sha256").update(readFileSync(g.realPath)).digest("hex");
      const wheelName = graftedName(basename(g.realPath), digest);
      const file = join(dir, wheelName);
      mkdirSync(dirname(file), { recursive: true });
      copyFileSync(g.realPath, file);
      chmodSync(file, 0o755);
      c = { file, wheelName };
      copies.set(g.realPath, c);
    }
    newNames.set(g.name, c.wheelName);
  }
  return { copies, newNames };
}
