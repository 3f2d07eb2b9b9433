/** Project names (PEP 508 / PEP 503), wheel file-name components and Python module names. */
import { ValidationError } from "../errors.js";

const PROJECT_NAME_RE = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

export function isValidProjectName(s: string): boolean {
  return PROJECT_NAME_RE.test(s);
}

export function validateProjectName(s: string, what = "project name"): void {
  if (!isValidProjectName(s)) {
    throw new ValidationError(
      `${what} ${JSON.stringify(s)} is not a valid project name`,
      "use ASCII letters, digits, '-', '_' and '.', starting and ending with a letter or digit (PEP 508)",
    );
  }
}

/** PEP 503: lower-case, every run of `-_.` becomes `-` (`Foo.Bar_baz` -> `foo-bar-baz`). */
export function normalizeProjectName(s: string): string {
  return s.toLowerCase().replace(/[-_.]+/g, "-");
}

/** The `{dist}` part of wheel and sdist file names: lower-case, runs of `-_.` become `_`. */
export function wheelDistName(s: string): string {
  return s.toLowerCase().replace(/[-_.]+/g, "_");
}

// Python 3 hard keywords; soft keywords (match, case, type, _) are valid names.
const PY_KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except " +
    "finally for from global if import in is lambda nonlocal not or pass raise return try while with yield"
  ).split(" "),
);

const IDENTIFIER_RE = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;

export function isValidIdentifier(s: string): boolean {
  return IDENTIFIER_RE.test(s) && !PY_KEYWORDS.has(s);
}

/** `pkg._native` -> true; `1pkg`, `pkg.class`, `pkg..x` -> false. */
export function isValidModuleName(dotted: string): boolean {
  return dotted !== "" && dotted.split(".").every(isValidIdentifier);
}

export function validateModuleName(dotted: string, what = "module name"): void {
  if (!isValidModuleName(dotted)) {
    const bad = dotted.split(".").find((p) => !isValidIdentifier(p));
    const why =
      bad === undefined || bad === ""
        ? "it has an empty part"
        : PY_KEYWORDS.has(bad)
          ? `"${bad}" is a Python keyword`
          : `"${bad}" is not a Python identifier`;
    throw new ValidationError(
      `${what} ${JSON.stringify(dotted)} is not a valid Python module name: ${why}`,
      "use dotted Python identifiers such as my_pkg._native",
    );
  }
}
