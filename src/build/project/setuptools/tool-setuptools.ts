/**
 * pyproject.toml's `[tool.setuptools]` (setuptools' pyproject configuration
 * reference is the spec): the layout keys, `dynamic`, and the keys pyts-build
 * cannot stand in for. The wheel option `[tool.distutils.bdist_wheel]
 * py-limited-api` is read here too.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../../errors.js";
import { validateModuleName } from "../../../wheel/names.js";
import { Fields } from "../fields.js";
import { expandFind } from "./discovery.js";
import { joinRel, packageFolder } from "./model.js";

export interface ToolSetuptools {
  packages?: string[];
  packageDir?: Record<string, string>;
  pyModules?: string[];
  packageData?: Record<string, string[]>;
  excludePackageData?: Record<string, string[]>;
  includePackageData?: boolean;
  zipSafe?: boolean;
  dataFiles?: Array<{ dir: string; files: string[] }>;
  /** `[tool.setuptools.dynamic]` as read. */
  dynamic?: Fields;
}

const KEYS = [
  "packages", "package-dir", "py-modules", "package-data", "exclude-package-data", "include-package-data", "data-files",
  "dynamic", "zip-safe", "platforms", "provides", "obsoletes", "eager-resources", "license-files",
  "ext-modules", "cmdclass", "script-files", "namespace-packages",
];
const REFUSED: Record<string, string> = {
  "ext-modules": "C/C++ extensions are compiled by setuptools",
  cmdclass: "custom setuptools commands run Python code during the build",
  "script-files": "script files are rewritten by setuptools' build_scripts",
  "namespace-packages": "pkg_resources-style namespace packages need setuptools at run time",
};

/** package-data / exclude-package-data: "*" means every package (setuptools' canonic_package_data). */
function packageGlobs(f: Fields, k: string): Record<string, string[]> | undefined {
  const t = f.table(k);
  if (!t) return undefined;
  const out: Record<string, string[]> = {};
  for (const pkg of t.keys()) out[pkg === "*" ? "" : pkg] = t.strings(pkg, true) ?? [];
  return out;
}

/** Read `[tool.setuptools]`; `find` is expanded against `projectDir`. */
export function readToolSetuptools(f: Fields | undefined, projectDir: string): ToolSetuptools {
  const out: ToolSetuptools = {};
  if (!f) return out;
  f.onlyKeys(KEYS);
  for (const [k, why] of Object.entries(REFUSED)) {
    if (f.has(k)) f.fail(k, `is not supported by pyts-build (${why})`, "build this project with setuptools (pip wheel .), or remove the key");
  }
  const pd = f.stringMap("package-dir");
  if (pd) out.packageDir = Object.fromEntries(Object.entries(pd).map(([k, v]) => [k, joinRel(v)]));
  const raw = f.raw.packages;
  if (Array.isArray(raw)) {
    out.packages = f.strings("packages") as string[];
    for (const p of out.packages) validateModuleName(p, `${f.file}: ${f.key("packages")}`);
  } else if (raw !== undefined) {
    const t = f.table("packages") as Fields;
    t.onlyKeys(["find"]);
    const find = t.table("find") ?? t.fail("find", "is missing", 'write packages = ["pkg"] or packages.find = { where = ["src"] }');
    find.onlyKeys(["where", "include", "exclude", "namespaces"]);
    const dirs = (out.packageDir ??= {});
    out.packages = expandFind(projectDir, find.strings("where", true) ?? ["."], {
      include: find.strings("include", true) ?? ["*"],
      exclude: find.strings("exclude", true) ?? [],
      namespaces: find.bool("namespaces") ?? true,
    }, dirs);
  }
  const mods = f.strings("py-modules");
  if (mods) out.pyModules = mods;
  const data = packageGlobs(f, "package-data");
  if (data) out.packageData = data;
  const excl = packageGlobs(f, "exclude-package-data");
  if (excl) out.excludePackageData = excl;
  const ipd = f.bool("include-package-data");
  if (ipd !== undefined) out.includePackageData = ipd;
  const zs = f.bool("zip-safe");
  if (zs !== undefined) out.zipSafe = zs;
  const df = f.table("data-files");
  if (df) out.dataFiles = df.keys().map((dir) => ({ dir, files: df.strings(dir, true) ?? [] }));
  const dyn = f.table("dynamic");
  if (dyn) out.dynamic = dyn;
  return out;
}

/** `[tool.distutils.bdist_wheel] py-limited-api` (setuptools reads `[tool.distutils]` as command options). */
export function toolPyLimitedApi(raw: Record<string, unknown>, file: string): string | undefined {
  const bw = new Fields(file, "", raw).table("tool")?.table("distutils")?.table("bdist_wheel");
  if (!bw) return undefined;
  return bw.string("py-limited-api") ?? bw.string("py_limited_api");
}

/** bdist_wheel refuses a py_limited_api that is not `cp3X` (its PY_LIMITED_API_PATTERN). */
export function checkPyLimitedApi(v: string, where: string): string {
  if (!/^cp3\d+$/.test(v)) throw new ConfigError(`${where}: py-limited-api "${v}" must look like cp38 (cp3 and the oldest minor version)`, 'e.g. py-limited-api = "cp38" for an abi3 wheel for Python 3.8 and newer');
  return v;
}

/** The abi3 minimum minor version of a `cp3X` value. */
export function limitedApiMinor(v: string): number {
  return Number(v.slice(3));
}

/**
 * `attr:` and `file:` dynamic values, as setuptools' expand.read_attr
 * evaluates them without importing: a literal string assigned at the module's top.
 */
export function readAttr(projectDir: string, dotted: string, packageDir: Record<string, string>, where: string): string {
  const parts = dotted.split(".");
  const name = parts.pop() as string;
  const modParts = parts.length ? parts : ["__init__"];
  const dir = join(projectDir, packageFolder({ packageDir }, modParts.slice(0, -1).join(".")));
  const last = modParts[modParts.length - 1] as string;
  const candidates = [join(dir, `${last}.py`), join(dir, last, "__init__.py")];
  for (const file of candidates) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const re = new RegExp(`^${name.replace(/[$]/g, "\\$&")}\\s*(?::[^=\\n]+)?=\\s*(?:"([^"\\n]*)"|'([^'\\n]*)')\\s*(?:#.*)?$`, "m");
    const m = re.exec(text);
    if (m) return (m[1] ?? m[2]) as string;
    throw new ConfigError(`${where}: attr "${dotted}": ${file} does not assign ${name} a plain string`, `write ${name} = "1.2.3" at the top of the module, or give the value in [project]`);
  }
  throw new ConfigError(`${where}: attr "${dotted}": no module file for it (looked at ${candidates.join(", ")})`, "fix the dotted name or package-dir");
}

/** `{ file = "X" }` / `{ file = ["A", "B"] }`: the files' text joined by newlines. */
export function readDynamicFile(projectDir: string, t: Fields, where: string): string {
  const files = t.strings("file", true);
  if (!files) t.fail("", 'needs file = "..."', 'e.g. { file = "VERSION" }');
  return files
    .map((f) => {
      try {
        return readFileSync(join(projectDir, f), "utf8");
      } catch {
        throw new ConfigError(`${where}: ${f} cannot be read`, "fix the path; it is relative to pyproject.toml");
      }
    })
    .join("\n");
}

