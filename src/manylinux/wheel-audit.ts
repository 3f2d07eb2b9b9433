/**
 * Auditing a wheel file: its entries are extracted to a scratch folder laid out
 * as they install (`{dist}.data/platlib/x` and `purelib/x` at the root), so
 * `$ORIGIN` paths between its files resolve as they will in site-packages;
 * every entry with the ELF magic is audited.
 */
import { makeTempDir, removeTemp } from "../cleanup.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openWheel, type OpenedWheel } from "../wheel/reader.js";
import { type AuditFile, type AuditOptions, type AuditReport, auditElfFiles } from "./audit.js";
import { startsWithElfMagic } from "./elf.js";

export interface ExtractedFile extends AuditFile {
  /** where the file lands in site-packages, relative to it */
  installPath: string;
}

export interface WheelAuditReport extends AuditReport {
  wheel: string;
}

/** Where a wheel entry installs, relative to site-packages (scripts/headers/data keep their wheel path). */
export function installPathOf(entry: string, dataDir: string): string {
  for (const scheme of ["platlib", "purelib"]) {
    const prefix = `${dataDir}/${scheme}/`;
    if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  }
  return entry;
}

/** Extract every file of an opened wheel under `root` at its install path; return the ELF ones. */
export async function extractElfFiles(w: OpenedWheel, root: string): Promise<ExtractedFile[]> {
  const dataDir = `${w.fileName.dist}-${w.fileName.version}.data`;
  const out: ExtractedFile[] = [];
  for (const name of w.reader.fileNames) {
    if (name.startsWith(w.distInfoDir + "/")) continue;
    const installPath = installPathOf(name, dataDir);
    const file = join(root, installPath);
    await w.reader.extractTo(name, file);
    if (startsWithElfMagic(file)) out.push({ path: name, file, installPath });
  }
  return out;
}

/** Audit a wheel file. Throws ArchiveError for a bad wheel, AuditError/ElfError as auditElfFiles does. */
export async function auditWheel(path: string, opts: AuditOptions = {}): Promise<WheelAuditReport> {
  const w = await openWheel(path);
  let scratch: string | undefined;
  try {
    scratch = await makeTempDir(join(tmpdir(), "pyts-audit-"));
    const files = await extractElfFiles(w, scratch);
    return { wheel: path, ...auditElfFiles(files, { ...opts, wheelRoot: scratch }) };
  } finally {
    w.reader.close();
    if (scratch !== undefined) await removeTemp(scratch);
  }
}
