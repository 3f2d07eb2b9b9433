/**
 * src/cli/commands.ts: a run loads only the command it names. The table's names
 * must be exactly what each file registers (else a command would be missing
 * from a run that names it), and the arguments decide which files are loaded.
 */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { COMMANDS, commandsFor, registerCommands } from "../../src/cli/commands.js";

const names = (entries: readonly { names: readonly string[] }[]) => entries.map((c) => c.names[0]);

describe("the command table", () => {
  it("names every command and alias its file registers, and nothing else", async () => {
    for (const entry of COMMANDS) {
      const program = new Command("p");
      (await entry.load())(program);
      expect(program.commands.flatMap((c) => [c.name(), ...c.aliases()])).toEqual(entry.names);
    }
  });

  it("a run that names a command (or its alias, or `help` it) loads that command alone", () => {
    expect(names(commandsFor(["wheel", "-r"]))).toEqual(["wheel"]);
    expect(names(commandsFor(["-q", "build", "--", "-v"]))).toEqual(["wheel"]);
    expect(names(commandsFor(["standalone", "-o", "x"]))).toEqual(["backend-wheel"]);
    expect(names(commandsFor(["help", "audit"]))).toEqual(["audit"]);
    expect(names(commandsFor(["wheel", "--help"]))).toEqual(["wheel"]);
    expect(names(commandsFor(["wheel", "-V"]))).toEqual(["wheel"]);
  });

  it("--version alone needs no command; --help, help, no command or an unknown one need all", () => {
    expect(commandsFor(["--version"])).toEqual([]);
    expect(commandsFor(["-V", "wheel"])).toEqual([]);
    for (const args of [[], ["--help"], ["-h", "wheel"], ["help"], ["-v"], ["whel"], ["--", "wheel"]]) expect(commandsFor(args)).toBe(COMMANDS);
  });

  it("registerCommands adds what the arguments need, in the table's order", async () => {
    const one = new Command("p");
    await registerCommands(one, ["sdist", "-o", "dist"]);
    expect(one.commands.map((c) => c.name())).toEqual(["sdist"]);
    const all = new Command("p");
    await registerCommands(all, ["--help"]);
    expect(all.commands.flatMap((c) => [c.name(), ...c.aliases()])).toEqual(COMMANDS.flatMap((c) => c.names));
  });
});
