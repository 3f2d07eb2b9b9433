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
 * happens after a wheel is written.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type BuildWheelsOptions, type BuiltWheel, buildWheels } from "../../build/build-wheel.js";
import type { CargoRun } from "../../build/cargo/cargo.js";
import { sharedLibraryOf } from "../../build/cargo/cargo-messages.js";
import type { InterpreterInfo } from "../../build/python/interpreter-info.js";
import { pythonVersionAllowed } from "../../build/python/interpreter.js";
import { seedTargetDir } from "../../build/cargo/target-dirs.js";
import { ConfigError, ContainerError } from "../../errors.js";
import { buildTarget } from "../../build/target/cross.js";
import { type Logger, silentLogger } from "../../log.js";
import type { AuditwheelMode } from "../audit/compatibility.js";
import { manylinuxAfterWrite } from "../audit/finalize.js";
import { type BuildRoot, cacheDirs, makeCacheDirs, startBuildRoot } from "./build-root.js";
import { runCargoInContainer } from "./container-cargo.js";
import { mirrorContainerLibraries } from "./container-libs.js";
import { detectEngine, type Engine, runEngine } from "./engine.js";
import { DEFAULT_POLICY, defaultImageFor, ensureImage, type ImageInfo, policyFromImageEnv } from "./image.js";
import { describeInterpreter, selectInterpreters } from "./interpreters.js";
import { checkMountableToolchain, hostRustSetup, hostToolchain, IMAGE_SETUP, type RustMode, type RustSetup, rustupDirs, rustupInstalled, rustupInstallScript, rustupSetup } from "./rust.js";
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
}

/** The image and the policy to tag for, from --image / --policy / the image's AUDITWHEEL_PLAT. */
export function chooseImage(o: Pick<ManylinuxOptions, "image" | "policy">): string {
  return o.image ?? defaultImageFor(o.policy ?? DEFAULT_POLICY);
}

/** The policy the wheels are tagged for: asked, or the image's own, or the best the audit finds. */
export function choosePolicy(o: Pick<ManylinuxOptions, "image" | "policy">, image: ImageInfo): string {
  if (o.policy) return o.policy;
  return policyFromImageEnv(image.env) ?? (o.image ? "auto" : DEFAULT_POLICY);
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

async function rustFor(mode: RustMode, engine: Engine, image: ImageInfo, cacheImageDir: string, projectDir: string, env: NodeJS.ProcessEnv, user: ReturnType<typeof currentUser>, log: Logger): Promise<RustSetup> {
  if (mode === "image") return IMAGE_SETUP;
  if (mode === "host") {
    const t = await hostToolchain(projectDir, env);
    checkMountableToolchain(t);
    return hostRustSetup(t);
  }
  if (!rustupInstalled(cacheImageDir)) {
    // The one networked step: rustup into the host cache, reused by later builds.
    const d = rustupDirs(cacheImageDir);
    log.step(`Installing Rust with rustup inside ${image.name} (needs network access, once)`);
    const args = runArgs(
      engine,
      {
        image: image.name,
        mounts: [{ host: cacheImageDir, container: cacheImageDir }],
        env: { RUSTUP_HOME: d.rustupHome, CARGO_HOME: d.cargoHome, HOME: join(cacheImageDir, "home") },
        user,
        networkNone: false,
      },
      ["sh", "-c", rustupInstallScript()],
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
  const env = o.env ?? process.env;
  const user = currentUser();
  // a foreign --target would need a cross toolchain inside the image, or the image's architecture under emulation: not yet (docs/cross.md)
  const target = buildTarget(o.target, env);
  if (target?.foreign) throw new ConfigError(`manylinux --target ${target.triple} is not supported yet`, `build with \`pyts-build wheel --target ${target.triple}\` (the audit gives the manylinux tag)`);
  // The engine first: it is the cheapest thing to check and the likeliest to be missing.
  const engine = await detectEngine({ ...(o.engine !== undefined ? { engine: o.engine } : {}), env, log });
  const imageName = chooseImage(o);
  log.step(`Using ${engine.kind} ${engine.version}${engine.rootless ? " (rootless)" : ""} with image ${imageName}`);
  const image = await ensureImage(engine, imageName, log);
  const policy = choosePolicy(o, image);

  let root: BuildRoot | undefined;
  let cache: ReturnType<typeof cacheDirs> | undefined;
  let vendorConfig = "";
  let workdir = "";
  let lastArtifact: string | undefined;
  let lastKey = "";
  const seededKeys: string[] = [];

  const { pythons, policy: _p, image: _i, engine: _e, rust: _r, auditwheel: _a, ...wheelOptions } = o;
  try {
    return await buildWheels({
      ...wheelOptions,
      env,
      log,

      interpreterSource: async ({ config, meta }) => {
        cache = cacheDirs(meta.targetDirectory, image.name);
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
        const rust = await rustFor(o.rust ?? "host", engine, image, cache.image, config.projectDir, env, user, log);
        workdir = dirname(config.cargo.path);
        log.step(`Starting the build container (${rust.describe}, no network)`);
        root = await startBuildRoot({ engine, image, sourceDirs: sources, cache, rust, user, workdir, color: Boolean(process.stderr.isTTY) }, log);
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
        lastKey = targetKey(interpreter, abi3Minor);
        // a new interpreter's folder starts as a copy of a built one: only pyo3 and the crate compile (target-dirs.ts)
        const c = cache;
        const seeded = seedTargetDir(c.target(lastKey), [...seededKeys, ...existingTargetKeys(c)].map((k) => c.target(k)), subdirs);
        if (seeded.from) log.debug(`seeded ${c.target(lastKey)} from ${seeded.from} (${(seeded.bytes / 1e6).toFixed(1)} MB)`);
        seededKeys.unshift(lastKey);
        const run = await runCargoInContainer(root.session, args, {
          vendorConfig,
          workdir,
          // only what pyts-build plans reaches the container (none of the host's other variables)
          env: { ...cargoEnv.vars, CARGO_TARGET_DIR: cache.target(lastKey) },
        });
        lastArtifact = run.artifacts.map(sharedLibraryOf).filter((f): f is string => f !== undefined).pop();
        return run;
      },

      afterWrite: async (wheel, ctx) => {
        if (!root || !cache) return wheel;
        // audit and repair on the host, searching the libraries copied out of the container
        const search = lastArtifact ? await mirrorContainerLibraries(root.session, lastArtifact, join(cache.libs, lastKey), image.env) : undefined;
        return manylinuxAfterWrite({ compatibility: policy, auditwheel: o.auditwheel ?? "repair" }, search ? { search } : {})(wheel, ctx);
      },
    });
  } finally {
    await root?.session.stop();
  }
}
