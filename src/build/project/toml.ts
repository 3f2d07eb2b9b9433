/** Reading TOML files (pyproject.toml, Cargo.toml) with errors that point at the spot. */
import { readFileSync } from "node:fs";
import { parse, TomlError } from "smol-toml";
import { ConfigError } from "../../errors.js";

export type TomlTable = Record<string, unknown>;

/** Parse TOML text; `path` names the file in errors (`path:line:col: message`). */
export function parseToml(text: string, path: string): TomlTable {
  try {
    return parse(text) as TomlTable;
  } catch (e) {
    if (e instanceof TomlError) {
      // smol-toml's message is "Invalid TOML document: <why>\n\n<code block>": keep the why.
      const why = (e.message.split("\n")[0] ?? "").replace(/^Invalid TOML document:\s*/, "");
      throw new ConfigError(`${path}:${e.line}:${e.column}: invalid TOML: ${why}`, `fix the TOML syntax at line ${e.line} of ${path}`, {
        cause: e,
      });
    }
    throw e;
  }
}

/** Read and parse a TOML file; a missing file is a ConfigError naming it. */
export function readToml(path: string): TomlTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : String((e as Error).message)}`, undefined, { cause: e });
  }
  return parseToml(text, path);
}
