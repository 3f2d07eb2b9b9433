/** `pyts-build list-python`: the interpreters --find-interpreter would consider. */
import type { Command } from "commander";
import { InterpreterError } from "../errors.js";
import { loggerFor } from "./main.js";

export function registerListPython(program: Command): void {
  program
    .command("list-python")
    .description("list the Python interpreters found on PATH, in pyenv, in the active conda env and by the Windows py launcher")
    .option("--json", "print [{implementation, version, tag, platform, path, supported}] as JSON")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build list-python            CPython 3.11  cp311-cp311  linux_x86_64  /usr/bin/python3.11
  pyts-build list-python --json`,
    )
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const { formatPythonList, listPythons } = await import("../build/python/list-python.js"); // loaded on use: fast start-up
      const list = await listPythons({ log: loggerFor(cmd) });
      if (flags.json) {
        process.stdout.write(JSON.stringify(list, null, 2) + "\n");
        return;
      }
      if (list.length === 0) throw new InterpreterError("no Python interpreter found on PATH, in pyenv, in a conda env or by the py launcher", "install one with your package manager or `pyenv install 3.12`");
      process.stdout.write(formatPythonList(list));
    });
}
