/** `pyts-build generate-stubs`: write the extension's type stubs into the source tree (like maturin generate-stubs). */
import type { Command } from "commander";
import { ConfigError } from "../errors.js";
import { loggerFor } from "./main.js";
import { addCompileOptions, type CompileFlags, compileOptionsFrom } from "./options.js";

interface GenerateStubsFlags extends CompileFlags {
  out?: string;
}

export function registerGenerateStubs(program: Command): void {
  const cmd = program
    .command("generate-stubs")
    .description("build the extension and write the type stubs pyo3 describes in it (its experimental-inspect feature) into the source tree")
    .argument("[rustc-args...]", "arguments after -- are passed to rustc");
  addCompileOptions(cmd)
    .option("-o, --out <dir>", "write into this folder (default: beside the extension in python-source, else next to pyproject.toml)")
    .addHelpText(
      "after",
      `
One stub file is written as <module>.pyi, several (submodules) into a folder <module>/.
Stdout carries only the paths written, one per line.

Examples:
  pyts-build generate-stubs                 a mixed project: <python-source>/pkg/_native.pyi beside the extension
  pyts-build generate-stubs -i python3.12 -o typings`,
    )
    .action(async (rustcArgs: string[], flags: GenerateStubsFlags, c: Command) => {
      if (flags.findInterpreter) throw new ConfigError("generate-stubs builds for one interpreter; --find-interpreter does not apply", "drop it, or pick one with -i");
      const { generateStubs } = await import("../build/backend/generate-stubs.js");
      const r = await generateStubs({ ...compileOptionsFrom(flags, rustcArgs), ...(flags.out !== undefined ? { out: flags.out } : {}), log: loggerFor(c) });
      process.stdout.write(r.files.map((f) => f + "\n").join(""));
    });
}
