/**
 * Progress and diagnostics for humans, on stderr so stdout stays free for
 * machine-readable output (--json, the backend's file names).
 * Colour only on a TTY and never with NO_COLOR.
 */
import pc from "picocolors";

export type Verbosity = "quiet" | "normal" | "verbose";

export interface Logger {
  readonly verbosity: Verbosity;
  /** A progress line on long work ("Building for CPython 3.11 ..."). Hidden with --quiet. */
  step(message: string): void;
  /** A result line ("Built wheel ..."). Hidden with --quiet. */
  info(message: string): void;
  warn(message: string): void;
  /** Detail shown only with --verbose. */
  debug(message: string): void;
}

export function useColor(stream: NodeJS.WriteStream = process.stderr): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY);
}

export function createLogger(verbosity: Verbosity = "normal", stream: NodeJS.WriteStream = process.stderr): Logger {
  const c = pc.createColors(useColor(stream));
  const write = (s: string) => stream.write(s + "\n");
  return {
    verbosity,
    step: (m) => verbosity !== "quiet" && write(`${c.bold(c.cyan("==>"))} ${m}`),
    info: (m) => verbosity !== "quiet" && write(`${c.green("✔")} ${m}`),
    warn: (m) => write(`${c.yellow("warning:")} ${m}`),
    debug: (m) => verbosity === "verbose" && write(c.dim(m)),
  };
}

/** A logger that records lines instead of printing: for tests and library callers. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    verbosity: "verbose",
    lines,
    step: (m) => lines.push(`step: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
  };
}

export const silentLogger: Logger = {
  verbosity: "quiet",
  step: () => {},
  info: () => {},
  warn: () => {},
  debug: () => {},
};
