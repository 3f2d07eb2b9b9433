/**
 * `buildWheels(options)`: the typed API behind `pyts-build wheel`.
 * config -> interpreters -> cargo (once per interpreter, or once for abi3)
 * -> layout -> writeWheel -> optional after-write step (manylinux audit) -> out/.
 */
import { rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { type Logger, silentLogger } from "../log.js";
import { readElfFile, startsWithElfMagic } from "../manylinux/audit/elf.js";
import { supportsAbi3, tagsToString, withPlatforms } from "../wheel/tags.js";
import { writeWheel } from "../wheel/wheel.js";
import { applyCargoEnv, type CargoEnvPlan, describeCargoEnv, planCargoEnv } from "./cargo/cargo-env.js";
import { cargoBuildArgs, cargoMetadata, type CargoMetadata, type CargoRun } from "./cargo/cargo.js";
import { type CargoOptions, cargoOptionsOf } from "./cargo/cargo-options.js";
import { sharedLibraryOf } from "./cargo/cargo-messages.js";
import { abi3FromFeatures, enabledPyo3Features } from "./project/cargo-manifest.js";
import { loadProjectConfig, type ProjectConfig } from "./project/config.js";
import { checkNotLinkedToLibpython, stripCopy } from "./artifact.js";
import type { InterpreterInfo } from "./python/interpreter-info.js";
import { findInterpreters, interpreterLabel } from "./python/interpreter.js";
import { featuresFor, groupByFeatures } from "./python/conditional-features.js";
import { embedsPython, type LayoutInput, isVersionIndependent, layoutWheel, wheelTags } from "./layout.js";
import { checkImportable, checkShippedExtensions } from "./import-check.js";
import { generateCffiModule } from "./cffi.js";
import { buildSubdirs, planTargetDirs, seedTargetDir } from "./cargo/target-dirs.js";
import type { WheelFile } from "../wheel/wheel.js";
import { checkOutputDir } from "../output-dir.js";
import { writeWheelUnlessCurrent } from "./cache/wheel-reuse.js";
import { outDirFiles } from "./out-dir-include.js";
import { runCargoUnlessFresh } from "./cargo/cargo-fresh.js";
import { checkStubBindings, stubsForWheel } from "./stubs/wheel-stubs.js";
import { type BuiltTarget, compileTargets, layoutTargets, planTargets, setuptoolsAbi3, targetSubdirs } from "./setuptools-wheel.js";
import { buildTarget, crossInterpreters } from "./target/cross.js";
import { chooseLinker, crossStripEnv } from "./target/toolchain.js";
import { pyo3ConfigFor, writePyo3Config } from "./target/pyo3-config.js";
import { runTestCommand, TestCommandError } from "./target/test-command.js";
import { sbomWheelFiles } from "./cargo/sbom-source.js";
import { sourceDateEpoch } from "../wheel/zip.js";
import { checkUniversal2, planUniversal2 } from "./universal2.js";

export interface BuildWheelsOptions extends Omit<CargoOptions, "manifestPath"> {
  /** -m/--manifest-path */
  manifestPath?: string;
  cwd?: string;
  /** The project as the caller already loaded it (then manifestPath and cwd do not locate it again). */
  project?: ProjectConfig;
  /** -i/--interpreter (repeatable) */
  interpreters?: string[];
  findInterpreter?: boolean;
  strip?: boolean;
  /** --generate-stubs: ship the stubs pyo3's introspection data describes (default: [tool.pyts-build] generate-stubs). */
  generateStubs?: boolean;
  /** `--strict`: PEP 621 without maturin's leniency (config.ts). */
  strictMetadata?: boolean;
  /** -o/--out; default `<cargo target dir>/wheels` */
  out?: string;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  /** The wheels go to a temporary folder (develop): report their names, not paths that will be gone. */
  temporaryOut?: boolean;
  /**
   * Runs after each wheel is written and may replace it (e.g. the manylinux
   * audit picking the platform tag and repairing): returns the final wheel.
   */
  afterWrite?: (wheel: BuiltWheel, ctx: AfterWriteContext) => Promise<BuiltWheel>;
  /**
   * Runs before each wheel is written and may replace the interpreter's platform
   * tag (the manylinux audit of the files about to go in), so a wheel that only
   * needs a tag is written once; undefined keeps the interpreter's tag.
   */
  platformTags?: (files: WheelFile[], ctx: AfterWriteContext) => Promise<string[] | undefined>;
  /** afterWrite leaves a wheel whose tags platformTags gave as it was written: such a wheel, unchanged, is not written again. */
  afterWriteKeepsTagged?: boolean;
  /** Replaces layoutWheel for extension builds (editable installs put the extension into the source tree). */
  layout?: (input: LayoutInput) => WheelFile[] | Promise<WheelFile[]>;
  /**
   * Replaces findInterpreters (the manylinux command describes the Pythons inside its container). For a
   * foreign target `described` holds the target's Pythons described on the host (a cross container uses them).
   */
  interpreterSource?: (ctx: { config: ProjectConfig; meta: CargoMetadata; described?: InterpreterInfo[] }) => Promise<InterpreterInfo[]>;
  /**
   * `pyts-build wheel`'s tests: each wheel is tested with `command`, else the
   * project's test-command (none: nothing runs); a failing one removes its wheel.
   */
  test?: { command?: string; pythonRoot?: string };
  /** Replaces running cargo on the host (the manylinux command runs the same arguments inside its container). */
  runCargo?: (args: string[], ctx: { interpreter: InterpreterInfo; abi3Minor?: number; cargoEnv: CargoEnvPlan; subdirs: string[] }) => Promise<CargoRun>;
}

export interface AfterWriteContext {
  config: ProjectConfig;
  interpreter: InterpreterInfo;
  outDir: string;
  log: Logger;
  /** A program built for this interpreter that embeds it (pyo3 `bin`): the audit lets it link libpython. */
  embedsPython?: boolean;
}

export interface BuiltWheel {
  /** Absolute path of the .whl */
  path: string;
  fileName: string;
  /** `cp311-cp311-linux_x86_64` etc. */
  tags: string[];
  abi3: boolean;
  interpreter: { executable: string; implementation: string; version: string };
}

/** One cargo run and the wheel made from it. */
interface BuildUnit {
  interpreter: InterpreterInfo;
  abi3Minor?: number;
  /** The cargo features of this run (the build's, plus the conditional ones its interpreter matches). */
  features?: string[];
}

/** abi3: one build for all CPythons (with the oldest fitting one), version-specific builds for the rest. */
export function planBuilds(interps: InterpreterInfo[], abi3: number | "current" | undefined): BuildUnit[] {
  if (abi3 === undefined) return interps.map((interpreter) => ({ interpreter }));
  const stable = interps.filter(supportsAbi3).sort((a, b) => a.minor - b.minor);
  const units: BuildUnit[] = interps.filter((i) => !supportsAbi3(i)).map((interpreter) => ({ interpreter }));
  const pick = abi3 === "current" ? stable[0] : (stable.find((i) => i.minor >= abi3) ?? stable[0]);
  if (pick) units.unshift({ interpreter: pick, abi3Minor: abi3 === "current" ? pick.minor : abi3 });
  return units;
}

function checkTarget(config: ProjectConfig, rustcArgs: string[] | undefined): void {
  const c = config.cargo;
  if (config.tool.bindings === "bin") {
    if (c.bins.length === 0) throw new ConfigError(`${c.path} has no binary target`, 'add src/main.rs, or use bindings = "pyo3" for an extension module');
    if (rustcArgs && rustcArgs.length > 0) throw new ConfigError("trailing rustc arguments (after --) work only for extension modules", "remove them, or use RUSTFLAGS");
    return;
  }
  const fix = `add to ${c.path}:\n[lib]\ncrate-type = ["cdylib"]`;
  if (!c.lib) throw new ConfigError(`${c.path} has no library target, so there is no extension module to build`, `create src/lib.rs with a #[pymodule] and ${fix}`);
  if (!c.lib.crateTypes.includes("cdylib")) {
    throw new ConfigError(`${c.path}: the library is not a cdylib (crate-type = ${JSON.stringify(c.lib.crateTypes)}), so Python cannot load it`, fix);
  }
}

/** What maturin would also say about a layout that works, but not as the user may think. */
function warnLayout(config: ProjectConfig, log: Logger): void {
  const leaf = config.moduleName.split(".").pop() as string;
  if (config.tool.bindings !== "bin" && !config.pythonSource && config.moduleName.includes(".")) {
    log.warn(`module-name ${config.moduleName} has no Python package around it (no python-source): the wheel's module is the top-level package ${leaf}`);
  }
  if (config.tool.bindings === "cffi" && !config.metadata.requiresDist.some((r) => /^cffi\b/i.test(r))) {
    log.warn('bindings = "cffi": the installed package imports cffi, but the project does not depend on it; add "cffi" to [project] dependencies');
  }
}

function describe(i: InterpreterInfo): BuiltWheel["interpreter"] {
  return { executable: i.executable, implementation: i.implementation, version: `${i.major}.${i.minor}` };
}

export async function buildWheels(o: BuildWheelsOptions = {}): Promise<BuiltWheel[]> {
  const log = o.log ?? silentLogger;
  const env = o.env ?? process.env;
  const cwd = resolve(o.cwd ?? process.cwd());
  const config = o.project ?? loadProjectConfig({ cwd, env, ...(o.manifestPath !== undefined ? { manifestPath: o.manifestPath } : {}), ...(o.strictMetadata ? { strictMetadata: true } : {}), ...(o.interpreters?.[0] !== undefined ? { python: o.interpreters[0] } : {}) });
  for (const w of config.warnings) log.warn(w);
  // [tool.pyts-build] / [tool.maturin] cargo keys plus the command line's (tool-config.ts)
  const cargoOpts: CargoOptions = cargoOptionsOf(config.tool, o, config.cargo.path);
  if (!config.setuptools) checkTarget(config, cargoOpts.rustcArgs);
  // --target, the project's target key, or CARGO_BUILD_TARGET (cross.ts); cargo gets it as --target either way
  const target = buildTarget(cargoOpts.target, env);
  if (target) cargoOpts.target = target.triple;
  if (target?.parsed.arch === "universal2") checkUniversal2(config, { container: o.interpreterSource !== undefined });
  if (target?.foreign && config.tool.bindings === "cffi") throw new ConfigError(`bindings = "cffi" cannot be built for ${target.triple} from here: ffi.py is made by the target's Python`, "build it on the target machine (or under its emulation)");
  const features = cargoOpts.features ?? [];
  // ffi.py is made by the build interpreter, which a container build only has inside the container
  if (config.tool.bindings === "cffi" && o.runCargo) throw new ConfigError('bindings = "cffi" cannot be built in a container yet', "build it with `pyts-build wheel` on the target machine");
  const strip = o.strip ?? config.tool.strip;
  const generateStubs = o.generateStubs ?? config.tool.generateStubs ?? false;
  if (generateStubs) checkStubBindings(config);
  const stripEnv = target?.foreign ? crossStripEnv(target.parsed, env) : env;

  const meta = await cargoMetadata(config.cargo.path, { env, cwd, ...(cargoOpts.offline || cargoOpts.frozen ? { offline: true } : {}), ...(cargoOpts.config ? { config: cargoOpts.config } : {}) });
  const outDir = resolve(cwd, o.out ?? join(meta.targetDirectory, "wheels"));
  await checkOutputDir(outDir); // before the compile, not after it
  const bindings = config.tool.bindings;
  // the stable-ABI minimum of a feature set (setuptools: bdist_wheel's py_limited_api)
  const abi3Of = (f: string[]) =>
    config.setuptools ? setuptoolsAbi3(config.setuptools) : abi3FromFeatures(enabledPyo3Features(config.cargo, { features: f, ...(cargoOpts.allFeatures ? { allFeatures: true } : {}), ...(cargoOpts.noDefaultFeatures ? { noDefaultFeatures: true } : {}) }));
  const abi3 = !config.setuptools && isVersionIndependent(bindings) ? undefined : abi3Of(features);
  // a foreign target's Pythons are described, not run; its linker is the user's, or the usual cross gcc (toolchain.ts)
  const linker = target?.foreign && !o.runCargo ? chooseLinker(target.parsed, { env, cwd, ...(cargoOpts.config ? { config: cargoOpts.config } : {}) }) : undefined;
  if (linker) log.info(`linking for ${target?.triple} with ${linker.value} (found on PATH; set ${linker.name} to choose another)`);
  const described = target?.foreign
    ? crossInterpreters(target, { ...(o.interpreters ? { interpreters: o.interpreters } : {}), ...(o.findInterpreter ? { findInterpreter: true } : {}), abi3, versionIndependent: isVersionIndependent(bindings), env })
    : undefined;
  const interps = o.interpreterSource ? await o.interpreterSource({ config, meta, ...(described ? { described } : {}) }) : described ?? await findInterpreters({
    ...(o.interpreters ? { interpreters: o.interpreters } : {}),
    ...(o.findInterpreter ? { findInterpreter: true } : {}),
    cacheDir: join(meta.targetDirectory, "pyts-build", "interpreters"),
    ...(config.metadata.requiresPython ? { requiresPython: config.metadata.requiresPython } : {}),
    ...(config.cargo.pyo3 || config.cargo.pyo3Ffi ? { minMinor: 7 } : {}), // pyo3 and pyo3-ffi support Python 3.7+
    cwd,
    env,
    log,
  });

  const isBin = bindings === "bin";
  // a setuptools-rust project: one cargo run per RustExtension / RustBin, each its own crate (setuptools-wheel.ts)
  const targets = config.setuptools ? await planTargets(config, { env, cwd, log, ...(cargoOpts.offline || cargoOpts.frozen ? { offline: true } : {}), ...(cargoOpts.config ? { config: cargoOpts.config } : {}) }) : undefined;
  if (!targets) warnLayout(config, log);
  else if (o.layout) log.warn("an editable install of a setuptools-rust project is not supported yet: the wheel is a regular one (rebuild after changes)");
  // a program that embeds Python: one build per interpreter, tagged for it (maturin's pyo3 bin)
  const bound = embedsPython(config);
  const units: BuildUnit[] = [];
  if (isVersionIndependent(bindings, bound)) {
    // A binary or a cffi library does not depend on the Python version: one build, tagged py3-none.
    const [one] = planBuilds(interps.slice(0, 1), undefined);
    if (one) units.push({ ...one, features: featuresFor(features, config.tool.conditionalFeatures, one.interpreter) });
  } else {
    // conditional features: interpreters that turn on the same ones build together (abi3 when those make pyo3 abi3)
    for (const g of groupByFeatures(features, config.tool.conditionalFeatures, interps)) {
      const abi3 = bound ? undefined : abi3Of(g.features);
      units.push(...planBuilds(g.interpreters, abi3).map((u) => ({ ...u, features: g.features })));
      if (typeof abi3 !== "number") continue;
      for (const i of g.interpreters.filter((x) => supportsAbi3(x) && x.minor < abi3)) {
        log.warn(`${i.executable} (${interpreterLabel(i)}) is older than the abi3 minimum 3.${abi3} (pyo3 feature abi3-py3${abi3}): no wheel for it`);
      }
    }
  }

  // .dist-info/sboms/ (PEP 770): the same for every wheel of the build; remembered, so a no-op runs no cargo for it.
  // Asked when the first wheel is packed, after a compile: a crate cargo cannot resolve fails with the build's own error.
  let sboms: Promise<WheelFile[]> | undefined;
  const sbomFiles = () => (sboms ??= sbomWheelFiles(config, {
    cwd,
    env,
    targetDir: meta.targetDirectory,
    features,
    ...(cargoOpts.allFeatures ? { allFeatures: true } : {}),
    ...(cargoOpts.noDefaultFeatures ? { noDefaultFeatures: true } : {}),
    ...(cargoOpts.offline ? { offline: true } : {}),
    ...(cargoOpts.locked ? { locked: true } : {}),
    ...(cargoOpts.frozen ? { frozen: true } : {}),
    ...(cargoOpts.config ? { config: cargoOpts.config } : {}),
    ...(env.SOURCE_DATE_EPOCH !== undefined ? { epoch: sourceDateEpoch(env) } : {}),
  }));

  const pyo3ConfigDir = join(meta.targetDirectory, "pyts-build", "pyo3-config");
  const envFor = (unit: BuildUnit, triple = target?.triple) => {
    // lib_dir only where something links libpython: a program embedding it, or any Windows module
    const libDir = env.PYO3_CROSS_LIB_DIR && (isVersionIndependent(bindings) || target?.parsed.system === "windows") ? env.PYO3_CROSS_LIB_DIR : undefined;
    const described = unit.interpreter.described !== undefined ? { pyo3ConfigFile: writePyo3Config(pyo3ConfigDir, pyo3ConfigFor(unit.interpreter, unit.abi3Minor, libDir)) } : {};
    return planCargoEnv({ bindings, interpreter: unit.interpreter, ...(unit.abi3Minor !== undefined ? { abi3Minor: unit.abi3Minor } : {}), ...(triple ? { target: triple } : {}), env, ...(o.rustcArgs ? { rustcArgs: o.rustcArgs } : {}), ...described, ...(linker ? { linker } : {}) });
  };
  const cargoEnvs = units.map((u) => envFor(u));
  // universal2: two cargo runs a unit, joined (universal2.ts)
  const universal = target?.parsed.arch === "universal2" ? planUniversal2(units, envFor, { targetDirectory: meta.targetDirectory, ownFolders: !o.runCargo, env, manifestPath: config.cargo.path, bindings, log }) : undefined;
  // several Python environments: one target folder each, so a rebuild compiles nothing (target-dirs.ts); the container has its own
  const targetDirs = universal?.targetDirs ?? (o.runCargo ? units.map(() => undefined) : planTargetDirs(units.map((u, i) => ({ cargoEnv: cargoEnvs[i] as CargoEnvPlan, ...(u.abi3Minor !== undefined ? { abi3Minor: u.abi3Minor } : {}), ...(target ? { target: target.triple } : {}) })), meta.targetDirectory));

  /** Seeds the unit's target folder (from `seeds`, first fitting) and runs cargo for it. */
  const compile = async (index: number, seeds: string[]): Promise<{ run?: CargoRun; cffiModule?: string; built?: BuiltTarget[] }> => {
    const unit = units[index] as BuildUnit;
    const interp = unit.interpreter;
    if (targets) {
      const subdirs = targetSubdirs(targets, cargoOpts, env);
      const dir = targetDirs[index];
      if (dir !== undefined) seedTargetDir(dir, seeds, subdirs);
      const abi3Unit = unit.abi3Minor !== undefined ? { abi3Minor: unit.abi3Minor } : {};
      const hook = o.runCargo;
      const built = await compileTargets(targets, {
        interpreter: interp,
        ...abi3Unit,
        ...(config.setuptools?.pyLimitedApi !== undefined ? { pyLimitedApi: config.setuptools.pyLimitedApi } : {}),
        cli: cargoOpts,
        env,
        cwd,
        ...(dir !== undefined ? { targetDir: dir } : {}),
        log,
        ...(hook ? { runCargo: (args: string[], cargoEnv: CargoEnvPlan) => hook(args, { interpreter: interp, ...abi3Unit, cargoEnv, subdirs }) } : {}),
      });
      return { built };
    }
    const what = unit.abi3Minor !== undefined ? `abi3 (Python >= 3.${unit.abi3Minor}) with ${interpreterLabel(interp)}` : interpreterLabel(interp);
    log.step(isBin ? `Building the binaries of ${config.cargo.package.name}${bound ? ` for ${what}` : ""}` : `Building for ${what} (${interp.executable}) ...`);
    const abi3Unit = unit.abi3Minor !== undefined ? { abi3Minor: unit.abi3Minor } : {};
    /** One cargo run for `triple` (a universal2 unit has two), in its target folder seeded from `from`. */
    const runPart = async (cargoEnv: CargoEnvPlan, targetDir: string | undefined, triple = cargoOpts.target, from = seeds): Promise<CargoRun> => {
      const opts = { ...cargoOpts, ...(triple !== undefined ? { target: triple } : {}) };
      if (targetDir !== undefined) {
        const seeded = seedTargetDir(targetDir, from, buildSubdirs(opts));
        log.debug(`cargo target folder: ${targetDir}${seeded.from ? ` (seeded from ${seeded.from}, ${(seeded.bytes / 1e6).toFixed(1)} MB)` : ""}`);
      }
      if (cargoEnv.withoutInterpreter) log.info(`no interpreter fits abi3 (Python >= 3.${unit.abi3Minor}) here: PyO3 configures the build from its abi3 feature alone (PYO3_NO_PYTHON=1)`);
      log.debug(`cargo environment: ${describeCargoEnv(cargoEnv)}`);
      const rustcArgs = [...(cargoOpts.rustcArgs ?? []), ...cargoEnv.rustcArgs];
      const cargoArgs = cargoBuildArgs({ ...opts, ...(unit.features ? { features: unit.features } : {}), ...(rustcArgs.length ? { rustcArgs } : {}) }, isBin ? "bins" : "lib", log.verbosity);
      return o.runCargo
        ? o.runCargo(cargoArgs, { interpreter: interp, ...abi3Unit, cargoEnv, subdirs: buildSubdirs(opts) })
        : runCargoUnlessFresh(
            { args: cargoArgs, cwd, env: { ...applyCargoEnv(env, cargoEnv), ...(targetDir !== undefined ? { CARGO_TARGET_DIR: targetDir } : {}) }, manifestPath: config.cargo.path, workspaceRoot: meta.workspaceRoot, targetDir: targetDir ?? meta.targetDirectory, ...(cargoOpts.config ? { config: cargoOpts.config } : {}) },
            log,
          );
    };
    // cffi's ffi.py first: a missing cbindgen or cffi module fails before the compile
    const cffiModule = bindings === "cffi" ? await generateCffiModule({ crateDir: config.cargo.dir, targetDir: meta.targetDirectory, python: interp.executable, env }) : undefined;
    const run = universal ? await universal.compile(index, seeds, runPart) : await runPart(cargoEnvs[index] as CargoEnvPlan, targetDirs[index]);
    return { run, cffiModule };
  };

  /** The wheel of a compiled unit: layout, checks, write, after-write step. */
  const pack = async (index: number, { run, cffiModule, built }: Awaited<ReturnType<typeof compile>>): Promise<BuiltWheel> => {
    const unit = units[index] as BuildUnit;
    const interp = unit.interpreter;
    const ours = run?.artifacts.filter((a) => a.manifestPath === config.cargo.path) ?? [];
    const stripDir = join(meta.targetDirectory, "pyts-build", "stripped");
    const fromOutDir = outDirFiles(config.tool.outDirIncludes, run?.buildScripts ?? [], config.cargo.package.name, `${config.pyprojectPath ?? config.cargo.path}: ${config.toolTable}.include`);
    for (const w of fromOutDir.warnings) log.warn(w);
    const outDirInput = fromOutDir.files.length > 0 ? { outDirFiles: fromOutDir.files } : {};
    let files;
    if (built) files = await layoutTargets(config, built, { interpreter: interp, ...(strip ? { strip } : {}), env, log });
    else if (isBin) {
      const binaries = ours
        .filter((a) => a.kind.includes("bin") && a.executable)
        .map((a) => ({ name: basename(a.executable as string), path: a.executable as string }));
      const shipped = strip ? await Promise.all(binaries.map(async (b) => ({ ...b, path: await stripCopy(b.path, stripDir, interp.system, stripEnv) }))) : binaries;
      files = layoutWheel({ config, interpreter: interp, binaries: shipped, ...outDirInput });
    } else {
      const lib = ours.map(sharedLibraryOf).filter((f): f is string => f !== undefined).pop();
      if (!lib) {
        throw new ConfigError(`cargo built no shared library for ${config.cargo.package.name}`, `make sure ${config.cargo.path} has [lib] crate-type = ["cdylib"]`);
      }
      // an ELF file parsed once for both checks (a Mach-O or PE file is read by the import check alone; a universal2 file slice by slice)
      const elf = startsWithElfMagic(lib) ? readElfFile(lib) : undefined;
      checkNotLinkedToLibpython(lib, { usesPyo3: config.cargo.pyo3 !== undefined || config.cargo.pyo3Ffi !== undefined, lockFile: join(meta.workspaceRoot, "Cargo.lock"), ...(elf ? { elf } : {}) });
      checkImportable(lib, config.moduleName, bindings, elf); // before the layout: an editable one installs the library at once
      // read from cargo's library: a stripped copy may have lost the symbols
      const stubs = generateStubs ? stubsForWheel(lib, config, join(meta.targetDirectory, "pyts-build", "stubs"), log) : undefined;
      const artifact = strip ? await stripCopy(lib, stripDir, interp.system, stripEnv) : lib;
      const input: LayoutInput = { config, interpreter: interp, artifact, abi3: unit.abi3Minor !== undefined, ...(cffiModule !== undefined ? { cffiModule } : {}), ...(stubs ? { stubs } : {}), ...outDirInput };
      files = o.layout ? await o.layout(input) : layoutWheel(input);
      checkShippedExtensions(files, artifact);
    }
    const ctx: AfterWriteContext = { config, interpreter: interp, outDir, log, ...(bound ? { embedsPython: true } : {}) };
    const plain = wheelTags(interp, { bindings, embedsPython: bound, ...(unit.abi3Minor !== undefined ? { abi3Minor: unit.abi3Minor } : {}) });
    const platforms = (o.platformTags ? await o.platformTags(files, ctx) : undefined) ?? universal?.platforms;
    const tags = platforms ? withPlatforms(plain, platforms) : plain;
    const spec = { metadata: config.metadata, tags, files: [...files, ...(await sbomFiles())], entryPoints: config.entryPoints, licenseFiles: config.licenseFiles };
    // An unchanged wheel is kept (wheel-reuse.ts), unless a later step may replace it (afterWrite).
    const final = !o.afterWrite || (platforms !== undefined && o.afterWriteKeepsTagged === true);
    const { path, reused } = final ? await writeWheelUnlessCurrent(spec, outDir, join(meta.targetDirectory, "pyts-build", "wheel-notes")) : { path: await writeWheel(spec, outDir), reused: false };
    if (reused) log.debug(`${basename(path)} is unchanged since it was written: kept`);
    let wheel: BuiltWheel = {
      path,
      fileName: basename(path),
      tags: tags.map(tagsToString),
      abi3: unit.abi3Minor !== undefined && supportsAbi3(interp),
      interpreter: describe(interp),
    };
    if (o.afterWrite) wheel = await o.afterWrite(wheel, ctx);
    const testCommand = o.test ? (o.test.command ?? config.tool.testCommand) : undefined;
    if (testCommand !== undefined) {
      const pythonRoot = o.test?.pythonRoot !== undefined ? { pythonRoot: resolve(cwd, o.test.pythonRoot) } : {};
      try {
        await runTestCommand(wheel.path, interp, { command: testCommand, projectDir: config.projectDir, env, log, abi3: wheel.abi3, ...pythonRoot });
      } catch (e) {
        if (e instanceof TestCommandError) rmSync(wheel.path, { force: true });
        throw e;
      }
    }
    if (o.temporaryOut) log.step(`Built ${wheel.fileName}`);
    else log.info(`Built wheel ${wheel.path}`);
    return wheel;
  };

  const built: BuiltWheel[] = [];
  const seeds = [meta.targetDirectory];
  const concurrent = concurrentUnits(units.length, targetDirs);
  for (let index = 0; index < units.length; index++) {
    if (index === 1 && concurrent > 1) {
      // every other folder is seeded from the first one built: its compiles run side by side
      const rest = await inBatches(units.slice(1).map((_, i) => () => compile(i + 1, seeds)), concurrent);
      for (const [i, r] of rest.entries()) built.push(await pack(i + 1, r));
      break;
    }
    built.push(await pack(index, await compile(index, seeds)));
    const dir = targetDirs[index];
    if (dir !== undefined) seeds.unshift(dir); // the folder built last is the best seed: the same sources, just compiled
  }
  return built;
}

/**
 * How many units after the first compile at once: one per core, when each has
 * its own target folder (PyO3's chain of crates keeps about one core busy, so
 * two interpreters side by side take little longer than one).
 */
export function concurrentUnits(count: number, targetDirs: (string | undefined)[], cores = availableParallelism()): number {
  if (count < 3 || targetDirs.some((d) => d === undefined) || new Set(targetDirs).size !== targetDirs.length) return 1;
  return Math.max(1, Math.min(cores, count - 1));
}

/**
 * Run the tasks, at most `limit` at a time, and return their results in order.
 * Every task started is waited for before a failure is thrown (no cargo left running).
 */
export async function inBatches<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < tasks.length && !failed) {
      const i = next++;
      try {
        results[i] = { status: "fulfilled", value: await (tasks[i] as () => Promise<T>)() };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
        failed = true; // start nothing new
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r?.status === "rejected");
  if (failure) throw failure.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
