/**
 * The README and docs/ name repository files (`src/build/cargo/cargo.ts`,
 * `python/bundle.mjs`, `.ci/run` ...): each must exist, so a newcomer
 * following them never looks for a file that was moved or never was
 * (docs/pep517.md once named a `scripts/bundle.mjs`).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/env.js";

/** Path-like words starting at a top-level folder of the repository (or one a reader might expect). */
const PATH_WORD = /(?<![\w./<-])((?:src|python|scripts|test|bench|examples|docker|bin|\.ci)\/[\w./*{},-]*)/g;

/** Words that look like repository paths but name something else, each with why. */
const NOT_REPOSITORY_PATHS = new Map([
  ["src/x.rs", "docs/sdist.md: a symlink in a user's crate, as an example"],
  ["scripts/", "docs/configuration.md: the wheel's .data/scripts/ category"],
  ["docker/podman", "docs/architecture.md: 'docker or podman'"],
  ["docker/setup-qemu-action", "docs/cross.md: the GitHub action that registers QEMU"],
  ["python/word_count/data/*.json", "docs/configuration.md: an include glob in an illustrative configuration"],
  ["python/word_count/tests/**", "docs/configuration.md: an exclude glob in an illustrative configuration"],
  ["python/pkg/_native/", "docs/pep517.md: where a user's mixed cffi project gets its generated package"],
  ["src/lib.rs", "docs/cli.md: a file `pyts-build new` writes into the user's project"],
  ["src/main.rs", "docs/cli.md: a file `pyts-build new --bindings bin` writes"],
  ["src/python_module.rs", "docs/cli.md, docs/architecture.md: the module `pyts-build init` adds to an existing crate"],
  ["src/c_api.rs", "docs/cli.md: the cffi counterpart `pyts-build init` adds"],
]);

/** Under the example project, paths in its own terms (`python/word_count/__init__.py`). */
const BASES = ["", "examples/word-count"];

export function repositoryPaths(text: string): string[] {
  return [...new Set([...text.matchAll(PATH_WORD)].map((m) => (m[1] as string).replace(/[.,]+$/, "")))];
}

/** Whether `p` (maybe with a glob part) names something in the checkout; build output the reader makes counts as present. */
function exists(p: string): boolean {
  if (/(^|\/)(target|\.work)(\/|$)|\.so$/.test(p)) return true; // made by a build or a benchmark
  const literal = p.split("/").filter((_, i, parts) => !/[*{]/.test(parts.slice(0, i + 1).join("/"))).join("/");
  return BASES.some((b) => existsSync(join(ROOT, b, literal)));
}

const docs = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

describe("repository paths named in the docs exist", () => {
  it.each(docs)("%s", (doc) => {
    const missing = repositoryPaths(readFileSync(join(ROOT, doc), "utf8")).filter((p) => !NOT_REPOSITORY_PATHS.has(p) && !exists(p));
    expect(missing).toEqual([]);
  });

  it("finds the paths it is meant to", () => {
    expect(repositoryPaths("made by `scripts/bundle.mjs` (esbuild); see src/build/cargo/cargo.ts, and .ci/run.")).toEqual(["scripts/bundle.mjs", "src/build/cargo/cargo.ts", ".ci/run"]);
    expect(repositoryPaths("`<name>.data/scripts/` and word-count/src/lib.rs")).toEqual([]);
    expect(exists("scripts/bundle.mjs")).toBe(false);
    expect(exists("python/bundle.mjs")).toBe(true);
    expect(exists("test/manylinux/container-*.test.ts")).toBe(true);
  });
});
