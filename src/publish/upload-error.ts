/** Errors of the upload itself (credentials, the index's answers, the network). */
import { PytsError } from "../errors.js";

export class UploadError extends PytsError {}

/** Replace every secret (as written, URL-encoded and base64-encoded) in `text` by `<hidden>`, so no message can leak one. */
export function redact(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of [s, encodeURIComponent(s), Buffer.from(s).toString("base64")]) out = out.split(form).join("<hidden>");
  }
  return out;
}
