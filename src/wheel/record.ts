/** The RECORD file of a wheel: `path,sha256=<urlsafe b64, no padding>,size` per file (CSV). */
import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import { ArchiveError } from "../errors.js";

export interface RecordEntry {
  path: string;
  /** `sha256=...`, or "" for RECORD itself */
  hash: string;
  /** byte size, or undefined for RECORD itself */
  size?: number;
}

/** `sha256=` + urlsafe base64 of the digest without `=` padding. */
export function recordHash(data: Uint8Array | string): string {
  return "sha256=" + createHash("sha256").update(data).digest("base64url");
}

/** Wrap an already computed sha256 digest the RECORD way. */
export function recordHashFromDigest(digest: Buffer): string {
  return "sha256=" + digest.toString("base64url");
}

/** CSV field quoting as Python's csv module does it (QUOTE_MINIMAL). */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Render RECORD; entries are written in the given order, one line each, `\n` line ends. */
export function renderRecord(entries: RecordEntry[]): string {
  return entries.map((e) => [e.path, e.hash, e.size === undefined ? "" : String(e.size)].map(csvField).join(",") + "\n").join("");
}

/** Split CSV text into rows of fields (handles quotes, doubled quotes and quoted line breaks). */
function parseCsv(text: string, what: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  let line = 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (i < text.length && !/[,\r\n]/.test(text[i] as string)) {
          throw new ArchiveError(`${what} line ${line}: unexpected character after a closing quote`);
        }
        continue;
      }
      if (c === "\n") line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (c === "\r" || c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new ArchiveError(`${what}: unterminated quoted field`);
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Parse RECORD text; throws ArchiveError on malformed lines. Blank lines are skipped. */
export function parseRecord(text: string, what = "RECORD"): RecordEntry[] {
  const out: RecordEntry[] = [];
  parseCsv(text, what).forEach((row, i) => {
    if (row.length === 1 && row[0] === "") return;
    if (row.length !== 3) throw new ArchiveError(`${what} row ${i + 1}: expected 3 fields (path,hash,size), found ${row.length}`);
    const [path, hash, size] = row as [string, string, string];
    if (path === "") throw new ArchiveError(`${what} row ${i + 1}: empty path`);
    if (hash !== "" && !/^[A-Za-z0-9]+=[A-Za-z0-9_-]+$/.test(hash)) {
      throw new ArchiveError(`${what} row ${i + 1}: "${hash}" is not a hash like sha256=<base64>`);
    }
    if (size !== "" && !/^\d+$/.test(size)) throw new ArchiveError(`${what} row ${i + 1}: size "${size}" is not a number`);
    const e: RecordEntry = { path, hash };
    if (size !== "") e.size = Number(size);
    out.push(e);
  });
  return out;
}

/** A Transform that passes data through and records its sha256 and size when it ends. */
export function hashingPassThrough(onDone: (hash: string, size: number) => void): Transform {
  const h = createHash("sha256");
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      h.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      onDone(recordHashFromDigest(h.digest()), size);
      cb();
    },
  });
}
