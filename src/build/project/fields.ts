/**
 * Typed access to a raw TOML table, with errors that name the file, the key
 * and what was expected. Shared by pyproject.toml and Cargo.toml readers.
 */
import { ConfigError } from "../../errors.js";
import type { TomlTable } from "./toml.js";

const isTable = (v: unknown): v is TomlTable => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

function describe(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (isTable(v)) return "a table";
  if (v instanceof Date) return "a date";
  return `${typeof v === "object" ? "an object" : `a ${typeof v}`} (${JSON.stringify(v)})`;
}

/** Edit distance, for "did you mean" on misspelled keys. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The closest valid key, if it is close enough to be a typo. */
export function closest(key: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(key.toLowerCase().replace(/_/g, "-"), v);
    if (d < bestD) [best, bestD] = [v, d];
  }
  return bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

export class Fields {
  /**
   * @param file the TOML file (for messages)
   * @param prefix the dotted path of this table ("project", "tool.pyts-build")
   */
  constructor(
    readonly file: string,
    readonly prefix: string,
    readonly raw: TomlTable,
  ) {}

  key(k: string): string {
    if (k === "") return this.prefix;
    return this.prefix ? `${this.prefix}.${k}` : k;
  }

  fail(k: string, why: string, hint?: string): never {
    throw new ConfigError(`${this.file}: ${this.key(k)} ${why}`, hint);
  }

  has(k: string): boolean {
    return this.raw[k] !== undefined;
  }

  keys(): string[] {
    return Object.keys(this.raw);
  }

  string(k: string): string | undefined {
    const v = this.raw[k];
    if (v === undefined) return undefined;
    if (typeof v !== "string") this.fail(k, `must be a string, not ${describe(v)}`);
    return v;
  }

  bool(k: string): boolean | undefined {
    const v = this.raw[k];
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") this.fail(k, `must be true or false, not ${describe(v)}`);
    return v;
  }

  /** An array of strings; `orString` also accepts a single string (as one element). */
  strings(k: string, orString = false): string[] | undefined {
    const v = this.raw[k];
    if (v === undefined) return undefined;
    if (orString && typeof v === "string") return [v];
    if (!Array.isArray(v)) this.fail(k, `must be an array of strings, not ${describe(v)}`);
    v.forEach((x, i) => {
      if (typeof x !== "string") this.fail(`${k}[${i}]`, `must be a string, not ${describe(x)}`);
    });
    return v as string[];
  }

  table(k: string): Fields | undefined {
    const v = this.raw[k];
    if (v === undefined) return undefined;
    if (!isTable(v)) this.fail(k, `must be a table, not ${describe(v)}`);
    return new Fields(this.file, this.key(k), v);
  }

  /** A table whose values are all strings (urls, scripts). */
  stringMap(k: string): Record<string, string> | undefined {
    const t = this.table(k);
    if (!t) return undefined;
    const out: Record<string, string> = {};
    for (const name of t.keys()) out[name] = t.string(name) as string;
    return out;
  }

  /** An array whose items are tables (authors). */
  tables(k: string): Fields[] | undefined {
    const v = this.raw[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(k, `must be an array of tables, not ${describe(v)}`);
    return v.map((x, i) => {
      if (!isTable(x)) this.fail(`${k}[${i}]`, `must be a table, not ${describe(x)}`);
      return new Fields(this.file, `${this.key(k)}[${i}]`, x);
    });
  }

  /** Reject keys outside `valid`, suggesting the closest one. */
  onlyKeys(valid: readonly string[]): void {
    for (const k of this.keys()) {
      if (valid.includes(k)) continue;
      const near = closest(k, valid);
      throw new ConfigError(
        `${this.file}: unknown key "${k}" in [${this.prefix}]${near ? ` (did you mean "${near}"?)` : ""}`,
        `valid keys are: ${valid.join(", ")}`,
      );
    }
  }
}

export { isTable };
