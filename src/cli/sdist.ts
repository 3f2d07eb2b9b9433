/** `pyts-build sdist`: a source distribution (.tar.gz) that rebuilds the wheel anywhere. */
import { type Command, Option } from "commander";
import { loggerFor } from "./main.js";

interface SdistFlags {
  manifestPath?: string;
  out?: string;
  json?: boolean;
  strict?: boolean;
  backend?: string;
}

export function registerSdist(program: Command): void {
  program
    .command("sdist")
    .description("build a source distribution {name}-{version}.tar.gz (crate, path dependencies, Python sources, readme, licenses)")
    .option("-m, --manifest-path <path>", "the crate's Cargo.toml (default: the one next to pyproject.toml)")
    .option("-o, --out <dir>", "output folder (default: <cargo target dir>/wheels)")
    .option("--json", "print {path, members} as JSON on stdout")
    .option("--strict", "PEP 621 as written: a [project] field also listed in dynamic is an error (maturin merges them)")
    .addOption(new Option("--backend <name>", "a setuptools-rust project's sdist names pyts-build's build backend (default: it stays a setuptools sdist)").choices(["pyts-build"]))
    .addHelpText(
      "after",
      `
Examples:
  pyts-build sdist                     target/wheels/<name>-<version>.tar.gz
  pyts-build sdist -o dist --json      into dist/, and list what went in
  pyts-build wheel --sdist             the sdist, then the wheel built from it (proves it is complete)
  pyts-build sdist --backend pyts-build   a setuptools-rust project's sdist that pip builds with pyts-build`,
    )
    .action(async (flags: SdistFlags, cmd: Command) => {
      const { buildSdist } = await import("../build/sdist/build-sdist.js"); // loaded on use: fast start-up
      const r = await buildSdist({
        logger: loggerFor(cmd),
        ...(flags.backend !== undefined ? { backend: "pyts-build" as const } : {}),
        ...(flags.manifestPath !== undefined ? { manifestPath: flags.manifestPath } : {}),
        ...(flags.out !== undefined ? { outDir: flags.out } : {}),
        ...(flags.strict ? { strictMetadata: true } : {}),
      });
      // stdout carries only the result, for scripts
      process.stdout.write(flags.json ? JSON.stringify({ path: r.path, members: r.members }, null, 2) + "\n" : r.path + "\n");
    });
}
