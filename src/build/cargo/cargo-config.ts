/**
 * What cargo's configuration files say that the no-op caches must stamp: the
 * files they pull in through `include`, and the crate source folders
 * (`[source.NAME] directory` / `local-registry`) they name. Read only when an
 * answer is recorded, never on the no-op path itself.
 *
 * cargo's rules (1.95, checked here): `include` is an array of paths or of
 * `{ path, optional }` tables, relative to the including file's folder, and an
 * included file may include more; a path value in a configuration file is
 * relative to the parent of the folder holding the file (`/p/.cargo/config.toml`
 * -> `/p`, `$CARGO_HOME/config.toml` -> CARGO_HOME's parent); in a `--config
 * KEY=VALUE` argument, to the working folder.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse } from "smol-toml";

type Table = Record<string, unknown>;

/** The TOML of a configuration file, or undefined when it is absent or unreadable (cargo reports those itself). */
function readTable(file: string): Table | undefined {
  try {
    return parse(readFileSync(file, "utf8")) as Table;
  } catch {
    return undefined;
  }
}

/** The files a configuration table includes, made absolute against `dir` (the including file's folder). Pure. */
export function includedPaths(table: Table, dir: string): string[] {
  const inc = table.include;
  const items = Array.isArray(inc) ? inc : typeof inc === "string" ? [inc] : [];
  const out: string[] = [];
  for (const item of items) {
    const path = typeof item === "string" ? item : item && typeof item === "object" ? (item as Table).path : undefined;
    if (typeof path === "string" && path !== "") out.push(resolve(dir, path));
  }
  return out;
}

/** The folders of the crate sources a configuration table names, made absolute against `base`. Pure. */
export function sourceFolders(table: Table, base: string): string[] {
  const sources = table.source;
  if (!sources || typeof sources !== "object") return [];
  const out: string[] = [];
  for (const s of Object.values(sources as Table)) {
    if (!s || typeof s !== "object") continue;
    for (const k of ["directory", "local-registry"]) {
      const v = (s as Table)[k];
      if (typeof v === "string" && v !== "") out.push(resolve(base, v));
    }
  }
  return out;
}

/**
 * The configuration files and everything they include, recursively (each
 * present or absent: an optional include that appears later matters too).
 */
export function withIncludes(files: Iterable<string>): string[] {
  const seen = new Set<string>();
  const stack = [...files].reverse();
  while (stack.length > 0) {
    const f = stack.pop() as string;
    if (seen.has(f)) continue;
    seen.add(f);
    const t = readTable(f);
    if (t) stack.push(...includedPaths(t, dirname(f)).reverse());
  }
  return [...seen];
}

/**
 * The crate source folders named by the configuration files (with their
 * includes: pass `withIncludes`' list) and by `--config KEY=VALUE` arguments.
 */
export function configuredSourceFolders(files: Iterable<string>, config: string[], cwd: string): string[] {
  const out = new Set<string>();
  for (const f of files) {
    const t = readTable(f);
    if (t) for (const d of sourceFolders(t, dirname(dirname(f)))) out.add(d);
  }
  for (const c of config) {
    if (!c.includes("=")) continue; // a file: among `files`
    let t: Table;
    try {
      t = parse(c) as Table;
    } catch {
      continue;
    }
    for (const d of sourceFolders(t, cwd)) out.add(d);
  }
  return [...out];
}
