/**
 * What setuptools' sdist writes besides the project's files: the
 * `<name>.egg-info/` folder (egg_info's writers: PKG-INFO, SOURCES.txt,
 * dependency_links.txt, top_level.txt, and requires.txt, entry_points.txt,
 * not-zip-safe / zip-safe when there is something to say) and the
 * `[egg_info]` section it adds to the sdist's setup.cfg. Pure functions; the
 * sdist of a setuptools project carries them so it is the sdist setuptools
 * would make (docs/sdist.md, "setuptools projects").
 */
import type { EntryPointGroups } from "../../wheel/entry-points.js";

/** setuptools' safe_name: runs of characters other than letters, digits and '.' become '-'. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9.]+/g, "-");
}

/** The egg-info folder, project-relative: `<package_dir[""]>/<safe name, '-' as '_'>.egg-info`. */
export function eggInfoDir(name: string, rootPackageDir: string | undefined): string {
  const base = `${safeName(name).replace(/-/g, "_").replace(/^_+|_+$/g, "")}.egg-info`;
  const dir = (rootPackageDir ?? "").replace(/^\.\/?|\/$/g, "");
  return dir === "" || dir === "." ? base : `${dir}/${base}`;
}

export interface EggInfoInput {
  /** The distribution's name as configured. */
  name: string;
  /** package_dir[""] (`src` in a src layout): egg_info's egg_base. */
  rootPackageDir?: string;
  /** The PKG-INFO text (the one at the sdist's top). */
  pkgInfo: string;
  /** Dotted packages and py_modules: their top-level names make top_level.txt. */
  packages: readonly string[];
  pyModules: readonly string[];
  /** Requires-Dist lines of the metadata, and its Provides-Extra names. */
  requiresDist: readonly string[];
  providesExtra: readonly string[];
  entryPoints: EntryPointGroups;
  /** setup(zip_safe=...): not-zip-safe or zip-safe; undefined writes neither. */
  zipSafe?: boolean;
}

/** One requirement split into the requirement and its marker (`foo>=1; python_version<"3.8"`). */
function splitMarker(req: string): { req: string; marker?: string } {
  const i = req.indexOf(";");
  if (i < 0) return { req: req.trim() };
  return { req: req.slice(0, i).trim(), marker: req.slice(i + 1).trim() };
}

/**
 * requires.txt (setuptools' _requirestxt): requirements without a marker
 * first, then one `[extra]` / `[extra:marker]` / `[:marker]` section each,
 * sorted. Rebuilt from the metadata's Requires-Dist, where setuptools has
 * already folded `extra == "x"` into each marker.
 */
export function requiresTxt(requiresDist: readonly string[], providesExtra: readonly string[]): string {
  const plain: string[] = [];
  const sections = new Map<string, string[]>();
  for (const e of providesExtra) sections.set(e, []);
  for (const line of requiresDist) {
    const { req, marker } = splitMarker(line);
    if (marker === undefined) {
      plain.push(req);
      continue;
    }
    const m = /^(?:\((.*)\)\s+and\s+)?extra\s*==\s*["']([^"']+)["']$/.exec(marker);
    const key = m ? (m[1] !== undefined ? `${m[2]}:${m[1]}` : (m[2] as string)) : `:${marker}`;
    sections.set(key, [...(sections.get(key) ?? []), req]);
  }
  let out = plain.map((r) => `${r}\n`).join("");
  for (const key of [...sections.keys()].sort()) out += `\n[${key}]\n` + (sections.get(key) ?? []).map((r) => `${r}\n`).join("");
  return out;
}

/** entry_points.txt as setuptools renders it: groups and entries sorted by name, a blank line between groups. */
export function eggEntryPoints(groups: EntryPointGroups): string {
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return Object.keys(groups)
    .sort(byName)
    .filter((g) => Object.keys(groups[g] ?? {}).length > 0)
    .map((g) => {
      const items = Object.entries(groups[g] ?? {}).sort(([a], [b]) => byName(a, b));
      return `[${g}]\n${items.map(([n, v]) => `${n} = ${v}`).join("\n")}\n`;
    })
    .join("\n");
}

/** top_level.txt (egg_info's, which setuptools' wheels carry too): the top-level names of the packages and modules, sorted. */
export function topLevelTxt(packages: readonly string[], pyModules: readonly string[]): string {
  return [...new Set([...packages, ...pyModules].map((n) => n.split(".")[0] as string))].sort().join("\n") + "\n";
}

/** The egg-info members but SOURCES.txt's content (which lists them): name -> content. */
export function eggInfoMembers(input: EggInfoInput): Map<string, string> {
  const dir = eggInfoDir(input.name, input.rootPackageDir);
  const out = new Map<string, string>();
  // egg-info's PKG-INFO carries the safe name (egg_info writes it with egg_name)
  out.set(`${dir}/PKG-INFO`, input.pkgInfo.replace(/^Name: .*$/m, `Name: ${safeName(input.name)}`));
  out.set(`${dir}/SOURCES.txt`, "");
  out.set(`${dir}/dependency_links.txt`, "\n");
  out.set(`${dir}/top_level.txt`, topLevelTxt(input.packages, input.pyModules));
  const requires = requiresTxt(input.requiresDist, input.providesExtra);
  if (requires !== "") out.set(`${dir}/requires.txt`, requires);
  const eps = eggEntryPoints(input.entryPoints);
  if (eps !== "") out.set(`${dir}/entry_points.txt`, eps);
  if (input.zipSafe !== undefined) out.set(`${dir}/${input.zipSafe ? "zip-safe" : "not-zip-safe"}`, "\n");
  return out;
}

/** SOURCES.txt: the manifest's files (already in setuptools' order), one a line, no final newline. */
export function sourcesTxt(files: readonly string[]): string {
  return files.join("\n");
}

/**
 * The sdist's setup.cfg: the project's (read and written again the way
 * Python's configparser does: comments dropped, `key = value`, continuation
 * lines tab-indented) with `[egg_info]` `tag_build =` and `tag_date = 0` set,
 * which setuptools' sdist always adds.
 */
export function sdistSetupCfg(text: string | undefined): string {
  const sections = parseIni(text ?? "");
  const egg = sections.get("egg_info") ?? new Map<string, string>();
  egg.set("tag_build", "");
  egg.set("tag_date", "0");
  sections.set("egg_info", egg);
  let out = "";
  for (const [name, opts] of sections) {
    out += `[${name}]\n`;
    for (const [k, v] of opts) out += `${k} = ${v.replace(/\n/g, "\n\t")}\n`;
    out += "\n";
  }
  return out;
}

/**
 * setup.cfg's `[egg_info]` version tags (`tag_build = .dev`, `tag_date = 1`),
 * which make setuptools version the build `1.0.dev0` / `1.0.20261207`: a note
 * saying pyts-build does not apply them, else undefined.
 */
export function eggInfoTagNote(text: string | undefined, where: string): string | undefined {
  const egg = parseIni(text ?? "").get("egg_info");
  const build = egg?.get("tag_build") ?? "";
  const date = egg?.get("tag_date") ?? "0";
  if (build === "" && ["", "0", "false", "no", "off"].includes(date.toLowerCase())) return undefined;
  return `${where}: [egg_info] ${build !== "" ? `tag_build = ${build}` : `tag_date = ${date}`} is not applied by pyts-build (setuptools would add it to the version); the sdist's setup.cfg clears it so the version stays the configured one`;
}

/** configparser's reading (RawConfigParser, keys kept as written): sections of options, multi-line values joined by '\n'. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | undefined;
  let key: string | undefined;
  let keyIndent = 0;
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const values = new Map<Map<string, string>, Map<string, string[]>>();
  for (const raw of lines) {
    const stripped = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (/^[#;]/.test(stripped)) continue;
    if (stripped === "") {
      if (cur && key !== undefined) values.get(cur)?.get(key)?.push("");
      continue;
    }
    if (cur && key !== undefined && indent > keyIndent) {
      values.get(cur)?.get(key)?.push(stripped);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(stripped);
    if (header) {
      const name = header[1] as string;
      cur = sections.get(name) ?? new Map();
      sections.set(name, cur);
      if (!values.has(cur)) values.set(cur, new Map());
      key = undefined;
      continue;
    }
    const m = /^(.*?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (!cur || !m) continue; // configparser would refuse the file; setuptools too
    key = m[1] as string;
    keyIndent = indent;
    values.get(cur)?.set(key, [m[2] as string]);
  }
  for (const [sec, opts] of values) {
    for (const [k, parts] of opts) sec.set(k, parts.join("\n").replace(/\s+$/, ""));
  }
  return sections;
}
