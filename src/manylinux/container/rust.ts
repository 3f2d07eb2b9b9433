/**
 * How Rust gets into the build container:
 * - host (default): the host's rustup toolchain, mounted read-only. Rust's
 *   own binaries need only glibc 2.17, so they run in every manylinux image.
 *   The toolchain folder (rustc's sysroot) is self-contained and relocatable,
 *   so it is mounted at a fixed path: no rustup, no ~/.rustup, no $HOME needed
 *   inside, and it works whoever the container user is.
 * - rustup: rustup installs a toolchain into the host cache folder, from inside
 *   the image (needs the network once; later builds reuse it).
 * - image: the image already has cargo on PATH (docker/Dockerfile builds one).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ContainerError } from "../../errors.js";
import { sysrootHasStd } from "../../build/target/toolchain.js";
import type { Mount } from "./session.js";

export type RustMode = "host" | "rustup" | "image";

export const RUST_MODES: readonly RustMode[] = ["host", "rustup", "image"];

/** Where the host toolchain appears inside the container. */
export const CONTAINER_TOOLCHAIN = "/opt/pyts-build/rust";

export interface HostToolchain {
  sysroot: string;
  /** rustc's host triple, e.g. x86_64-unknown-linux-gnu */
  host: string;
  /** `rustc 1.95.0 (...)` */
  version: string;
}

export interface RustSetup {
  mode: RustMode;
  mounts: Mount[];
  /** Prepended to the image's PATH. */
  path: string[];
  env: Record<string, string>;
  describe: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { cwd, env, encoding: "utf8", timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          reject(new ContainerError("rustc was not found on the host, and the default --rust host mounts the host's toolchain into the container", "install Rust with rustup (https://rustup.rs), or use --rust rustup / --rust image"));
        } else reject(new ContainerError(`rustc ${args.join(" ")} failed on the host: ${(stderr || err.message).trim().split("\n").pop() ?? ""}`, "check the Rust installation (`rustc -vV`)"));
        return;
      }
      resolvePromise(stdout);
    });
  });
}

/**
 * The host toolchain as the project would use it (run in the project folder,
 * so a rust-toolchain.toml there picks the toolchain, as on the host).
 */
export async function hostToolchain(projectDir: string, env: NodeJS.ProcessEnv = process.env): Promise<HostToolchain> {
  const rustc = env.RUSTC || "rustc";
  const sysroot = (await run(rustc, ["--print", "sysroot"], projectDir, env)).trim();
  const vv = await run(rustc, ["-vV"], projectDir, env);
  const host = /^host: (\S+)/m.exec(vv)?.[1] ?? "";
  const version = vv.split("\n")[0]?.trim() ?? "";
  return { sysroot, host, version };
}

/** stat, not access(2): the latter judges by the real uid and ignores capabilities. */
function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Check that a sysroot can be mounted on its own, and say why not otherwise (pure but for file checks). */
export function checkMountableToolchain(t: HostToolchain): void {
  if (["/", "/usr", "/usr/local", "/opt/homebrew"].includes(t.sysroot.replace(/\/+$/, "") || "/")) {
    throw new ContainerError(
      `the host's Rust (sysroot ${t.sysroot}) is a system-wide install, which cannot be mounted into a build container`,
      "install Rust with rustup (its toolchains are self-contained folders), or use --rust rustup or an image with cargo (--rust image)",
    );
  }
  for (const tool of ["cargo", "rustc"]) {
    if (!isFile(join(t.sysroot, "bin", tool))) {
      throw new ContainerError(`the host toolchain ${t.sysroot} has no bin/${tool}`, `add it (\`rustup component add ${tool}\`), or use --rust rustup`);
    }
  }
  if (!/-linux-gnu/.test(t.host)) {
    throw new ContainerError(
      `the host's Rust is built for ${t.host}; only a Linux (glibc) toolchain runs inside manylinux containers`,
      "use --rust rustup (installs Rust inside the image) or an image with cargo (--rust image)",
    );
  }
}

/**
 * A cross build with the host's toolchain mounted needs the target's standard
 * library in that toolchain (its sysroot's lib/rustlib/<triple>): it is added
 * on the host, where rustup manages the folder the container sees.
 */
export function checkHostTargetStd(t: HostToolchain, triple: string): void {
  if (sysrootHasStd(t.sysroot, triple)) return;
  const rustup = /[\\/]toolchains[\\/]/.test(t.sysroot);
  throw new ContainerError(
    `the host's Rust (${t.version}, ${t.sysroot}), which the container runs with --rust host, has no standard library for ${triple}`,
    `${rustup ? `add it on the host with \`rustup target add ${triple}\`` : `install it into that toolchain`}, or use --rust image with an image whose Rust has it`,
  );
}

export function hostRustSetup(t: HostToolchain): RustSetup {
  return {
    mode: "host",
    mounts: [{ host: t.sysroot, container: CONTAINER_TOOLCHAIN, readOnly: true }],
    path: [`${CONTAINER_TOOLCHAIN}/bin`],
    env: {},
    describe: `host toolchain ${t.version} (mounted read-only)`,
  };
}

/** rustup's folders inside the cache (mounted read-write with the cache). */
export function rustupDirs(cacheDir: string): { rustupHome: string; cargoHome: string } {
  return { rustupHome: join(cacheDir, "rustup", "home"), cargoHome: join(cacheDir, "rustup", "cargo") };
}

export function rustupSetup(cacheDir: string): RustSetup {
  const d = rustupDirs(cacheDir);
  return { mode: "rustup", mounts: [], path: [join(d.cargoHome, "bin")], env: { RUSTUP_HOME: d.rustupHome }, describe: `rustup toolchain in ${d.rustupHome}` };
}

/** Has an earlier `--rust rustup` run installed the toolchain already? */
export function rustupInstalled(cacheDir: string): boolean {
  return existsSync(join(rustupDirs(cacheDir).cargoHome, "bin", "cargo"));
}

/** Does a toolchain rustup installed into the cache have the standard library for `triple`? */
export function rustupHasTarget(cacheDir: string, triple: string): boolean {
  const toolchains = join(rustupDirs(cacheDir).rustupHome, "toolchains");
  try {
    return readdirSync(toolchains).some((t) => sysrootHasStd(join(toolchains, t), triple));
  } catch {
    return false;
  }
}

/** `rustup target add` for a toolchain installed earlier without the target (networked, like the install). */
export function rustupTargetAddScript(triple: string): string {
  return `set -e\n"$CARGO_HOME/bin/rustup" target add ${triple}\n`;
}

/**
 * The image's own Rust (--rust image) for a cross build: prints rustc's sysroot
 * and fails (exit 1) when lib/rustlib/$1 is missing there, 3 without rustc.
 */
export const IMAGE_STD_PROBE = `s=$(rustc --print sysroot 2>/dev/null) || exit 3
echo "$s"
test -d "$s/lib/rustlib/$1/lib"
`;

/**
 * The one networked step of `--rust rustup`, run in a throwaway container
 * of the same image: rustup-init from sh.rustup.rs into the cache folder.
 */
export function rustupInstallScript(targets: string[] = []): string {
  const extra = targets.map((t) => ` --target ${t}`).join("");
  return `set -e
if command -v curl >/dev/null 2>&1; then curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs > /tmp/rustup-init.sh
elif command -v wget >/dev/null 2>&1; then wget -qO /tmp/rustup-init.sh https://sh.rustup.rs
else echo "the image has neither curl nor wget to fetch rustup" >&2; exit 3
fi
sh /tmp/rustup-init.sh -y --no-modify-path --profile minimal --default-toolchain stable${extra}
`;
}

export const IMAGE_SETUP: RustSetup = { mode: "image", mounts: [], path: [], env: {}, describe: "the image's own cargo" };
