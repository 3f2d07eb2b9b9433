/**
 * An unchanged wheel is not written again. After each write a note records a
 * fingerprint of everything the wheel's bytes come from (metadata, tags, entry
 * points, the generator, SOURCE_DATE_EPOCH, each member's path and executable
 * bit, the stamp of each source file, the hash of each in-memory member) and
 * the stamp of the wheel as written. The next build with the same fingerprint
 * and an untouched wheel on disk returns that wheel: the writer is
 * deterministic, so a rewrite would give the same bytes. The notes live under
 * cargo's target folder, never next to the wheels.
 */
import { join, resolve } from "node:path";
import { VERSION } from "../../version.js";
import type { TarEntry } from "../../wheel/tar.js";
import { type WheelSpec, wheelFileName, writeWheel } from "../../wheel/wheel.js";
import { sourceDateEpoch } from "../../wheel/zip.js";
import { fileStamp } from "./file-stamp.js";
import { keyHash } from "./key-hash.js";
import { recallAnswer, rememberAnswer, rememberedFile } from "./remembered.js";

/**
 * Everything the bytes of `spec`'s wheel depend on, hashed. Reads only file stamps, never file contents.
 * A 64-bit hash is ample next to the stamps (size, mtime) that stand for the files themselves.
 */
export function wheelFingerprint(spec: WheelSpec, epoch: number): string {
  const parts: string[] = [];
  const part = (v: unknown) => parts.push(JSON.stringify(v) ?? "null");
  part([VERSION, epoch, spec.metadata, spec.tags, spec.entryPoints ?? null, spec.rootIsPurelib ?? null, spec.buildTag ?? null, spec.generator ?? null]);
  for (const f of spec.files) {
    if ("file" in f.source) part([f.path, f.executable ?? null, "file", resolve(f.source.file), fileStamp(f.source.file)]);
    else part([f.path, f.executable ?? null, "bytes", keyHash(bytesAsText(f.source.bytes))]);
  }
  for (const l of spec.licenseFiles ?? []) part([l.path, resolve(l.file), fileStamp(l.file)]);
  return keyHash(parts.join("\n"));
}

/** Each byte as one character, so the hash covers the exact bytes (a string member: its UTF-8 bytes, as written). */
function bytesAsText(bytes: Uint8Array | string): string {
  const b = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b.toString("latin1");
}

/**
 * `write()` (which writes `path` and returns it), unless `path` is on disk
 * unchanged since the last write with the same `fingerprint`. `noteDir` holds
 * the notes (remembered.ts: the fingerprint, stamped with the output as written,
 * so a touched or removed output is written again). The wheel's and the sdist's
 * writers share this.
 */
export async function writeUnlessCurrent(path: string, fingerprint: string, noteDir: string, write: () => Promise<string>): Promise<{ path: string; reused: boolean }> {
  const note = rememberedFile(noteDir, path);
  if (recallAnswer<string>(note, (f) => f === fingerprint) !== undefined) return { path, reused: true };
  const written = await write();
  const stamp = fileStamp(written);
  if (stamp !== "-") rememberAnswer(note, { [written]: stamp }, fingerprint); // without a note the next build writes again
  return { path: written, reused: false };
}

/**
 * `writeWheel`, unless the wheel it would write is already in `outDir`
 * unchanged since the last write with the same fingerprint. `noteDir` holds the notes.
 */
export function writeWheelUnlessCurrent(spec: WheelSpec, outDir: string, noteDir: string): Promise<{ path: string; reused: boolean }> {
  const m = spec.metadata;
  const path = join(resolve(outDir), wheelFileName(m.name, m.version, spec.tags, spec.buildTag));
  return writeUnlessCurrent(path, wheelFingerprint(spec, sourceDateEpoch()), noteDir, () => writeWheel(spec, outDir));
}

/** Everything the bytes of an sdist's tar.gz depend on, hashed (file stamps, never contents). */
export function tarFingerprint(entries: TarEntry[], epoch: number): string {
  const parts = [JSON.stringify([VERSION, "sdist", epoch])];
  for (const e of entries) {
    const c = e.content;
    parts.push(JSON.stringify(c.kind === "file" ? [e.path, e.executable ?? null, "file", resolve(c.path), fileStamp(c.path)] : [e.path, e.executable ?? null, "bytes", keyHash(bytesAsText(c.data))]));
  }
  return keyHash(parts.join("\n"));
}
