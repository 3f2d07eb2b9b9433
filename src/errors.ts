/**
 * Typed errors. Every failure a user can cause is a PytsError: the CLI prints
 * `error: <message>` and `  hint: <hint>` on one or two lines and exits non-zero,
 * with the stack only under --verbose. Anything else is a bug and shows its stack.
 */
export class PytsError extends Error {
  /** What the user can do about it. */
  readonly hint: string | undefined;
  /** Process exit code for the CLI. */
  readonly exitCode: number = 1;
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Bad or missing project configuration (pyproject.toml, Cargo.toml). */
export class ConfigError extends PytsError {}
/** A value that does not follow a packaging standard (PEP 440, PEP 508, ...). */
export class ValidationError extends PytsError {}
/** An interpreter that cannot be found or queried. */
export class InterpreterError extends PytsError {}
/** cargo failed or produced nothing usable. */
export class CargoError extends PytsError {
  /** The hint when pip runs the build (PEP 517 backend), if it differs: there no flag can be passed. */
  readonly backendHint: string | undefined;
  constructor(message: string, hint?: string, options?: { cause?: unknown; backendHint?: string }) {
    super(message, hint, options);
    this.backendHint = options?.backendHint;
  }
}
/** A malformed or hostile archive (wheel, sdist). */
export class ArchiveError extends PytsError {}
/** A malformed ELF file. */
export class ElfError extends PytsError {}
/** A malformed PE/COFF (Windows DLL) or Mach-O (macOS) library. */
export class BinaryError extends PytsError {}
/** A wheel that does not meet the requested manylinux policy, or a failed repair. */
export class AuditError extends PytsError {}
/** Container engine problems (missing, not running, image missing, ...). */
export class ContainerError extends PytsError {}
/** An output that cannot be written (read-only, full, a file in the way, ...): the user's machine, not a bug. */
export class OutputError extends PytsError {}
/** A required external program is missing. */
export class ToolMissingError extends PytsError {}

export function isPytsError(e: unknown): e is PytsError {
  return e instanceof PytsError;
}
