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
    reporters: ["default", "./test/reporter.ts"],
  },
});
