/** `pyts-build init [PATH]`: set up pyts-build in an existing folder or crate. */
import type { Command } from "commander";
import { loggerFor } from "./main.js";
import { addProjectOptions, projectOptionsFrom, reportProject } from "./new.js";

export function registerInit(program: Command): void {
  addProjectOptions(program.command("init").argument("[path]", "the folder (default: the current one)"))
    .description("set up a project in an existing folder; an existing crate keeps its code and gains pyproject.toml, the pyo3 module, a test")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build init                           here: an empty folder, or a crate made by \`cargo new --lib\`
  pyts-build init my-crate --bindings bin   a crate with src/main.rs, shipped as a command`,
    )
    .action(async (path: string | undefined, flags: Parameters<typeof projectOptionsFrom>[0], cmd: Command) => {
      const { initProject } = await import("../build/scaffold/new-project.js"); // loaded on use: fast start-up
      reportProject(cmd, await initProject({ ...projectOptionsFrom(flags), ...(path !== undefined ? { path } : {}), log: loggerFor(cmd) }), "set up");
    });
}
