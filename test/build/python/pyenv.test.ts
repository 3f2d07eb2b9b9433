import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isPyenvShim, pyenvVersionNames, resolvePyenvShim } from "../../../src/build/python/pyenv.js";
import { freshDir } from "../../helpers/env.js";

// A fake pyenv tree: the rules are pyenv's, the files are ours (no real pyenv runs).
function fakePyenv(): { root: string; env: NodeJS.ProcessEnv; work: string; sys: string } {
  const d = freshDir("pyenv");
  const root = join(d, "pyenv");
  for (const v of ["3.9.18", "3.11.2", "3.11.10", "myenv"]) {
    mkdirSync(join(root, "versions", v, "bin"), { recursive: true });
    writeFileSync(join(root, "versions", v, "bin", "python3"), "");
  }
  writeFileSync(join(root, "versions", "3.11.10", "bin", "python3.11"), "");
  mkdirSync(join(root, "shims"), { recursive: true });
  writeFileSync(join(root, "shims", "python3"), "#!/bin/sh\n");
  writeFileSync(join(root, "version"), "3.9.18\n");
  const sys = join(d, "sysbin");
  mkdirSync(sys);
  writeFileSync(join(sys, "python3"), "");
  const work = join(d, "project", "sub");
  mkdirSync(work, { recursive: true });
  return { root, work, sys, env: { PYENV_ROOT: root, PATH: `${join(root, "shims")}:${sys}` } };
}

describe("pyenv shims", () => {
  const f = fakePyenv();

  it("recognizes shims", () => {
    expect(isPyenvShim(join(f.root, "shims", "python3"), f.env)).toBe(true);
    expect(isPyenvShim(join(f.root, "plugins", "pyenv-virtualenv", "shims", "python3"), f.env)).toBe(true);
    expect(isPyenvShim(join(f.sys, "python3"), f.env)).toBe(false);
  });

  it("global version file", () => {
    expect(pyenvVersionNames(f.root, f.work, f.env)).toEqual(["3.9.18"]);
    expect(resolvePyenvShim(join(f.root, "shims", "python3"), f.work, f.env)).toBe(join(f.root, "versions/3.9.18/bin/python3"));
  });

  it("PYENV_VERSION wins, with prefix resolution to the newest patch release", () => {
    const env = { ...f.env, PYENV_VERSION: "3.11" };
    expect(resolvePyenvShim(join(f.root, "shims", "python3.11"), f.work, env)).toBe(join(f.root, "versions/3.11.10/bin/python3.11"));
  });

  it(".python-version up the tree; several versions; system from PATH", () => {
    writeFileSync(join(f.work, "..", ".python-version"), "# comment\nmyenv\n");
    expect(resolvePyenvShim(join(f.root, "shims", "python3"), f.work, f.env)).toBe(join(f.root, "versions/myenv/bin/python3"));
    const env = { ...f.env, PYENV_VERSION: "3.7:system" };
    expect(resolvePyenvShim(join(f.root, "shims", "python3"), f.work, env)).toBe(join(f.sys, "python3"));
    expect(resolvePyenvShim(join(f.root, "shims", "python3.13"), f.work, { ...f.env, PYENV_VERSION: "3.9.18" })).toBeUndefined();
  });
});
