/**
 * The Rust builds of a setuptools-rust project and where their files go in
 * the wheel: one cargo run per RustExtension / RustBin (each its own
 * Cargo.toml), composed as setuptools-rust's build_rust composes it, then the
 * extension modules at their dotted targets, Exec binaries inside their
 * packages, RustBins as scripts, generated files from the build scripts'
 * OUT_DIR, and the Python side as setuptools' build_py would copy it.
 * buildWheels calls `compileTargets` per build unit and `layoutTargets` to
 * list the wheel's files.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { ConfigError, CargoError } from "../errors.js";
import type { Logger } from "../log.js";
import { readElfFile, startsWithElfMagic } from "../manylinux/audit/elf.js";
import { moduleFileFromArtifact } from "../wheel/module-name.js";
import { wheelDistName } from "../wheel/names.js";
import { supportsAbi3 } from "../wheel/tags.js";
import { dataDirName, distInfoDirName, type WheelFile } from "../wheel/wheel.js";
import { checkNotLinkedToLibpython, stripCopy } from "./artifact.js";
import { applyCargoEnv, type CargoEnvPlan, planCargoEnv } from "./cargo/cargo-env.js";
import { type CargoMetadata, cargoMetadata, type CargoRun, commonCargoFlags } from "./cargo/cargo.js";
import { runCargoUnlessFresh } from "./cargo/cargo-fresh.js";
import { sharedLibraryOf } from "./cargo/cargo-messages.js";
import type { CargoOptions } from "./cargo/cargo-options.js";
import { buildSubdirs } from "./cargo/target-dirs.js";
import { checkImportable, checkShippedExtensions } from "./import-check.js";
import { abi3FromFeatures, type CargoManifest, enabledPyo3Features, readCargoManifest } from "./project/cargo-manifest.js";
import type { ProjectConfig } from "./project/config.js";
import type { RustExtensionSpec, RustTargetSpec, SetuptoolsProject } from "./project/setuptools/model.js";
import { setuptoolsDataFiles, setuptoolsPythonFiles } from "./project/setuptools/python-files.js";
import { topLevelTxt } from "./sdist/egg-info.js";
import { setuptoolsManifest } from "./sdist/setuptools-sdist.js";
import { profileOf } from "./project/setuptools/rust-targets.js";
import { limitedApiMinor } from "./project/setuptools/tool-setuptools.js";
import type { InterpreterInfo } from "./python/interpreter-info.js";

/** The command line's cargo options that apply to every target (the rest comes from each target's configuration). */
export type CliCargoOptions = Omit<CargoOptions, "manifestPath">;

/** One target, planned: its crate and the cargo folder facts. */
export interface PlannedTarget {
  spec: RustTargetSpec;
  manifest: CargoManifest;
  meta: CargoMetadata;
}

/** What cargo built for one target of one unit (undefined run: an optional target that failed). */
export interface BuiltTarget {
  target: PlannedTarget;
  run?: CargoRun;
}

/** pyo3 features setuptools-rust adds for a PyO3 extension (`_binding_features`): extension-module, and abi3-py3X with py_limited_api. */
export function bindingFeatures(spec: RustTargetSpec, pyLimitedApi: string | undefined, hasPyo3: boolean): string[] {
  if (spec.kind !== "extension" || spec.binding !== "PyO3" || !hasPyo3) return [];
  const f = ["pyo3/extension-module"];
  if (spec.pyLimitedApi === "auto" && pyLimitedApi !== undefined) f.push(`pyo3/abi3-py${pyLimitedApi.slice(2)}`);
  return f;
}

/** Whether an extension's module file carries the abi3 suffix (setuptools-rust's `_is_py_limited_api`). */
export function usesLimitedApi(spec: RustExtensionSpec, pyLimitedApi: string | undefined): boolean {
  return spec.pyLimitedApi === "auto" ? pyLimitedApi !== undefined : spec.pyLimitedApi;
}

/** The profile a target builds with: the command line's `--profile`, else SETUPTOOLS_RUST_CARGO_PROFILE, else its args', else release unless debug. */
export function targetProfile(spec: RustTargetSpec, cli: CliCargoOptions, env: NodeJS.ProcessEnv): { release: boolean; profile?: string } {
  const override = cli.profile ?? (env.SETUPTOOLS_RUST_CARGO_PROFILE || undefined);
  if (override !== undefined) return { release: false, profile: override };
  const own = profileOf(spec.args, spec.where);
  if (own !== undefined) return { release: false, profile: own };
  return { release: spec.debug !== true };
}

/** cargo's arguments for one target, as setuptools-rust's build_rust composes them (plus the command line's cargo flags). */
export function targetCargoArgs(
  t: { spec: RustTargetSpec; manifest: Pick<CargoManifest, "lib" | "pyo3"> },
  o: { pyLimitedApi?: string; cli: CliCargoOptions; env: NodeJS.ProcessEnv; verbosity?: Logger["verbosity"]; extraRustcArgs?: string[] },
): string[] {
  const { spec } = t;
  const lib = spec.kind === "extension";
  const a = lib ? ["rustc", "--lib"] : ["build", ...(spec.kind === "bin" ? [spec.target] : spec.targets.map((x) => x.binary)).flatMap((b) => ["--bin", b])];
  // the command line's cargo flags (lock mode, --target, --config...), but profile and features as the target says
  const { profile: _profile, release: _release, features: cliFeatures, rustcArgs: cliRustc, ...cli } = o.cli;
  a.push("--message-format=json-render-diagnostics", ...commonCargoFlags({ ...cli, manifestPath: spec.manifestPath }));
  const override = o.cli.profile ?? (o.env.SETUPTOOLS_RUST_CARGO_PROFILE || undefined);
  const own = profileOf(spec.args, spec.where);
  if (spec.debug !== true && own === undefined && override === undefined) a.push("--release");
  if (spec.quiet || o.verbosity === "quiet") a.push("--quiet");
  else if (o.verbosity === "verbose") a.push("--verbose");
  const features = [...new Set([...spec.features, ...bindingFeatures(spec, o.pyLimitedApi, t.manifest.pyo3 !== undefined), ...(cliFeatures ?? [])])];
  if (features.length > 0) a.push("--features", features.join(" "));
  let args = [...spec.args];
  if (override !== undefined && own !== undefined) {
    // an overriding profile replaces the target's own (setuptools-rust's SETUPTOOLS_RUST_CARGO_PROFILE rule)
    const i = args.indexOf("--profile");
    args = args.filter((x, j) => !x.startsWith("--profile=") && !(i >= 0 && (j === i || j === i + 1)));
  }
  a.push(...args);
  if (override !== undefined) a.push("--profile", override);
  a.push(...spec.cargoManifestArgs);
  // setuptools-rust asks cargo for a cdylib; a crate that declares one builds without (cargo's fingerprint stays that of `cargo build`)
  if (lib && !t.manifest.lib?.crateTypes.includes("cdylib") && !args.includes("--crate-type")) a.push("--crate-type", "cdylib");
  const rustc = lib ? [...spec.rustcFlags, ...(cliRustc ?? []), ...(o.extraRustcArgs ?? [])] : [];
  if (rustc.length > 0) a.push("--", ...rustc);
  return a;
}

/** `rustc --version`'s version, compared with a target's rust-version (semantic_version SimpleSpec: `>=1.70`, `1.70`, `>=1.60,<2`). */
export function rustVersionMatches(version: string, spec: string): boolean {
  const parse = (v: string) => v.split(".").map((x) => Number.parseInt(x, 10));
  const have = parse(version);
  const cmp = (want: number[]) => {
    for (let i = 0; i < want.length; i++) {
      const d = (have[i] ?? 0) - (want[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  };
  return spec.split(",").every((clause) => {
    const m = /^\s*(>=|<=|==|!=|>|<|\^|~=|~|=)?\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(clause);
    if (!m) throw new ConfigError(`rust-version "${spec}" cannot be read`, 'write e.g. rust-version = ">=1.70"');
    const want = parse(m[2] as string);
    const d = cmp(want);
    switch (m[1] ?? "==") {
      case ">=":
        return d >= 0;
      case ">":
        return d > 0;
      case "<=":
        return d <= 0;
      case "<":
        return d < 0;
      case "!=":
        return d !== 0;
      case "^":
        return d >= 0 && have[0] === want[0] && (want[0] !== 0 || have[1] === want[1]);
      case "~":
      case "~=":
        return d >= 0 && have[0] === want[0] && (want.length < 2 || have[1] === want[1]);
      default:
        return d === 0; // "1.70" and "==1.70" match 1.70.x
    }
  });
}

let rustcVersion: string | undefined;
function installedRustVersion(env: NodeJS.ProcessEnv): string {
  if (rustcVersion !== undefined) return rustcVersion;
  const rustc = env.RUSTC || "rustc";
  try {
    const out = execFileSync(rustc, ["--version"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    rustcVersion = /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? "0.0.0";
  } catch {
    throw new CargoError(`${rustc} --version failed: cannot check the rust-version requirement`, "install Rust (https://rustup.rs) or put rustc on PATH");
  }
  return rustcVersion;
}

/** Each target's crate and target folder, read once per build. */
export async function planTargets(config: ProjectConfig, o: { env: NodeJS.ProcessEnv; cwd: string; offline?: boolean; config?: string[]; log: Logger }): Promise<PlannedTarget[]> {
  const model = config.setuptools as SetuptoolsProject;
  const out: PlannedTarget[] = [];
  for (const spec of model.rustTargets) {
    let manifest: CargoManifest;
    try {
      manifest = spec.manifestPath === config.cargo.path ? config.cargo : readCargoManifest(spec.manifestPath);
    } catch (e) {
      if (spec.optional) continue;
      if ((e as NodeJS.ErrnoException).code === "ENOENT" || !statOk(spec.manifestPath)) {
        throw new ConfigError(`${spec.where}: path ${spec.manifestPath} does not exist`, "set path to the crate's Cargo.toml, relative to the project folder");
      }
      throw e;
    }
    if (spec.rustVersion !== undefined) {
      const have = installedRustVersion(spec.env ? { ...o.env, ...spec.env } : o.env);
      if (!rustVersionMatches(have, spec.rustVersion)) {
        const e = new ConfigError(`${spec.where}: Rust ${have} does not match the rust-version requirement ${spec.rustVersion}`, "update Rust (rustup update), or relax rust-version");
        if (spec.optional) continue;
        throw e;
      }
    }
    if (spec.kind === "extension" && model.pyLimitedApi === undefined && abi3FromFeatures(enabledPyo3Features(manifest, { features: spec.features })) !== undefined) {
      // setuptools tags by bdist_wheel's option alone: an abi3 library in a version-specific wheel
      o.log.warn(`${spec.where}: ${manifest.path} turns on pyo3's abi3 feature, but the wheel is tagged for one Python version, as setuptools tags it; set [tool.distutils.bdist_wheel] py-limited-api = "cp3X" for an abi3 wheel`);
    }
    const meta = await cargoMetadata(spec.manifestPath, { env: o.env, cwd: o.cwd, ...(o.offline ? { offline: true } : {}), ...(o.config ? { config: o.config } : {}) });
    out.push({ spec, manifest, meta });
  }
  return out;
}

function statOk(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** The profile folders a unit's targets build into (for seeding a fresh target folder). */
export function targetSubdirs(targets: PlannedTarget[], cli: CliCargoOptions, env: NodeJS.ProcessEnv): string[] {
  return [...new Set(targets.flatMap((t) => buildSubdirs({ ...targetProfile(t.spec, cli, env), ...(cli.target !== undefined ? { target: cli.target } : {}) })))];
}

/** Compile every target for one unit, one cargo run each; an optional one that fails is left out with a warning. */
export async function compileTargets(
  targets: PlannedTarget[],
  o: {
    interpreter: InterpreterInfo;
    abi3Minor?: number;
    pyLimitedApi?: string;
    cli: CliCargoOptions;
    env: NodeJS.ProcessEnv;
    cwd: string;
    targetDir?: string;
    log: Logger;
    runCargo?: (args: string[], plan: CargoEnvPlan) => Promise<CargoRun>;
  },
): Promise<BuiltTarget[]> {
  const built: BuiltTarget[] = [];
  for (const t of targets) {
    const { spec } = t;
    // setuptools-rust runs cargo in the target's own environment when it has one
    const base = spec.env ? { ...spec.env } : o.env;
    const bindings = spec.kind === "extension" ? (spec.binding === "PyO3" ? "pyo3" : "pyo3-ffi") : "bin";
    const plan = planCargoEnv({ bindings, interpreter: o.interpreter, ...(o.abi3Minor !== undefined && spec.kind === "extension" ? { abi3Minor: o.abi3Minor } : {}), ...(o.cli.target !== undefined ? { target: o.cli.target } : {}), env: base });
    const args = targetCargoArgs(t, { ...(o.pyLimitedApi !== undefined ? { pyLimitedApi: o.pyLimitedApi } : {}), cli: o.cli, env: o.env, verbosity: o.log.verbosity, extraRustcArgs: plan.rustcArgs });
    const what = spec.kind === "bin" ? `binary ${spec.target}` : spec.kind === "exec" ? `binaries ${spec.targets.map((x) => x.binary).join(", ")}` : `extension ${spec.target}`;
    o.log.step(`Building ${what} (${t.manifest.path})`);
    try {
      const run = o.runCargo
        ? await o.runCargo(args, plan)
        : await runCargoUnlessFresh(
            { args, cwd: o.cwd, env: { ...applyCargoEnv(base, plan), ...(o.targetDir !== undefined ? { CARGO_TARGET_DIR: o.targetDir } : {}) }, manifestPath: spec.manifestPath, workspaceRoot: t.meta.workspaceRoot, targetDir: o.targetDir ?? t.meta.targetDirectory, ...(o.cli.config ? { config: o.cli.config } : {}) },
            o.log,
          );
      built.push({ target: t, run });
    } catch (e) {
      if (!spec.optional) throw e;
      o.log.warn(`${spec.where}: optional ${what} failed to build, so the wheel is made without it: ${(e as Error).message}`);
      built.push({ target: t });
    }
  }
  return built;
}

const manifests = new WeakMap<ProjectConfig, string[]>();

/** setuptools' sdist manifest of the project (no cargo), once per loaded config: the same for every interpreter. */
function sdistManifestOf(config: ProjectConfig, model: SetuptoolsProject): string[] {
  let files = manifests.get(config);
  if (files === undefined) {
    files = setuptoolsManifest({ ...config, setuptools: model }, { distName: wheelDistName(config.metadata.name) }).files.map((f) => f.replace(/^\.\//, ""));
    manifests.set(config, files);
  }
  return files;
}

/** Every file below a folder, '/'-separated and sorted. */
function filesBelow(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(abs).isDirectory()) out.push(...filesBelow(abs, rel));
    else out.push(rel);
  }
  return out;
}

/** The place of a binary inside the packages: `pkg.tool` -> `pkg/tool` (the last part may be kebab-case), `.exe` on Windows. */
function execPath(module: string, system: string): string {
  return module.replace(/\./g, "/") + (system === "windows" ? ".exe" : "");
}

/**
 * The wheel's files for one unit: the Python side (setuptools), then each
 * built target at its place. Checks each extension's PyInit name and libpython
 * link before anything is written.
 */
export async function layoutTargets(
  config: ProjectConfig,
  built: BuiltTarget[],
  o: { interpreter: InterpreterInfo; strip?: boolean; env: NodeJS.ProcessEnv; log: Logger; manifestFiles?: string[] },
): Promise<WheelFile[]> {
  const model = config.setuptools as SetuptoolsProject;
  const interp = o.interpreter;
  // include-package-data: setuptools takes the package files its sdist manifest lists (MANIFEST.in applied)
  const manifestFiles = o.manifestFiles ?? (model.includePackageData ? sdistManifestOf(config, model) : undefined);
  const dataDir = dataDirName(config.metadata.name, config.metadata.version);
  const files = new Map<string, WheelFile>();
  const put = (f: WheelFile) => files.set(f.path, f); // built files win over sources of the same name, as they are copied last
  for (const f of setuptoolsPythonFiles(config.projectDir, model, { ...(manifestFiles ? { manifestFiles } : {}), warn: (m) => o.log.warn(m) })) put({ path: f.path, source: { file: f.file } });

  const artifacts = new Set<string>();
  for (const { target, run } of built) {
    if (!run) continue;
    const { spec, manifest, meta } = target;
    const ours = run.artifacts.filter((a) => a.manifestPath === manifest.path);
    const release = spec.debug !== true; // setuptools-rust strips release builds only
    const stripFlags = spec.strip === "All" ? ["-x"] : spec.strip === "Debug" ? ["-S"] : undefined;
    const shipped = async (file: string) => {
      const dir = join(meta.targetDirectory, "pyts-build", "stripped", manifest.package.name);
      if (stripFlags && release && interp.system !== "windows") return stripCopy(file, dir, interp.system, o.env, stripFlags);
      if (o.strip) return stripCopy(file, dir, interp.system, o.env);
      return file;
    };
    if (spec.kind === "extension") {
      const lib = ours.map(sharedLibraryOf).filter((f): f is string => f !== undefined).pop();
      if (!lib) throw new ConfigError(`${spec.where}: cargo built no shared library for ${manifest.package.name}`, `make sure ${manifest.path} has a [lib] target`);
      const elf = startsWithElfMagic(lib) ? readElfFile(lib) : undefined;
      if (spec.binding === "PyO3") checkNotLinkedToLibpython(lib, { usesPyo3: true, lockFile: join(meta.workspaceRoot, "Cargo.lock"), ...(elf ? { elf } : {}) });
      try {
        checkImportable(lib, spec.target, "pyo3", elf);
      } catch (e) {
        const suggested = /set module-name = "([^"]+)"/.exec((e as ConfigError).hint ?? "")?.[1];
        throw new ConfigError((e as Error).message, suggested ? `set target = "${suggested}" (${spec.where}), or rename the Rust module to match` : (e as ConfigError).hint);
      }
      const parts = spec.target.split(".");
      const leaf = parts[parts.length - 1] as string;
      // the `.abi3` suffix where the interpreter has one (setuptools' get_abi3_suffix: not on PyPy)
      const abi3 = usesLimitedApi(spec, model.pyLimitedApi) && supportsAbi3(interp);
      const name = moduleFileFromArtifact(lib, { module: leaf, system: interp.system, extSuffix: interp.extSuffix, abi3 });
      const artifact = await shipped(lib);
      artifacts.add(artifact);
      put({ path: [...parts.slice(0, -1), name].join("/"), source: { file: artifact }, executable: true });
      if (spec.generatedFiles.length > 0) {
        const script = (run.buildScripts ?? []).filter((b) => ours.some((a) => a.packageId === b.packageId)).pop();
        if (!script) throw new ConfigError(`${spec.where}: generated-files needs the crate's build script, but cargo reported no build script output for ${manifest.package.name}`, `add a build.rs to ${manifest.dir} that writes the files into OUT_DIR`);
        const missed: string[] = [];
        for (const g of spec.generatedFiles) {
          const src = join(script.outDir, g.source);
          const dest = g.package.replace(/\./g, "/");
          let st;
          try {
            st = statSync(src);
          } catch {
            missed.push(g.source);
            continue;
          }
          if (st.isDirectory()) for (const rel of filesBelow(src)) put({ path: `${dest}/${basename(src)}/${rel}`, source: { file: join(src, rel) } });
          else put({ path: `${dest}/${basename(src)}`, source: { file: src } });
        }
        if (missed.length > 0) throw new ConfigError(`${spec.where}: generated-files not found in the build script's OUT_DIR (${script.outDir}): ${missed.join(", ")}`, "make build.rs write them, or fix generated-files");
      }
      continue;
    }
    const programs = spec.kind === "bin" ? [{ binary: spec.target, place: `${dataDir}/scripts/${spec.target}${interp.system === "windows" ? ".exe" : ""}` }] : spec.targets.map((x) => ({ binary: x.binary, place: execPath(x.module, interp.system) }));
    for (const p of programs) {
      const exe = ours.find((a) => a.kind.includes("bin") && a.targetName === p.binary && a.executable)?.executable;
      if (!exe) throw new ConfigError(`${spec.where}: cargo built no binary named ${p.binary} in ${manifest.path}`, `the name must be a [[bin]] target of ${manifest.path} (its binaries: ${manifest.bins.join(", ") || "none"})`);
      put({ path: p.place, source: { file: await shipped(exe) }, executable: true });
    }
  }
  for (const f of setuptoolsDataFiles(config.projectDir, model, dataDir)) if (!files.has(f.path)) put({ path: f.path, source: { file: f.file } });
  // egg_info's top_level.txt, which setuptools' wheels carry: the top-level names of the packages and modules
  put({ path: `${distInfoDirName(config.metadata.name, config.metadata.version)}/top_level.txt`, source: { bytes: topLevelTxt(model.packages, model.pyModules) } });
  const list = [...files.values()];
  checkShippedExtensions(list.filter((f) => !("file" in f.source) || !artifacts.has(f.source.file)), undefined);
  return list;
}

/** The abi3 minimum of the wheel tag: bdist_wheel's py_limited_api (cp38 -> 8), for planBuilds. */
export function setuptoolsAbi3(model: SetuptoolsProject): number | undefined {
  return model.pyLimitedApi !== undefined ? limitedApiMinor(model.pyLimitedApi) : undefined;
}
