/**
 * bin/pyts-build.js runs the one-file bundle when it was made after the last tsc
 * run, else the compiled tree. Checked on a copy of bin/ beside a stand-in
 * bundle (that only says who it is) and links to the real dist/src and node_modules.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshDir, ROOT, testEnv } from "../helpers/env.js";

function layout(): { root: string; bundle: string; run: () => string } {
  const root = freshDir("bin-select");
  mkdirSync(join(root, "bin"));
  for (const f of ["pyts-build.js", "package.json"]) copyFileSync(join(ROOT, "bin", f), join(root, "bin", f));
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

  it("before `npm run build` (no dist/): one line saying to build, exit 1, no Node stack", () => {
    const root = freshDir("bin-unbuilt");
    mkdirSync(join(root, "bin"));
    for (const f of ["pyts-build.js", "package.json"]) copyFileSync(join(ROOT, "bin", f), join(root, "bin", f));
    for (const args of [["--help"], ["wheel", "-r"], ["sdist"]]) {
      const r = spawnSync(process.execPath, [join(root, "bin/pyts-build.js"), ...args], { env: testEnv(), encoding: "utf8" });
      expect([r.status, r.stdout]).toEqual([1, ""]);
      expect(r.stderr).toBe(`error: pyts-build is not built: ${join(root, "dist")} has no compiled CLI\n  hint: run \`npm install && npm run build\` in ${root}\n`);
    }
  });

  it("runs the compiled tree when the bundle is older (only tsc was run since)", () => {
    const { bundle, run } = layout();
    utimesSync(bundle, new Date(0), new Date(0));
    expect(run()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  describe("the CommonJS bundle with V8's code cache", () => {
    function withCjs() {
      const l = layout();
      const cjs = join(l.root, "dist/bundle/pyts-build.cjs");
      // a CommonJS script: needs the wrapper's require and __dirname
      writeFileSync(cjs, 'const p = require("node:path");\nfunction answer() { return "from the CommonJS bundle in " + p.basename(__dirname); }\nprocess.stdout.write(answer() + "\\n");\n');
      const future = new Date(Date.now() + 3600_000);
      utimesSync(l.bundle, future, future);
      utimesSync(cjs, new Date(Date.now() + 7200_000), new Date(Date.now() + 7200_000));
      const cache = join(l.root, "cache");
      const run = (extra: Record<string, string> = {}, args = ["--version"]) =>
        spawnSync(process.execPath, [join(l.root, "bin/pyts-build.js"), ...args], { env: testEnv({ PYTS_BUILD_CACHE_DIR: cache, ...extra }), encoding: "utf8" }).stdout.trim();
      return { ...l, cjs, cache: join(cache, "v8"), run };
    }

    it("runs it when it is the newest; the code cache is written once, then used", () => {
      const { run, cache } = withCjs();
      expect(run()).toBe("from the CommonJS bundle in bundle");
      const [file] = readdirSync(cache);
      const first = statSync(join(cache, file as string)).mtimeMs;
      expect(run()).toBe("from the CommonJS bundle in bundle");
      expect(readdirSync(cache)).toEqual([file]);
      expect(statSync(join(cache, file as string)).mtimeMs).toBe(first); // accepted by V8: not written again
    });

    it("data V8 rejects is replaced, and the bundle still runs", () => {
      const { run, cache } = withCjs();
      run();
      const [file] = readdirSync(cache);
      writeFileSync(join(cache, file as string), "not V8 code cache data");
      expect(run()).toBe("from the CommonJS bundle in bundle");
      expect(statSync(join(cache, file as string)).size).toBeGreaterThan(100);
    });

    it("a rebuilt bundle gets new data, which replaces the old bundle's", () => {
      const { run, cache, cjs } = withCjs();
      run();
      const [old] = readdirSync(cache);
      writeFileSync(cjs, 'process.stdout.write("rebuilt\\n");\n');
      const later = new Date(Date.now() + 9000_000);
      utimesSync(cjs, later, later);
      expect(run()).toBe("rebuilt");
      const files = readdirSync(cache);
      expect(files).toHaveLength(1);
      expect(files[0]).not.toBe(old);
    });

    it("each command word has its own data; a failed run writes none", () => {
      const { run, cache, cjs } = withCjs();
      run({}, ["--version"]);
      run({}, ["-q", "wheel", "-r"]);
      run({}, ["-v", "wheel", "-o", "x"]); // the same command: its data is used, nothing written
      expect(readdirSync(cache)).toHaveLength(2);
      writeFileSync(cjs, 'process.stdout.write("failed\\n");\nprocess.exitCode = 2;\n');
      const later = new Date(Date.now() + 9000_000);
      utimesSync(cjs, later, later);
      expect(run({}, ["sdist"])).toBe("failed");
      expect(readdirSync(cache)).toHaveLength(2);
    });

    it("PYTS_BUILD_NO_CODE_CACHE=1: the ES bundle instead", () => {
      const { run } = withCjs();
      expect(run({ PYTS_BUILD_NO_CODE_CACHE: "1" })).toBe("from the bundle");
    });
  });
});

