/** `pyts-build new PATH` and `pyts-build init [PATH]`: start a project that builds with pyts-build. */
import { type Command, Option } from "commander";
import type { NewProjectOptions, NewProjectResult } from "../build/scaffold/new-project.js";
import { NEW_BINDINGS, type NewBindings } from "../build/scaffold/templates.js";
import { loggerFor } from "./main.js";

interface NewFlags {
  name?: string;
  bindings?: NewBindings;
  mixed?: boolean;
  pyo3Version?: string;
}

/** The flags `new` and `init` share. */
export function addProjectOptions(cmd: Command): Command {
  return cmd
    .option("--name <name>", "the Python project name (default: the folder's name, or the crate's for an existing crate)")
    .addOption(new Option("-b, --bindings <kind>", "pyo3: an extension module; cffi: a C-ABI library used through cffi; bin: a Rust program installed as a command").choices([...NEW_BINDINGS]))
    .option("--mixed", "a Python package in python/<name>/ around the compiled module")
    .option("--pyo3-version <version>", "use this pyo3 version instead of asking cargo which one your crate sources have");
}

export function projectOptionsFrom(f: NewFlags): NewProjectOptions {
  const o: NewProjectOptions = {};
  if (f.name !== undefined) o.name = f.name;
  if (f.bindings !== undefined) o.bindings = f.bindings;
  if (f.mixed) o.mixed = true;
  if (f.pyo3Version !== undefined) o.pyo3Version = f.pyo3Version;
  return o;
}

/** The created files on stderr and the next steps; stdout stays empty. */
export function reportProject(cmd: Command, r: NewProjectResult, verb: string): void {
  const log = loggerFor(cmd);
  log.info(`${verb} ${r.bindings} project "${r.name}" in ${r.dir}${r.pyo3Version ? ` (pyo3 ${r.pyo3Version})` : ""}`);
  log.info(`files: ${r.files.join(", ")}`);
  log.info(`next: cd ${r.dir} && pyts-build develop && python -m unittest discover -s tests`);
}

export function registerNew(program: Command): void {
  addProjectOptions(program.command("new").argument("<path>", "the new project's folder (must not exist, or be empty)"))
    .description("create a new project: Cargo.toml, pyproject.toml, the Rust code, a test (and python/ with --mixed)")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build new my-project                      a PyO3 extension module my_project
  pyts-build new my-tool --bindings bin          a Rust program shipped as a command
  pyts-build new pkg --mixed                     python/pkg/__init__.py around the extension pkg._pkg`,
    )
    .action(async (path: string, flags: NewFlags, cmd: Command) => {
      const { newProject } = await import("../build/scaffold/new-project.js"); // loaded on use: fast start-up
      reportProject(cmd, await newProject({ ...projectOptionsFrom(flags), path, log: loggerFor(cmd) }), "created");
    });
}
