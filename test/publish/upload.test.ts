/**
 * `pyts-build upload` against a local index that validates like the real one,
 * compared field by field with Debian's twine uploading the same files.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freshDir } from "../helpers/env.js";
import { runCliAsync, sampleSdist, sampleWheel, twineUpload } from "./helpers.js";
import { type LocalIndex, type RecordedUpload, startIndex } from "./index-server.js";

const USER = "alice";
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

// Fields pyts-build sends that twine 4.0.2 does not: the PEP 639 fields, under the names newer
// twine (6.1+) gives them. Everything else must be identical, down to the empty ones.
const ONLY_PYTS = ["license_expression", "license_files"];

describe("pyts-build upload (local index)", () => {
  it("sends the same fields as twine for the same wheel and sdist", async () => {
    const d = freshDir("upload-twine");
    const files = [
      await sampleWheel(d),
      await sampleWheel(d, {}, { python: "py2.py3", abi: "none", platform: "any" }),
      await sampleSdist(d, { dynamic: ["Requires-Dist"] }),
      // an rst description with no content type, an old metadata version: fields twine reads differently
      await sampleSdist(d, { name: "old-style", version: "0.1", licenseExpression: undefined, license: "BSD", description: { body: "Old\n===\n\ntext\n", contentType: "text/x-rst" } }),
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
      const theirs = byName(viaTwine[i] as RecordedUpload);
      const mine = byName(ours);
      for (const k of ONLY_PYTS) delete mine[k];
      expect(mine, ours.fileName).toEqual(theirs);
      expect(ours.size).toBe(viaTwine[i]?.size);
    }
    // the PEP 639 expression goes along where the file has one
    expect(byName(index.uploads[0] as RecordedUpload).license_expression).toEqual(["MIT"]);
  });
});
