/**
 * `uploadFiles`: check every file, then send each to the index's legacy upload
 * API (multipart POST, HTTP basic auth), with bounded retries on transient
 * failures. Nothing is sent unless every file passes the checks.
 */
import { openAsBlob, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ValidationError } from "../errors.js";
import { silentLogger, type Logger } from "../log.js";
import { VERSION } from "../version.js";
import { type CheckOptions, checkFiles, failureLine, passed } from "./check.js";
import { resolveTarget, type ResolveContext, type Target, type TargetFlags } from "./credentials.js";
import type { DistFile } from "./dist-file.js";
import { DEFAULT_TIMEOUT_S, indexMessage, type RetryOptions, watchedPost, withRetry } from "./http.js";
import { parseMetadataHeaders } from "./metadata-headers.js";
import { multipartBody } from "./multipart.js";
import { uploadFields } from "./upload-form.js";
import { redact, UploadError } from "./upload-error.js";

export interface UploadOptions extends TargetFlags, Omit<ResolveContext, "debug">, Pick<CheckOptions, "python"> {
  /** Files to upload; default every .whl and .tar.gz in `<cwd>/target/wheels`. */
  files?: string[];
  cwd?: string;
  /** Treat the index's "File already exists" as success. */
  skipExisting?: boolean;
  log?: Logger;
  retry?: RetryOptions;
  /** Give up an attempt after this many seconds without progress (default DEFAULT_TIMEOUT_S; trusted publishing's requests too); a quiet attempt is retried once. */
  timeoutSeconds?: number;
  /** An index's 200 with an HTML page fails instead of warning. */
  strict?: boolean;
  /** Called as the bytes of one file's request go out (for a progress bar); `total` is the whole request body. */
  onProgress?: (file: string, sent: number, total: number) => void;
}

export interface UploadResult {
  file: string;
  status: "uploaded" | "skipped";
}

/** The default file set, like maturin: the wheels and sdists in target/wheels. */
export function defaultFiles(cwd: string): string[] {
  const dir = join(cwd, "target", "wheels");
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // reported below as "nothing to upload"
  }
  return names.filter((n) => n.endsWith(".whl") || n.endsWith(".tar.gz")).sort().map((n) => join(dir, n));
}

// What indexes answer for a file they already have (warehouse 400, some 409, Nexus/Artifactory 400/403).
const EXISTS = /already exists|does not allow updating|cannot be updated|already been taken/i;

function authHeader(t: Target): string {
  return "Basic " + Buffer.from(`${t.username}:${t.password}`).toString("base64");
}

function hintFor(status: number, url: string): string {
  if (status === 401 || status === 403) return "check the token/password (and the username: __token__ for API tokens) and that it may upload to this project";
  if (status === 400) return "the index refused the file: fix what it names and rebuild";
  if (status === 404 || status === 405) return `${url} does not take uploads: give the index's upload URL (for PyPI https://upload.pypi.org/legacy/)`;
  return "try again later, or check the index's status";
}

/**
 * A success with an HTML page: PyPI's answer is empty (warehouse's `Response()`: text/html, no body), so a page
 * is more likely a proxy's or a sign-in portal's, which took the request. A warning, or with --strict an error.
 */
async function refuseHtmlPage(res: Response, d: DistFile, t: Target, o: UploadOptions, log: Logger, secrets: Array<string | undefined>): Promise<void> {
  const text = await res.text().catch(() => "");
  if (!/^\s*text\/html/i.test(res.headers.get("content-type") ?? "") || text.trim() === "") return;
  const title = /<title[^>]*>([^<]*)</i.exec(text)?.[1]?.trim().replace(/\s+/g, " ").slice(0, 120);
  const said = `${d.fileName}: ${t.url} answered ${res.status} with an HTML page${title ? ` ("${redact(title, secrets)}")` : ""}, not an index's upload answer`;
  if (o.strict) throw new UploadError(`${said} (--strict)`, "a proxy or sign-in page may have taken the request: check the upload URL and that the file is on the index");
  log.warn(`${said}: a proxy or sign-in page may have taken the request; check that the file is on the index (--strict makes this an error)`);
}

async function sendOne(d: DistFile, t: Target, o: UploadOptions, log: Logger): Promise<UploadResult> {
  const fields = uploadFields(parseMetadataHeaders(d.metadataText), d.facts);
  // the password, and the Authorization value it travels in (an index may echo request headers)
  const secrets = [t.password, authHeader(t).slice("Basic ".length)];
  const timeoutMs = (o.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000;
  const onProgress = o.onProgress;
  const attempt = async () => {
    const { body, contentType } = multipartBody(fields, { field: "content", name: d.fileName, blob: await openAsBlob(d.path) });
    return watchedPost({
      url: t.url,
      headers: { Authorization: authHeader(t), "Content-Type": contentType, "User-Agent": `pyts-build/${VERSION} (node ${process.versions.node})` },
      body,
      timeoutMs,
      ...(onProgress ? { onProgress: (sent: number, total: number) => onProgress(d.fileName, sent, total) } : {}),
      onWaiting: () => log.step(`${d.fileName}: sent; waiting for ${t.url} to answer (gives up after ${timeoutMs / 1000} s without an answer; --timeout)`),
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
  };
  const res = await withRetry(attempt, `uploading ${d.fileName} to ${t.url}`, {
    ...o.retry,
    onRetry: (why, n, of) => log.warn(`${d.fileName}: ${redact(why, secrets)}; retry ${n} of ${of}`),
  });
  if (res.status === 200 || res.status === 201) {
    await refuseHtmlPage(res, d, t, o, log, secrets);
    return { file: d.path, status: "uploaded" };
  }
  if (res.status >= 300 && res.status < 400) {
    throw new UploadError(`${d.fileName}: ${t.url} redirected (${res.status}) to ${res.headers.get("location") ?? "elsewhere"}`, "give the final upload URL (for PyPI https://upload.pypi.org/legacy/)");
  }
  const message = redact(await indexMessage(res), secrets).replace(/\s+/g, " ");
  if (o.skipExisting && [400, 403, 409].includes(res.status) && (res.status === 409 || EXISTS.test(message))) {
    log.info(`${d.fileName} is already on the index: skipped`);
    return { file: d.path, status: "skipped" };
  }
  const exists = [400, 403, 409].includes(res.status) && EXISTS.test(message);
  throw new UploadError(
    `${d.fileName}: ${t.url} answered ${res.status}: ${message}`,
    exists ? "an index never takes a file name twice: bump the version, or pass --skip-existing to count it as done" : hintFor(res.status, t.url),
  );
}

export async function uploadFiles(o: UploadOptions = {}): Promise<UploadResult[]> {
  const log = o.log ?? silentLogger;
  const cwd = resolve(o.cwd ?? process.cwd());
  const files = o.files && o.files.length ? o.files.map((f) => resolve(cwd, f)) : defaultFiles(cwd);
  if (files.length === 0) throw new ValidationError(`nothing to upload: no .whl or .tar.gz in ${join(cwd, "target", "wheels")}`, "build first (pyts-build wheel / sdist), or name the files");

  // every file is checked before anything is sent: a release is all or nothing where it can be
  const checks = await checkFiles(files, { ...(o.python !== undefined ? { python: o.python } : {}), ...(o.env ? { env: o.env } : {}) });
  const failed = checks.filter((c) => !passed(c));
  if (failed.length) {
    throw new ValidationError(`${failed.length === 1 ? "" : `${failed.length} files fail the checks; first: `}${failureLine(failed[0] as (typeof failed)[number])}`, "nothing was uploaded; fix the file and rebuild");
  }
  for (const c of checks) for (const n of c.notes) log.debug(`${c.file}: ${n}`);

  const target = await resolveTarget(o, { ...o, debug: (m) => log.debug(m) });
  log.debug(`uploading to ${target.url} (from ${target.sources.url})`);
  log.debug(`username: ${target.username} (from ${target.sources.username}); password: <hidden> (from ${target.sources.password})`);
  const out: UploadResult[] = [];
  for (const c of checks) {
    const d = c.dist as DistFile;
    log.step(`Uploading ${d.fileName} (${(d.size / 1024).toFixed(1)} KiB)`);
    out.push(await sendOne(d, target, o, log));
  }
  return out;
}
