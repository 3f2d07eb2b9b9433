/**
 * multipart/form-data for the upload, written here rather than with FormData:
 * FormData turns every "\n" in a text value into "\r\n" (the HTML form rules),
 * which would change the description the index stores. Values go out byte for
 * byte, as the reference client sends them. The body is a Blob over the file, so
 * its length is known (Content-Length) and the file is not read into memory.
 */
import { randomBytes } from "node:crypto";

/** A quoted header parameter: the characters that would end it are percent-encoded (WHATWG rules). */
function quoted(s: string): string {
  return `"${s.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A")}"`;
}

export function newBoundary(): string {
  return `pyts-build-${randomBytes(16).toString("hex")}`;
}

/** The bytes before and after the file's own bytes. Pure. */
export function multipartFrame(fields: Array<[string, string]>, file: { field: string; name: string; type: string }, boundary: string): { head: Buffer; tail: Buffer } {
  const parts: Buffer[] = [];
  for (const [k, v] of fields) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name=${quoted(k)}\r\n\r\n`), Buffer.from(v, "utf8"), Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name=${quoted(file.field)}; filename=${quoted(file.name)}\r\nContent-Type: ${file.type}\r\n\r\n`));
  return { head: Buffer.concat(parts), tail: Buffer.from(`\r\n--${boundary}--\r\n`) };
}

/** The whole body as a Blob (the file part stays on disk until sent) and its Content-Type. */
export function multipartBody(fields: Array<[string, string]>, file: { field: string; name: string; blob: Blob }): { body: Blob; contentType: string } {
  const boundary = newBoundary();
  const { head, tail } = multipartFrame(fields, { field: file.field, name: file.name, type: "application/octet-stream" }, boundary);
  return { body: new Blob([new Uint8Array(head), file.blob, new Uint8Array(tail)]), contentType: `multipart/form-data; boundary=${boundary}` };
}
