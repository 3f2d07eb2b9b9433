/**
 * PEP 508 dependency specifiers (`Requires-Dist`): a strict recursive-descent
 * check that says exactly what is wrong and where. Not a resolver: markers are
 * parsed, never evaluated.
 */
import { ValidationError } from "../errors.js";
import { parseSpecifier } from "./pep440.js";

export interface Requirement {
  name: string;
  extras: string[];
  /** Comma-separated specifiers as written (without parentheses), "" when none. */
  specifier: string;
  url?: string;
  /** The marker expression as written, without the leading `;`. */
  marker?: string;
}

const MARKER_VARIABLES = new Set([
  "python_version",
  "python_full_version",
  "os_name",
  "sys_platform",
  "platform_release",
  "platform_system",
  "platform_version",
  "platform_machine",
  "platform_python_implementation",
  "implementation_name",
  "implementation_version",
  "extra",
  "extras", // PEP 751
  "dependency_groups", // PEP 751
  // legacy spellings still accepted by installers
  "os.name",
  "sys.platform",
  "platform.version",
  "platform.machine",
  "platform.python_implementation",
  "python_implementation",
]);

class Fail extends Error {
  constructor(
    readonly why: string,
    readonly at: number,
  ) {
    super(why);
  }
}

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  get rest(): string {
    return this.s.slice(this.pos);
  }
  get done(): boolean {
    return this.pos >= this.s.length;
  }
  peek(n = 1): string {
    return this.s.slice(this.pos, this.pos + n);
  }
  ws(): boolean {
    const m = /^[ \t]*/.exec(this.rest);
    const n = m ? m[0].length : 0;
    this.pos += n;
    return n > 0;
  }
  match(re: RegExp): string | undefined {
    const m = re.exec(this.rest);
    if (!m || m.index !== 0) return undefined;
    this.pos += m[0].length;
    return m[0];
  }
  fail(why: string, at = this.pos): never {
    throw new Fail(why, at);
  }
  /** Describes what sits at the cursor, for messages. */
  here(): string {
    return this.done ? "the end" : JSON.stringify(this.rest.length > 12 ? this.rest.slice(0, 12) + "…" : this.rest);
  }
}

const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const IDENT_END = /^[A-Za-z0-9._-]/;

function parseName(p: Parser): string {
  p.ws();
  const name = p.match(NAME_RE);
  if (!name) p.fail(p.done ? "it is empty" : `expected a project name, found ${p.here()}`);
  // A name directly followed by a stray character like "foo$" is not a name at all.
  return name;
}

function parseExtras(p: Parser): string[] {
  const extras: string[] = [];
  if (p.peek() !== "[") return extras;
  p.pos++;
  p.ws();
  if (p.peek() === "]") {
    p.pos++;
    return extras;
  }
  for (;;) {
    p.ws();
    const e = p.match(NAME_RE);
    if (!e) p.fail(`expected an extra name inside [...], found ${p.here()}`);
    extras.push(e);
    p.ws();
    if (p.peek() === ",") {
      p.pos++;
      continue;
    }
    if (p.peek() === "]") {
      p.pos++;
      return extras;
    }
    p.fail(p.done ? "unclosed '[' of the extras" : `expected ',' or ']' in the extras, found ${p.here()}`);
  }
}

const VERSION_CHARS = /^[A-Za-z0-9_.*+!-]+/;
const OPERATOR = /^(?:===|~=|==|!=|<=|>=|<|>)/;

/** `>=1.0, <2` up to `;`, `)` or the end. */
function parseSpecifiers(p: Parser, inParens: boolean): string {
  const parts: string[] = [];
  for (;;) {
    p.ws();
    const start = p.pos;
    const op = p.match(OPERATOR);
    if (!op) p.fail(`expected a version comparison (>=, ==, ~=, ...), found ${p.here()}`);
    p.ws();
    const version = p.match(VERSION_CHARS);
    if (!version) p.fail(`expected a version after '${op}', found ${p.here()}`);
    const spec = `${op}${version}`;
    const r = parseSpecifier(spec);
    if (typeof r === "string") p.fail(r, start);
    parts.push(spec);
    p.ws();
    if (p.peek() === ",") {
      p.pos++;
      continue;
    }
    if (p.done || p.peek() === ";" || (inParens && p.peek() === ")")) return parts.join(",");
    p.fail(`expected ',' between version specifiers, found ${p.here()}`);
  }
}

function parseUrl(p: Parser): string {
  p.ws();
  const url = p.match(/^\S+/);
  if (!url) p.fail("expected a URL after '@'");
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(url);
  if (!scheme) p.fail(`"${url}" is not a URL with a scheme (like https:// or file://)`);
  const [, name, rest] = scheme;
  if (name?.toLowerCase() !== "file" && !(rest ?? "").startsWith("//")) {
    p.fail(`"${url}" has no host after "${name}:"`);
  }
  return url;
}

// ---- markers ---------------------------------------------------------------

const MARKER_OPS = /^(?:===|~=|==|!=|<=|>=|<|>|in\b|not[ \t]+in\b)/;

function markerValue(p: Parser): void {
  p.ws();
  const q = p.peek();
  if (q === "'" || q === '"') {
    const end = p.s.indexOf(q, p.pos + 1);
    if (end < 0) p.fail(`unterminated string starting at column ${p.pos + 1}`);
    p.pos = end + 1;
    return;
  }
  const start = p.pos;
  const v = p.match(/^[A-Za-z_][A-Za-z0-9_.]*/);
  if (!v) p.fail(`expected a marker variable or a quoted string, found ${p.here()}`);
  if (!MARKER_VARIABLES.has(v)) p.fail(`"${v}" is not a marker variable (like python_version, sys_platform, extra)`, start);
}

function markerExpr(p: Parser): void {
  p.ws();
  if (p.peek() === "(") {
    p.pos++;
    markerOr(p);
    p.ws();
    if (p.peek() !== ")") p.fail(p.done ? "unclosed '(' in the marker" : `expected ')' in the marker, found ${p.here()}`);
    p.pos++;
    return;
  }
  markerValue(p);
  p.ws();
  if (!p.match(MARKER_OPS)) p.fail(`expected a marker operator (==, !=, <, >=, in, not in, ...), found ${p.here()}`);
  markerValue(p);
}

function keyword(p: Parser, word: string): boolean {
  const save = p.pos;
  p.ws();
  if (p.match(new RegExp(`^${word}(?![A-Za-z0-9_.])`))) return true;
  p.pos = save;
  return false;
}

function markerAnd(p: Parser): void {
  markerExpr(p);
  while (keyword(p, "and")) markerExpr(p);
}

function markerOr(p: Parser): void {
  markerAnd(p);
  while (keyword(p, "or")) markerAnd(p);
}

function parseMarker(p: Parser): string {
  const start = p.pos;
  p.ws();
  if (p.done) p.fail("expected a marker after ';'");
  markerOr(p);
  p.ws();
  if (!p.done) p.fail(`unexpected ${p.here()} after the marker (use 'and'/'or' to combine)`);
  return p.s.slice(start).trim();
}

/** Parse a PEP 508 requirement; throws ValidationError with the reason and column. */
export function parseRequirement(s: string, what = "requirement"): Requirement {
  const p = new Parser(s);
  try {
    const name = parseName(p);
    if (!p.done && IDENT_END.test(p.peek())) p.fail(`"${name}${p.peek()}" is not a valid project name`);
    p.ws();
    const extras = parseExtras(p);
    p.ws();
    const req: Requirement = { name, extras, specifier: "" };
    const c = p.peek();
    if (c === "@") {
      p.pos++;
      req.url = parseUrl(p);
      const hadSpace = p.ws();
      if (!p.done) {
        if (req.url.endsWith(";")) p.fail("a ';' directly after a URL is part of the URL: put a space before ';'");
        if (p.peek() !== ";") p.fail(`unexpected ${p.here()} after the URL`);
        if (!hadSpace) p.fail("a ';' directly after a URL is part of the URL: put a space before ';'");
      }
    } else if (c === "(") {
      p.pos++;
      p.ws();
      if (p.peek() !== ")") req.specifier = parseSpecifiers(p, true);
      if (p.peek() !== ")") p.fail("unclosed '(' of the version specifiers");
      p.pos++;
    } else if (c !== "" && c !== ";" && OPERATOR.test(p.rest)) {
      req.specifier = parseSpecifiers(p, false);
    }
    p.ws();
    if (p.peek() === ";") {
      p.pos++;
      req.marker = parseMarker(p);
    }
    p.ws();
    if (!p.done) p.fail(`unexpected ${p.here()} (expected a version specifier, '@ URL' or '; marker')`);
    return req;
  } catch (e) {
    if (e instanceof Fail) {
      throw new ValidationError(
        `${what} ${JSON.stringify(s)} is not a valid PEP 508 requirement: ${e.why} (at column ${e.at + 1})`,
        'write it like "name[extra]>=1.0,<2; python_version >= \'3.8\'" or "name @ https://host/file.whl"',
      );
    }
    throw e;
  }
}

export function validateRequirement(s: string, what = "requirement"): void {
  parseRequirement(s, what);
}

export function isValidRequirement(s: string): boolean {
  try {
    parseRequirement(s);
    return true;
  } catch {
    return false;
  }
}
