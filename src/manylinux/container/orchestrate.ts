/**
 * `pyts-build manylinux`: the host orchestrator. pyts-build stays on the host
 * (the images have no Node, and Node 18+ does not run on glibc 2.17); the
 * container is only the build root:
 *
 *   engine + image -> crates vendored on the host -> ONE container (no network;
 *   the project read-only, a host cache folder read-write, Rust mounted or
 *   installed) -> its Pythons described inside it -> per Python (or once for
 *   abi3): the usual cargo command inside -> the host writes the wheel
 *   (src/build + src/wheel) -> the container's libraries copied out -> the
 *   host audits and repairs (src/manylinux) -> out/.
 *
 * The wheel flow itself is buildWheels' (src/build/build-wheel.ts): this file
 * only supplies where interpreters come from, where cargo runs and what
 * happens after a wheel is written. A foreign --target takes the cross route
 * (an image of this machine's architecture with a cross toolchain) or, with
 * --emulate, runs the target's own image under emulation (target-route.ts).
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type BuildWheelsOptions, type BuiltWheel, buildWheels } from "../../build/build-wheel.js";
import type { CargoRun } from "../../build/cargo/cargo.js";
import { sharedLibraryOf } from "../../build/cargo/cargo-messages.js";
import type { InterpreterInfo } from "../../build/python/interpreter-info.js";
import { pythonVersionAllowed } from "../../build/python/interpreter.js";
import { seedTargetDir } from "../../build/cargo/target-dirs.js";
import { ConfigError, ContainerError } from "../../errors.js";
import { buildTarget } from "../../build/target/cross.js";
import { crossStripEnv } from "../../build/target/toolchain.js";
import { loadProjectConfig } from "../../build/project/config.js";
import { type Logger, silentLogger } from "../../log.js";
import type { AuditwheelMode } from "../audit/compatibility.js";
import { manylinuxAfterWrite } from "../audit/finalize.js";
import { type BuildRoot, cacheDirs, makeCacheDirs, startBuildRoot } from "./build-root.js";
import { runCargoInContainer } from "./container-cargo.js";
import { containerPackages, mirrorContainerLibraries } from "./container-libs.js";
import { detectEngine, type Engine, runEngine } from "./engine.js";
import { checkImageTargetStd, chooseContainerLinker, mirrorTargetLibraries, stagePyo3Config } from "./cross-container.js";
import { checkPolicyName, crossImageFor, DEFAULT_POLICY, defaultImageFor, ensureImage, type ImageInfo, linuxArch, policyFromImageEnv } from "./image.js";
import { describeInterpreter, selectInterpreters } from "./interpreters.js";
import { checkHostTargetStd, checkMountableToolchain, hostRustSetup, hostToolchain, IMAGE_SETUP, type RustMode, type RustSetup, rustupDirs, rustupHasTarget, rustupInstalled, rustupInstallScript, rustupSetup, rustupTargetAddScript } from "./rust.js";
import { crossPythonSpec, crossTargetKey, planRoute, type Route, targetLibDirs } from "./target-route.js";
import { currentUser, runArgs } from "./session.js";
import { localPackageDirs, vendorCrates } from "./vendor.js";

type Inherited = Omit<BuildWheelsOptions, "interpreters" | "findInterpreter" | "afterWrite" | "interpreterSource" | "runCargo" | "layout">;

export interface ManylinuxOptions extends Inherited {
  /** --python (repeatable): 3.9, cp39, 3.13t, pypy3.10. Default: every CPython in the image. */
  pythons?: string[];
  /** --policy: manylinux2014, manylinux_2_28, musllinux_1_2, ... (default: the image's, else manylinux2014's image and the best policy met). */
  policy?: string;
  /** --image: any image with a Python and a POSIX sh. */
  image?: string;
  /** --engine: docker, podman or a path to either (default: auto-detect). */
  engine?: string;
  /** --rust: host (mount the host toolchain; default), rustup (install in the image), image (its own cargo). */
  rust?: RustMode;
  /** --auditwheel: repair (default), check, warn. */
  auditwheel?: Exclude<AuditwheelMode, "skip">;
  /** --emulate: a foreign --target runs the target's own image under the engine's emulation instead of cross-compiling. */
  emulate?: boolean;
}

/** The policy a route defaults to: musllinux for a musl target, else manylinux2014. */
function routePolicy(route: Route): string {
  return route.kind !== "native" && route.target.parsed.libc === "musl" ? "musllinux_1_2" : DEFAULT_POLICY;
}

/** The architecture the wheels are for: the target's, else this machine's. */
export function routeArch(route: Route): string {
  return route.kind === "native" ? linuxArch() : route.target.parsed.machine;
}

/** The image: --image, else the route's default (a cross image for a cross build, pypa's image of the architecture otherwise). */
export function chooseImage(o: Pick<ManylinuxOptions, "image" | "policy">, route: Route = { kind: "native" }): string {
  if (o.image) return o.image;
  const policy = o.policy ?? routePolicy(route);
  return route.kind === "cross" ? crossImageFor(policy, routeArch(route)) : defaultImageFor(policy, routeArch(route));
}

/** The policy the wheels are tagged for: asked, or the image's own, or the best the audit finds. */
export function choosePolicy(o: Pick<ManylinuxOptions, "image" | "policy">, image: ImageInfo, route: Route = { kind: "native" }): string {
  if (o.policy) return o.policy;
  return policyFromImageEnv(image.env, routeArch(route)) ?? (o.image ? "auto" : routePolicy(route));
}

/** The keys of the target folders earlier builds left in the cache. */
function existingTargetKeys(cache: ReturnType<typeof cacheDirs>): string[] {
  const root = dirname(cache.target("x"));
  return existsSync(root) ? readdirSync(root) : [];
}

/** The cargo target folder of one build: per interpreter, so alternating builds stay incremental. */
export function targetKey(i: InterpreterInfo, abi3Minor: number | undefined): string {
  if (abi3Minor !== undefined) return "abi3";
  return `${i.implementation}-${i.major}.${i.minor}${i.gilDisabled ? "t" : ""}`;
}

async function rustFor(mode: RustMode, engine: Engine, image: ImageInfo, cacheImageDir: string, projectDir: string, env: NodeJS.ProcessEnv, user: ReturnType<typeof currentUser>, log: Logger, crossTriple?: string): Promise<RustSetup> {
  if (mode === "image") return IMAGE_SETUP;
  if (mode === "host") {
    const t = await hostToolchain(projectDir, env);
    checkMountableToolchain(t);
    if (crossTriple) checkHostTargetStd(t, crossTriple);
    return hostRustSetup(t);
  }
  const installed = rustupInstalled(cacheImageDir);
  if (!installed || (crossTriple && !rustupHasTarget(cacheImageDir, crossTriple))) {
    // The one networked step: rustup into the host cache (with a cross build's target), reused by later builds.
    const d = rustupDirs(cacheImageDir);
    log.step(installed ? `Adding ${crossTriple} to the rustup toolchain of ${image.name} (needs network access, once)` : `Installing Rust with rustup inside ${image.name} (needs network access, once)`);
    const script = installed && crossTriple ? rustupTargetAddScript(crossTriple) : rustupInstallScript(crossTriple ? [crossTriple] : []);
    const args = runArgs(
      engine,
      {
        image: image.name,
        mounts: [{ host: cacheImageDir, container: cacheImageDir }],
        env: { RUSTUP_HOME: d.rustupHome, CARGO_HOME: d.cargoHome, HOME: join(cacheImageDir, "home") },
        user,
        networkNone: false,
        ...(image.platform ? { platform: image.platform } : {}),
      },
      ["sh", "-c", script],
      false,
    );
    const r = await runEngine(engine, args, { onStderr: (c) => log.debug(c.trimEnd()), onStdout: (c) => log.debug(c.trimEnd()) });
    if (r.code !== 0) {
      throw new ContainerError(
        `installing Rust with rustup inside ${image.name} failed: ${r.stderr.trim().split("\n").pop() ?? `exit code ${r.code}`}`,
        "--rust rustup downloads from static.rust-lang.org; without network use the default --rust host, or an image with cargo (--rust image, see docker/)",
      );
    }
  }
  return rustupSetup(cacheImageDir);
}

/** Build wheels inside a manylinux (or similar) container; returns the final (repaired) wheels. */
export async function buildManylinuxWheels(o: ManylinuxOptions = {}): Promise<BuiltWheel[]> {
  const log = o.log ?? silentLogger;
  const user = currentUser();
  // a --policy without its own --image must name one: said before the project is read
  if (o.policy !== undefined && o.image === undefined) checkPolicyName(o.policy);
  // the project is read here: its `target` key decides the route before any engine is asked
  const project = o.project ?? loadProjectConfig({ cwd: resolve(o.cwd ?? process.cwd()), env: o.env ?? process.env, ...(o.manifestPath !== undefined ? { manifestPath: o.manifestPath } : {}), ...(o.strictMetadata ? { strictMetadata: true } : {}) });
  const target = buildTarget(o.target ?? project.tool.target, o.env ?? process.env);
  const route = planRoute(target, { ...(o.emulate ? { emulate: true } : {}), ...(o.rust ? { rust: o.rust } : {}) });
  if (o.emulate && route.kind === "native") log.warn(`--emulate: ${target?.triple ?? "the target"} is this machine's architecture, so nothing is emulated`);
  // under emulation the build inside is native: no --target reaches buildWheels (nor cargo), and `strip` is the target's
  const env = route.kind === "emulate" ? crossStripEnv(route.target.parsed, withoutKey(o.env ?? process.env, "CARGO_BUILD_TARGET")) : (o.env ?? process.env);
  const buildProject = route.kind === "emulate" ? { ...project, tool: withoutKey(project.tool, "target") } : project;
  // The engine first: it is the cheapest thing to check and the likeliest to be missing.
  const engine = await detectEngine({ ...(o.engine !== undefined ? { engine: o.engine } : {}), env, log });
  const imageName = chooseImage(o, route);
  const how = route.kind === "cross" ? `, cross-compiling for ${route.target.triple}` : route.kind === "emulate" ? `, emulating ${route.platform}` : "";
  log.step(`Using ${engine.kind} ${engine.version}${engine.rootless ? " (rootless)" : ""} with image ${imageName}${how}`);
  const image = await ensureImage(engine, imageName, log, route.kind === "emulate" ? route.platform : undefined);
  if (route.kind === "native" && image.env.CARGO_BUILD_TARGET && buildTarget(image.env.CARGO_BUILD_TARGET, {})?.foreign) {
    // a cross image (rust-cross's set CARGO_BUILD_TARGET): cargo would cross-compile while the wheel is tagged for its own Pythons
    throw new ConfigError(`image ${image.name} cross-compiles for ${image.env.CARGO_BUILD_TARGET} (its CARGO_BUILD_TARGET), but no --target was given`, `add --target ${image.env.CARGO_BUILD_TARGET}`);
  }
  const policy = choosePolicy(o, image, route);
  let linker: { name: string; value: string } | undefined;

  let root: BuildRoot | undefined;
  let cache: ReturnType<typeof cacheDirs> | undefined;
  let vendorConfig = "";
  let workdir = "";
  let lastArtifact: string | undefined;
  let lastKey = "";
  const seededKeys: string[] = [];

  const { pythons, policy: _p, image: _i, engine: _e, rust: _r, auditwheel: _a, emulate: _m, target: _t, ...wheelOptions } = o;
  const cross = route.kind === "cross" ? route.target : undefined;
  try {
    return await buildWheels({
      ...wheelOptions,
      project: buildProject,
      // a cross build describes the target's Pythons on the host, from --python's versions (target-python.ts)
      ...(cross ? { target: cross.triple, ...(pythons?.length ? { interpreters: pythons.map(crossPythonSpec) } : {}) } : route.kind === "native" && o.target ? { target: o.target } : {}),
      env,
      log,

      interpreterSource: async ({ config, meta, described }) => {
        // per image, and per platform: one image name can hold several architectures
        cache = cacheDirs(meta.targetDirectory, image.platform ? `${image.name}@${image.platform}` : image.name);
        makeCacheDirs(cache); // as the host user, before any container mounts them
        const vendored = await vendorCrates({
          manifestPath: config.cargo.path,
          workspaceRoot: meta.workspaceRoot,
          cacheDir: cache.root,
          ...(o.locked ? { locked: true } : {}),
          ...(o.frozen ? { frozen: true } : {}),
          ...(o.offline ? { offline: true } : {}),
          env,
          log,
        });
        vendorConfig = vendored.configFile;
        const sources = [meta.workspaceRoot, ...(await localPackageDirs(config.cargo.path, vendored, env))];
        const rust = await rustFor(o.rust ?? "host", engine, image, cache.image, config.projectDir, env, user, log, cross?.triple);
        workdir = dirname(config.cargo.path);
        log.step(`Starting the build container (${rust.describe}, no network)`);
        const plan = { engine, image, sourceDirs: sources, cache, rust, user, workdir, color: Boolean(process.stderr.isTTY) };
        root = await startBuildRoot({ ...plan, ...(cross ? { discover: false } : {}) }, log);
        if (cross) {
          // the container's toolchain decides: its Rust's standard library, its linker (cross-container.ts)
          if (rust.mode === "image") await checkImageTargetStd(root.session, cross);
          linker = await chooseContainerLinker(root.session, cross, { ...image.env, ...root.session.spec.env }, o.config);
          if (linker) log.info(`linking for ${cross.triple} with ${linker.value} (found on the container's PATH; set ${linker.name} in the image to choose another)`);
          if (!described?.length) throw new ConfigError(`no Python described for ${cross.triple}`, "name the target's versions with --python (e.g. --python 3.11)");
          log.step(`Building for ${described.map((i) => i.executable).join(", ")} on ${cross.triple} (described, not run)`);
          return described;
        }
        log.step(`${image.name} has ${root.interpreters.map(describeInterpreter).join(", ") || "no Python 3"}`);
        let chosen = selectInterpreters(root.interpreters, pythons ?? [], image.name);
        if (!pythons?.length) {
          // by default only the Pythons the project and pyo3 support
          const rp = config.metadata.requiresPython;
          chosen = chosen.filter((i) => (!(config.cargo.pyo3 || config.cargo.pyo3Ffi) || i.minor >= 7) && (!rp || pythonVersionAllowed(rp, i.major, i.minor)));
          if (chosen.length === 0) {
            throw new ContainerError(`no CPython in ${image.name} fits requires-python ${rp ?? ""} and pyo3 (3.7+)`, "name the interpreters with --python, or use another image");
          }
        }
        const musl = chosen.find((i) => /musl/.test(i.extSuffix + (i.soabi ?? "")));
        if (musl && rust.mode === "host") {
          throw new ContainerError(`${image.name} is a musl image, where the host's glibc Rust toolchain cannot run`, "use --rust rustup (or an image with cargo and --rust image)");
        }
        return chosen;
      },

      runCargo: async (args, { interpreter, abi3Minor, cargoEnv, subdirs }): Promise<CargoRun> => {
        if (!root || !cache) throw new Error("the build container was not started"); // interpreterSource runs first
        lastKey = crossTargetKey(route, targetKey(interpreter, abi3Minor));
        // a new interpreter's folder starts as a copy of a built one of the same target: only pyo3 and the crate compile (target-dirs.ts)
        const c = cache;
        const sameTarget = (k: string) => (cross ? k.startsWith(`${cross.triple}-`) : !/-linux-/.test(k));
        const seeded = seedTargetDir(c.target(lastKey), [...seededKeys, ...existingTargetKeys(c)].filter(sameTarget).map((k) => c.target(k)), subdirs);
        if (seeded.from) log.debug(`seeded ${c.target(lastKey)} from ${seeded.from} (${(seeded.bytes / 1e6).toFixed(1)} MB)`);
        seededKeys.unshift(lastKey);
        const run = await runCargoInContainer(root.session, args, {
          vendorConfig,
          workdir,
          // only what pyts-build plans reaches the container (none of the host's other variables); PYO3_CONFIG_FILE where it sees it
          env: { ...stagePyo3Config(cargoEnv.vars, cache.root), ...(linker ? { [linker.name]: linker.value } : {}), CARGO_TARGET_DIR: cache.target(lastKey) },
        });
        lastArtifact = run.artifacts.map(sharedLibraryOf).filter((f): f is string => f !== undefined).pop();
        return run;
      },

      afterWrite: async (wheel, ctx) => {
        if (!root || !cache) return wheel;
        // audit and repair on the host, searching the libraries copied out of the container (a cross build: out of its target sysroot)
        const mirror = join(cache.libs, lastKey);
        const search = !lastArtifact ? undefined : cross ? await mirrorTargetLibraries(root.session, lastArtifact, mirror, targetLibDirs(cross, image.env)) : await mirrorContainerLibraries(root.session, lastArtifact, mirror, image.env);
        // the SBOM of grafted libraries: the image's package manager knows them (not this machine's)
        return manylinuxAfterWrite({ compatibility: policy, auditwheel: o.auditwheel ?? "repair" }, search ? { search, packages: containerPackages(root.session, mirror) } : {})(wheel, ctx);
      },
    });
  } finally {
    await root?.session.stop();
  }
}

/** A copy of `o` without `key`. */
function withoutKey<T extends object>(o: T, key: string): T {
  const { [key]: _drop, ...rest } = o as Record<string, unknown>;
  return rest as T;
}
