/**
 * `pyts-build pep517 <hook>`: what the Python build backend runs. Progress goes
 * to stderr; the last line on stdout is the basename of what the hook wrote.
 * Not meant to be typed by hand (hidden from --help).
 */
import type { Command } from "commander";
import { CargoError, ConfigError } from "../errors.js";
import { type Hook, HOOKS } from "../build/backend/pep517-hooks.js";
import { loggerFor } from "./main.js";

interface Pep517Flags {
  out: string;
  interpreter?: string;
  metadataDirectory?: string;
  configSettings?: string;
}

function parseSettings(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ConfigError(`--config-settings is not a JSON object: ${text}`);
}

export function registerPep517(program: Command): void {
  program
    .command("pep517", { hidden: true })
    .description("run one PEP 517/660 hook for the Python build backend")
    .argument("<hook>", HOOKS.join(" | "))
    .requiredOption("--out <dir>", "the folder the hook writes into")
    .option("--interpreter <python>", "the interpreter to build for")
    .option("--metadata-directory <dir>", "metadata prepared earlier (unused: builds write the same metadata)")
    .option("--config-settings <json>", "the frontend's config_settings")
    .action(async (hook: string, flags: Pep517Flags, cmd: Command) => {
      if (!(HOOKS as readonly string[]).includes(hook)) throw new ConfigError(`unknown hook "${hook}"`, `one of: ${HOOKS.join(", ")}`);
      const settings = parseSettings(flags.configSettings);
      const { runHook } = await import("../build/backend/pep517.js"); // loaded on use: every command starts faster
      const name = await runHook(hook as Hook, {
        out: flags.out,
        log: loggerFor(cmd),
        ...(flags.interpreter !== undefined ? { interpreter: flags.interpreter } : {}),
        ...(settings ? { configSettings: settings } : {}),
      }).catch((e: unknown) => {
        // pip runs this: its user cannot pass cargo flags, so the hint names what they can set instead
        if (e instanceof CargoError && e.backendHint !== undefined && e.backendHint !== e.hint) throw new CargoError(e.message, e.backendHint, { cause: e });
        throw e;
      });
      process.stdout.write(name + "\n");
    });
}
