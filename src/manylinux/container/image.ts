/**
 * Which image builds for a policy, and making sure the engine has it.
 * The pypa images (quay.io/pypa/<policy>_<arch>) are the default; `--image`
 * takes any other, e.g. a locally built stand-in or docker/Dockerfile's builder.
 */
import { ContainerError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { withoutArchSuffix } from "../audit/policy.js";
import { engineError } from "./engine-errors.js";
import { type Engine, runEngine } from "./engine.js";

/** Node's process.arch -> the architecture names of policies and images. */
export function linuxArch(nodeArch: string = process.arch): string {
  const map: Record<string, string> = { x64: "x86_64", arm64: "aarch64", ia32: "i686", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64", loong64: "loongarch64" };
  return map[nodeArch] ?? nodeArch;
}

/**
 * The policies pypa publishes build images for, by every name they go by.
 * manylinux1/2010 images exist but are end-of-life and older than Rust's
 * glibc 2.17 floor, so they are refused with that reason.
 */
const IMAGE_STEMS: Record<string, string> = {
  manylinux2014: "manylinux2014",
  manylinux_2_17: "manylinux2014",
  manylinux_2_28: "manylinux_2_28",
  manylinux_2_34: "manylinux_2_34",
  musllinux_1_1: "musllinux_1_1",
  musllinux_1_2: "musllinux_1_2",
};

export const DEFAULT_POLICY = "manylinux2014";

/** The policy names `--policy` accepts (for help text and errors). */
export const KNOWN_POLICIES = Object.keys(IMAGE_STEMS);

/** `--policy` -> the default image, e.g. quay.io/pypa/manylinux2014_x86_64. */
export function defaultImageFor(policy: string, arch: string = linuxArch()): string {
  const p = withoutArchSuffix(policy, arch);
  if (/^manylinux(1|2010|_2_5|_2_12)$/.test(p)) {
    throw new ContainerError(
      `policy ${policy} is older than Rust supports (Rust needs glibc 2.17, i.e. manylinux2014 or newer)`,
      "use --policy manylinux2014 (or newer)",
    );
  }
  const stem = IMAGE_STEMS[p];
  if (!stem) {
    throw new ContainerError(
      `no default build image for policy ${policy}`,
      `use one of ${KNOWN_POLICIES.join(", ")}, or give the image yourself with --image (and --policy for its tag)`,
    );
  }
  return `quay.io/pypa/${stem}_${arch}`;
}

/** Refuse a `--policy` that has no default image, before anything is read: the name alone decides (any architecture suffix aside). */
export function checkPolicyName(policy: string): void {
  defaultImageFor(policy.replace(/_(x86_64|i686|aarch64|armv7l|ppc64le|s390x|riscv64|loongarch64)$/, ""), "x86_64");
}

/**
 * rust-cross's cross images (what maturin-action runs for `--target`): the
 * host's architecture with a cross toolchain for `arch`, e.g.
 * ghcr.io/rust-cross/manylinux2014-cross:aarch64. They set TARGET_CC,
 * TARGET_SYSROOT and CARGO_TARGET_<TRIPLE>_LINKER, which the build honours.
 */
const CROSS_STEMS: Record<string, string> = {
  manylinux2014: "manylinux2014",
  manylinux_2_17: "manylinux2014",
  manylinux_2_28: "manylinux_2_28",
  musllinux_1_2: "musllinux_1_2",
};

/** `--policy` of a cross build -> the default cross image for the target's `arch`. */
export function crossImageFor(policy: string, arch: string): string {
  const p = withoutArchSuffix(policy, arch);
  const stem = CROSS_STEMS[p];
  if (!stem) {
    throw new ContainerError(
      `no default cross image for policy ${policy} (rust-cross publishes ${Object.keys(CROSS_STEMS).join(", ")})`,
      "give a cross image with --image (and --policy for its tag), or run the target's own image under emulation with --emulate",
    );
  }
  return `ghcr.io/rust-cross/${stem}-cross:${arch}`;
}

/** AUDITWHEEL_PLAT=manylinux2014_x86_64 (set in pypa images) -> "manylinux2014"; `arch` is the build's target architecture. */
export function policyFromImageEnv(env: Record<string, string>, arch: string = linuxArch()): string | undefined {
  const plat = env.AUDITWHEEL_PLAT;
  if (!plat) return undefined;
  return withoutArchSuffix(plat, arch);
}

export interface ImageInfo {
  name: string;
  /** The image's configured environment (PATH, AUDITWHEEL_PLAT, ...). */
  env: Record<string, string>;
  /** The engine's platform to run it with (`linux/arm64` under emulation); undefined: the engine's own. */
  platform?: string;
}

/** `["A=1", "B=x=y"]` -> {A: "1", B: "x=y"} */
export function parseEnvList(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (typeof item !== "string") continue;
    const eq = item.indexOf("=");
    if (eq > 0) out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** The image's environment and architecture (`amd64`, `arm64`, ...), or undefined when the engine does not have it. */
async function inspectImage(engine: Engine, image: string): Promise<{ env: Record<string, string>; arch: string } | undefined> {
  const r = await runEngine(engine, ["image", "inspect", "--format", "{{.Architecture}} {{json .Config.Env}}", image]);
  if (r.code !== 0) return undefined;
  const line = r.stdout.trim().split("\n")[0] ?? "";
  const space = line.indexOf(" ");
  const arch = space > 0 ? line.slice(0, space) : line;
  try {
    return { arch, env: parseEnvList(JSON.parse(line.slice(space + 1))) };
  } catch {
    return { arch, env: {} };
  }
}

/** An image of another architecture than the platform asked for would run the wrong programs: say so before it starts. */
export function checkImagePlatform(image: string, arch: string, platform: string | undefined): void {
  if (platform === undefined || arch === "") return;
  const want = platform.split("/")[1];
  if (want !== undefined && arch !== want) {
    throw new ContainerError(`image ${image} is built for ${arch}, not ${platform.replace(/^linux\//, "")}`, `use an image of the target's architecture (the default is quay.io/pypa/<policy>_<arch>), or pull it with \`--platform ${platform}\``);
  }
}

/**
 * The image, pulled when the engine does not have it yet. Later `run`s use
 * `--pull never`, so a missing image is reported here, once, with the fix.
 */
export async function ensureImage(engine: Engine, image: string, log: Logger, platform?: string): Promise<ImageInfo> {
  const at = platform ? { platform } : {};
  const found = await inspectImage(engine, image);
  if (found) {
    checkImagePlatform(image, found.arch, platform);
    return { name: image, env: found.env, ...at };
  }
  log.step(`Pulling ${image}${platform ? ` for ${platform}` : ""} (not present in ${engine.kind})`);
  const pull = await runEngine(engine, ["pull", ...(platform ? ["--platform", platform] : []), image], { onStderr: (c) => log.debug(c.trimEnd()), onStdout: (c) => log.debug(c.trimEnd()) });
  if (pull.code !== 0) {
    throw engineError(pull.stderr || pull.stdout, { kind: engine.kind, command: engine.command, action: `pull ${image}`, image, env: engine.env, otherwise: "image-missing" });
  }
  const after = await inspectImage(engine, image);
  if (!after) {
    throw new ContainerError(`${engine.kind} pulled ${image} but cannot inspect it`, `try \`${engine.kind} image inspect ${image}\``);
  }
  checkImagePlatform(image, after.arch, platform);
  return { name: image, env: after.env, ...at };
}
