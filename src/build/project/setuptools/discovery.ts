/**
 * setuptools' package discovery (its discovery.py and config/expand.py are the
 * spec): the `find` directive (classic packages need `__init__.py`, PEP 420 ones
 * do not), and the automatic discovery used when neither packages nor
 * py_modules are configured (explicit package_dir, src layout, flat layout with
 * its reserved names).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../../errors.js";
import { joinRel } from "./model.js";

export interface FindOptions {
  include?: string[];
  exclude?: string[];
  /** PEP 420: every folder with an identifier-like name counts (pyproject.toml's default). */
  namespaces?: boolean;
}

/** fnmatchcase: `*`, `?`, `[seq]`, `[!seq]`, whole-string match. */
export function fnmatch(name: string, pattern: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s").test(name);
}

const matchesAny = (name: string, patterns: readonly string[]) => patterns.some((p) => fnmatch(name, p));

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function subdirs(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => isDir(join(dir, n))).sort();
}

/** Python's str.isidentifier for the ASCII names packages use. */
const isIdentifier = (s: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);

const ALWAYS_EXCLUDE = ["ez_setup", "*__pycache__"];

/**
 * setuptools' PackageFinder / PEP420PackageFinder over `where` (absolute):
 * folders with a '.' in the name are skipped; `pkg.*` or `pkg*` in exclude stops
 * the walk below pkg. `looksLikePackage` overrides the package test (flat layout).
 */
export function findPackages(where: string, o: FindOptions = {}, looksLikePackage?: (dir: string, pkg: string) => boolean): string[] {
  const include = o.include ?? ["*"];
  const exclude = [...ALWAYS_EXCLUDE, ...(o.exclude ?? [])];
  const test = looksLikePackage ?? ((dir: string) => o.namespaces === true || existsSync(join(dir, "__init__.py")));
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const name of subdirs(dir)) {
      const full = join(dir, name);
      const pkg = prefix ? `${prefix}.${name}` : name;
      if (name.includes(".") || !test(full, pkg)) continue;
      if (matchesAny(pkg, include) && !matchesAny(pkg, exclude)) out.push(pkg);
      if (exclude.includes(`${pkg}*`) || exclude.includes(`${pkg}.*`)) continue;
      walk(full, pkg);
    }
  };
  walk(where, "");
  return out;
}

/** setuptools' ModuleFinder: the `*.py` files directly in `where` with identifier names. */
export function findModules(where: string, exclude: readonly string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(where);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(".py") && !isDir(join(where, n)))
    .map((n) => n.slice(0, -3))
    .filter((m) => isIdentifier(m) && !matchesAny(m, exclude))
    .sort();
}

const FLAT_RESERVED = [
  "ci", "bin", "debian", "doc", "docs", "documentation", "manpages", "news", "newsfragments", "changelog",
  "test", "tests", "unit_test", "unit_tests", "example", "examples", "scripts", "tools", "util", "utils",
  "python", "build", "dist", "venv", "env", "requirements", "tasks", "fabfile", "site_scons",
  "benchmark", "benchmarks", "exercise", "exercises", "htmlcov", "[._]*",
];
const FLAT_PACKAGE_EXCLUDE = FLAT_RESERVED.flatMap((p) => [p, `${p}.*`]);
const FLAT_MODULE_EXCLUDE = [
  "setup", "conftest", "test", "tests", "example", "examples", "build", "toxfile", "noxfile", "pavement", "dodo",
  "tasks", "fabfile", "[Ss][Cc]onstruct", "conanfile", "manage", "benchmark", "benchmarks", "exercise", "exercises", "[._]*",
];

/** Packages nested in another of the list are dropped (setuptools' remove_nested_packages). */
export function topLevelPackages(packages: string[]): string[] {
  return packages.filter((p) => !packages.some((o) => p.startsWith(`${o}.`)));
}

/** The find directive (pyproject.toml `packages.find`, setup.cfg `find:`): packages, and package_dir entries it fills in. */
export function expandFind(projectDir: string, where: string[], o: FindOptions, packageDir: Record<string, string>): string[] {
  const search = [...new Set(where.length ? where : ["."])];
  if (search.length === 1 && joinRel(search[0] as string) !== "" && packageDir[""] === undefined) packageDir[""] = joinRel(search[0] as string);
  const packages: string[] = [];
  for (const w of search) {
    const found = findPackages(join(projectDir, w), o);
    packages.push(...found);
    const rel = joinRel(w);
    if (found.length > 0 && packageDir[""] !== rel && rel !== "") {
      for (const top of topLevelPackages(found)) packageDir[top] ??= joinRel(rel, ...top.split("."));
    }
  }
  return packages;
}

export interface Discovered {
  packages: string[];
  pyModules: string[];
  packageDir: Record<string, string>;
}

/**
 * Automatic discovery, when neither packages nor py_modules is configured:
 * package_dir entries other than "" (explicit layout), else `src/` (or
 * package_dir[""]), else the flat layout, which refuses several top-level
 * packages or modules as setuptools does.
 */
export function autoDiscover(projectDir: string, packageDir: Record<string, string>, file: string): Discovered {
  const dirs = { ...packageDir };
  const explicit = Object.entries(dirs).filter(([k]) => k !== "");
  if (explicit.length > 0) {
    const packages = explicit.flatMap(([pkg, dir]) => [pkg, ...findPackages(join(projectDir, dir), { namespaces: true }).map((n) => `${pkg}.${n}`)]);
    return { packages, pyModules: [], packageDir: dirs };
  }
  const src = dirs[""] ?? "src";
  if (isDir(join(projectDir, src))) {
    dirs[""] = src;
    const where = join(projectDir, src);
    return { packages: findPackages(where, { namespaces: true }), pyModules: findModules(where), packageDir: dirs };
  }
  const flat = findPackages(projectDir, { namespaces: true, exclude: FLAT_PACKAGE_EXCLUDE }, (_dir, pkg) => {
    const [root, ...rest] = pkg.split(".");
    return (isIdentifier(root as string) || (root as string).endsWith("-stubs")) && rest.every(isIdentifier);
  });
  const top = topLevelPackages(flat.filter((p) => !(p.split(".")[0] as string).endsWith("-stubs")));
  const refuse = (found: string[], kind: string) => {
    throw new ConfigError(
      `${file}: multiple top-level ${kind} discovered in a flat layout (${found.join(", ")}); setuptools refuses to guess, and so does pyts-build`,
      `list them: [tool.setuptools] packages = [...] (or packages.find with include/exclude), or move the code into src/`,
    );
  };
  if (top.length > 1) refuse(top, "packages");
  if (top.length === 1) return { packages: flat, pyModules: [], packageDir: dirs };
  const modules = findModules(projectDir, FLAT_MODULE_EXCLUDE);
  if (modules.length > 1) refuse(modules, "modules");
  return { packages: [], pyModules: modules, packageDir: dirs };
}
