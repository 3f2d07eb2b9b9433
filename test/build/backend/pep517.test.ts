import { describe, expect, it, vi } from "vitest";
import { cpSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { homedir } from "node:os";
import { loadProjectConfig } from "../../../src/build/project/config.js";
import { buildOptionsFromSettings, cacheRoot, HOOKS, persistentTargetDir, runHook } from "../../../src/build/backend/pep517.js";
import { ConfigError } from "../../../src/errors.js";
import { cpython, freshDir, ROOT, SYSTEM_PYTHON, testEnv } from "../../helpers/env.js";

// a test-side spy on the one config loader: each command must load the project once
vi.mock("../../../src/build/project/config.js", async (original) => {
  const real = await original<typeof import("../../../src/build/project/config.js")>();
  return { ...real, loadProjectConfig: vi.fn(real.loadProjectConfig) };
});
const projectConfigLoads = (): number => vi.mocked(loadProjectConfig).mock.calls.length;

describe("persistent target folder for sdist builds", () => {
  it("is used only in an unpacked sdist (PKG-INFO at the top) and never against the user's choice", () => {
    const sdist = freshDir("pep517-unit");
    writeFileSync(join(sdist, "PKG-INFO"), "Metadata-Version: 2.4\n");
    const tree = freshDir("pep517-unit");
    const env = { PYTS_BUILD_CACHE_DIR: "/c" };
    expect(persistentTargetDir(sdist, env, "word_count")).toBe("/c/target/word_count");
    expect(persistentTargetDir(tree, env, "word_count")).toBeUndefined();
    expect(persistentTargetDir(sdist, { ...env, CARGO_TARGET_DIR: "/mine" }, "word_count")).toBeUndefined();
    expect(persistentTargetDir(sdist, { ...env, PYTS_BUILD_PERSISTENT_TARGET: "0" }, "word_count")).toBeUndefined();
  });

  it("lives in PYTS_BUILD_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache (Linux)", () => {
    expect(cacheRoot({ PYTS_BUILD_CACHE_DIR: "/x/y" })).toBe("/x/y");
    expect(cacheRoot({ XDG_CACHE_HOME: "/xdg" })).toBe("/xdg/pyts-build");
    if (process.platform === "linux") expect(cacheRoot({})).toBe(join(homedir(), ".cache", "pyts-build"));
  });
});

describe("config_settings", () => {
  it("builds release by default and understands profile, features and generate-stubs", () => {
    expect(buildOptionsFromSettings()).toEqual({ release: true });
    expect(buildOptionsFromSettings({ profile: "dist", features: "a, b" })).toEqual({ release: true, profile: "dist", features: ["a", "b"] });
    expect(buildOptionsFromSettings({ "generate-stubs": "true" })).toEqual({ release: true, generateStubs: true });
    expect(buildOptionsFromSettings({ "generate-stubs": "false" })).toEqual({ release: true, generateStubs: false });
  });
  it("refuses what it does not know", () => {
    expect(() => buildOptionsFromSettings({ "build-args": "--foo" })).toThrow(ConfigError);
    expect(() => buildOptionsFromSettings({ features: ["a"] })).toThrow(/must be a string/);
    expect(() => buildOptionsFromSettings({ "generate-stubs": "yes" })).toThrow(/"generate-stubs" must be true or false, not "yes"/);
  });
});

describe("each hook loads the project once", () => {
  it("build_sdist, prepare_metadata_for_build_wheel, build_wheel and build_editable each parse the config one time", async () => {
    const py = cpython("3.11") ?? SYSTEM_PYTHON;
    const dir = freshDir("pep517-once");
    cpSync(join(ROOT, "test/fixtures/ffi-min"), dir, { recursive: true });
    writeFileSync(join(dir, "pyproject.toml"), '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "ffi-min"\nversion = "0.2.0"\n');
    // a target folder shared by the two builds of this test (the fixture compiles in about a second)
    const env = testEnv({ CARGO_TARGET_DIR: join(dir, "target") });
    for (const hook of HOOKS) {
      const out = freshDir("pep517-once-out");
      const before = projectConfigLoads();
      const name = await runHook(hook, { out, cwd: dir, env, interpreter: py });
      expect(projectConfigLoads() - before, hook).toBe(1);
      expect(existsSync(join(out, name)), hook).toBe(true);
    }
  });
});
