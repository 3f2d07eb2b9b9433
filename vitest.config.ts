import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real cargo builds and real interpreters: generous timeouts, and few
    // files at once because the machine has two cores.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    maxWorkers: 2,
    globalSetup: ["test/global-setup.ts"],
    // pyts-build's user cache (cargo metadata answers, V8 code cache, PEP 517 cache) stays inside the
    // test work folder, for in-process calls too: the tests never read or fill the machine user's cache
    env: { PYTS_BUILD_CACHE_DIR: resolve(import.meta.dirname, "test/.work/user-cache") },
    reporters: ["default", "./test/reporter.ts"],
  },
});
