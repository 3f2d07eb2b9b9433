/**
 * What a start loads (docs/architecture.md "Start-up"): the executable runs the
 * CommonJS bundle, which loads Node's heavier built-ins only when a command
 * uses them, and only the command that runs. Checked through the real
 * executable with a preload that reports, at exit, the built-in modules loaded
 * after Node's own start. (The ES module bundle keeps its imports of built-ins:
 * they are hoisted, so it is not checked here.)
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, freshDir, testEnv } from "../helpers/env.js";

const HEAVY = ["child_process", "crypto", "zlib", "readline", "http", "https"];

function loadedBuiltIns(args: string[]): { stdout: string; loaded: string[] } {
  const dir = freshDir("startup-modules");
  const probe = join(dir, "probe.cjs");
  writeFileSync(
    probe,
    `const before = new Set(process.moduleLoadList);
process.on("exit", () => require("fs").writeSync(2, "LOADED " + process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith("NativeModule ")).map((m) => m.slice(13)).join(" ") + "\\n"));
`,
  );
  const r = spawnSync(process.execPath, ["--require", probe, CLI, ...args], { env: testEnv({ PYTS_BUILD_CACHE_DIR: join(dir, "cache") }), encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const line = r.stderr.split("\n").find((l) => l.startsWith("LOADED ")) ?? "";
  return { stdout: r.stdout, loaded: line.slice(7).split(" ") };
}

describe("start-up", () => {
  it(`--version, --help and a command's --help load none of ${HEAVY.join(", ")}`, () => {
    for (const args of [["--version"], ["--help"], ["wheel", "--help"], ["sdist", "--help"], ["audit", "--help"], ["upload", "--help"]]) {
      const { stdout, loaded } = loadedBuiltIns(args);
      expect(stdout).not.toBe("");
      for (const m of HEAVY) expect(loaded, `${args.join(" ")} loaded ${m}`).not.toContain(m);
    }
  });
});
