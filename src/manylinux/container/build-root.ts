/**
 * The container as a build root: the host cache folders, the mounts, the
 * environment, and the started container with its interpreters. Everything
 * the container writes goes under the host cache folder (`<cargo target
 * dir>/pyts-build/manylinux/`), which persists between runs so the second
 * build is incremental.
 */
import { mkdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { ContainerError } from "../../errors.js";
import type { InterpreterInfo } from "../../build/python/interpreter-info.js";
import type { Logger } from "../../log.js";
import { QUERY_SCRIPT } from "../../build/python/interpreter-query.js";
import type { Engine } from "./engine.js";
import type { ImageInfo } from "./image.js";
import { DISCOVER_SCRIPT, parseDiscovery } from "./interpreters.js";
import type { RustSetup } from "./rust.js";
import { ContainerSession, type ContainerSpec, type HostUser, type Mount } from "./session.js";
import { outermostDirs } from "./vendor.js";

/** A folder name for an image: readable, and distinct for distinct names. */
export function imageSlug(image: string): string {
  const readable = image.replace(/^[a-z0-9.-]+\.[a-z]{2,}\//, "").replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 60);
  return `${readable}-${createHash("sha256").update(image).digest("hex").slice(0, 8)}`;
}

export interface CacheDirs {
  /** `<target>/pyts-build/manylinux`: mounted read-write. */
  root: string;
  /** Per image: cargo's home, target folders, $HOME, libraries copied out. */
  image: string;
  cargoHome: string;
  home: string;
  libs: string;
  /** cargo's target folder for one build (per interpreter, so each stays incremental). */
  target(key: string): string;
}

export function cacheDirs(targetDirectory: string, image: string): CacheDirs {
  const root = join(targetDirectory, "pyts-build", "manylinux");
  const dir = join(root, imageSlug(image));
  return {
    root,
    image: dir,
    cargoHome: join(dir, "cargo-home"),
    home: join(dir, "home"),
    libs: join(dir, "libs"),
    target: (key: string) => join(dir, "target", key),
  };
}

/** Create the host folders before the engine sees them (docker would create missing ones as root). */
export function makeCacheDirs(c: CacheDirs): void {
  for (const d of [c.root, c.cargoHome, c.home, c.libs]) mkdirSync(d, { recursive: true });
}

const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface BuildRootPlan {
  engine: Engine;
  image: ImageInfo;
  /** Folders of the crate and its local path dependencies (mounted read-only). */
  sourceDirs: string[];
  cache: CacheDirs;
  rust: RustSetup;
  user: HostUser;
  workdir: string;
  /** Where cargo's colours should go on (the user's terminal is a TTY). */
  color?: boolean;
  /** false: the image's Pythons are not asked for (a cross build describes the target's on the host). */
  discover?: boolean;
}

/** The container spec for a build (pure). */
export function buildRootSpec(p: BuildRootPlan, networkNone = true): ContainerSpec {
  const mounts: Mount[] = [
    ...outermostDirs(p.sourceDirs).map((d) => ({ host: d, container: d, readOnly: true })),
    // after the sources: the cache usually sits inside the project (target/)
    { host: p.cache.root, container: p.cache.root },
    ...p.rust.mounts,
  ];
  const imagePath = p.image.env.PATH ?? DEFAULT_PATH;
  return {
    image: p.image.name,
    mounts,
    env: {
      PATH: [...p.rust.path, imagePath].join(":"),
      HOME: p.cache.home,
      CARGO_HOME: p.cache.cargoHome,
      CARGO_TERM_COLOR: p.color ? "always" : "never",
      ...p.rust.env,
    },
    workdir: p.workdir,
    user: p.user,
    networkNone,
    ...(p.image.platform ? { platform: p.image.platform } : {}),
  };
}

export interface BuildRoot {
  session: ContainerSession;
  interpreters: InterpreterInfo[];
}

/** Start the build container and describe the Pythons in it. */
export async function startBuildRoot(p: BuildRootPlan, log: Logger): Promise<BuildRoot> {
  makeCacheDirs(p.cache);
  const session = await ContainerSession.start(p.engine, buildRootSpec(p), log);
  try {
    if (p.image.platform) await checkEmulation(session, p.image.platform);
  } catch (e) {
    await session.stop();
    throw e;
  }
  if (p.discover === false) return { session, interpreters: [] };
  try {
    const r = await session.exec(["sh", "-c", DISCOVER_SCRIPT], { env: { PYTS_QUERY: QUERY_SCRIPT } });
    if (r.code !== 0) {
      throw new ContainerError(`could not list the Pythons in ${p.image.name}: ${r.stderr.trim().split("\n").pop() ?? ""}`, "the image needs a POSIX sh");
    }
    return { session, interpreters: parseDiscovery(r.stdout) };
  } catch (e) {
    await session.stop();
    throw e;
  }
}

/**
 * An image of another architecture runs only when the kernel hands its
 * programs to QEMU (binfmt_misc); without that its first process fails with
 * "exec format error" and the container is gone: say so, with the fix.
 */
async function checkEmulation(session: ContainerSession, platform: string): Promise<void> {
  const r = await session.exec(["uname", "-m"]);
  if (r.code === 0) return;
  throw new ContainerError(
    `the ${platform} container of ${session.spec.image} cannot run: ${(r.stderr || r.stdout).trim().split("\n").pop() || `exit code ${r.code}`}`,
    `register QEMU for ${platform} with binfmt_misc (Debian/Ubuntu: apt-get install qemu-user-static binfmt-support; elsewhere \`docker run --privileged --rm tonistiigi/binfmt --install ${platform.split("/")[1] ?? "arm64"}\`; GitHub Actions: docker/setup-qemu-action), or build without --emulate`,
  );
}
