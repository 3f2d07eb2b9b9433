/**
 * Deterministic sdist writer: a gzip'd POSIX tar (ustar headers, pax extended
 * headers when a path does not fit ustar). Written by hand rather than with the
 * `tar` package because every byte must be under our control: sorted entries,
 * uid/gid 0, empty owner names, modes 0644/0755, one mtime for all entries,
 * and a gzip header without a timestamp and with a fixed OS byte.
 */
import { open, rename, unlink } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, gzipSync } from "node:zlib";
import { ArchiveError, ValidationError } from "../errors.js";
import { archivePathError } from "./archive-path.js";
import { releaseTemp, trackTemp } from "../cleanup.js";
import { asOutputError } from "../output-dir.js";
import { sourceDateEpoch, tempPathFor } from "./zip.js";

export type TarContent = { kind: "bytes"; data: Uint8Array } | { kind: "file"; path: string };

export interface TarEntry {
  /** Member path, `/`-separated, relative. */
  path: string;
  content: TarContent;
  /** Mode 0755 instead of 0644; defaults to the source file's x bit (bytes: false). */
  executable?: boolean;
}

export interface TarOptions {
  /** Seconds since the epoch for every entry; default SOURCE_DATE_EPOCH, else 1980-01-01. */
  epoch?: number;
}

const BLOCK = 512;
// tar(1) and Python's tarfile pad archives to 20 blocks; do the same.
const RECORD_SIZE = 20 * BLOCK;
// The largest size an 11-digit octal field holds (8 GiB - 1).
const MAX_USTAR_SIZE = 8 ** 11 - 1;
// Python's tarfile names pax headers this way: a fixed name keeps the bytes stable.
const PAX_HEADER_NAME = "././@PaxHeader";
// gzip OS byte: 255 = unknown (as Python's gzip writes), not the writer's platform.
const GZIP_OS_UNKNOWN = 255;
const GZIP_OS_OFFSET = 9;
// Tar bytes go to gzip in writes of about this size: each write is one trip through
// libuv's thread pool, which a loaded machine makes slow (one per 512-byte header was).
const BATCH_SIZE = 1 << 20;

interface HeaderFields {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  mtime: number;
  type: "0" | "x";
}

function writeString(buf: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) throw new Error(`internal: ${JSON.stringify(value)} does not fit ${length} bytes`);
  bytes.copy(buf, offset);
}

/** An octal number, zero-padded to `length - 1` digits and NUL-terminated. */
function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  writeString(buf, offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
}

/** One 512-byte ustar header. */
export function ustarHeader(f: HeaderFields): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  writeString(h, 0, 100, f.name);
  writeOctal(h, 100, 8, f.mode);
  writeOctal(h, 108, 8, 0); // uid
  writeOctal(h, 116, 8, 0); // gid
  writeOctal(h, 124, 12, f.size);
  writeOctal(h, 136, 12, f.mtime);
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  writeString(h, 156, 1, f.type);
  writeString(h, 257, 6, "ustar\0");
  writeString(h, 263, 2, "00");
  // uname/gname stay empty: owner names of the build machine are not part of the input.
  writeOctal(h, 329, 8, 0); // devmajor
  writeOctal(h, 337, 8, 0); // devminor
  writeString(h, 345, 155, f.prefix);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

/**
 * Split a path into ustar's `prefix` (<= 155 bytes) and `name` (<= 100 bytes) at a
 * `/`, or undefined when it cannot be stored that way (too long, or not ASCII,
 * which ustar cannot label as UTF-8).
 */
export function splitUstarPath(path: string): { prefix: string; name: string } | undefined {
  if (!/^[\x20-\x7e]*$/.test(path)) return undefined;
  if (path.length <= 100) return { prefix: "", name: path };
  // The rightmost '/' whose prefix fits keeps the longest possible prefix.
  for (let i = Math.min(path.length - 1, 155); i > 0; i--) {
    if (path[i] !== "/") continue;
    const name = path.slice(i + 1);
    if (name.length === 0 || name.length > 100) return undefined;
    return { prefix: path.slice(0, i), name };
  }
  return undefined;
}

/** A pax record `"<len> <key>=<value>\n"`, where <len> counts the whole record including itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body, "utf8");
  // The length's own digits count too: 98 + 2 digits = 100 needs 3 digits, so 101.
  const digits = (n: number) => String(n).length;
  let len = bodyLen + digits(bodyLen);
  if (digits(len) > digits(bodyLen)) len = bodyLen + digits(len);
  return `${len}${body}`;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

/** Header block(s) for one regular file: a pax header first when the path needs one. */
export function fileHeaders(path: string, size: number, executable: boolean, mtime: number): Buffer[] {
  if (size > MAX_USTAR_SIZE) throw new ArchiveError(`${path} is larger than 8 GiB, which the sdist format here cannot hold`);
  const mode = executable ? 0o755 : 0o644;
  const split = splitUstarPath(path);
  if (split) return [ustarHeader({ ...split, mode, size, mtime, type: "0" })];
  const pax = Buffer.from(paxRecord("path", path), "utf8");
  // The ustar name of a pax'd entry is only a fallback for old readers: an ASCII tail of the path.
  const fallback = path.replace(/[^\x20-\x7e]/g, "_").slice(-100);
  return [
    ustarHeader({ name: PAX_HEADER_NAME, prefix: "", mode: 0o644, size: pax.length, mtime, type: "x" }),
    pax,
    padding(pax.length),
    ustarHeader({ name: fallback, prefix: "", mode, size, mtime, type: "0" }),
  ];
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Validate paths, reject duplicates, and sort by the bytes of the path. */
function sortedEntries(entries: TarEntry[]): TarEntry[] {
  const seen = new Set<string>();
  for (const e of entries) {
    const why = archivePathError(e.path);
    if (why !== undefined) {
      throw new ValidationError(`cannot put ${JSON.stringify(e.path)} into the sdist: ${why}`, "use a relative path with '/' separators");
    }
    if (seen.has(e.path)) throw new ValidationError(`${e.path} is added to the sdist twice`, "each file may appear once; check the include settings");
    seen.add(e.path);
  }
  return [...entries].sort((a, b) => byteOrder(a.path, b.path));
}

/**
 * A file's bytes and whether it is executable, from one open (read once, whole).
 * Asynchronous on purpose: a read that blocks (a FIFO, a slow mount) must leave
 * the event loop free, so a signal still runs the cleanup.
 */
async function readSource(path: string): Promise<{ data: Buffer; executable: boolean }> {
  const fh = await open(path, "r");
  try {
    return { executable: ((await fh.stat()).mode & 0o111) !== 0, data: await fh.readFile() };
  } finally {
    await fh.close();
  }
}

async function* tarChunks(entries: TarEntry[], mtime: number): AsyncGenerator<Buffer> {
  let total = 0;
  const emit = (b: Buffer) => {
    total += b.length;
    return b;
  };
  for (const e of entries) {
    let data: Buffer;
    let executable = e.executable ?? false;
    if (e.content.kind === "bytes") {
      data = Buffer.from(e.content.data.buffer, e.content.data.byteOffset, e.content.data.byteLength);
    } else {
      const src = await readSource(e.content.path);
      data = src.data;
      if (e.executable === undefined) executable = src.executable;
    }
    for (const h of fileHeaders(e.path, data.length, executable, mtime)) yield emit(h);
    yield emit(data);
    yield emit(padding(data.length));
  }
  // End of archive: two zero blocks, then zeros up to a whole record.
  total += 2 * BLOCK;
  const rest = total % RECORD_SIZE;
  yield Buffer.alloc(2 * BLOCK + (rest === 0 ? 0 : RECORD_SIZE - rest), 0);
}

/** `chunks` joined into buffers of at least `size` bytes (the last may be smaller); the bytes are unchanged. */
export async function* batched(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let n = 0;
  for await (const c of chunks) {
    parts.push(c);
    n += c.length;
    if (n >= size) {
      yield parts.length === 1 ? c : Buffer.concat(parts, n);
      parts = [];
      n = 0;
    }
  }
  if (n > 0) yield Buffer.concat(parts, n);
}

/** Sets the gzip header's OS byte as it streams by (no second open of the written file). */
function gzipOsByte(os: number): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let out = chunk;
      if (offset <= GZIP_OS_OFFSET && GZIP_OS_OFFSET < offset + chunk.length) {
        out = Buffer.from(chunk);
        out[GZIP_OS_OFFSET - offset] = os;
      }
      offset += chunk.length;
      done(null, out);
    },
  });
}

/** The uncompressed tar bytes of `entries` (sorted), for tests and small archives. */
export async function tarBytes(entries: TarEntry[], opts: TarOptions = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of tarChunks(sortedEntries(entries), opts.epoch ?? sourceDateEpoch())) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * Write `entries` as a .tar.gz to `outFile`: sorted, deterministic, through a
 * temporary name in the same folder that is renamed only when complete.
 * On failure nothing is left behind.
 */
export async function writeTarGz(outFile: string, entries: TarEntry[], opts: TarOptions = {}): Promise<string> {
  const mtime = opts.epoch ?? sourceDateEpoch();
  const sorted = sortedEntries(entries);
  const tmp = trackTemp(tempPathFor(outFile));
  try {
    // gzip's own header carries MTIME 0 (Node never sets it); only the OS byte needs fixing.
    // The temporary file exists from the start: an interrupt while a source is read removes it.
    const fh = await open(tmp, "w");
    let handleOpen = true;
    try {
      const batches = batched(tarChunks(sorted, mtime), BATCH_SIZE);
      const first = await batches.next();
      const second = first.done ? first : await batches.next();
      if (second.done) {
        // The usual sdist is one batch: compressed in one call, written in one (same bytes as streaming).
        const gz = gzipSync(first.done ? Buffer.alloc(0) : first.value, { level: 9 });
        gz[GZIP_OS_OFFSET] = GZIP_OS_UNKNOWN;
        await fh.writeFile(gz);
      } else {
        await fh.close();
        handleOpen = false;
        const all = async function* () {
          yield first.value as Buffer;
          yield second.value;
          yield* batches;
        };
        await pipeline(Readable.from(all(), { objectMode: false }), createGzip({ level: 9 }), gzipOsByte(GZIP_OS_UNKNOWN), createWriteStream(tmp));
      }
    } finally {
      if (handleOpen) await fh.close();
    }
    await rename(tmp, outFile);
    return outFile;
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw asOutputError(e, outFile);
  } finally {
    releaseTemp(tmp);
  }
}
