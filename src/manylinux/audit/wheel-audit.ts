/**
 * Auditing a wheel file: its entries are extracted once to a scratch folder,
 * laid out as they install (`{dist}.data/platlib/x` and `purelib/x` at the
 * root), so `$ORIGIN` paths between its files resolve as they will in
 * site-packages; every entry with the ELF magic is audited. The extracted tree,
 * the parsed ELF files and the report stay available (openAuditedWheel) for the
 * decision and the repair that follow, which then neither extract nor parse again.
 */
import { makeTempDir, removeTemp } from "../../cleanup.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ExtractedEntries, extractEntries } from "../../wheel/edit.js";
import { openWheel, type OpenedWheel } from "../../wheel/reader.js";
import { type AuditFile, type AuditOptions, type AuditReport, auditElfFiles } from "./audit.js";
import type { ElfFile } from "./elf.js";
import { startsWithElfMagic } from "./elf.js";

export interface ExtractedFile extends AuditFile {
  /** where the file lands in site-packages, relative to it */
  installPath: string;
}

export interface WheelAuditReport extends AuditReport {
  wheel: string;
}

/** A wheel extracted and audited; `dispose()` closes it and removes the scratch folder. */
export interface AuditedWheel {
  opened: OpenedWheel;
  /** the install-path tree under the scratch folder */
  root: string;
  /** every file entry as extracted (kept files of a rewrite are read from here) */
  entries: ExtractedEntries;
  /** the ELF files, at their install paths under `root` */
  elfFiles: ExtractedFile[];
  report: WheelAuditReport;
  /** the audit's parsed ELF files (wheel files and outside libraries) by path on disk */
  parsed: Map<string, ElfFile>;
  dispose(): Promise<void>;
}

/** Where a wheel entry installs, relative to site-packages (scripts/headers/data keep their wheel path). */
export function installPathOf(entry: string, dataDir: string): string {
  for (const scheme of ["platlib", "purelib"]) {
    const prefix = `${dataDir}/${scheme}/`;
    if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  }
  return entry;
}

/**
 * Extract every file entry once: the installed files at their install paths
 * under `<scratch>/site`, `.dist-info/` (not installed as code) and any entry whose
 * install path another entry already took under `<scratch>/other`.
 */
async function extractForAudit(w: OpenedWheel, scratch: string): Promise<{ root: string; entries: ExtractedEntries; elfFiles: ExtractedFile[] }> {
  const root = join(scratch, "site");
  const dataDir = `${w.fileName.dist}-${w.fileName.version}.data`;
  const installed = new Map<string, string>(); // entry -> install path, for the entries audited
  const taken = new Set<string>();
  const entries = await extractEntries(w, (name, i) => {
    const installPath = installPathOf(name, dataDir);
    if (name.startsWith(w.distInfoDir + "/") || taken.has(installPath)) return join(scratch, "other", String(i));
    taken.add(installPath);
    installed.set(name, installPath);
    return join(root, installPath);
  });
  const elfFiles: ExtractedFile[] = [];
  for (const [name, installPath] of installed) {
    const file = entries.get(name)!.file;
    if (startsWithElfMagic(file)) elfFiles.push({ path: name, file, installPath });
  }
  return { root, entries, elfFiles };
}

/**
 * Extract and audit a wheel, keeping both for what follows (a repair). The
 * scratch folder goes under `scratchIn` (default: the system's temp folder).
 */
export async function openAuditedWheel(path: string, opts: AuditOptions & { scratchIn?: string } = {}): Promise<AuditedWheel> {
  const opened = await openWheel(path);
  let scratch: string | undefined;
  const dispose = async () => {
    opened.reader.close();
    if (scratch !== undefined) await removeTemp(scratch);
    scratch = undefined;
  };
  try {
    // hidden when it sits in the user's output folder
    scratch = await makeTempDir(opts.scratchIn ? join(opts.scratchIn, ".pyts-audit-") : join(tmpdir(), "pyts-audit-"));
    opts.trace?.("extract", path);
    const { root, entries, elfFiles } = await extractForAudit(opened, scratch);
    const parsed = opts.parsed ?? new Map<string, ElfFile>();
    const report: WheelAuditReport = { wheel: path, ...auditElfFiles(elfFiles, { ...opts, wheelRoot: root, parsed }) };
    return { opened, root, entries, elfFiles, report, parsed, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** Audit a wheel file. Throws ArchiveError for a bad wheel, AuditError/ElfError as auditElfFiles does. */
export async function auditWheel(path: string, opts: AuditOptions = {}): Promise<WheelAuditReport> {
  const a = await openAuditedWheel(path, opts);
  await a.dispose();
  return a.report;
}
