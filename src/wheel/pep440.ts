/**
 * PEP 440 versions: parsing, normalization, SemVer (Cargo) -> PEP 440, and
 * version specifier sets (requires-python, PEP 508 requirements).
 */
import { ValidationError } from "../errors.js";

export type PreKind = "a" | "b" | "rc";

export interface Pep440Version {
  epoch: number;
  /** Release numbers as digit strings without leading zeros (they can exceed 2^53). */
  release: string[];
  pre?: { kind: PreKind; number: string };
  post?: string;
  dev?: string;
  /** Local segments, lower-cased; numeric ones without leading zeros. */
  local?: string[];
}

// The permissive spelling PEP 440 accepts and normalizes (case-insensitive).
const SEP = "[-_.]?";
const VERSION_RE = new RegExp(
  "^\\s*v?" +
    "(?:(\\d+)!)?" + // epoch
    "(\\d+(?:\\.\\d+)*)" + // release
    `(?:${SEP}(alpha|a|beta|b|preview|pre|rc|c)${SEP}(\\d+)?)?` + // pre
    `(?:-(\\d+)|${SEP}(post|rev|r)${SEP}(\\d+)?)?` + // post (implicit "-N" or spelled)
    `(?:${SEP}(dev)${SEP}(\\d+)?)?` + // dev
    "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?" + // local
    "\\s*$",
  "i",
);

const PRE_KINDS: Record<string, PreKind> = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc",
};

const stripZeros = (digits: string): string => digits.replace(/^0+(?=\d)/, "");

/** Parse a PEP 440 version (any accepted spelling); undefined if it is not one. */
export function tryParseVersion(s: string): Pep440Version | undefined {
  const m = VERSION_RE.exec(s);
  if (!m) return undefined;
  const [, epoch, release, preL, preN, postImplicit, postL, postN, devL, devN, local] = m;
  const v: Pep440Version = {
    epoch: epoch ? Number(epoch) : 0,
    release: (release as string).split(".").map(stripZeros),
  };
  if (preL) v.pre = { kind: PRE_KINDS[preL.toLowerCase()] as PreKind, number: stripZeros(preN ?? "0") };
  if (postImplicit !== undefined) v.post = stripZeros(postImplicit);
  else if (postL) v.post = stripZeros(postN ?? "0");
  if (devL) v.dev = stripZeros(devN ?? "0");
  if (local) v.local = local.toLowerCase().split(/[-_.]/).map((p) => (/^\d+$/.test(p) ? stripZeros(p) : p));
  return v;
}

/** Parse a PEP 440 version; throws ValidationError naming the value. */
export function parseVersion(s: string, what = "version"): Pep440Version {
  const v = tryParseVersion(s);
  if (!v) {
    throw new ValidationError(
      `${what} ${JSON.stringify(s)} is not a valid PEP 440 version`,
      "use a version like 1.2.3, 1.2.3a1, 1.2.3.post1, 1.2.3.dev0 or 1!2.0+local (see PEP 440)",
    );
  }
  return v;
}

export function isValidVersion(s: string): boolean {
  return tryParseVersion(s) !== undefined;
}

/** The canonical string of a parsed version. */
export function formatVersion(v: Pep440Version): string {
  let s = v.epoch ? `${v.epoch}!` : "";
  s += v.release.join(".");
  if (v.pre) s += v.pre.kind + v.pre.number;
  if (v.post !== undefined) s += ".post" + v.post;
  if (v.dev !== undefined) s += ".dev" + v.dev;
  if (v.local) s += "+" + v.local.join(".");
  return s;
}

/** `1.0.0-ALPHA1` -> `1.0.0a1`, `v1.0` -> `1.0`, `1.0.dev` -> `1.0.dev0`. Throws ValidationError. */
export function normalizeVersion(s: string, what = "version"): string {
  return formatVersion(parseVersion(s, what));
}

// Cargo versions are strict SemVer 2.0.
const SEMVER_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

// The SemVer pre-releases that have a PEP 440 meaning with the same ordering
// (all sort before the release): alpha/beta/rc with an optional number, an
// optional dev part, or dev alone.
const SEMVER_PRE_RE =
  /^(?:(alpha|a|beta|b|rc|c|pre|preview)(?:[.-]?(\d+))?)?(?:(?:^|[.-])dev(?:[.-]?(\d+))?)?$/i;

/**
 * Cargo's SemVer -> PEP 440: `1.0.0-alpha.1` -> `1.0.0a1`, `1.0.0-beta` -> `1.0.0b0`,
 * `1.0.0-rc.2` -> `1.0.0rc2`, `0.1.0-dev.3` -> `0.1.0.dev3`, `+abc` -> local `+abc`.
 */
export function semverToPep440(s: string, what = "Cargo.toml package.version"): string {
  const m = SEMVER_RE.exec(s.trim());
  if (!m) {
    throw new ValidationError(
      `${what} ${JSON.stringify(s)} is not a SemVer version`,
      "Cargo versions look like MAJOR.MINOR.PATCH with an optional -prerelease and +build part",
    );
  }
  const [, major, minor, patch, pre, build] = m;
  let out = `${major}.${minor}.${patch}`;
  if (pre !== undefined) {
    const pm = SEMVER_PRE_RE.exec(pre);
    if (!pm || pre === "") {
      throw new ValidationError(
        `${what} ${JSON.stringify(s)}: the pre-release "${pre}" has no PEP 440 equivalent`,
        "use -alpha.N, -beta.N, -rc.N or -dev.N (optionally -alpha.N.dev.M), or set a PEP 440 version in pyproject.toml [project] version",
      );
    }
    const [, kind, num, dev] = pm;
    if (kind) out += PRE_KINDS[kind.toLowerCase()] + stripZeros(num ?? "0");
    if (/(?:^|[.-])dev/i.test(pre)) out += ".dev" + stripZeros(dev ?? "0");
  }
  if (build !== undefined) {
    if (!/^[0-9a-zA-Z]+(?:[-.][0-9a-zA-Z]+)*$/.test(build)) {
      throw new ValidationError(
        `${what} ${JSON.stringify(s)}: the build metadata "${build}" cannot be a PEP 440 local version`,
        "use build metadata made of letters and digits separated by '.' or '-'",
      );
    }
    out += "+" + build;
  }
  return normalizeVersion(out, what);
}

// ---------------------------------------------------------------------------
// Version specifiers (PEP 440 "Version specifiers")

export type SpecifierOperator = "~=" | "==" | "!=" | "<=" | ">=" | "<" | ">" | "===";

export interface Specifier {
  operator: SpecifierOperator;
  version: string;
  /** `==1.2.*` / `!=1.2.*` */
  wildcard: boolean;
}

const OPERATOR_RE = /^(===|~=|==|!=|<=|>=|<|>)/;

/** Parse one specifier like `>=3.8` or `== 3.*`; returns the reason when invalid. */
export function parseSpecifier(text: string): Specifier | string {
  const t = text.trim();
  if (t === "") return "empty specifier";
  const om = OPERATOR_RE.exec(t);
  if (!om) return `"${t}" does not start with a comparison operator (~=, ==, !=, <=, >=, <, >, ===)`;
  const operator = om[1] as SpecifierOperator;
  const version = t.slice(operator.length).trim();
  if (version === "") return `"${t}" has no version after ${operator}`;
  if (operator === "===") {
    // Arbitrary equality: any string without whitespace.
    if (/\s|[,;)]/.test(version)) return `"${version}" is not allowed after ===`;
    return { operator, version, wildcard: false };
  }
  let wildcard = false;
  let base = version;
  if (version.endsWith(".*")) {
    if (operator !== "==" && operator !== "!=") return `"${t}": a .* suffix is only allowed with == and !=`;
    wildcard = true;
    base = version.slice(0, -2);
  }
  if (/^v/i.test(base) || /\s/.test(base)) return `"${version}" is not a valid version`;
  const v = tryParseVersion(base);
  if (!v) return `"${version}" is not a valid PEP 440 version`;
  if (v.local) {
    if (wildcard) return `"${t}": a local version cannot be combined with .*`;
    if (operator !== "==" && operator !== "!=") return `"${t}": a local version (+${v.local.join(".")}) is only allowed with == and !=`;
  }
  if (operator === "~=" && v.release.length < 2) return `"${t}": ~= needs at least two release numbers (e.g. ~=3.9)`;
  return { operator, version, wildcard };
}

/** The reason a specifier set like `>=3.7,<4` is invalid, or undefined when valid. */
export function specifierSetError(s: string): string | undefined {
  if (s.trim() === "") return "it is empty";
  for (const part of s.split(",")) {
    const r = parseSpecifier(part);
    if (typeof r === "string") return r;
  }
  return undefined;
}

export function specifierSetIsValid(s: string): boolean {
  return specifierSetError(s) === undefined;
}

/** Throws ValidationError naming `what` when `s` is not a valid specifier set. */
export function validateSpecifierSet(s: string, what = "requires-python"): void {
  const why = specifierSetError(s);
  if (why !== undefined) {
    throw new ValidationError(
      `${what} ${JSON.stringify(s)} is not a valid version specifier: ${why}`,
      'write comma-separated specifiers like ">=3.8" or ">=3.7,<4" (PEP 440)',
    );
  }
}
