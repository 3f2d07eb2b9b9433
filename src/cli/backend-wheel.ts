/** `pyts-build backend-wheel`: the PEP 517 backend's own wheel (Python shim + bundled CLI). */
import type { Command } from "commander";
import { loggerFor } from "./main.js";

export function registerBackendWheel(program: Command): void {
  program
    .command("backend-wheel")
    .description("write pyts_build-<version>-py3-none-any.whl, the build backend that `requires = [\"pyts-build\"]` installs")
    .requiredOption("-o, --out <dir>", "output folder")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build backend-wheel -o wheelhouse
  pip install --no-index --find-links wheelhouse dist/word_count-0.1.0.tar.gz`,
    )
    .action(async (flags: { out: string }, cmd: Command) => {
      const { buildBackendWheel } = await import("../build/backend-wheel.js");
      const path = await buildBackendWheel(flags.out);
      loggerFor(cmd).info(`Built backend wheel ${path}`);
      process.stdout.write(path + "\n");
    });
}
