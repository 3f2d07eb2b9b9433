/**
 * Random access to the bytes of a file without reading all of it: the ELF reader
 * asks only for the ranges it needs (headers, .dynamic, string tables), so a
 * 50 MB library costs a few small reads. Every read is checked against the size.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { ElfError } from "../../errors.js";

/** The first `n` bytes of a file (fewer when it is shorter): enough to tell its format by its magic. */
export function fileHead(path: string, n: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

export interface ByteSource {
  /** Name used in error messages (a path, or a path inside a wheel). */
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes at `offset`; throws ElfError when the range is outside the data. */
  read(offset: number, length: number, what: string): Buffer;
}

/** The largest single range the reader will ask for; tables larger than this are not plausible. */
export const MAX_READ = 256 * 1024 * 1024;

export function checkRange(src: { name: string; size: number }, offset: number, length: number, what: string): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw truncated(src.name, `${what} has an invalid offset or size`);
  }
  if (length > MAX_READ) throw truncated(src.name, `${what} claims ${length} bytes, more than any real table`);
  if (offset + length > src.size) {
    throw truncated(src.name, `${what} (bytes ${offset}..${offset + length}) lies beyond the end of the file (${src.size} bytes)`);
  }
}

export function truncated(name: string, detail: string): ElfError {
  return new ElfError(`${name}: not a valid ELF file: ${detail}`, "the file is truncated or damaged; rebuild it");
}

export function bufferSource(data: Uint8Array, name: string): ByteSource {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return {
    name,
    size: buf.length,
    read(offset, length, what) {
      checkRange(this, offset, length, what);
      return buf.subarray(offset, offset + length);
    },
  };
}

/** A source over an open file descriptor; `close()` when done. */
export function fileSource(path: string, name = path): ByteSource & { close(): void } {
  const fd = openSync(path, "r");
  let size: number;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ElfError(`${name}: not a regular file`, "pass the path of a shared library or executable");
    size = st.size;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return {
    name,
    size,
    read(offset, length, what) {
      checkRange(this, offset, length, what);
      const out = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n === 0) throw truncated(name, `${what}: the file ended early (it changed while being read?)`);
        done += n;
      }
      return out;
    },
    close() {
      closeSync(fd);
    },
  };
}
