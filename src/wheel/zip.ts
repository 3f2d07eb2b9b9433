/**
 * Deterministic zip writing on top of yazl: the caller gives the entries in
 * their final order; every entry gets the same timestamp and a fixed mode, and
 * the archive appears under its final name only once it is complete.
 */
import { createWriteStream } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import yazl from "yazl";
import { releaseTemp, trackTemp } from "../cleanup.js";
import { ValidationError } from "../errors.js";
import { asOutputError } from "../output-dir.js";

/** 1980-01-01T00:00:00Z, the earliest time a zip (DOS) timestamp can hold. */
export const ZIP_EPOCH_MIN = 315532800;
// 2107-12-31T23:59:58Z, the latest.
const ZIP_EPOCH_MAX = 4354819198;

/** SOURCE_DATE_EPOCH (seconds) when set, else 1980-01-01: the time every entry carries. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw.trim() === "") return ZIP_EPOCH_MIN;
  if (!/^\s*\d+\s*$/.test(raw)) {
    throw new ValidationError(
      `SOURCE_DATE_EPOCH ${JSON.stringify(raw)} is not a whole number of seconds`,
      "set SOURCE_DATE_EPOCH to a Unix timestamp, e.g. $(git log -1 --format=%ct)",
    );
  }
  return Number(raw.trim());
}

/**
 * yazl turns a Date into DOS date/time fields with the LOCAL-time getters, so the
 * same instant gives different bytes under different TZ values. This Date answers
 * the local getters with the UTC fields, making the DOS fields the UTC time
 * whatever TZ is (and it also sidesteps local DST gaps). The Info-ZIP extended
 * timestamp, which would use getTime(), is turned off with forceDosTimestamp.
 */
class UtcFieldsDate extends Date {
  override getFullYear(): number {
    return this.getUTCFullYear();
  }
  override getMonth(): number {
    return this.getUTCMonth();
  }
  override getDate(): number {
    return this.getUTCDate();
  }
  override getHours(): number {
    return this.getUTCHours();
  }
  override getMinutes(): number {
    return this.getUTCMinutes();
  }
  override getSeconds(): number {
    return this.getUTCSeconds();
  }
  // yazl clamps against Dates built from local fields (1980-01-01 00:00 local);
  // compare with the same local reading of our UTC fields.
  override valueOf(): number {
    return new Date(this.getUTCFullYear(), this.getUTCMonth(), this.getUTCDate(), this.getUTCHours(), this.getUTCMinutes(), this.getUTCSeconds()).getTime();
  }
}

/** The Date to hand yazl so the DOS fields equal the UTC time of `epochSeconds` (clamped to the DOS range). */
export function dosDate(epochSeconds: number): Date {
  const s = Math.min(Math.max(epochSeconds, ZIP_EPOCH_MIN), ZIP_EPOCH_MAX);
  return new UtcFieldsDate(s * 1000);
}

export type ZipContent =
  | { kind: "bytes"; data: Uint8Array }
  /** Produced when the entry's turn comes, after all earlier entries are written (RECORD). */
  | { kind: "lazy"; get: () => Uint8Array }
  | { kind: "stream"; open: () => Readable };

export interface ZipEntry {
  path: string;
  executable: boolean;
  content: ZipContent;
}

export interface ZipOptions {
  /** Seconds since the epoch for every entry; default sourceDateEpoch(). */
  epoch?: number;
}

// Regular file (S_IFREG) plus permissions, in the high 16 bits of the external attributes.
const MODE_FILE = 0o100644;
const MODE_EXEC = 0o100755;

/** A temporary name next to `outFile`, in the same folder so the final rename is atomic. */
export function tempPathFor(outFile: string): string {
  return join(dirname(outFile), `.${basename(outFile)}.tmp-${process.pid}`);
}

/**
 * Write `entries` in the given order to `outFile` via a temporary name, then rename.
 * On any failure the temporary file is removed and no `outFile` appears.
 */
export async function writeZip(outFile: string, entries: ZipEntry[], opts: ZipOptions = {}): Promise<void> {
  const mtime = dosDate(opts.epoch ?? sourceDateEpoch());
  const tmp = trackTemp(tempPathFor(outFile));
  const zip = new yazl.ZipFile();
  const out = createWriteStream(tmp);
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        out.destroy();
        reject(e);
      };
      zip.on("error", fail);
      out.on("error", fail);
      out.on("close", () => {
        if (!failed) resolve();
      });
      zip.outputStream.on("error", fail);
      zip.outputStream.pipe(out);
      for (const e of entries) {
        const options = { mtime, mode: e.executable ? MODE_EXEC : MODE_FILE, forceDosTimestamp: true, compressionLevel: 6 };
        const c = e.content;
        if (c.kind === "bytes") {
          zip.addBuffer(Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength), e.path, options);
        } else {
          zip.addReadStreamLazy(e.path, options, (cb) => {
            try {
              const stream = c.kind === "lazy" ? Readable.from([Buffer.from(c.get())], { objectMode: false }) : c.open();
              stream.on("error", fail);
              cb(null, stream);
            } catch (err) {
              fail(err);
            }
          });
        }
      }
      zip.end();
    });
    await rename(tmp, outFile);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw asOutputError(e, outFile);
  } finally {
    releaseTemp(tmp);
  }
}
