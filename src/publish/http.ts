/**
 * Requests to the index with a bounded number of retries: a dropped connection
 * or a 5xx answer is tried again after 1 s, 2 s, 4 s ... (capped), an attempt
 * that went quiet (no progress within the time limit) once; anything else is
 * the caller's to judge. Built on Node's own fetch, whose own limits (300 s
 * without an answer, per attempt) are far too long for an upload.
 */
import { UploadError } from "./upload-error.js";

/** Default time limit (seconds) without progress: connecting, sending, or waiting for the answer (pip's default). */
export const DEFAULT_TIMEOUT_S = 15;

/** Where an attempt was when it went quiet. */
export type QuietPhase = "connecting" | "sending" | "waiting for the answer" | "reading the answer";

/** An attempt that made no progress within the time limit: the index took the connection and went quiet (or never took it). */
export class NoProgress extends Error {
  constructor(
    readonly seconds: number,
    readonly phase: QuietPhase,
  ) {
    super(`no progress for ${seconds} s while ${phase}`);
  }
}

/**
 * A watchdog for one attempt: `touch()` on every sign of progress; after `ms`
 * without one, `onQuiet()` (which aborts the request). `stop()` when done.
 */
export function quietTimer(ms: number, onQuiet: () => void): { touch(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(onQuiet, ms);
  };
  arm();
  return { touch: arm, stop: () => clearTimeout(timer) };
}

// undici's own time limits: a hung attempt too
const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

function isTimeout(e: unknown): boolean {
  if (e instanceof NoProgress) return true;
  const code = (e as { cause?: { code?: string } }).cause?.code;
  return code !== undefined && TIMEOUT_CODES.has(code);
}

export interface RetryOptions {
  /** Attempts after the first; default 4. */
  retries?: number;
  /** Of those, how many may follow an attempt that went quiet; default 1 (a hung index costs two time limits, not five). */
  quietRetries?: number;
  /** Delay before the first retry; doubles each time (capped at 30 s). Default 1000. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told before each retry (why, and which retry). */
  onRetry?: (why: string, attempt: number, of: number) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `error.cause.code` of undici's "fetch failed", else the message. */
export function networkReason(e: unknown): string {
  if (e instanceof NoProgress) return e.message;
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message ?? String(e);
}

// connection-level failures that another try may not meet (not: a bad URL, a refused certificate)
const TRANSIENT_CODES = new Set([
  "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN",
  "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CLOSED",
]);

export function isTransientError(e: unknown): boolean {
  if (e instanceof NoProgress) return true;
  const cause = (e as { cause?: { code?: string } }).cause;
  return cause?.code !== undefined && TRANSIENT_CODES.has(cause.code);
}

/** Whether a status is worth another try. */
export function isTransient(status: number): boolean {
  return status >= 500 && status <= 599;
}

/**
 * Run `attempt` until it answers with a non-5xx status, or the retries run out
 * (then the last 5xx response is returned, or the network error thrown as UploadError).
 * `attempt` must build a fresh request each time (a body stream is single-use).
 */
export async function withRetry(attempt: () => Promise<Response>, what: string, o: RetryOptions = {}): Promise<Response> {
  const retries = o.retries ?? 4;
  const quietRetries = o.quietRetries ?? 1;
  const base = o.baseDelayMs ?? 1000;
  const sleep = o.sleep ?? defaultSleep;
  let quiet = 0;
  for (let i = 0; ; i++) {
    let why: string;
    try {
      const res = await attempt();
      if (!isTransient(res.status) || i >= retries) return res;
      why = `${res.status} ${res.statusText}`.trim();
      await res.body?.cancel().catch(() => {});
    } catch (e) {
      if (e instanceof UploadError) throw e;
      const timedOut = isTimeout(e);
      if (timedOut) quiet++;
      if (i >= retries || (timedOut && quiet > quietRetries) || !(timedOut || isTransientError(e))) {
        const after = i > 0 ? ` (after ${i + 1} attempts)` : "";
        if (timedOut) {
          throw new UploadError(`${what}: ${networkReason(e)}${after}`, "the index took the connection but did not answer in time: check its status and try again later; a slow index may need more time: --timeout SECONDS", { cause: e });
        }
        throw new UploadError(`${what}: ${networkReason(e)}${after}`, "check the URL and the network, then try again", { cause: e });
      }
      why = networkReason(e);
    }
    o.onRetry?.(why, i + 1, retries);
    await sleep(Math.min(base * 2 ** i, 30_000));
  }
}

/** A one-line message from an index's error answer: its reason phrase, else the body's first text line. */
export async function indexMessage(res: Response): Promise<string> {
  const body = await res.text().catch(() => "");
  const generic = new Set(["", "bad request", "forbidden", "unauthorized", "not found", "conflict", "internal server error", "service unavailable"]);
  const reason = res.statusText.trim();
  if (!generic.has(reason.toLowerCase())) return reason;
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, "")
    .replace(/<[^>]+>/g, "\n")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^\d{3}( [A-Za-z ]+)?$/.test(l));
  return (text[0] ?? reason).slice(0, 500);
}

export interface WatchedPost {
  url: string;
  headers: Record<string, string>;
  body: Blob;
  /** No progress for this long (connecting, sending, waiting, reading) aborts the attempt with NoProgress. */
  timeoutMs: number;
  /** Each chunk of the body as it goes out. */
  onProgress?: (sent: number, total: number) => void;
  /** The whole body went out and no answer yet after `waitingNoteMs` (default 2 s): say so once. */
  onWaiting?: () => void;
  waitingNoteMs?: number;
  fetch?: typeof fetch;
}

/**
 * One POST under a watchdog: the body is streamed (its length given) so each
 * chunk counts as progress, the answer is read whole under the same watch, and
 * returned as a buffered Response (its body can be read again).
 */
export async function watchedPost(p: WatchedPost): Promise<Response> {
  const controller = new AbortController();
  let phase: QuietPhase = "connecting";
  const seconds = p.timeoutMs / 1000;
  const watch = quietTimer(p.timeoutMs, () => controller.abort(new NoProgress(seconds, phase)));
  let note: NodeJS.Timeout | undefined;
  let sent = 0;
  const total = p.body.size;
  const counted = p.body.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        phase = "sending";
        watch.touch();
        sent += chunk.length;
        p.onProgress?.(sent, total);
        c.enqueue(chunk);
      },
      flush() {
        phase = "waiting for the answer";
        watch.touch();
        if (p.onWaiting) note = setTimeout(p.onWaiting, p.waitingNoteMs ?? 2000);
      },
    }),
  );
  const init: RequestInit & { duplex: "half" } = {
    method: "POST",
    redirect: "manual", // a redirect would drop the body
    headers: { ...p.headers, "Content-Length": String(total) },
    body: counted,
    duplex: "half",
    signal: controller.signal,
  };
  try {
    const res = await (p.fetch ?? fetch)(p.url, init);
    clearTimeout(note);
    phase = "reading the answer";
    watch.touch();
    const chunks: Uint8Array[] = [];
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        watch.touch();
        chunks.push(chunk);
      }
    }
    const bytes = Buffer.concat(chunks);
    const empty = bytes.length === 0 || [204, 205, 304].includes(res.status);
    return new Response(empty ? null : bytes, { status: res.status, statusText: res.statusText, headers: res.headers });
  } catch (e) {
    // the watchdog's reason, whatever fetch wrapped it in
    if (controller.signal.aborted && controller.signal.reason instanceof NoProgress) throw controller.signal.reason;
    throw e;
  } finally {
    watch.stop();
    clearTimeout(note);
  }
}
