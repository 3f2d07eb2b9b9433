/** Runs once before all tests: the offline crate source and a compiled CLI must exist. */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureOfflineCargoHome, ROOT, WORK } from "./helpers/env.js";

export default function setup(): void {
  mkdirSync(WORK, { recursive: true });
  ensureOfflineCargoHome();
  if (!existsSync(join(ROOT, "dist/src/cli/main.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test does it) before vitest");
  }
}
