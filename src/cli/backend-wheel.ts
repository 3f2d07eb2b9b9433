/** `pyts-build backend-wheel`: the PEP 517 backend's own wheel (Python shim + bundled CLI). */
import type { Command } from "commander";
import { buildBackendWheel } from "../build/backend-wheel.js";
import { loggerFor } from "./main.js";

export function registerBackendWheel(program: Command): void {
  program
    .command("backend-wheel")
    .description("write pyts_build-<version>-py3-none-any.whl, the build backend that `requires = [\"pyts-build\"]` installs")
    .requiredOption("-o, --out <dir>", "output folder")
    .action(async (flags: { out: string }, cmd: Command) => {
      const path = await buildBackendWheel(flags.out);
      loggerFor(cmd).info(`Built backend wheel ${path}`);
      process.stdout.write(path + "\n");
    });
}
