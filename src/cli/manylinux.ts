/** `pyts-build manylinux`: build wheels inside a manylinux (or similar) container. */
import { type Command, Option } from "commander";
import { ValidationError } from "../errors.js";
import { KNOWN_POLICIES } from "../manylinux/container/image.js";
import type { ManylinuxOptions } from "../manylinux/container/orchestrate.js";
import { RUST_MODES, type RustMode } from "../manylinux/container/rust.js";
import { loggerFor } from "./main.js";
import { addCompileOptions, collectList, type CompileFlags, compileOptionsFrom } from "./options.js";

interface ManylinuxFlags extends CompileFlags {
  python?: string[];
  policy?: string;
  image?: string;
  engine?: string;
  rust?: RustMode;
  auditwheel?: "repair" | "check" | "warn";
  emulate?: boolean;
  out?: string;
  json?: boolean;
}

/** Flags -> the typed API options (only what was given). */
export function manylinuxOptionsFrom(f: ManylinuxFlags, rustcArgs: string[]): ManylinuxOptions {
  const { interpreters, findInterpreter, ...compile } = compileOptionsFrom(f, rustcArgs);
  // -i is accepted as --python (python3.9 / 3.9 name a Python of the image);
  // --find-interpreter is what happens anyway without --python.
  void findInterpreter;
  const pythons = [...(f.python ?? []), ...(interpreters ?? [])];
  for (const p of interpreters ?? []) {
    if (p.includes("/") && !p.startsWith("/opt/python/")) {
      throw new ValidationError(`-i ${p}: inside the container interpreters are chosen by version`, "use --python 3.9 (or cp39, pypy3.10)");
    }
  }
  const o: ManylinuxOptions = { ...compile };
  if (pythons.length) o.pythons = pythons.map((p) => p.replace(/^\/opt\/python\/(cp|pp)(\d)(\d+)-.*$/, "$1$2$3"));
  if (f.policy !== undefined) o.policy = f.policy;
  if (f.image !== undefined) o.image = f.image;
  if (f.engine !== undefined) o.engine = f.engine;
  if (f.rust !== undefined) o.rust = f.rust;
  if (f.auditwheel !== undefined) o.auditwheel = f.auditwheel;
  if (f.emulate) o.emulate = true;
  if (f.out !== undefined) o.out = f.out;
  return o;
}

export function registerManylinux(program: Command): void {
  const cmd = program
    .command("manylinux")
    .description("build wheels inside a manylinux container (docker or podman): cargo runs in the image against its Pythons and glibc; the host writes, audits and repairs the wheels")
    .argument("[rustc-args...]", "arguments after -- are passed to rustc");
  addCompileOptions(cmd)
    .option("--python <version>", "a Python of the image to build for: 3.9, 3.13t, cp39, pypy3.10 (repeatable, or comma separated; default: every CPython in the image)", collectList)
    .option("--policy <policy>", `the policy to tag and repair for, which also picks the default image (${KNOWN_POLICIES.join(", ")}; default: the image's own, or manylinux2014)`)
    .option("--image <image>", "build image (default: quay.io/pypa/<policy>_<arch>; with a foreign --target ghcr.io/rust-cross/<policy>-cross:<arch>); any image with a Python 3 (or, cross-compiling, a cross toolchain) and a POSIX sh")
    .option("--emulate", "with a foreign --target: run the target's own image (quay.io/pypa/<policy>_<arch>) under the engine's emulation (--platform, qemu binfmt) and build natively in it, instead of cross-compiling in an image of this machine's architecture")
    .option("--engine <engine>", "docker, podman, or the path of either (default: the first that works; DOCKER_HOST is honoured)")
    .addOption(new Option("--rust <mode>", "where Rust comes from: host = mount this machine's rustup toolchain read-only, rustup = install into a cache with rustup inside the image (needs network once), image = the image's own cargo").choices(RUST_MODES as string[]).default("host"))
    .addOption(new Option("--auditwheel <mode>", "repair: bundle outside libraries (default); check: fail when the policy is missed; warn: tag anyway").choices(["repair", "check", "warn"]))
    .option("-o, --out <dir>", "output folder (default: <cargo target dir>/wheels)")
    .option("--json", "print the built wheels as JSON on stdout")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build manylinux -r                               every CPython of quay.io/pypa/manylinux2014_<arch>
  pyts-build manylinux -r --python 3.9 --python 3.12    just these two
  pyts-build manylinux -r --policy manylinux_2_28       the manylinux_2_28 image and policy
  pyts-build manylinux --image my/builder --rust image  your own image with cargo (see docker/ in pyts-build)
  pyts-build manylinux -r --target aarch64-unknown-linux-gnu --python 3.12
                                                        cross-compiled in ghcr.io/rust-cross/manylinux2014-cross:aarch64
                                                        (first: rustup target add aarch64-unknown-linux-gnu)
  pyts-build manylinux -r --target aarch64-unknown-linux-gnu --emulate --rust rustup
                                                        every CPython of quay.io/pypa/manylinux2014_aarch64, under qemu
  DOCKER_HOST=unix:///run/podman.sock pyts-build manylinux --engine docker

Crates are fetched on the host with your cargo configuration (cargo vendor into
<target>/pyts-build/manylinux), so the container runs with no network. The
compiled crates stay in that folder: the second build is incremental. Files
are written as your user, never as root. -i python3.9 works like --python 3.9.
Stdout carries only the result: the wheel paths, one per line, or with --json an
array of {path, fileName, tags, abi3, interpreter}.`,
    )
    .action(async (rustcArgs: string[], flags: ManylinuxFlags, c: Command) => {
      const { buildManylinuxWheels } = await import("../manylinux/container/orchestrate.js"); // loaded on use: fast start-up
      const wheels = await buildManylinuxWheels({ ...manylinuxOptionsFrom(flags, rustcArgs), log: loggerFor(c) });
      process.stdout.write(flags.json ? JSON.stringify(wheels, null, 2) + "\n" : wheels.map((w) => w.path + "\n").join(""));
    });
}
