/** The list of commands: each command lives in its own file and is added here. */
import type { Command } from "commander";

export function registerCommands(program: Command): void {
  // commands are added here, one line each, e.g. registerWheel(program);
  void program;
}
