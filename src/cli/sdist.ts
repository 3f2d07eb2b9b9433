/** `pyts-build sdist`: a source distribution (.tar.gz) that rebuilds the wheel anywhere. */
import type { Command } from "commander";
import { buildSdist } from "../build/build-sdist.js";
import { loggerFor } from "./main.js";

interface SdistFlags {
  manifestPath?: string;
  out?: string;
}

export function registerSdist(program: Command): void {
  program
    .command("sdist")
    .description("build a source distribution {name}-{version}.tar.gz (crate, path dependencies, Python sources, readme, licenses)")
    .option("-m, --manifest-path <path>", "the crate's Cargo.toml (default: the one next to pyproject.toml)")
    .option("-o, --out <dir>", "output folder (default: <cargo target dir>/wheels)")
    .action(async (flags: SdistFlags, cmd: Command) => {
      const r = await buildSdist({
        logger: loggerFor(cmd),
        ...(flags.manifestPath !== undefined ? { manifestPath: flags.manifestPath } : {}),
        ...(flags.out !== undefined ? { outDir: flags.out } : {}),
      });
      // stdout carries only the result, for scripts
      process.stdout.write(r.path + "\n");
    });
}
