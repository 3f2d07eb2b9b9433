/**
 * Trusted publishing (GitHub Actions): the runner's OIDC identity token, asked
 * for the audience the index names at `/_/oidc/audience`, is exchanged at
 * `/_/oidc/mint-token` for a short-lived upload token (used as the password of
 * user `__token__`). Needs `permissions: id-token: write` in the workflow, which
 * is what puts ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN into the job's environment.
 */
import { UploadError } from "./upload-error.js";
import { indexMessage } from "./http.js";

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

/** Exchange the job's identity for an upload token. Never logs either token. */
export async function mintUploadToken(uploadUrl: string, env: NodeJS.ProcessEnv, f: Fetch = fetch, debug: (m: string) => void = () => {}): Promise<string> {
  const base = indexBaseFor(uploadUrl);
  const audienceUrl = `${base}/_/oidc/audience`;
  debug(`trusted publishing: audience from ${audienceUrl}`);
  const aRes = await f(audienceUrl);
  if (!aRes.ok) {
    throw new UploadError(`trusted publishing: ${audienceUrl} answered ${aRes.status} ${await indexMessage(aRes)}`, "this index may not support trusted publishing; give a token with -p or PYTS_BUILD_PYPI_TOKEN");
  }
  const audience = (await json(aRes, audienceUrl)).audience;
  if (typeof audience !== "string") throw new UploadError(`trusted publishing: ${audienceUrl} named no audience`, "check the repository URL");

  const idUrl = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL as string);
  idUrl.searchParams.set("audience", audience);
  debug(`trusted publishing: identity token for audience ${audience}`);
  const idRes = await f(idUrl, { headers: { Authorization: `bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN as string}` } });
  if (!idRes.ok) {
    throw new UploadError(`trusted publishing: the GitHub identity token request failed (HTTP ${idRes.status})`, "the workflow needs `permissions: id-token: write`");
  }
  const idToken = (await json(idRes, "the identity token endpoint")).value;
  if (typeof idToken !== "string") throw new UploadError("trusted publishing: the GitHub identity token answer held no token", "the workflow needs `permissions: id-token: write`");

  const mintUrl = `${base}/_/oidc/mint-token`;
  debug(`trusted publishing: exchanging it at ${mintUrl}`);
  const mRes = await f(mintUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: idToken }) });
  const body = await json(mRes, mintUrl);
  if (!mRes.ok || typeof body.token !== "string") {
    const errors = Array.isArray(body.errors) ? (body.errors as Array<{ code?: string; description?: string }>).map((e) => `${e.code ?? "error"}: ${e.description ?? ""}`.trim()).join("; ") : "";
    const why = (errors || (typeof body.message === "string" ? body.message : `HTTP ${mRes.status}`)).split("\n")[0];
    throw new UploadError(`trusted publishing: the index refused the exchange: ${why}`, "register this repository and workflow as a trusted publisher of the project on the index");
  }
  return body.token;
}
