/**
 * Trusted publishing (GitHub Actions): the runner's OIDC identity token, asked
 * for the audience the index names at `/_/oidc/audience`, is exchanged at
 * `/_/oidc/mint-token` for a short-lived upload token (used as the password of
 * user `__token__`). Needs `permissions: id-token: write` in the workflow, which
 * is what puts ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN into the job's environment.
 */
import { UploadError } from "./upload-error.js";
import { DEFAULT_TIMEOUT_S, indexMessage, networkReason } from "./http.js";

export type Fetch = typeof fetch;

/** Whether this environment can do the exchange (a GitHub Actions job with id-token: write). */
export function trustedPublishingAvailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

/** The index's web root for an upload URL: PyPI uploads at upload.pypi.org but mints at pypi.org. */
export function indexBaseFor(uploadUrl: string): string {
  const u = new URL(uploadUrl);
  if (u.host === "upload.pypi.org") return "https://pypi.org";
  return u.origin;
}

async function json(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UploadError(`trusted publishing: ${what} did not answer with JSON (HTTP ${res.status})`, "check the repository URL");
  }
}

/**
 * One request of the exchange, answer included, within `timeoutMs` (an index that never answers must not hold
 * the upload for Node's 300 s); a network failure or the time running out is a one-line UploadError.
 */
async function ask(f: Fetch, url: string | URL, init: RequestInit, timeoutMs: number): Promise<Response> {
  const where = String(url).split("?")[0];
  try {
    const res = await f(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.arrayBuffer();
    return new Response(body.byteLength ? body : null, { status: res.status, statusText: res.statusText, headers: res.headers });
  } catch (e) {
    if (e instanceof UploadError) throw e;
    const timedOut = (e as Error).name === "TimeoutError";
    throw new UploadError(
      `trusted publishing: ${where} ${timedOut ? `did not answer within ${timeoutMs / 1000} s` : `cannot be reached: ${networkReason(e)}`}`,
      "check the index's status and the network, then try again; or give a token with -p or PYTS_BUILD_PYPI_TOKEN",
      { cause: e },
    );
  }
}

/** Exchange the job's identity for an upload token. Never logs either token. */
export async function mintUploadToken(
  uploadUrl: string,
  env: NodeJS.ProcessEnv,
  f: Fetch = fetch,
  debug: (m: string) => void = () => {},
  timeoutMs = DEFAULT_TIMEOUT_S * 1000,
): Promise<string> {
  const base = indexBaseFor(uploadUrl);
  const audienceUrl = `${base}/_/oidc/audience`;
  debug(`trusted publishing: audience from ${audienceUrl}`);
  const aRes = await ask(f, audienceUrl, {}, timeoutMs);
  if (!aRes.ok) {
    throw new UploadError(`trusted publishing: ${audienceUrl} answered ${aRes.status} ${await indexMessage(aRes)}`, "this index may not support trusted publishing; give a token with -p or PYTS_BUILD_PYPI_TOKEN");
  }
  const audience = (await json(aRes, audienceUrl)).audience;
  if (typeof audience !== "string") throw new UploadError(`trusted publishing: ${audienceUrl} named no audience`, "check the repository URL");

  const idUrl = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL as string);
  idUrl.searchParams.set("audience", audience);
  debug(`trusted publishing: identity token for audience ${audience}`);
  const idRes = await ask(f, idUrl, { headers: { Authorization: `bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN as string}` } }, timeoutMs);
  if (!idRes.ok) {
    throw new UploadError(`trusted publishing: the GitHub identity token request failed (HTTP ${idRes.status})`, "the workflow needs `permissions: id-token: write`");
  }
  const idToken = (await json(idRes, "the identity token endpoint")).value;
  if (typeof idToken !== "string") throw new UploadError("trusted publishing: the GitHub identity token answer held no token", "the workflow needs `permissions: id-token: write`");

  const mintUrl = `${base}/_/oidc/mint-token`;
  debug(`trusted publishing: exchanging it at ${mintUrl}`);
  const mRes = await ask(f, mintUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: idToken }) }, timeoutMs);
  const body = await json(mRes, mintUrl);
  if (!mRes.ok || typeof body.token !== "string") {
    const errors = Array.isArray(body.errors) ? (body.errors as Array<{ code?: string; description?: string }>).map((e) => `${e.code ?? "error"}: ${e.description ?? ""}`.trim()).join("; ") : "";
    const why = (errors || (typeof body.message === "string" ? body.message : `HTTP ${mRes.status}`)).split("\n")[0];
    throw new UploadError(`trusted publishing: the index refused the exchange: ${why}`, "register this repository and workflow as a trusted publisher of the project on the index");
  }
  return body.token;
}
