/**
 * bin/pyts-build.js runs the one-file bundle when it was made after the last tsc
 * run, else the compiled tree. Checked on a copy of bin/ beside a stand-in
 * bundle (that only says who it is) and links to the real dist/src and node_modules.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshDir, ROOT, testEnv } from "../helpers/env.js";

function layout(): { root: string; bundle: string; run: () => string } {
  const root = freshDir("bin-select");
  mkdirSync(join(root, "bin"));
  copyFileSync(join(ROOT, "bin/pyts-build.js"), join(root, "bin/pyts-build.js"));
  copyFileSync(join(ROOT, "package.json"), join(root, "package.json"));
  symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"));
  mkdirSync(join(root, "dist/bundle"), { recursive: true });
  symlinkSync(join(ROOT, "dist/src"), join(root, "dist/src"));
  const bundle = join(root, "dist/bundle/pyts-build.mjs");
  writeFileSync(bundle, 'process.stdout.write("from the bundle\\n");\n');
  const run = () => spawnSync(process.execPath, [join(root, "bin/pyts-build.js"), "--version"], { env: testEnv(), encoding: "utf8" }).stdout.trim();
  return { root, bundle, run };
}

describe("bin/pyts-build.js", () => {
  it("runs the bundle when it is newer than dist/src/cli/main.js", () => {
    const { bundle, run } = layout();
    const future = new Date(Date.now() + 3600_000);
    utimesSync(bundle, future, future);
    expect(run()).toBe("from the bundle");
  });

  it("runs the compiled tree when the bundle is older (only tsc was run since)", () => {
    const { bundle, run } = layout();
    utimesSync(bundle, new Date(0), new Date(0));
    expect(run()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
