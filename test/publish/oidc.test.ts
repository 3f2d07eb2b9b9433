import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { indexBaseFor, mintUploadToken, trustedPublishingAvailable } from "../../src/publish/oidc.js";
import { type LocalIndex, startIndex } from "./index-server.js";

const oidc = { requestToken: "req-token-1", identityToken: "id-token-1", mintedToken: "minted-1", audience: "aud-1" };
let index: LocalIndex | undefined;
afterEach(async () => {
  await index?.close();
  index = undefined;
});

describe("trusted publishing", () => {
  it("where the exchange happens: PyPI mints at pypi.org, other indexes at their upload URL's origin", () => {
    expect(indexBaseFor("https://upload.pypi.org/legacy/")).toBe("https://pypi.org");
    expect(indexBaseFor("https://test.pypi.org/legacy/")).toBe("https://test.pypi.org");
    expect(indexBaseFor("http://127.0.0.1:8080/simple/up/")).toBe("http://127.0.0.1:8080");
    expect(trustedPublishingAvailable({ ACTIONS_ID_TOKEN_REQUEST_URL: "x" })).toBe(false);
  });

  it("audience -> identity token -> upload token", async () => {
    index = await startIndex({ oidc });
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: `${index.origin}/github-oidc`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken };
    expect(await mintUploadToken(index.url, env)).toBe("minted-1");
  });

  it("the index refuses the identity: its error code and description in one line", async () => {
    index = await startIndex({ oidc: { ...oidc, identityToken: "another" } });
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: `${index.origin}/github-oidc`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken };
    // GitHub's stand-in (a second server) hands out id-token-1, which this index does not know
    const github = await startIndex({ oidc });
    try {
      const e = await mintUploadToken(index.url, { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: `${github.origin}/github-oidc` }).catch((x: Error) => x);
      expect((e as Error).message).toBe("trusted publishing: the index refused the exchange: invalid-publisher: valid token, but no corresponding publisher");
    } finally {
      await github.close();
    }
  });

  it("an index without trusted publishing: the audience request fails, with a hint to use a token", async () => {
    index = await startIndex({});
    const e = await mintUploadToken(index.url, { ACTIONS_ID_TOKEN_REQUEST_URL: `${index.origin}/x`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t" }).catch((x: Error & { hint?: string }) => x);
    expect((e as Error).message).toMatch(/^trusted publishing: http:\/\/127\.0\.0\.1:\d+\/_\/oidc\/audience answered 405 Method Not Allowed/);
    expect((e as { hint?: string }).hint).toContain("PYTS_BUILD_PYPI_TOKEN");
  });

  it("an index that takes the connection and never answers, or none at all: a one-line error in bounded time", async () => {
    const hung = createServer(() => {}); // reads the request, never answers
    await new Promise<void>((r) => hung.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(hung.address() as { port: number }).port}/legacy/`;
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:9/x", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t" };
    try {
      const started = Date.now();
      const e = await mintUploadToken(url, env, fetch, () => {}, 300).catch((x: Error & { hint?: string }) => x);
      expect(Date.now() - started).toBeLessThan(5000);
      expect((e as Error).message).toBe(`trusted publishing: ${new URL(url).origin}/_/oidc/audience did not answer within 0.3 s`);
      expect((e as { hint?: string }).hint).toContain("PYTS_BUILD_PYPI_TOKEN");
    } finally {
      hung.closeAllConnections();
      await new Promise<void>((r) => hung.close(() => r()));
    }
    // the same port, closed now: refused
    const refused = await mintUploadToken(url, env).catch((x: Error) => x);
    expect((refused as Error).message).toBe(`trusted publishing: ${new URL(url).origin}/_/oidc/audience cannot be reached: ECONNREFUSED`);
  });
});
