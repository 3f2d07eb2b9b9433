/**
 * The user's toolchain for a foreign target: which linker cargo will use, and
 * how to get a missing standard library. pyts-build never chooses a compiler;
 * it only fills the gap cargo leaves for a foreign Linux target (its default
 * linker `cc` links for this machine): when nothing names a linker and the
 * usual cross gcc is on PATH, that one, said in a note.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../../errors.js";
import { which } from "../../fs-util.js";
import { ancestors } from "../cache/input-stamps.js";
import { cargoTargetVar, type TargetTriple } from "./triple.js";

/** The GNU triple of Debian's/Ubuntu's/Fedora's cross gcc for the target: `aarch64-linux-gnu` (-gcc). */
export function crossGccPrefix(t: TargetTriple): string {
  const arch = ({ armv7: "arm", arm: "arm", ppc64le: "powerpc64le", ppc64: "powerpc64" } as Record<string, string>)[t.arch] ?? t.arch;
  return `${arch}-linux-${t.env}`;
}

/** The environment for `--strip` of a foreign Linux target's files: STRIP set to `<gnu-triple>-strip` when the user set none and it is on PATH (this machine's strip cannot read another architecture). */
export function crossStripEnv(t: TargetTriple, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.STRIP || t.system !== "linux") return env;
  const strip = which(`${crossGccPrefix(t)}-strip`, env);
  return strip ? { ...env, STRIP: strip } : env;
}

/** Debian's architecture name (`dpkg --print-architecture`) of the target, for the package hint. */
export function debianArch(t: TargetTriple): string | undefined {
  if (t.system !== "linux" || t.libc !== "glibc") return undefined;
  return ({ x86_64: "amd64", aarch64: "arm64", armv7: "armhf", i686: "i386", ppc64le: "ppc64el", s390x: "s390x", riscv64: "riscv64" } as Record<string, string>)[t.arch];
}

/**
 * The hint for a target whose standard library is missing: rustup's command, else the distribution's package.
 * Several triples (universal2 builds two): one command adds them all.
 */
export function missingStdHint(triple: string | string[], t: TargetTriple | undefined, rustup: boolean): string {
  const all = typeof triple === "string" ? [triple] : triple;
  const add = `rustup target add ${all.join(" ")}`;
  if (rustup) return `add ${all.length > 1 ? "them" : "it"} with \`${add}\``;
  const arch = t ? debianArch(t) : undefined;
  const deb = arch ? ` (Debian/Ubuntu: dpkg --add-architecture ${arch}, then apt-get install libstd-rust-dev:${arch}, or libstd-rust-web-dev:${arch} for rustc-web)` : "";
  return `install your distribution's Rust standard library for ${all.join(" and ")}${deb}, or use rustup and \`${add}\``;
}

/** Whether a Rust sysroot (rustc --print sysroot) holds the standard library of `triple`. */
export function sysrootHasStd(sysroot: string, triple: string): boolean {
  return existsSync(join(sysroot, "lib", "rustlib", triple, "lib"));
}

/** Whether the rustc cargo runs (RUSTC, else PATH's) is rustup's: a proxy beside `rustup`, or inside a rustup toolchain. */
export function usesRustup(env: NodeJS.ProcessEnv): boolean {
  const named = env.RUSTC || "rustc";
  const rustc = isAbsolute(named) ? named : which(named, env);
  if (rustc === undefined) return false;
  let real = rustc;
  try {
    real = realpathSync(rustc);
  } catch {
    // a dangling link: judge by its name
  }
  return existsSync(join(dirname(rustc), "rustup")) || /[\\/]toolchains[\\/]/.test(real);
}

/** Whether a cargo configuration text names a linker for the target (a `[target.<triple>]` or `[target.'cfg(...)']` linker). */
export function configNamesLinker(text: string, triple: string): boolean {
  const lines = text.split(/\r?\n/);
  let section = "";
  for (const raw of lines) {
    const line = raw.replace(/#.*$/, "").trim();
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = (head[1] as string).replace(/\s/g, "");
      continue;
    }
    const key = /^([A-Za-z0-9_.'"()-]+)\s*=/.exec(line)?.[1]?.replace(/["']/g, "");
    if (key === undefined) continue;
    const full = (section ? `${section.replace(/["']/g, "")}.` : "") + key;
    if (full === `target.${triple}.linker` || (/^target\.cfg\(.*\)\.linker$/.test(full))) return true;
  }
  return false;
}

/** Cargo's home folder: CARGO_HOME, else ~/.cargo. */
export function cargoHome(env: NodeJS.ProcessEnv): string {
  return env.CARGO_HOME ? resolve(env.CARGO_HOME) : join(env.HOME || homedir(), ".cargo");
}

/**
 * Where cargo would find a linker for the target: the variable, `--config`, RUSTFLAGS' `-C linker`, or a config
 * file. The config files are those from `cwd` up and in CARGO_HOME on this machine, or `configFiles` as another
 * system (a build container) holds them; `--config` file paths are read relative to `cwd` (without it, not read).
 */
export function configuredLinker(triple: string, o: { env: NodeJS.ProcessEnv; cwd?: string; config?: string[]; configFiles?: Array<{ file: string; text: string }> }): string | undefined {
  const v = cargoTargetVar(triple, "LINKER");
  if (o.env[v]) return v;
  const cwd = o.cwd;
  for (const c of o.config ?? []) {
    if (c.includes("=") ? configNamesLinker(c, triple) : cwd !== undefined && readText(resolve(cwd, c), triple)) return `--config ${c}`;
  }
  for (const f of [o.env.RUSTFLAGS, o.env.CARGO_ENCODED_RUSTFLAGS, o.env[cargoTargetVar(triple, "RUSTFLAGS")]]) {
    if (f && /(^|[\s\x1f])(-C\s*|-C\x1f|--codegen[\s=\x1f])?linker=/.test(f)) return "RUSTFLAGS";
  }
  if (o.configFiles) return o.configFiles.find((c) => configNamesLinker(c.text, triple))?.file;
  if (cwd === undefined) return undefined;
  for (const d of [...ancestors(cwd).map((a) => join(a, ".cargo")), cargoHome(o.env)]) {
    for (const name of ["config.toml", "config"]) if (readText(join(d, name), triple)) return join(d, name);
  }
  return undefined;
}

function readText(file: string, triple: string): boolean {
  try {
    return configNamesLinker(readFileSync(file, "utf8"), triple);
  } catch {
    return false;
  }
}

/**
 * The linker variable to add for a foreign Linux target, or undefined when the
 * user's configuration already names one (or the target is not Linux: macOS and
 * Windows targets need the user's SDK setup). No linker at all -> ConfigError.
 */
export function chooseLinker(t: TargetTriple, o: { env: NodeJS.ProcessEnv; cwd: string; config?: string[] }): { name: string; value: string } | undefined {
  if (t.system !== "linux" || configuredLinker(t.triple, o) !== undefined) return undefined;
  const gcc = `${crossGccPrefix(t)}-gcc`;
  const found = which(gcc, o.env);
  const name = cargoTargetVar(t.triple, "LINKER");
  if (found) return { name, value: gcc };
  const arch = debianArch(t);
  throw new ConfigError(
    `no linker for ${t.triple}: cargo would link with this machine's cc, and ${gcc} is not on PATH`,
    `install a cross gcc (Debian/Ubuntu: apt-get install gcc-${crossGccPrefix(t).replace(/_/g, "-")}${arch ? ` libc6-dev-${arch}-cross` : ""}) or set ${name}`,
  );
}
