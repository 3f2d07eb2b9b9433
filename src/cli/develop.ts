/** `pyts-build develop`: build and install into the active virtualenv (like maturin develop). */
import type { Command } from "commander";
import { ConfigError } from "../errors.js";
import { loggerFor } from "./main.js";
import { addCompileOptions, type CompileFlags, compileOptionsFrom } from "./options.js";

interface DevelopFlags extends CompileFlags {
  venv?: string;
}

export function registerDevelop(program: Command): void {
  const cmd = program
    .command("develop")
    .description("build for the active virtualenv ($VIRTUAL_ENV, else .venv here) and install into it with its pip; a mixed project's extension goes into its source tree")
    .argument("[rustc-args...]", "arguments after -- are passed to rustc");
  addCompileOptions(cmd)
    .option("--venv <dir>", "install into this virtualenv instead")
    .addHelpText(
      "after",
      `
Examples:
  python -m venv .venv && pyts-build develop      build and install into ./.venv
  pyts-build develop -r --venv /tmp/env           a release build into another virtualenv`,
    )
    .action(async (rustcArgs: string[], flags: DevelopFlags, c: Command) => {
      if (flags.interpreter || flags.findInterpreter) {
        throw new ConfigError("develop builds for the virtualenv's own interpreter; -i/--find-interpreter do not apply", "drop them, or use --venv to pick the virtualenv");
      }
      const opts = compileOptionsFrom(flags, rustcArgs);
      const { develop } = await import("../build/backend/develop.js");
      const r = await develop({ ...opts, log: loggerFor(c), ...(flags.venv !== undefined ? { venv: flags.venv } : {}) });
      process.stdout.write(r.wheel.fileName + "\n");
    });
}
