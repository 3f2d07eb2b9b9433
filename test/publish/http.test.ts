import { describe, expect, it } from "vitest";
import { indexMessage, NoProgress, watchedPost, withRetry } from "../../src/publish/http.js";
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

describe("attempts that go quiet", () => {
  it("withRetry: one retry after a quiet attempt, then an UploadError saying so, with --timeout in the hint", async () => {
    let n = 0;
    const seen: string[] = [];
    const quiet = withRetry(async () => (n++, Promise.reject(new NoProgress(15, "waiting for the answer"))), "uploading a.whl", { sleep: noSleep, onRetry: (why, i) => seen.push(`${i}:${why}`) });
    await expect(quiet).rejects.toThrow("uploading a.whl: no progress for 15 s while waiting for the answer (after 2 attempts)");
    await quiet.catch((e: UploadError) => expect(e.hint).toContain("--timeout SECONDS"));
    expect([n, seen]).toEqual([2, ["1:no progress for 15 s while waiting for the answer"]]);
    // undici's own connect time limit counts as quiet too; other failures keep their own retries
    n = 0;
    await expect(withRetry(async () => (n++, Promise.reject(netError("UND_ERR_CONNECT_TIMEOUT"))), "x", { sleep: noSleep })).rejects.toThrow(UploadError);
    expect(n).toBe(2);
  });

  /** A fetch that reads the whole body, then answers only when `answer` says so (and honours the abort signal). */
  const stalling = (answer?: () => Promise<Response>) => async (_url: string | URL | Request, init?: RequestInit) => {
    const signal = init?.signal as AbortSignal;
    await new Response(init?.body as ReadableStream).arrayBuffer();
    return new Promise<Response>((resolve, reject) => {
      signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      answer?.().then(resolve, reject);
    });
  };

  it("watchedPost: no answer within the limit is NoProgress naming the phase; the waiting note comes once the body is out", async () => {
    const notes: string[] = [];
    const sent: number[] = [];
    const post = watchedPost({ url: "http://x/", headers: {}, body: new Blob(["0123456789"]), timeoutMs: 120, waitingNoteMs: 20, onWaiting: () => notes.push("waiting"), onProgress: (s) => sent.push(s), fetch: stalling() as typeof fetch });
    await expect(post).rejects.toThrow(new NoProgress(0.12, "waiting for the answer"));
    expect(notes).toEqual(["waiting"]);
    expect(sent.at(-1)).toBe(10);
  });

  it("watchedPost: an answer in time is returned whole and can be read again; no waiting note when it is quick", async () => {
    const notes: string[] = [];
    const quick = stalling(async () => new Response("<html><title>x</title></html>", { status: 200, headers: { "content-type": "text/html" } }));
    const res = await watchedPost({ url: "http://x/", headers: {}, body: new Blob(["a"]), timeoutMs: 1000, waitingNoteMs: 500, onWaiting: () => notes.push("waiting"), fetch: quick as typeof fetch });
    expect([res.status, res.headers.get("content-type"), await res.text(), notes]).toEqual([200, "text/html", "<html><title>x</title></html>", []]);
  });
});

describe("indexMessage", () => {
  it("the reason phrase when it says something, else the body's first text line", async () => {
    expect(await indexMessage(new Response("", { status: 400, statusText: "File already exists." }))).toBe("File already exists.");
    expect(await indexMessage(new Response("<html><h1>400 Bad Request</h1><p>Invalid distribution</p></html>", { status: 400, statusText: "Bad Request" }))).toBe("Invalid distribution");
  });
});
