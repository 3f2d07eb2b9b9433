/**
 * Globs for include/exclude/license-files: `*` and `?` within one path part,
 * `**` for any number of parts, `[abc]`/`[!a-z]` classes and `{a,b}` choices.
 * Paths use '/' and are relative to a root folder.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { isFile } from "../../fs-util.js";
import { join } from "node:path";
import { ConfigError } from "../../errors.js";

const SPECIAL = /[*?[{]/;

function classToRe(body: string): string {
  const neg = body.startsWith("!") || body.startsWith("^");
  const inner = (neg ? body.slice(1) : body).replace(/\\/g, "\\\\").replace(/]/g, "\\]");
  return `[${neg ? "^" : ""}${inner}]`;
}

/** Translate one glob into a regular expression over '/'-separated relative paths. */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  let depth = 0; // inside {...}
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        const atStart = i === 0 || pattern[i - 1] === "/";
        const atEnd = i + 2 === pattern.length || pattern[i + 2] === "/";
        if (atStart && atEnd) {
          // "**/" matches zero or more whole parts; a final "**" matches everything below
          if (i + 2 === pattern.length) re += ".*";
          else re += "(?:[^/]+/)*";
          i += 2; // skip "*" and the "/"
          continue;
        }
      }
      re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) throw new ConfigError(`glob "${pattern}": unclosed '['`, "close the character class with ']'");
      re += classToRe(pattern.slice(i + 1, end));
      i = end;
    } else if (c === "{") {
      depth++;
      re += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      re += ")";
    } else if (c === "," && depth > 0) re += "|";
    else re += c.replace(/[.+^$()|\\]/g, "\\$&");
  }
  if (depth > 0) throw new ConfigError(`glob "${pattern}": unclosed '{'`, "close the choice with '}'");
  return new RegExp(`^${re}$`);
}

export function matchesGlob(path: string, pattern: string): boolean {
  return globToRegExp(pattern.replace(/^\.\//, "")).test(path);
}

const walkable = (dir: string, name: string): boolean => name !== ".git" && !existsSync(join(dir, name, "CACHEDIR.TAG"));

/** Files and folders below `dir`, at most `depth` levels down (see listFiles for what is skipped). */
function walk(dir: string, prefix: string, depth: number, out: { files: string[]; dirs: string[] }): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!walkable(dir, e.name)) continue;
      out.dirs.push(rel);
      if (depth > 1) walk(join(dir, e.name), rel, depth - 1, out);
    } else if (e.isFile() || (e.isSymbolicLink() && isFile(join(dir, e.name)))) out.files.push(rel);
  }
}

/**
 * Every file below `dir` (relative paths, '/'-separated, sorted), at most
 * `depth` levels down. Symlinked folders are not followed, and build caches
 * (folders holding a CACHEDIR.TAG, like cargo's target/) and .git are skipped:
 * they hold no sources and can be huge.
 */
export function listFiles(dir: string, prefix = "", depth = Infinity): string[] {
  const out = { files: [] as string[], dirs: [] as string[] };
  walk(dir, prefix, depth, out);
  return out.files.sort();
}

/**
 * The files under `root` that a glob names. Walking starts at the pattern's
 * literal prefix so `src/*.pyi` does not scan all of target/. A pattern that
 * names a folder takes every file in it.
 */
export function expandGlob(root: string, pattern: string): string[] {
  const clean = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  const parts = clean.split("/");
  const firstWild = parts.findIndex((p) => SPECIAL.test(p));
  const base = (firstWild < 0 ? parts : parts.slice(0, firstWild)).join("/");
  const re = globToRegExp(clean);
  const baseAbs = join(root, base);
  let st;
  try {
    st = statSync(baseAbs);
  } catch {
    return [];
  }
  if (!st.isDirectory()) return firstWild < 0 ? [base] : [];
  if (firstWild < 0) return listFiles(baseAbs, base); // a folder: all of it
  // Without "**" a pattern names paths of a fixed depth: walk no deeper than that.
  const depth = parts.some((p) => p.includes("**")) ? Infinity : parts.length - firstWild;
  const found = { files: [] as string[], dirs: [] as string[] };
  walk(baseAbs, base, depth, found);
  const hits = new Set<string>();
  for (const f of found.files) if (re.test(f)) hits.add(f);
  // a matching folder takes its whole content
  for (const d of found.dirs) {
    if (re.test(d)) for (const f of listFiles(join(root, d), d)) hits.add(f);
  }
  return [...hits].sort();
}
