/** The shared test/bench plumbing picks the newest pyenv release numerically and skips suffixed builds. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freshDir } from "./env.js";
import { findCPython } from "./hermetic.mjs";

const saved = process.env.PYENV_ROOT;
afterEach(() => {
  if (saved === undefined) delete process.env.PYENV_ROOT;
  else process.env.PYENV_ROOT = saved;
});

function fakePyenv(versions: Record<string, string>): string {
  const root = freshDir("fake-pyenv");
  for (const [dir, exe] of Object.entries(versions)) {
    mkdirSync(join(root, "versions", dir, "bin"), { recursive: true });
    writeFileSync(join(root, "versions", dir, "bin", exe), "");
  }
  return root;
}

describe("findCPython", () => {
  it("takes 3.12.10 over 3.12.9 and ignores a free-threaded 3.12.11t", () => {
    process.env.PYENV_ROOT = fakePyenv({ "3.12.9": "python3.12", "3.12.10": "python3.12", "3.12.11t": "python3.12", "3.1.5": "python3.1" });
    expect(findCPython("3.12")).toBe(join(process.env.PYENV_ROOT, "versions/3.12.10/bin/python3.12"));
    expect(findCPython("3.1")).toBe(join(process.env.PYENV_ROOT, "versions/3.1.5/bin/python3.1"));
  });
});
