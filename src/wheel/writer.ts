/**
 * Where the files of a wheel go: one interface, three backends.
 * - WheelZipWriter: a deterministic .whl (sorted entries, `.dist-info/` last, RECORD last).
 * - FolderWriter: a plain tree (editable / develop installs).
 * - MemoryWriter: a Map, for tests.
 * All of them validate member paths up front and, given `recordPath`, write RECORD last.
 */
import { createReadStream } from "node:fs";
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ValidationError } from "../errors.js";
import { archivePathError } from "./archive-path.js";
import { hashingPassThrough, type RecordEntry, recordHash, renderRecord } from "./record.js";
import { releaseTemp, trackTemp } from "../cleanup.js";
import { asOutputError } from "../output-dir.js";
import { tempPathFor, type ZipEntry, writeZip } from "./zip.js";

export interface ModuleWriter {
  /** Add a file from memory. */
  addBytes(path: string, data: Uint8Array | string, executable?: boolean): void;
  /** Add a file from disk; `executable` defaults to the source file's x bit. */
  addFile(path: string, sourcePath: string, executable?: boolean): void;
  /** Write everything (RECORD last) and return where it went. Adding afterwards is an error. */
  finish(): Promise<string>;
}

export interface WriterOptions {
  /** Member path of RECORD (`{dist}-{version}.dist-info/RECORD`); no RECORD when absent. */
  recordPath?: string;
}

type Source = { bytes: Uint8Array } | { file: string };

interface PendingEntry {
  path: string;
  source: Source;
  executable: boolean | undefined;
}

/** Path validation, duplicate detection and entry bookkeeping shared by the backends. */
abstract class CollectingWriter implements ModuleWriter {
  protected readonly entries: PendingEntry[] = [];
  private readonly seen = new Map<string, string>();
  private finished = false;

  constructor(protected readonly opts: WriterOptions = {}) {
    if (opts.recordPath !== undefined) this.claim(opts.recordPath);
  }

  private claim(path: string): void {
    const why = archivePathError(path);
    if (why !== undefined) {
      throw new ValidationError(`cannot put ${JSON.stringify(path)} into the wheel: ${why}`, "use a relative path with '/' separators inside the package");
    }
    if (this.finished) throw new Error(`writer already finished; cannot add ${path}`);
    // Case-insensitive: such a pair would overwrite each other on macOS and Windows.
    const key = path.toLowerCase();
    const prior = this.seen.get(key);
    if (prior !== undefined) {
      throw new ValidationError(
        prior === path ? `${path} is added to the wheel twice` : `${path} and ${prior} differ only in case`,
        "each file may appear once; check the include settings and the module name",
      );
    }
    this.seen.set(key, path);
  }

  addBytes(path: string, data: Uint8Array | string, executable?: boolean): void {
    this.claim(path);
    this.entries.push({ path, source: { bytes: typeof data === "string" ? Buffer.from(data, "utf8") : data }, executable: executable ?? false });
  }

  addFile(path: string, sourcePath: string, executable?: boolean): void {
    this.claim(path);
    this.entries.push({ path, source: { file: sourcePath }, executable });
  }

  has(path: string): boolean {
    return this.seen.has(path.toLowerCase());
  }

  async finish(): Promise<string> {
    if (this.finished) throw new Error("writer already finished");
    this.finished = true;
    // Resolve executability from the source files now that all are known.
    for (const e of this.entries) {
      if (e.executable === undefined && "file" in e.source) {
        e.executable = ((await stat(e.source.file)).mode & 0o111) !== 0;
      }
    }
    return this.write();
  }

  protected abstract write(): Promise<string>;

  protected recordFor(hashes: Map<string, { hash: string; size: number }>, order: string[]): string {
    const rows: RecordEntry[] = order.map((p) => {
      const h = hashes.get(p);
      if (!h) throw new Error(`internal: no hash for ${p}`);
      return { path: p, hash: h.hash, size: h.size };
    });
    if (this.opts.recordPath !== undefined) rows.push({ path: this.opts.recordPath, hash: "" });
    return renderRecord(rows);
  }
}

/** Sorted, with `distInfoDir/` entries after everything else and RECORD the very last. */
export function wheelEntryOrder(paths: string[], distInfoDir?: string, recordPath?: string): string[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const prefix = distInfoDir === undefined ? undefined : distInfoDir.replace(/\/$/, "") + "/";
  const rank = (p: string) => (p === recordPath ? 2 : prefix !== undefined && p.startsWith(prefix) ? 1 : 0);
  return [...paths].sort((a, b) => rank(a) - rank(b) || cmp(a, b));
}

export interface WheelZipWriterOptions extends WriterOptions {
  /** `{dist}-{version}.dist-info`: its entries are placed last. */
  distInfoDir?: string;
  /** Timestamp for every entry (seconds); default SOURCE_DATE_EPOCH or 1980-01-01. */
  epoch?: number;
}

/** Writes a deterministic zip to `outFile` (through a temporary name in the same folder). */
export class WheelZipWriter extends CollectingWriter {
  constructor(
    readonly outFile: string,
    private readonly zipOpts: WheelZipWriterOptions = {},
  ) {
    super(zipOpts);
  }

  protected async write(): Promise<string> {
    const byPath = new Map(this.entries.map((e) => [e.path, e]));
    const order = wheelEntryOrder([...byPath.keys()], this.zipOpts.distInfoDir);
    const hashes = new Map<string, { hash: string; size: number }>();
    const zipEntries: ZipEntry[] = order.map((path) => {
      const e = byPath.get(path) as PendingEntry;
      const executable = e.executable ?? false;
      if ("bytes" in e.source) {
        hashes.set(path, { hash: recordHash(e.source.bytes), size: e.source.bytes.byteLength });
        return { path, executable, content: { kind: "bytes", data: e.source.bytes } };
      }
      const file = e.source.file;
      // Hash while streaming, so a large library is read once and never held in memory.
      return {
        path,
        executable,
        content: {
          kind: "stream",
          open: () => {
            const hasher = hashingPassThrough((hash, size) => hashes.set(path, { hash, size }));
            const src = createReadStream(file);
            src.on("error", (err) => hasher.destroy(err));
            return src.pipe(hasher);
          },
        },
      };
    });
    const recordPath = this.opts.recordPath;
    if (recordPath !== undefined) {
      zipEntries.push({ path: recordPath, executable: false, content: { kind: "lazy", get: () => Buffer.from(this.recordFor(hashes, order)) } });
    }
    const zo: { epoch?: number } = {};
    if (this.zipOpts.epoch !== undefined) zo.epoch = this.zipOpts.epoch;
    await writeZip(this.outFile, zipEntries, zo);
    return this.outFile;
  }
}

/** Writes the files into a folder (each via a temporary name, then renamed), RECORD last. */
export class FolderWriter extends CollectingWriter {
  constructor(
    readonly root: string,
    opts: WriterOptions = {},
  ) {
    super(opts);
  }

  private async put(path: string, data: Uint8Array, executable: boolean): Promise<void> {
    const dest = join(this.root, ...path.split("/"));
    const tmp = trackTemp(tempPathFor(dest));
    try {
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(tmp, data);
      await chmod(tmp, executable ? 0o755 : 0o644);
      await rename(tmp, dest);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw asOutputError(e, dest);
    } finally {
      releaseTemp(tmp);
    }
  }

  protected async write(): Promise<string> {
    const hashes = new Map<string, { hash: string; size: number }>();
    const order = wheelEntryOrder(this.entries.map((e) => e.path));
    const byPath = new Map(this.entries.map((e) => [e.path, e]));
    for (const path of order) {
      const e = byPath.get(path) as PendingEntry;
      const data = "bytes" in e.source ? e.source.bytes : await readFile(e.source.file);
      hashes.set(path, { hash: recordHash(data), size: data.byteLength });
      await this.put(path, data, e.executable ?? false);
    }
    if (this.opts.recordPath !== undefined) await this.put(this.opts.recordPath, Buffer.from(this.recordFor(hashes, order)), false);
    return this.root;
  }
}

export interface MemoryFile {
  data: Uint8Array;
  executable: boolean;
}

/** Keeps the files in `files` (insertion order = wheel order). A test double with the real validation. */
export class MemoryWriter extends CollectingWriter {
  readonly files = new Map<string, MemoryFile>();
  private readonly distInfoDir: string | undefined;

  constructor(opts: WriterOptions & { distInfoDir?: string } = {}) {
    super(opts);
    this.distInfoDir = opts.distInfoDir;
  }

  protected async write(): Promise<string> {
    const hashes = new Map<string, { hash: string; size: number }>();
    const byPath = new Map(this.entries.map((e) => [e.path, e]));
    const order = wheelEntryOrder([...byPath.keys()], this.distInfoDir);
    for (const path of order) {
      const e = byPath.get(path) as PendingEntry;
      const data = "bytes" in e.source ? e.source.bytes : new Uint8Array(await readFile(e.source.file));
      hashes.set(path, { hash: recordHash(data), size: data.byteLength });
      this.files.set(path, { data, executable: e.executable ?? false });
    }
    if (this.opts.recordPath !== undefined) {
      this.files.set(this.opts.recordPath, { data: Buffer.from(this.recordFor(hashes, order)), executable: false });
    }
    return "memory";
  }

  text(path: string): string {
    const f = this.files.get(path);
    if (!f) throw new Error(`no ${path} in the writer`);
    return Buffer.from(f.data).toString("utf8");
  }
}
