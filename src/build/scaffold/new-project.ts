/**
 * `pyts-build new` and `init`: write a project that builds with pyts-build.
 * The file contents come from templates.ts; this module decides which files,
 * asks cargo which pyo3 the user's crate sources give (so the generated code
 * uses that version's API) and writes them, never over an existing file.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { releaseTemp, trackTemp } from "../../cleanup.js";
import { CargoError, ConfigError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { silentLogger } from "../../log.js";
import { isValidIdentifier, isValidProjectName } from "../../wheel/names.js";
import { STDLIB_MODULES } from "./stdlib-modules.js";
import { readCargoManifest } from "../project/cargo-manifest.js";
import { captureCargo } from "../cargo/cargo-process.js";
import { isDir } from "../../fs-util.js";
import { readToml } from "../project/toml.js";
import {
  cffiSource,
  GITIGNORE_LINES,
  importNameFor,
  type NewBindings,
  NEW_BINDINGS,
  projectFiles,
  pyo3AtLeast,
  pyo3ModuleSource,
  pyprojectToml,
  type TemplateFile,
  testFile,
} from "./templates.js";

export interface NewProjectOptions {
  /** The project folder (new: must not exist or be empty; init: default cwd). */
  path?: string;
  /** Project name (default: the crate's name, else the folder's name). */
  name?: string;
  bindings?: NewBindings;
  mixed?: boolean;
  /** Skip asking cargo and use this pyo3 version. */
  pyo3Version?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export interface NewProjectResult {
  dir: string;
  name: string;
  bindings: NewBindings;
  /** Files written or changed, relative to dir, in order. */
  files: string[];
  pyo3Version?: string;
}



const lastLine = (s: string) =>
  s
    .trim()
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(-1)[0]
    ?.trim()
    .replace(/^error:\s*/, "") ?? "";

/** The nearest existing folder at or above `p` (where cargo looks for `.cargo/config.toml`). */
function existingAncestor(p: string): string {
  let d = resolve(p);
  while (!isDir(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

/**
 * The pyo3 version cargo picks for a new dependency, asked with `cargo add` in a
 * scratch crate, run from `cwd` so the user's cargo configuration (source
 * replacement, registries, offline mode) applies as it will for the project.
 */
export async function resolvePyo3Version(o: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  const env = o.env ?? process.env;
  const scratch = trackTemp(mkdtempSync(join(tmpdir(), "pyts-build-new-")));
  try {
    mkdirSync(join(scratch, "src"));
    writeFileSync(join(scratch, "Cargo.toml"), `[package]\nname = "pyts-build-probe"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n`);
    writeFileSync(join(scratch, "src/lib.rs"), "");
    const r = await captureCargo(["add", "pyo3", "--quiet", "--manifest-path", join(scratch, "Cargo.toml")], { cwd: existingAncestor(o.cwd), env });
    if (r.code !== 0) {
      throw new CargoError(
        `cargo could not find the pyo3 crate on your configured crate sources: ${lastLine(r.stderr)}`,
        "check the network or cargo's [source]/[registries] configuration, or pass --pyo3-version VERSION",
      );
    }
    // cargo add wrote the version it resolved, e.g. pyo3 = "0.22.6"
    const deps = readToml(join(scratch, "Cargo.toml")).dependencies as Record<string, unknown> | undefined;
    const spec = deps?.pyo3;
    const version = typeof spec === "string" ? spec : typeof spec === "object" && spec !== null ? (spec as { version?: unknown }).version : undefined;
    if (typeof version !== "string" || !/^\d+\.\d+/.test(version)) throw new CargoError(`cargo add pyo3 wrote no version (${JSON.stringify(spec)})`);
    return version;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    releaseTemp(scratch);
  }
}

function checkPyo3Version(v: string): string {
  if (!/^\d+\.\d+(\.\d+)?$/.test(v)) throw new ConfigError(`--pyo3-version "${v}" is not a version`, "give a pyo3 release such as 0.22.6");
  return v;
}

/** Where a project name came from, as the error says it. */
type NameSource = "--name" | "the folder" | "Cargo.toml";

/** The name as a project name and as the module it gives (when the bindings make one). */
function checkName(name: string, from: NameSource, bindings: NewBindings): string {
  const what = from === "--name" ? `--name "${name}"` : from === "the folder" ? `the folder name "${name}"` : `the package name "${name}" in Cargo.toml`;
  const other = from === "--name" ? "choose another with --name" : "choose the project name with --name";
  if (!isValidProjectName(name)) {
    throw new ConfigError(`${what} is not a valid project name`, `use ASCII letters, digits, '-', '_' and '.', starting and ending with a letter or digit (PEP 508); ${other}`);
  }
  const pkg = importNameFor(name);
  if (!isValidIdentifier(pkg)) {
    throw new ConfigError(`${what} gives the module name "${pkg}", which is not a Python identifier`, `${other} (it must start with a letter)`);
  }
  // a bin project makes no module; any other would be hidden behind the standard library's (its own test would fail)
  if (bindings !== "bin" && STDLIB_MODULES.has(pkg)) {
    throw new ConfigError(`${what} gives the module name "${pkg}", which the standard library already has: \`import ${pkg}\` would find Python's own`, `${other}, e.g. ${pkg}_rs`);
  }
  return name;
}

function checkBindings(b: string | undefined, mixed: boolean): NewBindings {
  const bindings = (b ?? "pyo3") as NewBindings;
  if (!NEW_BINDINGS.includes(bindings)) throw new ConfigError(`--bindings "${b}" is not one of ${NEW_BINDINGS.join(", ")}`, "use --bindings pyo3 (an extension module), cffi or bin");
  if (mixed && bindings === "bin") throw new ConfigError("--mixed with --bindings bin is not supported", "a bin project ships only the program; leave out --mixed");
  return bindings;
}

/** Write each file as a temp file then rename, so a file is there whole or not at all. */
function writeFiles(dir: string, files: TemplateFile[]): void {
  for (const f of files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    const tmp = join(dirname(p), `.${basename(p)}.tmp-${process.pid}`);
    writeFileSync(tmp, f.content);
    renameSync(tmp, p);
  }
}

function refuseExisting(dir: string, files: TemplateFile[]): void {
  const clash = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path);
  if (clash.length > 0) {
    throw new ConfigError(`${dir} already has ${clash.join(", ")}`, "pyts-build new/init never overwrites files: move them away, or run init in a fresh folder");
  }
}

async function pyo3For(o: NewProjectOptions, dir: string, env: NodeJS.ProcessEnv, log: Logger): Promise<string> {
  if (o.pyo3Version !== undefined) return checkPyo3Version(o.pyo3Version);
  log.step("asking cargo which pyo3 version your crate sources give");
  const v = await resolvePyo3Version({ cwd: dir, env });
  log.debug(`pyo3 ${v}: the template uses the ${pyo3AtLeast(v, 21) ? "Bound" : "&PyModule"} API`);
  return v;
}

/** `pyts-build new PATH`: a new project folder (which must not exist or be empty). */
export async function newProject(o: NewProjectOptions & { path: string }): Promise<NewProjectResult> {
  const dir = resolve(o.cwd ?? process.cwd(), o.path);
  if (existsSync(dir) && (!isDir(dir) || readdirSync(dir).length > 0)) {
    throw new ConfigError(`${dir} already exists and is not empty`, "pick a new folder, or run `pyts-build init` inside an existing one");
  }
  return writeNew(o, dir, false);
}

/** The files of `new` (init: an existing README.md is kept, an existing .gitignore gains the missing lines). */
async function writeNew(o: NewProjectOptions, dir: string, init: boolean): Promise<NewProjectResult> {
  const env = o.env ?? process.env;
  const log = o.log ?? silentLogger;
  const mixed = o.mixed === true;
  const bindings = checkBindings(o.bindings, mixed);
  const name = checkName(o.name ?? basename(dir), o.name !== undefined ? "--name" : "the folder", bindings);
  const pyo3Version = bindings === "pyo3" ? await pyo3For(o, dir, env, log) : undefined;
  const kept = (f: TemplateFile) => init && (f.path === "README.md" || f.path === ".gitignore") && existsSync(join(dir, f.path));
  const files = projectFiles({ name, bindings, mixed, ...(pyo3Version ? { pyo3Version } : {}) }).filter((f) => !kept(f));
  if (isDir(dir)) refuseExisting(dir, files);
  writeFiles(dir, files);
  const written = files.map((f) => f.path);
  if (init && mergeGitignore(dir)) written.push(".gitignore");
  return { dir, name, bindings, files: written, ...(pyo3Version ? { pyo3Version } : {}) };
}

/** The path of the crate's library root (`[lib] path`, else src/lib.rs). */
function libRoot(cargoToml: string): string {
  const lib = readToml(cargoToml).lib as { path?: unknown } | undefined;
  return join(dirname(cargoToml), typeof lib?.path === "string" ? lib.path : "src/lib.rs");
}

/**
 * Make the library a cdylib (keeping rlib so `cargo test` and Rust users still
 * work): a text edit, so the rest of the user's Cargo.toml stays as it is.
 */
export function addCdylibCrateType(text: string, file: string): string {
  const lines = text.split("\n");
  const libAt = lines.findIndex((l) => /^\s*\[lib\]\s*(#.*)?$/.test(l));
  if (libAt < 0) return text.replace(/\n*$/, "\n") + `\n[lib]\ncrate-type = ["cdylib", "rlib"]\n`;
  let end = lines.findIndex((l, i) => i > libAt && /^\s*\[/.test(l));
  if (end < 0) end = lines.length;
  const ct = lines.findIndex((l, i) => i > libAt && i < end && /^\s*crate-type\s*=/.test(l));
  if (ct < 0) {
    lines.splice(libAt + 1, 0, `crate-type = ["cdylib", "rlib"]`);
    return lines.join("\n");
  }
  if (/"cdylib"/.test(lines[ct] as string)) return text;
  const m = /^(\s*crate-type\s*=\s*\[)(.*)\]\s*(#.*)?$/.exec(lines[ct] as string);
  if (!m) throw new ConfigError(`${file}: [lib] crate-type spans several lines; pyts-build init cannot add "cdylib" to it`, 'add "cdylib" to [lib] crate-type yourself, then run init again');
  const rest = (m[2] as string).trim();
  lines[ct] = `${m[1]}"cdylib"${rest ? ", " + rest : ""}]${m[3] ? " " + m[3] : ""}`;
  return lines.join("\n");
}

/** A file name for the new Rust module that does not exist yet in the crate. */
function freeModule(srcDir: string, wanted: string): string {
  for (let i = 0; ; i++) {
    const name = i === 0 ? wanted : `${wanted}_${i}`;
    if (!existsSync(join(srcDir, `${name}.rs`)) && !existsSync(join(srcDir, name))) return name;
  }
}

/** Add the .gitignore lines a project needs to the folder's file (created when absent); whether it changed. */
function mergeGitignore(dir: string): boolean {
  const p = join(dir, ".gitignore");
  const old = existsSync(p) ? readFileSync(p, "utf8") : "";
  const have = new Set(old.split("\n").map((l) => l.trim()));
  const missing = GITIGNORE_LINES.filter((l) => !have.has(l) && !have.has(l.replace(/^\//, "")));
  if (missing.length === 0) return false;
  writeFiles(dir, [{ path: ".gitignore", content: (old === "" ? "" : old.replace(/\n*$/, "\n")) + missing.join("\n") + "\n" }]);
  return true;
}

/**
 * `pyts-build init [PATH]`: turn an existing folder into a project. A folder
 * without Cargo.toml gets the files `new` writes; an existing crate keeps its
 * code and gets pyproject.toml, a test, the cdylib crate type, the pyo3
 * dependency and a Rust module file holding the `#[pymodule]` (declared with
 * one `mod` line at the end of its library root).
 */
export async function initProject(o: NewProjectOptions = {}): Promise<NewProjectResult> {
  const dir = resolve(o.cwd ?? process.cwd(), o.path ?? ".");
  if (!isDir(dir)) throw new ConfigError(`${dir} is not a folder`, "create it first, or use `pyts-build new PATH`");
  const cargoToml = join(dir, "Cargo.toml");
  if (!existsSync(cargoToml)) return writeNew(o, dir, true);

  const env = o.env ?? process.env;
  const log = o.log ?? silentLogger;
  if (existsSync(join(dir, "pyproject.toml"))) throw new ConfigError(`${dir} already has a pyproject.toml`, "the project is set up already: build it with `pyts-build wheel`");
  const crate = readCargoManifest(cargoToml);
  const mixed = o.mixed === true;
  if (mixed) throw new ConfigError("--mixed is for new folders only", "create python/<package>/__init__.py yourself and set [tool.pyts-build] python-source");
  const bindings = checkBindings(o.bindings ?? (crate.lib === undefined && crate.bins.length > 0 ? "bin" : "pyo3"), false);
  const name = checkName(o.name ?? crate.package.name, o.name !== undefined ? "--name" : "Cargo.toml", bindings);
  if (bindings === "bin" && crate.bins.length === 0) throw new ConfigError(`${cargoToml} has no binary target`, "add src/main.rs, or use --bindings pyo3");
  if (bindings !== "bin" && crate.lib === undefined) throw new ConfigError(`${cargoToml} has no library target`, "add src/lib.rs, or use --bindings bin for a program");

  // the test imports the library by its lib name; a bin test runs the program by its name
  const testName = bindings === "bin" ? (crate.bins[0] as string) : (crate.lib?.name as string);
  const files: TemplateFile[] = [
    { path: "pyproject.toml", content: pyprojectToml({ name, bindings, mixed }, { readme: existsSync(join(dir, "README.md")) }) },
    { path: `tests/test_${importNameFor(testName)}.py`, content: testFile({ name: testName, bindings, mixed }, { smoke: bindings === "bin" || crate.pyo3 !== undefined }) },
  ];
  const changed: string[] = [];
  let pyo3Version: string | undefined;
  let moduleEdit: { root: string; file: TemplateFile; modLine: string } | undefined;
  if (bindings !== "bin") {
    const root = libRoot(cargoToml);
    if (!existsSync(root)) throw new ConfigError(`${cargoToml}: the library root ${root} does not exist`, "fix [lib] path");
    const needsCode = bindings === "cffi" || crate.pyo3 === undefined;
    if (needsCode) {
      const mod = freeModule(dirname(root), bindings === "cffi" ? "c_api" : "python_module");
      if (bindings === "pyo3") pyo3Version = await pyo3For(o, dir, env, log);
      const lib = crate.lib?.name as string;
      const edition = (readToml(cargoToml).package as { edition?: unknown } | undefined)?.edition;
      const content = bindings === "cffi" ? cffiSource(typeof edition === "string" ? edition : "2015") : pyo3ModuleSource(pyo3Version as string, lib, lib);
      moduleEdit = { root, file: { path: join(dirname(root), `${mod}.rs`).slice(dir.length + 1), content }, modLine: `\nmod ${mod};\n` };
      files.push(moduleEdit.file);
    }
  }
  refuseExisting(dir, files);

  // The crate first (cargo may refuse), then the new files.
  if (pyo3Version !== undefined) {
    const features = pyo3AtLeast(pyo3Version, 26) ? [] : ["--features", "extension-module"];
    const r = await captureCargo(["add", `pyo3@${pyo3Version}`, ...features, "--quiet", "--manifest-path", cargoToml], { cwd: dir, env });
    if (r.code !== 0) throw new CargoError(`cargo add pyo3 failed in ${dir}: ${lastLine(r.stderr)}`, "fix Cargo.toml so that `cargo add` works, then run init again");
    changed.push("Cargo.toml");
  }
  if (bindings !== "bin") {
    const before = readFileSync(cargoToml, "utf8");
    const after = addCdylibCrateType(before, cargoToml);
    if (after !== before) {
      writeFiles(dir, [{ path: "Cargo.toml", content: after }]);
      if (!changed.includes("Cargo.toml")) changed.push("Cargo.toml");
    }
  }
  writeFiles(dir, files);
  if (moduleEdit) {
    const rootText = readFileSync(moduleEdit.root, "utf8");
    writeFiles(dirname(moduleEdit.root), [{ path: basename(moduleEdit.root), content: rootText.replace(/\n*$/, "\n") + moduleEdit.modLine }]);
    changed.push(moduleEdit.root.slice(dir.length + 1));
  }
  if (mergeGitignore(dir)) changed.push(".gitignore");
  return { dir, name, bindings, files: [...files.map((f) => f.path), ...changed], ...(pyo3Version ? { pyo3Version } : {}) };
}
