/**
 * Reading existing wheels safely (for audit and repair); changing them is edit.ts.
 *
 * A hostile archive (zip-slip or absolute names, duplicates, symlinks, sizes that
 * lie or are absurd, encryption, unknown compression) gives an ArchiveError before
 * anything large is allocated or written.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Entry, ZipFile } from "yauzl";
import { ArchiveError, ValidationError } from "../errors.js";
import { archivePathError } from "./archive-path.js";
import { hashingPassThrough, parseRecord, recordHashFromDigest, type RecordEntry } from "./record.js";
import { parseWheelFileName, type WheelFileName, type WheelTag, wheelTagLines, expandTagSet, tagsToString } from "./tags.js";

export interface ReaderLimits {
  /** Most entries accepted. */
  maxEntries: number;
  /** Largest uncompressed size of one entry (bytes). */
  maxEntrySize: number;
  /** Largest sum of uncompressed sizes (bytes). */
  maxTotalSize: number;
}

export const DEFAULT_LIMITS: ReaderLimits = {
  maxEntries: 200_000,
  maxEntrySize: 2 * 1024 ** 3,
  maxTotalSize: 8 * 1024 ** 3,
};

/** Deflate cannot expand data by more than ~1032:1; a larger declared ratio is a lie (or a bomb). */
const MAX_DEFLATE_RATIO = 1100;

export interface WheelEntryInfo {
  name: string;
  size: number;
  compressedSize: number;
  executable: boolean;
  isDirectory: boolean;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

async function openZip(path: string): Promise<ZipFile> {
  // loaded on first use: yauzl loads zlib at once, and most runs (a no-op rebuild) open no wheel
  const { default: yauzl } = await import("yauzl");
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: true }, (err, zf) => {
      if (err || !zf) reject(err ?? new Error("no zip file"));
      else resolve(zf);
    });
  });
}

function readAllEntries(zf: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const out: Entry[] = [];
    zf.on("entry", (e: Entry) => {
      out.push(e);
      zf.readEntry();
    });
    zf.on("end", () => resolve(out));
    zf.on("error", reject);
    zf.readEntry();
  });
}

/** An open wheel (or any zip) with validated entries. Call close() when done. */
export class WheelReader {
  private readonly byName = new Map<string, Entry>();

  private constructor(
    readonly path: string,
    private readonly zf: ZipFile,
    readonly entries: WheelEntryInfo[],
    raw: Entry[],
  ) {
    raw.forEach((e) => this.byName.set(e.fileName, e));
  }

  static async open(path: string, limits: Partial<ReaderLimits> = {}): Promise<WheelReader> {
    const lim = { ...DEFAULT_LIMITS, ...limits };
    const bad = (why: string, cause?: unknown): ArchiveError =>
      new ArchiveError(`${basename(path)} is not a usable wheel: ${why}`, "rebuild the wheel; it may be truncated, corrupt or crafted", { cause });
    let zf: ZipFile;
    try {
      zf = await openZip(path);
    } catch (e) {
      throw bad(e instanceof Error ? e.message : String(e), e);
    }
    try {
      if (zf.entryCount > lim.maxEntries) throw bad(`it has ${zf.entryCount} entries (limit ${lim.maxEntries})`);
      let raw: Entry[];
      try {
        raw = await readAllEntries(zf);
      } catch (e) {
        throw bad(e instanceof Error ? e.message : String(e), e);
      }
      const seen = new Set<string>();
      let total = 0;
      const infos: WheelEntryInfo[] = [];
      for (const e of raw) {
        const name = e.fileName;
        const isDirectory = name.endsWith("/");
        const why = archivePathError(isDirectory ? name.slice(0, -1) : name);
        if (why !== undefined) throw bad(`entry ${JSON.stringify(name)} is unsafe: ${why}`);
        if (seen.has(name)) throw bad(`entry ${JSON.stringify(name)} appears twice`);
        seen.add(name);
        const mode = (e.externalFileAttributes >>> 16) & 0xffff;
        const type = mode & S_IFMT;
        if (type === S_IFLNK) throw bad(`entry ${JSON.stringify(name)} is a symbolic link`);
        if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw bad(`entry ${JSON.stringify(name)} is not a regular file (mode ${mode.toString(8)})`);
        if (e.isEncrypted()) throw bad(`entry ${JSON.stringify(name)} is encrypted`);
        if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
          throw bad(`entry ${JSON.stringify(name)} uses compression method ${e.compressionMethod} (only stored and deflate are allowed)`);
        }
        if (e.uncompressedSize > lim.maxEntrySize) throw bad(`entry ${JSON.stringify(name)} claims ${e.uncompressedSize} bytes (limit ${lim.maxEntrySize})`);
        if (e.compressionMethod === 8 && e.uncompressedSize > e.compressedSize * MAX_DEFLATE_RATIO + 65536) {
          throw bad(`entry ${JSON.stringify(name)} claims ${e.uncompressedSize} bytes from ${e.compressedSize} compressed bytes, more than deflate can produce`);
        }
        if (e.compressionMethod === 0 && e.uncompressedSize !== e.compressedSize) {
          throw bad(`stored entry ${JSON.stringify(name)} has different compressed and uncompressed sizes`);
        }
        total += e.uncompressedSize;
        if (total > lim.maxTotalSize) throw bad(`its entries claim more than ${lim.maxTotalSize} bytes in total`);
        infos.push({ name, size: e.uncompressedSize, compressedSize: e.compressedSize, executable: (mode & 0o111) !== 0, isDirectory });
      }
      return new WheelReader(path, zf, infos, raw);
    } catch (e) {
      zf.close();
      throw e;
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Names of the file entries (no directories), in archive order. */
  get fileNames(): string[] {
    return this.entries.filter((e) => !e.isDirectory).map((e) => e.name);
  }

  private entry(name: string): Entry {
    const e = this.byName.get(name);
    if (!e) throw new ArchiveError(`${basename(this.path)} has no entry ${JSON.stringify(name)}`);
    return e;
  }

  private wrap(name: string, e: unknown): ArchiveError {
    if (e instanceof ArchiveError) return e;
    const msg = e instanceof Error ? e.message : String(e);
    return new ArchiveError(`${basename(this.path)}: cannot read ${JSON.stringify(name)}: ${msg}`, "the wheel is corrupt or crafted; rebuild it", { cause: e });
  }

  /** A stream of the entry's bytes; yauzl fails it when the data does not match the declared size. */
  private openStream(name: string): Promise<Readable> {
    const e = this.entry(name);
    return new Promise((resolve, reject) => {
      this.zf.openReadStream(e, (err, stream) => {
        if (err || !stream) reject(this.wrap(name, err ?? new Error("no stream")));
        else {
          // The consumer (pipeline, for-await) reports the first error; yauzl's size
          // check can emit another after it has let go, which must not crash the process.
          stream.on("error", () => undefined);
          resolve(stream);
        }
      });
    });
  }

  /** The entry's bytes (never more than its declared size, itself within the limits). */
  async readBytes(name: string): Promise<Buffer> {
    const stream = await this.openStream(name);
    const chunks: Buffer[] = [];
    let size = 0;
    const limit = this.entry(name).uncompressedSize;
    try {
      for await (const chunk of stream) {
        size += (chunk as Buffer).length;
        if (size > limit) throw new ArchiveError(`${basename(this.path)}: entry ${JSON.stringify(name)} holds more data than it declares`);
        chunks.push(chunk as Buffer);
      }
    } catch (e) {
      stream.destroy();
      throw this.wrap(name, e);
    }
    return Buffer.concat(chunks, size);
  }

  /** The entry's RECORD hash and size, streamed (nothing kept or written). */
  async hashEntry(name: string): Promise<{ hash: string; size: number }> {
    const stream = await this.openStream(name);
    const h = createHash("sha256");
    let size = 0;
    try {
      for await (const chunk of stream) {
        h.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    } catch (e) {
      stream.destroy();
      throw this.wrap(name, e);
    }
    return { hash: recordHashFromDigest(h.digest()), size };
  }

  async readText(name: string): Promise<string> {
    return (await this.readBytes(name)).toString("utf8");
  }

  /** Stream the entry into `dest` (created), returning its RECORD hash and size. */
  async extractTo(name: string, dest: string): Promise<{ hash: string; size: number }> {
    const stream = await this.openStream(name);
    let result = { hash: "", size: 0 };
    const hasher = hashingPassThrough((hash, size) => (result = { hash, size }));
    await mkdir(dirname(dest), { recursive: true });
    try {
      await pipeline(stream, hasher, createWriteStream(dest));
    } catch (e) {
      throw this.wrap(name, e);
    }
    return result;
  }

  close(): void {
    this.zf.close();
  }
}

// ---------------------------------------------------------------------------
// WHEEL file

export interface WheelInfo {
  wheelVersion: string;
  generator?: string;
  rootIsPurelib: boolean;
  tags: WheelTag[];
  build?: string;
  /** Every `Key: value` line in order (to rewrite without losing unknown fields). */
  fields: Array<[string, string]>;
}

export function parseWheelInfo(text: string, what = "WHEEL"): WheelInfo {
  const fields: Array<[string, string]> = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    const m = /^([A-Za-z0-9-]+):\s*(.*?)\s*$/.exec(line);
    if (!m) throw new ArchiveError(`${what} line ${i + 1}: ${JSON.stringify(line)} is not "Key: value"`);
    fields.push([m[1] as string, m[2] as string]);
  }
  const get = (k: string) => fields.find(([key]) => key.toLowerCase() === k.toLowerCase())?.[1];
  const wheelVersion = get("Wheel-Version");
  if (wheelVersion === undefined) throw new ArchiveError(`${what} has no Wheel-Version`);
  if (!/^1\.\d+$/.test(wheelVersion)) throw new ArchiveError(`${what} has Wheel-Version ${wheelVersion}; only 1.x is supported`);
  const purelib = get("Root-Is-Purelib");
  if (purelib === undefined) throw new ArchiveError(`${what} has no Root-Is-Purelib`);
  const tags: WheelTag[] = [];
  for (const [k, v] of fields) {
    if (k.toLowerCase() !== "tag") continue;
    try {
      tags.push(...expandTagSet(v));
    } catch {
      throw new ArchiveError(`${what} has an invalid Tag line ${JSON.stringify(v)}`);
    }
  }
  const info: WheelInfo = { wheelVersion, rootIsPurelib: purelib.toLowerCase() === "true", tags, fields };
  const generator = get("Generator");
  if (generator !== undefined) info.generator = generator;
  const build = get("Build");
  if (build !== undefined) info.build = build;
  return info;
}

/** WHEEL with new Tag (and Build) lines; other fields kept in their order. */
export function retagWheelInfo(text: string, tags: WheelTag[], build?: string | null): string {
  const info = parseWheelInfo(text);
  const keep = info.fields.filter(([k]) => !["tag", "build"].includes(k.toLowerCase()));
  const lines = keep.map(([k, v]) => `${k}: ${v}`);
  lines.push(...wheelTagLines(tags));
  const b = build === undefined ? info.build : build === null ? undefined : build;
  if (b !== undefined) lines.push(`Build: ${b}`);
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------
// Whole wheels

export interface OpenedWheel {
  reader: WheelReader;
  fileName: WheelFileName;
  distInfoDir: string;
  wheel: WheelInfo;
  record: RecordEntry[];
}

/** The one `*.dist-info` directory holding a WHEEL file. */
function findDistInfo(reader: WheelReader, fileName: WheelFileName): string {
  const expected = `${fileName.dist}-${fileName.version}.dist-info`;
  if (reader.has(`${expected}/WHEEL`)) return expected;
  const found = new Set(
    reader.fileNames.filter((n) => /^[^/]+\.dist-info\/WHEEL$/.test(n)).map((n) => n.slice(0, n.indexOf("/"))),
  );
  if (found.size !== 1) {
    throw new ArchiveError(
      `${basename(reader.path)}: expected one ${expected}/ directory with a WHEEL file, found ${found.size === 0 ? "none" : [...found].join(", ")}`,
    );
  }
  return [...found][0] as string;
}

/** Open a wheel and parse its name, WHEEL and RECORD. Close `reader` when done. */
export async function openWheel(path: string, limits: Partial<ReaderLimits> = {}): Promise<OpenedWheel> {
  let fileName: WheelFileName;
  try {
    fileName = parseWheelFileName(path);
  } catch (e) {
    throw new ArchiveError((e as Error).message, (e as ValidationError).hint);
  }
  const reader = await WheelReader.open(path, limits);
  try {
    const distInfoDir = findDistInfo(reader, fileName);
    const wheel = parseWheelInfo(await reader.readText(`${distInfoDir}/WHEEL`), `${distInfoDir}/WHEEL`);
    const recordPath = `${distInfoDir}/RECORD`;
    if (!reader.has(recordPath)) throw new ArchiveError(`${basename(path)} has no ${recordPath}`);
    const record = parseRecord(await reader.readText(recordPath), recordPath);
    return { reader, fileName, distInfoDir, wheel, record };
  } catch (e) {
    reader.close();
    throw e;
  }
}

// Files RECORD may leave unhashed (signatures of RECORD itself, and RECORD).
const UNHASHED = /\/RECORD(\.jws|\.p7s)?$/;

/**
 * Check that RECORD lists exactly the files of the wheel; `actual` holds the hash
 * and size of every file as read. Throws ArchiveError naming the first problem.
 */
export function checkRecord(w: { reader: WheelReader; distInfoDir: string; record: RecordEntry[] }, actual: Map<string, { hash: string; size: number }>): void {
  const where = `${basename(w.reader.path)}: ${w.distInfoDir}/RECORD`;
  const listed = new Map<string, RecordEntry>();
  for (const r of w.record) {
    if (listed.has(r.path)) throw new ArchiveError(`${where} lists ${r.path} twice`);
    listed.set(r.path, r);
  }
  for (const name of w.reader.fileNames) {
    const r = listed.get(name);
    if (!r) throw new ArchiveError(`${where} does not list ${name}`);
    if (UNHASHED.test(name) && name.startsWith(w.distInfoDir + "/")) continue;
    const a = actual.get(name);
    if (!a) throw new Error(`internal: ${name} was not hashed before its RECORD line was checked`);
    if (r.hash === "") throw new ArchiveError(`${where} lists ${name} without a hash`);
    if (!r.hash.startsWith("sha256=")) throw new ArchiveError(`${where}: ${name} uses ${r.hash.split("=")[0]}, not sha256`);
    if (r.hash !== a.hash) throw new ArchiveError(`${where}: the hash of ${name} does not match its content`);
    if (r.size !== undefined && r.size !== a.size) throw new ArchiveError(`${where}: the size of ${name} is ${a.size}, RECORD says ${r.size}`);
  }
  for (const path of listed.keys()) {
    if (!w.reader.has(path)) throw new ArchiveError(`${where} lists ${path}, which is not in the wheel`);
  }
}

/**
 * What an installer would refuse in an opened wheel, one line each: a RECORD that
 * does not match the files (every file is hashed), and file-name tags other than
 * WHEEL's `Tag` lines.
 */
export async function wheelConsistencyProblems(w: OpenedWheel): Promise<string[]> {
  const problems: string[] = [];
  const actual = new Map<string, { hash: string; size: number }>();
  for (const name of w.reader.fileNames) actual.set(name, await w.reader.hashEntry(name));
  try {
    checkRecord(w, actual);
  } catch (e) {
    if (!(e instanceof ArchiveError)) throw e;
    problems.push(e.message);
  }
  const named = new Set(w.fileName.tags.map(tagsToString));
  const declared = new Set(w.wheel.tags.map(tagsToString));
  if (named.size !== declared.size || [...named].some((t) => !declared.has(t))) {
    problems.push(`${basename(w.reader.path)}: the file name's tags (${[...named].join(", ")}) differ from ${w.distInfoDir}/WHEEL's Tag lines (${[...declared].join(", ") || "none"})`);
  }
  return problems;
}
