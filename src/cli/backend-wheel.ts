/**
 * `pyts-build backend-wheel`: the PEP 517 backend's own wheel (Python shim + bundled CLI),
 * with `--standalone` the platform wheel holding the standalone executable; and
 * `pyts-build standalone`: that executable alone, as a release artifact.
 */
import type { Command } from "commander";
import { loggerFor } from "./main.js";

export function registerBackendWheel(program: Command): void {
  program
    .command("backend-wheel")
    .description("write pyts_build-<version>-py3-none-any.whl, the build backend that `requires = [\"pyts-build\"]` installs")
    .requiredOption("-o, --out <dir>", "output folder")
    .option("--standalone", "write the platform wheel pyts_build-<version>-py3-none-<platform>.whl instead, whose `pyts-build` is a standalone executable (no Node.js needed)")
    .option("--executable <file>", "with --standalone: put this standalone executable (from `pyts-build standalone`) in the wheel instead of building one")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build backend-wheel -o wheelhouse
  pyts-build backend-wheel --standalone -o wheelhouse
  pip install --no-index --find-links wheelhouse dist/word_count-0.1.0.tar.gz`,
    )
    .action(async (flags: { out: string; standalone?: boolean; executable?: string }, cmd: Command) => {
      let path: string;
      if (flags.standalone) {
        const { buildStandaloneWheel } = await import("../build/backend/standalone-wheel.js");
        path = await buildStandaloneWheel(flags.out, flags.executable ? { executable: flags.executable } : {});
      } else {
        if (flags.executable) {
          const { ValidationError } = await import("../errors.js");
          throw new ValidationError("--executable is only for --standalone wheels", "add --standalone, or leave out --executable");
        }
        const { buildBackendWheel } = await import("../build/backend/backend-wheel.js");
        path = await buildBackendWheel(flags.out);
      }
      loggerFor(cmd).info(`Built backend wheel ${path}`);
      process.stdout.write(path + "\n");
    });

  program
    .command("standalone")
    .description("write pyts-build as one executable that runs without Node.js (a Node.js single executable application)")
    .requiredOption("-o, --out <file>", "the executable to write")
    .option("--node <file>", "the node binary to copy (default: the node running pyts-build)")
    .option("--code-cache", "embed V8's code cache: faster start-up, not reproducible (default unless SOURCE_DATE_EPOCH is set)")
    .option("--no-code-cache", "leave V8's code cache out: same bytes from the same input (default when SOURCE_DATE_EPOCH is set)")
    .addHelpText(
      "after",
      `
Needs postject (npm install postject). Example:
  pyts-build standalone -o pyts-build-linux-x86_64 && ./pyts-build-linux-x86_64 --version`,
    )
    .action(async (flags: { out: string; node?: string; codeCache?: boolean }, cmd: Command) => {
      const { buildStandaloneExecutable } = await import("../build/backend/standalone.js");
      const path = buildStandaloneExecutable({ out: flags.out, ...(flags.node ? { node: flags.node } : {}), ...(flags.codeCache !== undefined ? { useCodeCache: flags.codeCache } : {}) });
      loggerFor(cmd).info(`Built standalone executable ${path}`);
      process.stdout.write(path + "\n");
    });
}
