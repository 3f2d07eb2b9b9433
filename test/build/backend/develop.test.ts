/** `develop` in-process: the project is loaded once for the venv lookup and the build together. */
import { execFileSync } from "node:child_process";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { loadProjectConfig } from "../../../src/build/project/config.js";
import { develop } from "../../../src/build/backend/develop.js";
import { freshDir, makeVenv, ROOT, SYSTEM_PYTHON, testEnv } from "../../helpers/env.js";

// a test-side spy on the one config loader: each command must load the project once
vi.mock("../../../src/build/project/config.js", async (original) => {
  const real = await original<typeof import("../../../src/build/project/config.js")>();
  return { ...real, loadProjectConfig: vi.fn(real.loadProjectConfig) };
});
const projectConfigLoads = (): number => vi.mocked(loadProjectConfig).mock.calls.length;

describe("develop", () => {
  it("loads the project config once, builds and installs into the project's .venv", async () => {
    const dir = freshDir("develop-once");
    cpSync(join(ROOT, "test/fixtures/ffi-min"), dir, { recursive: true });
    writeFileSync(join(dir, "pyproject.toml"), '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "ffi-min"\nversion = "0.2.0"\n');
    // A venv without pip (fast) that borrows Debian's pip through PYTHONPATH: pip still installs into the venv.
    const python = makeVenv(SYSTEM_PYTHON, join(dir, ".venv"));
    const env = testEnv({ PYTHONPATH: "/usr/lib/python3/dist-packages" });
    const before = projectConfigLoads();
    const r = await develop({ cwd: dir, env });
    expect(projectConfigLoads() - before).toBe(1);
    expect(r.python).toBe(python);
    expect(execFileSync(python, ["-c", "import ffi_min; print(ffi_min.answer())"], { env, encoding: "utf8" }).trim()).toMatch(/^\d+$/);
  });
});
