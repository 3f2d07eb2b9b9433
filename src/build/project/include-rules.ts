/**
 * `include` / `exclude` of `[tool.pyts-build]` and `[tool.maturin]`, in
 * maturin's grammar: a glob string (both formats), `{ path, format }` with
 * `format = "sdist" | "wheel" | [...]`, and (include only) `{ path, from =
 * "out-dir", to, crate-name? }`: files a build script wrote into its OUT_DIR,
 * shipped in the wheel under `to` (src/build/out-dir-include.ts). Keys of an
 * entry that pyts-build does not know are a warning, not an error (maturin
 * may add some). Paths are relative: absolute ones and `..` are refused, as
 * maturin does, so an include never reaches outside the project.
 */
import { Fields, isTable } from "./fields.js";

export type DistFormat = "sdist" | "wheel";

/** One include/exclude rule: a glob relative to the project root, for some formats. */
export interface GlobRule {
  path: string;
  formats: DistFormat[];
}

/** An include from a build script's OUT_DIR: a glob relative to OUT_DIR, the folder in the wheel it goes to, and whose OUT_DIR. */
export interface OutDirRule {
  path: string;
  to: string;
  /** The package whose build script wrote the files; default the project's crate. */
  crateName?: string;
}

const FORMATS: readonly DistFormat[] = ["sdist", "wheel"];
const KNOWN = ["path", "format", "from", "to", "crate-name"];

/** Why `p` may not be an include/exclude path (absolute, or with a `..` part), or undefined. */
export function patternError(p: string): string | undefined {
  if (p.startsWith("/") || p.startsWith("\\") || /^[A-Za-z]:/.test(p)) return "must be a relative path";
  if (p.split(/[\\/]/).includes("..")) return "must not contain `..` (nothing outside the project is packed)";
  return undefined;
}

/** Read `include` or `exclude` (`k`) of a tool table. */
export function readIncludeRules(f: Fields, k: "include" | "exclude", warnings: string[]): { rules: GlobRule[]; outDir: OutDirRule[] } {
  const rules: GlobRule[] = [];
  const outDir: OutDirRule[] = [];
  const raw = f.raw[k];
  if (raw === undefined) return { rules, outDir };
  if (!Array.isArray(raw)) f.fail(k, "must be an array of globs or {path, format} tables");
  const checked = (t: Fields, key: string, v: string, prefix: string) => {
    const why = patternError(v);
    if (why) t.fail(key, `"${v}" ${why}`, `${prefix} are relative to the folder of pyproject.toml`);
    return v;
  };
  raw.forEach((item, i) => {
    if (typeof item === "string") {
      rules.push({ path: checked(f, `${k}[${i}]`, item, "globs"), formats: [...FORMATS] });
      return;
    }
    if (!isTable(item)) f.fail(`${k}[${i}]`, "must be a glob string or a {path, format} table");
    const t: Fields = new Fields(f.file, `${f.key(k)}[${i}]`, item);
    const unknown = t.keys().filter((x) => !KNOWN.includes(x));
    if (unknown.length > 0) warnings.push(`${f.file}: ${t.key("")} keys ignored by pyts-build: ${unknown.join(", ")}`);
    const path = t.string("path");
    if (path === undefined) t.fail("path", "is missing");
    const from = t.string("from");
    if (from !== undefined) {
      if (from !== "out-dir") t.fail("from", `"${from}" is not supported`, 'the one source maturin knows is from = "out-dir" (a build script\'s OUT_DIR)');
      if (k === "exclude") {
        // maturin's grammar allows it, and maturin ignores it there
        warnings.push(`${f.file}: ${t.key("")} (from = "out-dir") is ignored: an exclude names files of the project`);
        return;
      }
      if (t.has("format")) t.fail("format", 'does not go with from = "out-dir"', "out-dir files go into the wheel only (OUT_DIR exists after the build)");
      const to = t.string("to");
      if (to === undefined) t.fail("to", 'is missing (from = "out-dir" needs the folder in the wheel)', 'e.g. to = "my_package/"');
      const rule: OutDirRule = { path: checked(t, "path", path, "OUT_DIR globs"), to: checked(t, "to", to, "wheel folders") };
      const crate = t.string("crate-name");
      if (crate !== undefined) rule.crateName = crate;
      outDir.push(rule);
      return;
    }
    for (const key of ["to", "crate-name"]) if (t.has(key)) t.fail(key, 'goes only with from = "out-dir"');
    const formats = (t.strings("format", true) ?? [...FORMATS]) as DistFormat[];
    for (const fm of formats) if (!FORMATS.includes(fm)) t.fail("format", `"${fm}" is not one of sdist, wheel`);
    rules.push({ path: checked(t, "path", path, "globs"), formats });
  });
  return { rules, outDir };
}
