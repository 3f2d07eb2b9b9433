/**
 * The command-line entry: a thin commander layer. Each command lives in its own
 * file, parses flags into a typed options object and calls one API function.
 */
import { Command, CommanderError } from "commander";
import pc from "picocolors";
import { createLogger, type Logger, useColor, type Verbosity } from "../log.js";
import { exitQuietly, installInterruptHandlers, interruption } from "../cleanup.js";
import { isPytsError } from "../errors.js";
import { asOutputError } from "../output-dir.js";
import { VERSION_TEXT } from "../version.js";
import { registerCommands } from "./commands.js";
import { startReplayTrace } from "./replay.js";
import { appendFileSync } from "node:fs";

export interface GlobalOptions {
  quiet?: boolean;
  verbose?: boolean;
}

export function verbosityOf(o: GlobalOptions): Verbosity {
  return o.verbose ? "verbose" : o.quiet ? "quiet" : "normal";
}

/** Shared by all commands: the logger for the flags given. */
export function loggerFor(cmd: Command): Logger {
  return createLogger(verbosityOf(cmd.optsWithGlobals() as GlobalOptions));
}

/** The program with the command `argv` names (all of them for --help and the like: commands.ts). */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command("pyts-build")
    .description("Build Python wheels and sdists for Rust (PyO3) extensions, audited and repaired for manylinux.")
    .version(VERSION_TEXT, "-V, --version")
    .option("-q, --quiet", "print only errors and results")
    .option("-v, --verbose", "print detail, and stack traces on errors")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build wheel --release                  build a wheel for python3 into target/wheels
  pyts-build wheel -i python3.11 -i pypy3     one wheel per interpreter
  pyts-build sdist -o dist                    a source distribution
  pyts-build audit dist/*.whl                 which manylinux policy a wheel meets
  pyts-build manylinux --python 3.9           build inside a manylinux container
  pyts-build check target/wheels/* && pyts-build upload
                                              check, then upload to PyPI`,
    );
  await registerCommands(program, argv.slice(2)); // commander's `from: "node"`: argv[0] node, argv[1] the script
  return program;
}

/**
 * A reader of stdout that went away (`| head`) ends the run quietly with status
 * 0, like standard Unix tools; a closed stderr only loses the messages.
 */
function quietOnClosedPipes(): void {
  const on = (stream: NodeJS.WriteStream, epipe: () => void) =>
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
      epipe();
    });
  on(process.stdout, () => exitQuietly(0));
  on(process.stderr, () => undefined);
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const trace = startReplayTrace(); // only when bin/pyts-build.js asked (replay.ts)
  const code = await run(argv);
  const why = trace?.finish(code);
  if (trace && process.env.PYTS_BUILD_REPLAY_LOG) appendFileSync(process.env.PYTS_BUILD_REPLAY_LOG, why === undefined ? "recorded\n" : `not recorded: ${why}\n`);
  return code;
}

async function run(argv: string[]): Promise<number> {
  installInterruptHandlers();
  quietOnClosedPipes();
  const program = await buildProgram(argv);
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (caught) {
    // an interrupt is under way: its handler reports, cleans up and sets the status
    if (interruption() !== undefined) return new Promise<number>(() => undefined);
    const e = asOutputError(caught);
    if (e instanceof CommanderError) {
      // help/version exit with 0; usage errors were already printed by commander
      return e.exitCode;
    }
    // the parsed flag, not a scan of argv: `-v` after `--` belongs to rustc
    const verbose = (program.opts() as GlobalOptions).verbose === true;
    const log = createLogger(verbose ? "verbose" : "normal");
    const c = pc.createColors(useColor());
    const report = (message: string, hint: string | undefined) => {
      process.stderr.write(`${c.bold(c.red("error:"))} ${message}\n`);
      if (hint) process.stderr.write(`  ${c.cyan("hint:")} ${hint}\n`);
    };
    if (isPytsError(e)) {
      report(e.message, e.hint);
      if (verbose && e.stack) log.debug(e.stack);
      return e.exitCode;
    }
    const err = e as Error;
    report(err?.message ?? String(e), verbose ? undefined : "this looks like a bug in pyts-build; rerun with --verbose for the stack trace");
    if (verbose && err?.stack) log.debug(err.stack);
    return 1;
  }
}
