/** `pyts-build generate-ci github`: a GitHub Actions workflow that builds and releases with pyts-build. */
import { Argument, type Command, Option } from "commander";
import { CI_PLATFORMS } from "../ci/platforms.js";
import { loggerFor } from "./main.js";
import { collectList } from "./options.js";

interface GenerateCiFlags {
  manifestPath?: string;
  out?: string;
  platform?: string[];
  pytest?: boolean;
  force?: boolean;
  installFrom?: string;
}

export function registerGenerateCi(program: Command): void {
  program
    .command("generate-ci")
    .addArgument(new Argument("<ci>", "the CI system").choices(["github"]))
    .description("print (or write) a CI workflow whose jobs build wheels for every platform with pyts-build and release on a tag")
    .option("-m, --manifest-path <path>", "the crate's Cargo.toml (default: next to pyproject.toml)")
    .option("-o, --out <file>", "write the workflow to this file (e.g. .github/workflows/CI.yml) instead of stdout")
    .addOption(new Option("--platform <platforms...>", `platforms to build for (${CI_PLATFORMS.join(", ")}; default: all)`).argParser(collectList))
    .option("--pytest", "add a job that installs the Linux x86_64 wheels and runs pytest on tests/")
    .option("--force", "with -o: replace an existing file")
    .option("--install-from <source>", "where the jobs get pyts-build: an npm spec (default: pyts-build@<this version>, which must be published on npm), a tarball URL (from `npm pack`), or a git URL (git+https://...#ref)")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build generate-ci github > .github/workflows/CI.yml
  pyts-build generate-ci github --platform linux macos --pytest -o .github/workflows/CI.yml
  pyts-build generate-ci github --install-from https://github.com/OWNER/pyts-build/releases/download/v0.1.0/pyts-build-0.1.0.tgz`,
    )
    .action(async (_ci: string, flags: GenerateCiFlags, cmd: Command) => {
      const { generateGithubCi } = await import("../ci/generate-ci.js"); // loaded on use: fast start-up
      const r = generateGithubCi({
        ...(flags.manifestPath !== undefined ? { manifestPath: flags.manifestPath } : {}),
        ...(flags.platform !== undefined ? { platforms: flags.platform } : {}),
        ...(flags.pytest ? { pytest: true } : {}),
        ...(flags.out !== undefined ? { outFile: flags.out } : {}),
        ...(flags.force ? { force: true } : {}),
        ...(flags.installFrom !== undefined ? { installFrom: flags.installFrom } : {}),
      });
      if (r.path) loggerFor(cmd).info(r.written ? `wrote ${r.path}` : `${r.path} already holds this workflow`);
      else process.stdout.write(r.text);
    });
}
