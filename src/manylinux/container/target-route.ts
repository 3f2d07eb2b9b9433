/**
 * `manylinux --target <triple>`: how a container build for another
 * architecture runs (docs/cross.md, "Container builds"). Pure.
 *
 * - cross (the default, as maturin-action does with rust-cross's
 *   `<policy>-cross:<arch>` images): the image is of this machine's
 *   architecture and holds a cross toolchain; cargo runs inside with
 *   `--target`, the target's Pythons are described on the host from
 *   pyts-build's table, exactly as `pyts-build wheel --target` does. Fast (no
 *   emulation), and the host's Rust can be mounted as usual.
 * - emulate (`--emulate`, cibuildwheel's way): the target architecture's own
 *   image (quay.io/pypa/<policy>_<arch>) runs under the engine's emulation
 *   (`--platform linux/<arch>`, qemu through binfmt_misc); the build inside is
 *   native, against the image's own Pythons. Slow (every compiler process is
 *   emulated), but needs no cross toolchain.
 */
import { ConfigError, ContainerError } from "../../errors.js";
import type { BuildTarget } from "../../build/target/cross.js";
import { cargoTargetVar } from "../../build/target/triple.js";
import { configuredLinker, crossGccPrefix } from "../../build/target/toolchain.js";
import { parsePythonRequest } from "./interpreters.js";
import type { RustMode } from "./rust.js";

export type Route = { kind: "native" } | { kind: "cross"; target: BuildTarget } | { kind: "emulate"; target: BuildTarget; platform: string };

/** The engine's platform name (`--platform`) of a Linux machine name. */
export function enginePlatform(machine: string): string | undefined {
  const map: Record<string, string> = { x86_64: "linux/amd64", aarch64: "linux/arm64", armv7l: "linux/arm/v7", i686: "linux/386", ppc64le: "linux/ppc64le", s390x: "linux/s390x", riscv64: "linux/riscv64", loongarch64: "linux/loong64" };
  return map[machine];
}

/** How the build runs; one-line errors for what cannot run in a container. */
export function planRoute(target: BuildTarget | undefined, o: { emulate?: boolean; rust?: RustMode }): Route {
  if (!target) {
    if (o.emulate) throw new ConfigError("--emulate needs --target: the architecture whose image runs under emulation", "add e.g. --target aarch64-unknown-linux-gnu");
    return { kind: "native" };
  }
  const t = target.parsed;
  if (t.system !== "linux") {
    throw new ConfigError(`manylinux builds Linux wheels, and ${target.triple} is a ${t.system === "darwin" ? "macOS" : "Windows"} target`, `build it with \`pyts-build wheel --target ${target.triple}\` (on a machine with that target's SDK)`);
  }
  if (!target.foreign) return { kind: "native" };
  if (!o.emulate) return { kind: "cross", target };
  const platform = enginePlatform(t.machine);
  if (!platform) throw new ConfigError(`--emulate: no container platform is known for ${t.machine} (${target.triple})`, "build it with the default cross route (without --emulate)");
  if ((o.rust ?? "host") === "host") {
    throw new ContainerError(`--emulate runs ${t.machine} programs in the container, where this machine's Rust toolchain (--rust host) cannot run`, "use --rust rustup (installs Rust inside the image) or --rust image (an image with its own cargo)");
  }
  return { kind: "emulate", target, platform };
}

/** `--python` of a cross build -> the target-python request (`cp39` -> `python3.9`, `pp310` -> `pypy3.10`, `3.13t`). */
export function crossPythonSpec(p: string): string {
  const r = parsePythonRequest(p);
  if (!r) return p; // described later, with its own error
  return `${r.implementation === "pypy" ? "pypy" : "python"}3.${r.minor}${r.freeThreaded ? "t" : ""}`;
}

/**
 * Where a cross image keeps the target's libraries (what the audit and repair
 * may graft), never the image's own: the sysroot its environment names
 * (rust-cross's TARGET_SYSROOT), the GNU cross layout `/usr/<gnu-triple>`
 * (Debian's libc6-dev-<arch>-cross, crosstool's) and Debian's multiarch folders.
 */
export function targetLibDirs(target: BuildTarget, imageEnv: Record<string, string>): string[] {
  const gnu = crossGccPrefix(target.parsed);
  const dirs: string[] = [];
  const sysroot = (imageEnv.TARGET_SYSROOT ?? "").replace(/\/+$/, "");
  if (sysroot.startsWith("/")) for (const d of ["lib64", "lib", "usr/lib64", "usr/lib"]) dirs.push(`${sysroot}/${d}`);
  dirs.push(`/usr/${gnu}/lib64`, `/usr/${gnu}/lib`, `/lib/${gnu}`, `/usr/lib/${gnu}`);
  return dirs;
}

/**
 * Prints, inside the container, what decides cargo's linker there: each cargo
 * configuration file from the working folder up and in CARGO_HOME (`@@config
 * <path>` then its text) and each candidate linker on the container's PATH
 * (`@@found <name>`). Arguments: the candidates.
 */
export const LINKER_PROBE = `d=$PWD
show() { for f in "$1/config.toml" "$1/config"; do if [ -f "$f" ]; then printf '@@config %s\\n' "$f"; cat "$f"; echo; fi; done; }
while :; do show "$d/.cargo"; [ "$d" = / ] && break; d=$(dirname "$d"); done
[ -n "$CARGO_HOME" ] && show "$CARGO_HOME"
for g in "$@"; do if command -v "$g" >/dev/null 2>&1; then printf '@@found %s\\n' "$g"; fi; done
`;

export interface LinkerProbe {
  configs: { file: string; text: string }[];
  found: string[];
}

export function parseLinkerProbe(stdout: string): LinkerProbe {
  const out: LinkerProbe = { configs: [], found: [] };
  let current: { file: string; text: string } | undefined;
  for (const line of stdout.split("\n")) {
    const c = /^@@config (.+)$/.exec(line);
    const f = /^@@found (.+)$/.exec(line);
    if (c) out.configs.push((current = { file: c[1] as string, text: "" }));
    else if (f) {
      out.found.push(f[1] as string);
      current = undefined;
    } else if (current) current.text += line + "\n";
  }
  return out;
}

/**
 * The linker candidates to look for inside: the image's CC_<triple>, its TARGET_CC when the image is for
 * this triple (rust-cross sets both, and CARGO_BUILD_TARGET), then `<gnu-triple>-gcc`.
 */
export function linkerCandidates(target: BuildTarget, env: Record<string, string>): string[] {
  const imageTarget = env.CARGO_BUILD_TARGET;
  const targetCc = !imageTarget || imageTarget === target.triple ? env.TARGET_CC : undefined;
  const named = [env[`CC_${target.triple.replace(/-/g, "_")}`], targetCc].filter((c): c is string => Boolean(c) && !/\s/.test(c as string));
  return [...new Set([...named, `${crossGccPrefix(target.parsed)}-gcc`])];
}

/**
 * The linker variable to add for a cross build, judged by what cargo sees in
 * the container (`env`: the image's environment and pyts-build's; the probe's
 * configuration files and PATH; `--config` values): undefined when something
 * already names one. None at all -> ContainerError.
 */
export function containerLinker(target: BuildTarget, o: { env: Record<string, string>; probe: LinkerProbe; config?: string[]; image: string }): { name: string; value: string } | undefined {
  const name = cargoTargetVar(target.triple, "LINKER");
  // the host's rule, over the configuration files the container's cargo reads
  if (configuredLinker(target.triple, { env: o.env, ...(o.config ? { config: o.config } : {}), configFiles: o.probe.configs }) !== undefined) return undefined;
  const value = linkerCandidates(target, o.env).find((c) => o.probe.found.includes(c));
  if (value) return { name, value };
  const gnu = crossGccPrefix(target.parsed);
  throw new ContainerError(
    `no linker for ${target.triple} in ${o.image}: cargo would link with the container's own cc, and ${gnu}-gcc is not on its PATH`,
    `use a cross image (the default ${crossImageHint(target)}, or one with Debian's gcc-${gnu}), or set ${name} in the image`,
  );
}

function crossImageHint(target: BuildTarget): string {
  return `ghcr.io/rust-cross/manylinux2014-cross:${target.parsed.machine}`;
}

/** The cargo target folder key of a cross build: per triple, then per interpreter as a host build. */
export function crossTargetKey(route: Route, key: string): string {
  return route.kind === "cross" ? `${route.target.triple}-${key}` : key;
}
