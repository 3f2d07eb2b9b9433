/**
 * The list of commands: each command lives in its own file and is added here,
 * with the names (and aliases) it registers. A run loads only the file of the
 * command it names, so a start pays for one command's options and imports, not
 * all of them (a no-op rebuild should cost little more than cargo's own check).
 */
import type { Command } from "commander";

type Register = (program: Command) => void;

export interface CommandEntry {
  /** every name and alias the file registers */
  names: readonly string[];
  load: () => Promise<Register>;
}

// in the order --help lists them
export const COMMANDS: readonly CommandEntry[] = [
  { names: ["wheel", "build"], load: async () => (await import("./wheel.js")).registerWheel },
  { names: ["sdist"], load: async () => (await import("./sdist.js")).registerSdist },
  { names: ["backend-wheel", "standalone"], load: async () => (await import("./backend-wheel.js")).registerBackendWheel },
  { names: ["develop"], load: async () => (await import("./develop.js")).registerDevelop },
  { names: ["generate-stubs"], load: async () => (await import("./generate-stubs.js")).registerGenerateStubs },
  { names: ["pep517"], load: async () => (await import("./pep517.js")).registerPep517 },
  { names: ["manylinux"], load: async () => (await import("./manylinux.js")).registerManylinux },
  { names: ["audit"], load: async () => (await import("./audit.js")).registerAudit },
  { names: ["repair"], load: async () => (await import("./repair.js")).registerRepair },
  { names: ["upload"], load: async () => (await import("./upload.js")).registerUpload },
  { names: ["publish"], load: async () => (await import("./publish.js")).registerPublish },
  { names: ["check"], load: async () => (await import("./check.js")).registerCheck },
  { names: ["new"], load: async () => (await import("./new.js")).registerNew },
  { names: ["init"], load: async () => (await import("./init.js")).registerInit },
  { names: ["list-python"], load: async () => (await import("./list-python.js")).registerListPython },
  { names: ["generate-ci"], load: async () => (await import("./generate-ci.js")).registerGenerateCi },
];

/**
 * The commands a run with these arguments needs. The program's own options
 * take no value, so the first word not starting with `-` names the command
 * (`help X` names X); --version before it needs none, --help before it (or no
 * command, or an unknown one) needs all: the overview, "did you mean".
 */
export function commandsFor(userArgs: readonly string[]): readonly CommandEntry[] {
  let help = false;
  for (const a of userArgs) {
    if (a === "--" || a === "-h" || a === "--help") break;
    if (a === "-V" || a === "--version") return [];
    if (a.startsWith("-")) continue;
    if (a === "help" && !help) {
      help = true;
      continue;
    }
    const named = COMMANDS.find((c) => c.names.includes(a));
    return named ? [named] : COMMANDS;
  }
  return COMMANDS;
}

/** Register the commands `userArgs` need (the program's arguments after node and the script). */
export async function registerCommands(program: Command, userArgs: readonly string[]): Promise<void> {
  const registers = await Promise.all(commandsFor(userArgs).map((c) => c.load()));
  for (const register of registers) register(program);
}
