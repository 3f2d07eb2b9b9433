import { describe, expect, it } from "vitest";
import { indexMessage, withRetry } from "../../src/publish/http.js";
import { UploadError } from "../../src/publish/upload-error.js";

const noSleep = async () => {};
const netError = (code: string) => Object.assign(new TypeError("fetch failed"), { cause: { code } });

describe("withRetry", () => {
  it("retries connection resets and 5xx, then returns the first other answer", async () => {
    const answers: Array<Response | Error> = [netError("ECONNRESET"), new Response("", { status: 502 }), new Response("ok", { status: 200 })];
    const seen: string[] = [];
    const delays: number[] = [];
    const res = await withRetry(async () => {
      const a = answers.shift() as Response | Error;
      if (a instanceof Error) throw a;
      return a;
    }, "x", { sleep: async (ms) => void delays.push(ms), onRetry: (why, n) => seen.push(`${n}:${why}`) });
    expect(res.status).toBe(200);
    expect(seen).toEqual(["1:ECONNRESET", "2:502"]);
    expect(delays).toEqual([1000, 2000]);
  });

  it("is bounded: the last 5xx is returned, a lasting network failure becomes an UploadError", async () => {
    let n = 0;
    const res = await withRetry(async () => (n++, new Response("", { status: 503 })), "x", { retries: 2, sleep: noSleep });
    expect([res.status, n]).toEqual([503, 3]);
    await expect(withRetry(async () => Promise.reject(netError("ECONNREFUSED")), "uploading a.whl", { retries: 1, sleep: noSleep })).rejects.toThrow("uploading a.whl: ECONNREFUSED (after 2 attempts)");
  });

  it("does not retry what another try cannot fix", async () => {
    let n = 0;
    await expect(withRetry(async () => (n++, Promise.reject(netError("ERR_TLS_CERT_ALTNAME_INVALID"))), "x", { sleep: noSleep })).rejects.toThrow(UploadError);
    expect(n).toBe(1);
  });
});

describe("indexMessage", () => {
  it("the reason phrase when it says something, else the body's first text line", async () => {
    expect(await indexMessage(new Response("", { status: 400, statusText: "File already exists." }))).toBe("File already exists.");
    expect(await indexMessage(new Response("<html><h1>400 Bad Request</h1><p>Invalid distribution</p></html>", { status: 400, statusText: "Bad Request" }))).toBe("Invalid distribution");
  });
});
