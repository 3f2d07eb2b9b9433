/**
 * Editing a wheel: a changed copy (retagged, files replaced, added or removed) with
 * its RECORD verified on the way in and recomputed on the way out. Reading is reader.ts.
 */
import { statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { makeTempDir, removeTemp } from "../cleanup.js";
import { OutputError, ValidationError } from "../errors.js";
import { checkRecord, type OpenedWheel, openWheel, retagWheelInfo } from "./reader.js";
import { compressedTagSet, type WheelTag } from "./tags.js";
import type { WheelFileSource } from "./wheel.js";
import { WheelZipWriter } from "./writer.js";

export interface WheelEdits {
  /** New tags: WHEEL Tag lines and the file name change. */
  tags?: WheelTag[];
  /** New build tag; null removes it. */
  buildTag?: string | null;
  /** Files that must already exist, with new content. */
  replace?: Array<{ path: string; source: WheelFileSource; executable?: boolean }>;
  /** New files (must not exist yet), e.g. `{dist}.libs/libfoo-1a2b3c4d.so.1`. */
  add?: Array<{ path: string; source: WheelFileSource; executable?: boolean }>;
  /** Files to drop. */
  remove?: string[];
  /** Zip timestamp (seconds); default SOURCE_DATE_EPOCH, else 1980-01-01. */
  epoch?: number;
  /** Refuse (OutputError) when the new name is the input file itself, instead of replacing it. */
  keepInput?: boolean;
}

/** The same file (device and inode), whatever the spelling of the paths. */
function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Every file entry of a wheel as extracted: where it is on disk, its RECORD hash and size. */
export type ExtractedEntries = Map<string, { file: string; hash: string; size: number }>;

/**
 * Extract every file entry of an opened wheel once, to `dest(name, index)`
 * (a fresh path per entry). The hashes let writeEditedWheel verify RECORD
 * without reading the archive again.
 */
export async function extractEntries(w: OpenedWheel, dest: (name: string, index: number) => string): Promise<ExtractedEntries> {
  const out: ExtractedEntries = new Map();
  let i = 0;
  for (const info of w.reader.entries) {
    if (info.isDirectory) continue;
    const file = dest(info.name, i++);
    out.set(info.name, { file, ...(await w.reader.extractTo(info.name, file)) });
  }
  return out;
}

/**
 * Write a changed copy of the wheel at `inputPath` into `outDir` and return its path.
 * The input's RECORD is verified on the way; the output's RECORD is recomputed.
 */
export async function rewriteWheel(inputPath: string, outDir: string, edits: WheelEdits): Promise<string> {
  const w = await openWheel(inputPath);
  let tmpRoot: string | undefined;
  try {
    await mkdir(outDir, { recursive: true });
    tmpRoot = await makeTempDir(join(outDir, ".rewrite-"));
    const dir = tmpRoot;
    checkEdits(w, edits);
    return await writeEditedWheel(w, await extractEntries(w, (_, i) => join(dir, String(i))), outDir, edits);
  } finally {
    w.reader.close();
    if (tmpRoot !== undefined) await removeTemp(tmpRoot);
  }
}

/** Refuse edits that do not fit the wheel, before anything is extracted or written. */
function checkEdits(w: OpenedWheel, edits: WheelEdits): void {
  const inputPath = w.reader.path;
  const wheelPath = `${w.distInfoDir}/WHEEL`;
  const recordPath = `${w.distInfoDir}/RECORD`;
  const replaced = new Set((edits.replace ?? []).map((r) => r.path));
  const removed = new Set(edits.remove ?? []);
  for (const p of [...replaced, ...removed]) {
    if (!w.reader.has(p)) throw new ValidationError(`cannot change ${p}: ${basename(inputPath)} has no such file`);
  }
  for (const p of [wheelPath, recordPath]) {
    if (replaced.has(p) || removed.has(p)) throw new ValidationError(`${p} is maintained by rewriteWheel; change tags through edits.tags`);
  }
  for (const a of edits.add ?? []) {
    if (w.reader.has(a.path)) throw new ValidationError(`cannot add ${a.path}: ${basename(inputPath)} already has it`, "use edits.replace to change an existing file");
  }
}

/**
 * rewriteWheel for a wheel whose entries are already extracted (`entries`, from
 * extractEntries; kept files are read from there, so they must be unchanged):
 * the repair path extracts once for audit, patching and writing.
 */
export async function writeEditedWheel(w: OpenedWheel, entries: ExtractedEntries, outDir: string, edits: WheelEdits): Promise<string> {
  checkEdits(w, edits);
  const inputPath = w.reader.path;
  const wheelPath = `${w.distInfoDir}/WHEEL`;
  const recordPath = `${w.distInfoDir}/RECORD`;
  const replaced = new Map((edits.replace ?? []).map((r) => [r.path, r]));
  const removed = new Set(edits.remove ?? []);
  await mkdir(outDir, { recursive: true });

  const actual = new Map<string, { hash: string; size: number }>();
  const kept: Array<{ name: string; file: string; executable: boolean }> = [];
  for (const info of w.reader.entries) {
    if (info.isDirectory) continue;
    const e = entries.get(info.name);
    if (!e) throw new Error(`internal: ${info.name} was not extracted before the rewrite`);
    actual.set(info.name, e);
    if (!replaced.has(info.name) && !removed.has(info.name) && info.name !== recordPath && info.name !== wheelPath) {
      kept.push({ name: info.name, file: e.file, executable: info.executable });
    }
  }
  checkRecord(w, actual);

  const tags = edits.tags ?? w.wheel.tags;
  const build = edits.buildTag === undefined ? w.fileName.build : (edits.buildTag ?? undefined);
  const wheelText = retagWheelInfo(await w.reader.readText(wheelPath), tags, edits.buildTag);
  const name = `${w.fileName.dist}-${w.fileName.version}${build === undefined ? "" : "-" + build}-${compressedTagSet(tags)}.whl`;

  if (edits.keepInput && sameFile(join(outDir, name), inputPath)) {
    throw new OutputError(`cannot write ${join(outDir, name)}: it is the input wheel, which would be overwritten`, "give -w/--wheel-dir another folder than the input's");
  }
  const zo: { recordPath: string; distInfoDir: string; epoch?: number } = { recordPath, distInfoDir: w.distInfoDir };
  if (edits.epoch !== undefined) zo.epoch = edits.epoch;
  const writer = new WheelZipWriter(join(outDir, name), zo);
  for (const k of kept) writer.addFile(k.name, k.file, k.executable);
  for (const f of [...replaced.values(), ...(edits.add ?? [])]) {
    const exe = f.executable ?? (replaced.has(f.path) ? w.reader.entries.find((e) => e.name === f.path)?.executable : undefined);
    if ("file" in f.source) writer.addFile(f.path, f.source.file, exe);
    else writer.addBytes(f.path, f.source.bytes, exe ?? false);
  }
  writer.addBytes(wheelPath, wheelText);
  return await writer.finish();
}
