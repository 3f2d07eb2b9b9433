/**
 * `pyts-build upload` against a local index that validates like the real one,
 * compared field by field with Debian's twine uploading the same files.
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLI, freshDir, testEnv } from "../helpers/env.js";
import { uploadFiles } from "../../src/publish/upload.js";
import { runCliAsync, sampleSdist, sampleWheel, twineUpload } from "./helpers.js";
import { type LocalIndex, type RecordedUpload, startIndex } from "./index-server.js";

const USER = "alice";
const OLD_PKG_INFO = [
  "Metadata-Version: 2.1",
  "Name: old-style",
  "Version: 0.1",
  "Summary: UNKNOWN",
  "Home-page: https://example.org/old",
  "License: BSD",
  "Description: Old\n        ===\n        \n        text",
  "Description-Content-Type: text/x-rst",
  "Provides-Extra: cli",
  "Requires-Dist: click; extra == 'cli'",
  "Dynamic: Requires-Dist",
  "License-Expression: MIT",
  "",
].join("\n");
const SECRET = "s3cr3t-pa55word-xyz";
let index: LocalIndex | undefined;
afterEach(async () => {
  await index?.close();
  index = undefined;
});

/** Field multimap: name -> values in order. */
function byName(u: RecordedUpload): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of u.fields) (out[k] ??= []).push(v);
  return out;
}

// The PEP 639 fields, which twine 4.0.2 does not send (twine 7's names for them: upload-form.test.ts).
const ONLY_PYTS = ["license_expression", "license_file"];

/**
 * Debian's twine 4.0.2 form as twine 7 sends it for the same file (the differences read off twine 7's package.py
 * and repository.py): no empty fields (twine 7 sends only what the file has), no md5_digest or comment, an
 * sdist's pyversion "source", keywords split at "," and joined with ", ", Provides-Extra sent as provides_extra
 * (twine 4: provides_extras).
 */
function asTwine7(theirs: Record<string, string[]>, fileName: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, values] of Object.entries(theirs)) {
    if (k === "md5_digest" || k === "comment") continue;
    const kept = values.filter((v) => v !== "");
    if (kept.length) out[k === "provides_extras" ? "provides_extra" : k] = k === "keywords" ? kept.map((v) => v.split(",").map((w) => w.trim()).join(", ")) : kept;
  }
  if (fileName.endsWith(".tar.gz")) out.pyversion = ["source"];
  return out;
}

describe("pyts-build upload (local index)", () => {
  it("sends the fields twine 7 sends: Debian's twine 4's, with twine 7's changes, for the same wheels and sdists", async () => {
    const d = freshDir("upload-twine");
    const files = [
      await sampleWheel(d),
      await sampleWheel(d, {}, { python: "py2.py3", abi: "none", platform: "any" }),
      await sampleSdist(d, { dynamic: ["Requires-Dist"] }),
      // an older Metadata-Version with the description in a header: fields newer than 2.1 (Dynamic,
      // License-Expression) are not read, a folded Description keeps its lines, UNKNOWN is absent
      await sampleSdist(d, { name: "old-style", version: "0.1" }, OLD_PKG_INFO),
    ];
    index = await startIndex({ users: { [USER]: SECRET } });
    const t = await twineUpload(index.url, USER, SECRET, files);
    expect(t.code, t.stdout + t.stderr).toBe(0);
    const viaTwine = index.uploads.splice(0);
    await index.close();

    index = await startIndex({ users: { [USER]: SECRET } });
    const r = await runCliAsync(["upload", "--repository-url", index.url, "-u", USER, "-p", SECRET, ...files]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(files.map((f) => `uploaded ${f}\n`).join(""));
    expect(index.uploads.map((u) => u.fileName)).toEqual(viaTwine.map((u) => u.fileName));
    for (const [i, ours] of index.uploads.entries()) {
      const theirs = asTwine7(byName(viaTwine[i] as RecordedUpload), ours.fileName);
      const mine = byName(ours);
      for (const k of ONLY_PYTS) delete mine[k];
      expect(mine, ours.fileName).toEqual(theirs);
      expect(ours.size).toBe(viaTwine[i]?.size);
    }
    // the PEP 639 expression goes along where the file has one; the keywords as twine 7 joins them
    expect(byName(index.uploads[0] as RecordedUpload).license_expression).toEqual(["MIT"]);
    expect(byName(index.uploads[0] as RecordedUpload).keywords).toEqual(["spam, eggs"]);
    expect(byName(index.uploads[2] as RecordedUpload).pyversion).toEqual(["source"]);
  });

  it("--skip-existing: the index's 400 \"File already exists\" is success; without it, a one-line error", async () => {
    const d = freshDir("upload-skip");
    const wheel = await sampleWheel(d);
    index = await startIndex({ users: { [USER]: SECRET } });
    const args = ["upload", "--repository-url", index.url, "-u", USER, "-p", SECRET, wheel];
    expect((await runCliAsync(args)).code).toBe(0);
    const again = await runCliAsync(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/\nerror: spam_eggs-1\.2\.0-cp311-cp311-linux_x86_64\.whl: http:\/\/127\.0\.0\.1:\d+\/ answered 400: File already exists \(.*\n  hint: .*--skip-existing.*\n$/);
    const skipped = await runCliAsync([...args, "--skip-existing"]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toBe(`skipped ${wheel}\n`);
    expect(index.uploads).toHaveLength(1);
  });

  it("retries a 503 and then succeeds", async () => {
    const d = freshDir("upload-503");
    const wheel = await sampleWheel(d);
    index = await startIndex({ users: { [USER]: SECRET }, failFirst: 1 });
    const r = await runCliAsync(["upload", "--repository-url", index.url, "-u", USER, "-p", SECRET, wheel]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: spam_eggs-1\.2\.0-cp311-cp311-linux_x86_64\.whl: 503 Service Unavailable; retry 1 of 4/);
    expect(index.requests).toEqual(["POST /", "POST /"]);
    expect(index.uploads).toHaveLength(1);
  });

  it("a hung index (takes the request, never answers) fails in under a minute with the default settings: a waiting line, one retry, one error line", async () => {
    const d = freshDir("upload-stall");
    const wheel = await sampleWheel(d);
    index = await startIndex({ users: { [USER]: SECRET }, stall: true });
    const started = Date.now();
    const r = await runCliAsync(["upload", "--repository-url", index.url, "-u", USER, "-p", SECRET, wheel]);
    const seconds = (Date.now() - started) / 1000;
    expect(r.code).toBe(1);
    expect(seconds).toBeLessThan(60);
    expect(seconds).toBeGreaterThan(2 * 15); // the default limit (15 s), twice: the first attempt and its one retry
    const name = "spam_eggs-1.2.0-cp311-cp311-linux_x86_64.whl";
    const waiting = `==> ${name}: sent; waiting for ${index.url} to answer (gives up after 15 s without an answer; --timeout)`;
    expect(r.stderr.split("\n").filter((l) => l.includes("sent; waiting"))).toEqual([waiting, waiting]);
    expect(r.stderr).toContain(`warning: ${name}: no progress for 15 s while waiting for the answer; retry 1 of 4\n`);
    const last = r.stderr.trimEnd().split("\n").slice(-2);
    expect(last[0]).toBe(`error: uploading ${name} to ${index.url}: no progress for 15 s while waiting for the answer (after 2 attempts)`);
    expect(last[1]).toMatch(/^ {2}hint: .*--timeout SECONDS$/);
    expect(index.requests).toEqual(["POST /", "POST /"]);
    // --timeout: the same in seconds
    const short = await runCliAsync(["upload", "--repository-url", index.url, "-u", USER, "-p", SECRET, "--timeout", "1", wheel]);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("no progress for 1 s while waiting for the answer (after 2 attempts)");
    const bad = await runCliAsync(["upload", "--repository-url", index.url, "--timeout", "soon", wheel]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("give a number of seconds greater than 0");
  });

  it("a 200 answer with an HTML page (a proxy's sign-in page): a warning; with --strict an error", async () => {
    const d = freshDir("upload-html");
    const wheel = await sampleWheel(d);
    index = await startIndex({ users: { [USER]: SECRET }, htmlPage: "<!doctype html><html><head><title>Sign in - Corporate Proxy</title></head><body><form></form></body></html>" });
    const args = ["upload", "--repository-url", index.url, "-u", USER, "-p", SECRET, wheel];
    const warned = await runCliAsync(args);
    expect(warned.code, warned.stderr).toBe(0);
    const said = `spam_eggs-1.2.0-cp311-cp311-linux_x86_64.whl: ${index.url} answered 200 with an HTML page ("Sign in - Corporate Proxy"), not an index's upload answer`;
    expect(warned.stderr).toContain(`warning: ${said}: a proxy or sign-in page may have taken the request; check that the file is on the index (--strict makes this an error)\n`);
    const strict = await runCliAsync([...args, "--strict"]);
    expect(strict.code).toBe(1);
    const last = strict.stderr.trimEnd().split("\n").slice(-2);
    expect(last[0]).toBe(`error: ${said} (--strict)`);
    expect(last[1]).toMatch(/^ {2}hint: a proxy or sign-in page may have taken the request: /);
    // the index's own success (warehouse's: 200, text/html, empty) is no warning: every other test uploads to it
    await index.close();
    index = await startIndex({ users: { [USER]: SECRET } });
    const clean = await runCliAsync(["upload", "--repository-url", index.url, "-u", USER, "-p", SECRET, "--strict", wheel]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).not.toContain("warning");
  });

  it("a bad token: one line with the index's own message, exit 1, no stack, no secret (also with --verbose)", async () => {
    const d = freshDir("upload-403");
    const wheel = await sampleWheel(d);
    index = await startIndex({ users: { __token__: "pypi-the-right-one" }, echoAuth: true });
    const bad = "pypi-AgEIcHlwaS5vcmcCJGZha2UtdG9rZW4tdmFsdWU";
    for (const verbose of [[], ["--verbose"]]) {
      const r = await runCliAsync([...verbose, "upload", "--repository-url", index.url, wheel], { env: { PYTS_BUILD_PYPI_TOKEN: bad } });
      expect(r.code).toBe(1);
      const lines = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
      expect(lines).toEqual([expect.stringMatching(/^error: spam_eggs-1\.2\.0-cp311-cp311-linux_x86_64\.whl: http:\/\/127\.0\.0\.1:\d+\/ answered 403: Invalid or non-existent authentication information\./)]);
      expect(r.stderr).toContain("hint: check the token/password");
      if (verbose.length) expect(r.stderr).toContain("password: <hidden> (from PYTS_BUILD_PYPI_TOKEN)");
      else expect(r.stderr).not.toMatch(/\n\s+at /);
      for (const secret of [bad, Buffer.from(`__token__:${bad}`).toString("base64")]) expect(r.stdout + r.stderr).not.toContain(secret);
      expect(r.stderr).toContain("(got Basic <hidden> = __token__:<hidden>)"); // the index echoed both
    }
    // the token was sent, as the password of __token__
    expect(index.authorizations[0]).toBe("Basic " + Buffer.from(`__token__:${bad}`).toString("base64"));
  });

  it("an invalid file is refused before any request is made", async () => {
    const d = freshDir("upload-invalid");
    const good = await sampleWheel(d);
    // METADATA names another version than the file name
    const renamed = join(d, "spam_eggs-1.3.0-cp311-cp311-linux_x86_64.whl");
    writeFileSync(renamed, readFileSync(good));
    const notDist = join(d, "notes.txt");
    writeFileSync(notDist, "hello");
    index = await startIndex({ users: { [USER]: SECRET } });
    for (const [file, why] of [
      [renamed, /spam_eggs-1\.3\.0-cp311-cp311-linux_x86_64\.whl: the file name says version 1\.3\.0 but spam_eggs-1\.2\.0\.dist-info\/METADATA says Version: 1\.2\.0/],
      [notDist, /notes\.txt: not a distribution \(expected a \.whl or \.tar\.gz\)/],
    ] as const) {
      const r = await runCliAsync(["upload", "--repository-url", index.url, "-u", USER, "-p", SECRET, good, file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).toContain("hint: nothing was uploaded");
    }
    expect(index.requests).toEqual([]);
  });

  it("trusted publishing: the runner's OIDC token is exchanged for an upload token; no token is printed", async () => {
    const d = freshDir("upload-oidc");
    const wheel = await sampleWheel(d);
    const oidc = { requestToken: "gh-request-token-123456", identityToken: "eyJ-identity-token-abcdef", mintedToken: "pypi-minted-token-987654", audience: "pypi-local" };
    index = await startIndex({ oidc });
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: `${index.origin}/github-oidc?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken, HOME: d };
    const r = await runCliAsync(["--verbose", "upload", "--repository-url", index.url, "--non-interactive", wheel], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(index.requests).toEqual(["GET /_/oidc/audience", "GET /github-oidc", "POST /_/oidc/mint-token", "POST /"]);
    expect(index.authorizations).toEqual(["Basic " + Buffer.from(`__token__:${oidc.mintedToken}`).toString("base64")]);
    expect(r.stderr).toContain("password: <hidden> (from trusted publishing (GitHub Actions OIDC))");
    for (const s of Object.values(oidc).slice(0, 3)) expect(r.stdout + r.stderr).not.toContain(s);

    // a job whose identity the index does not know: the index's reason, one line
    const refused = await runCliAsync(["upload", "--repository-url", index.url, "--non-interactive", wheel], {
      env: { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: `${index.origin}/github-oidc`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "wrong-request-token" },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: trusted publishing: the GitHub identity token request failed \(HTTP 401\)\n  hint: the workflow needs `permissions: id-token: write`\n$/);
  });

  it("~/.pypirc: the section named by --repository gives URL and credentials; without any password, --non-interactive fails", async () => {
    const d = freshDir("upload-pypirc");
    const wheel = await sampleWheel(d);
    index = await startIndex({ users: { bob: SECRET } });
    writeFileSync(join(d, ".pypirc"), `[distutils]\nindex-servers =\n    pypi\n    local\n\n[local]\nrepository = ${index.url}\nusername = bob\npassword = ${SECRET}\n`);
    const r = await runCliAsync(["upload", "--repository", "local", wheel], { env: { HOME: d } });
    expect(r.code, r.stderr).toBe(0);
    expect(index.uploads).toHaveLength(1);
    writeFileSync(join(d, ".pypirc"), `[distutils]\nindex-servers = local\n[local]\nrepository = ${index.url}\n`);
    const none = await runCliAsync(["upload", "--repository", "local", "--non-interactive", wheel], { env: { HOME: d } });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: no password or token for http:\/\/127\.0\.0\.1:\d+\/\n  hint: set PYTS_BUILD_PYPI_TOKEN/);
    const missing = await runCliAsync(["upload", "--repository", "nope", wheel], { env: { HOME: d } });
    expect(missing.stderr).toMatch(/^error: there is no repository "nope" in .*\.pypirc\n/);
    for (const x of [r, none, missing]) expect(x.stdout + x.stderr).not.toContain(SECRET);
  });

  it("the environment: PYTS_BUILD_* beats TWINE_*, and flags beat both", async () => {
    const d = freshDir("upload-env");
    const wheel = await sampleWheel(d);
    index = await startIndex({ users: { carol: SECRET } });
    const other = await startIndex({ users: { carol: SECRET } });
    try {
      const env = { HOME: d, PYTS_BUILD_REPOSITORY_URL: index.url, TWINE_REPOSITORY_URL: other.url, PYTS_BUILD_USERNAME: "carol", TWINE_USERNAME: "mallory", TWINE_PASSWORD: SECRET };
      const r = await runCliAsync(["upload", wheel], { env });
      expect(r.code, r.stderr).toBe(0);
      expect([index.uploads.length, other.uploads.length]).toEqual([1, 0]);
      const flagged = await runCliAsync(["upload", "--repository-url", other.url, wheel], { env });
      expect(flagged.code, flagged.stderr).toBe(0);
      expect([index.uploads.length, other.uploads.length]).toEqual([1, 1]);
    } finally {
      await other.close();
    }
  });

  it("on a terminal: a byte progress bar per file that ends at 100%; the API reports progress to a callback", async () => {
    const d = freshDir("upload-tty");
    const wheel = await sampleWheel(d);
    const sdist = await sampleSdist(d);
    index = await startIndex({ users: { [USER]: SECRET } });
    const cmd = [process.execPath, CLI, "upload", "--repository-url", index.url, "-u", USER, wheel].map((a) => `'${a}'`).join(" ");
    const tty = await new Promise<string>((resolve) => {
      const child = spawn("script", ["-qec", cmd, "/dev/null"], { env: testEnv({ PYTS_BUILD_PASSWORD: SECRET, NO_COLOR: "1" }), stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
      child.on("close", () => resolve(out));
    });
    expect(tty).toMatch(/\r {2}\[#{25}\] 100% 0\.0\/0\.0 MiB spam_eggs-1\.2\.0-cp311-cp311-linux_x86_64\.whl\r?\n/);
    expect(tty).not.toContain(SECRET);
    expect(index.uploads).toHaveLength(1);

    const seen: Array<[string, number, number]> = [];
    const r = await uploadFiles({ files: [sdist], repositoryUrl: index.url, username: USER, password: SECRET, env: { HOME: d }, onProgress: (f, s, t) => seen.push([f, s, t]) });
    expect(r).toEqual([{ file: sdist, status: "uploaded" }]);
    const last = seen.at(-1) as [string, number, number];
    expect(last[0]).toBe(basename(sdist));
    expect(last[1]).toBe(last[2]);
    expect(last[2]).toBeGreaterThan(statSync(sdist).size);
    expect(index.uploads[1]?.size).toBe(statSync(sdist).size);
  });
});
