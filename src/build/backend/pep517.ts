/**
 * The PEP 517 / 660 hooks, run by the Python shim (python/pyts_build) through
 * `pyts-build pep517 <hook>`. Each returns the basename of what it wrote into
 * `out`, as the hooks must.
 *
 * Builds are release builds for the interpreter running the hook, in cargo's
 * usual target folder of the source tree, so repeated `pip install .` /
 * `pip wheel .` / `python -m build --wheel` runs only re-check cargo's
 * fingerprints; builds of an unpacked sdist use a persistent target folder in
 * the user's cache (see docs/pep517.md).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { ConfigError } from "../../errors.js";
import { type Logger, silentLogger } from "../../log.js";
import { wheelDistName } from "../../wheel/names.js";
import { distInfoDirName, addWheelContents } from "../../wheel/wheel.js";
import { FolderWriter } from "../../wheel/writer.js";
import { buildSdist } from "../sdist/build-sdist.js";
import type { WheelTag } from "../../wheel/tags.js";
import { buildWheels, type BuildWheelsOptions, planBuilds } from "../build-wheel.js";
import { abi3FromFeatures, enabledPyo3Features } from "../project/cargo-manifest.js";
import { cargoOptionsOf } from "../cargo/cargo-options.js";
import { loadProjectConfig, type ProjectConfig } from "../project/config.js";
import { findInterpreters } from "../python/interpreter.js";
import { setuptoolsAbi3 } from "../setuptools-wheel.js";
import { buildTarget } from "../target/cross.js";
import { featuresFor } from "../python/conditional-features.js";
import { embedsPython, wheelTags } from "../layout.js";
import { editableLayout } from "./editable.js";
import { touchTree } from "../cache/touch.js";
import { userCacheDir as cacheRoot } from "../cache/user-cache.js";

import type { Hook } from "./pep517-hooks.js";
export { type Hook, HOOKS } from "./pep517-hooks.js";

export interface HookOptions {
  out: string;
  /** The interpreter that runs the hook (the shim passes a stable path for it). */
  interpreter?: string;
  /** PEP 517 config_settings (pip: `-C key=value`). */
  configSettings?: Record<string, unknown>;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

/** config_settings this backend understands: `profile` (cargo profile), `features` (comma separated), `generate-stubs` (true/false). */
export function buildOptionsFromSettings(settings: Record<string, unknown> = {}): Partial<BuildWheelsOptions> {
  const o: Partial<BuildWheelsOptions> = { release: true };
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value !== "string") throw new ConfigError(`config setting "${key}" must be a string`, 'pass it as -C key=value');
    if (key === "profile") o.profile = value;
    else if (key === "features") o.features = value.split(/[\s,]+/).filter(Boolean);
    else if (key === "generate-stubs" && (value === "true" || value === "false")) o.generateStubs = value === "true";
    else if (key === "generate-stubs") throw new ConfigError(`config setting "generate-stubs" must be true or false, not "${value}"`, "pass -C generate-stubs=true");
    else throw new ConfigError(`unknown config setting "${key}"`, 'pyts-build understands "profile", "features" and "generate-stubs"');
  }
  return o;
}

/** The per-user cache folder (user-cache.ts; kept under this name for the PEP 517 callers). */
export { cacheRoot };

/**
 * A frontend builds an sdist's wheel in a new temporary folder each time, so the
 * target folder inside it is new too and everything compiles from scratch. For
 * such builds (PKG-INFO at the top) cargo gets a target folder per project in the
 * user's cache instead: registry crates are then compiled once, and only the
 * project's own crates again (measured in bench/pep517.mjs). Not when the user
 * chose CARGO_TARGET_DIR, nor with PYTS_BUILD_PERSISTENT_TARGET=0, nor in a source
 * tree, whose own target/ persists anyway.
 */
export function persistentTargetDir(cwd: string, env: NodeJS.ProcessEnv, distName: string): string | undefined {
  if (env.CARGO_TARGET_DIR || env.PYTS_BUILD_PERSISTENT_TARGET === "0") return undefined;
  if (!existsSync(join(cwd, "PKG-INFO"))) return undefined;
  return join(cacheRoot(env), "target", distName);
}

/**
 * The -i value of a hook's build: the frontend's Python, or for a foreign target
 * (the project's `target` key, CARGO_BUILD_TARGET) only its version (`python3.11`):
 * that version is built for the target, described without running it (src/build/target).
 */
async function hookInterpreter(o: HookOptions, project: ProjectConfig, cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (o.interpreter === undefined) return undefined;
  const cargo = cargoOptionsOf(project.tool, buildOptionsFromSettings(o.configSettings), project.cargo.path);
  if (!buildTarget(cargo.target, env)?.foreign) return o.interpreter;
  const [i] = await findInterpreters({ interpreters: [o.interpreter], cwd, env });
  return i ? `${i.implementation === "pypy" ? "pypy" : "python"}${i.major}.${i.minor}` : o.interpreter;
}

async function wheelHook(o: HookOptions, editable: boolean): Promise<string> {
  const cwd = resolve(o.cwd ?? process.cwd());
  const env = o.env ?? process.env;
  const project = loadProjectConfig({ cwd, ...(o.env ? { env: o.env } : {}), ...(o.interpreter !== undefined ? { python: o.interpreter } : {}) });
  const target = editable ? undefined : persistentTargetDir(cwd, env, wheelDistName(project.metadata.name));
  if (target !== undefined) {
    (o.log ?? silentLogger).debug(`building an unpacked sdist: cargo's target folder is ${target}`);
    touchTree(cwd);
  }
  // Like the anchors, a PEP 517 wheel is for the machine that builds it: the plain
  // linux tag, unless [tool.pyts-build] compatibility asks for a policy (then it is
  // audited like `pyts-build wheel`). An editable wheel holds no extension.
  const steps = editable ? {} : (await import("../../manylinux/audit/finalize.js")).manylinuxSteps({ fallback: "linux" });
  const wheels = await buildWheels({
    ...buildOptionsFromSettings(o.configSettings),
    ...steps,
    project,
    cwd,
    env: target === undefined ? env : { ...env, CARGO_TARGET_DIR: target },
    ...(o.interpreter !== undefined ? { interpreters: [(await hookInterpreter(o, project, cwd, env)) as string] } : {}),
    ...(editable ? { layout: editableLayout } : {}),
    out: o.out,
    log: o.log ?? silentLogger,
  });
  const first = wheels[0];
  if (wheels.length !== 1 || !first) throw new Error(`internal: expected one wheel, got ${wheels.length}`);
  return first.fileName;
}

/** The tags build_wheel will give the wheel: the same interpreter query and abi3 decision, without compiling. */
async function tagsFor(config: ProjectConfig, o: HookOptions, cwd: string): Promise<WheelTag[]> {
  const cargo = cargoOptionsOf(config.tool, buildOptionsFromSettings(o.configSettings), config.cargo.path);
  const features = cargo.features ?? [];
  const [interp] = await findInterpreters({ ...(o.interpreter !== undefined ? { interpreters: [o.interpreter] } : {}), cwd, ...(o.env ? { env: o.env } : {}) });
  if (!interp) throw new Error("internal: no interpreter");
  const isBin = config.tool.bindings === "bin";
  const [unit] = planBuilds([interp], config.setuptools ? setuptoolsAbi3(config.setuptools) : isBin ? undefined : abi3FromFeatures(enabledPyo3Features(config.cargo, { features: featuresFor(features, config.tool.conditionalFeatures, interp), ...(cargo.allFeatures ? { allFeatures: true } : {}), ...(cargo.noDefaultFeatures ? { noDefaultFeatures: true } : {}) })));
  return wheelTags(interp, { bindings: config.tool.bindings, embedsPython: embedsPython(config), ...(unit?.abi3Minor !== undefined ? { abi3Minor: unit.abi3Minor } : {}) });
}

/**
 * The .dist-info folder a wheel build would write, without compiling (METADATA,
 * WHEEL, entry points, licenses). WHEEL carries the plain platform tag: the
 * manylinux tag is known only once the built library has been audited, and
 * frontends read METADATA from here, not WHEEL.
 */
async function metadataHook(o: HookOptions): Promise<string> {
  const cwd = resolve(o.cwd ?? process.cwd());
  const config = loadProjectConfig({ cwd, ...(o.env ? { env: o.env } : {}), ...(o.interpreter !== undefined ? { python: o.interpreter } : {}) });
  const m = config.metadata;
  const tags = await tagsFor(config, o, cwd);
  await mkdir(o.out, { recursive: true });
  const writer = new FolderWriter(o.out);
  addWheelContents(writer, { metadata: m, tags, files: [], entryPoints: config.entryPoints, licenseFiles: config.licenseFiles });
  await writer.finish();
  return distInfoDirName(m.name, m.version);
}

export async function runHook(hook: Hook, o: HookOptions): Promise<string> {
  switch (hook) {
    case "build_wheel":
      return wheelHook(o, false);
    case "build_editable":
      return wheelHook(o, true);
    case "build_sdist": {
      const r = await buildSdist({ outDir: o.out, ...(o.cwd !== undefined ? { cwd: o.cwd } : {}), ...(o.env ? { env: o.env } : {}), logger: o.log ?? silentLogger });
      return basename(r.path);
    }
    case "prepare_metadata_for_build_wheel":
    case "prepare_metadata_for_build_editable":
      return metadataHook(o);
  }
}
