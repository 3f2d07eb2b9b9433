/**
 * Requests to the index with a bounded number of retries: a dropped connection
 * or a 5xx answer is tried again after 1 s, 2 s, 4 s ... (capped); anything else
 * is the caller's to judge. Built on Node's own fetch.
 */
import { UploadError } from "./upload-error.js";

export interface RetryOptions {
  /** Attempts after the first; default 4. */
  retries?: number;
  /** Delay before the first retry; doubles each time (capped at 30 s). Default 1000. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told before each retry (why, and which retry). */
  onRetry?: (why: string, attempt: number, of: number) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `error.cause.code` of undici's "fetch failed", else the message. */
export function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message ?? String(e);
}

// connection-level failures that another try may not meet (not: a bad URL, a refused certificate)
const TRANSIENT_CODES = new Set([
  "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN",
  "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CLOSED",
]);

export function isTransientError(e: unknown): boolean {
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
  const base = o.baseDelayMs ?? 1000;
  const sleep = o.sleep ?? defaultSleep;
  for (let i = 0; ; i++) {
    let why: string;
    try {
      const res = await attempt();
      if (!isTransient(res.status) || i >= retries) return res;
      why = `${res.status} ${res.statusText}`.trim();
      await res.body?.cancel().catch(() => {});
    } catch (e) {
      if (e instanceof UploadError) throw e;
      if (i >= retries || !isTransientError(e)) throw new UploadError(`${what}: ${networkReason(e)}${i > 0 ? ` (after ${i + 1} attempts)` : ""}`, "check the URL and the network, then try again", { cause: e });
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
