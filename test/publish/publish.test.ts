/** `pyts-build publish`: one real build of the no-dependency fixture, then the upload of exactly what was built. */
import { cpSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cpython, freshDir, ROOT, SYSTEM_PYTHON } from "../helpers/env.js";
import { runCliAsync } from "./helpers.js";
import { type LocalIndex, startIndex } from "./index-server.js";

let index: LocalIndex | undefined;
afterEach(async () => {
  await index?.close();
  index = undefined;
});

describe("pyts-build publish", () => {
  it("builds the sdist and a wheel from it, checks both and uploads both", async () => {
    const d = freshDir("publish");
    cpSync(join(ROOT, "test/fixtures/ffi-min"), d, { recursive: true });
    writeFileSync(
      join(d, "pyproject.toml"),
      '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "ffi-min"\nversion = "0.2.0"\nreadme = "README.md"\nrequires-python = ">=3.8"\n',
    );
    index = await startIndex({ users: { __token__: "pypi-publish-token" } });
    const py = cpython("3.11") ?? SYSTEM_PYTHON;
    const r = await runCliAsync(["publish", "-i", py, "--repository-url", index.url], { cwd: d, env: { PYTS_BUILD_PYPI_TOKEN: "pypi-publish-token" } });
    expect(r.code, r.stderr).toBe(0);
    const names = index.uploads.map((u) => u.fileName);
    expect(names[0]).toBe("ffi_min-0.2.0.tar.gz");
    expect(names[1]).toMatch(/^ffi_min-0\.2\.0-cp3\d+-cp3\d+-(manylinux|linux).*\.whl$/);
    expect(r.stdout.split("\n").filter(Boolean).map((l) => basename(l))).toEqual(names);
    const sdistFields = Object.fromEntries(index.uploads[0]?.fields ?? []);
    expect([sdistFields.filetype, sdistFields.name, sdistFields.description_content_type]).toEqual(["sdist", "ffi-min", "text/markdown; charset=UTF-8; variant=GFM"]);
    expect(r.stdout + r.stderr).not.toContain("pypi-publish-token");
  });
});
