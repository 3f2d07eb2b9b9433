/**
 * The cross route's questions, asked of the container (target-route.ts has the
 * pure parts): does its Rust have the target's standard library, which linker
 * does cargo get there, where PyO3's configuration file goes so the container
 * sees it, and which of the target's libraries the audit may graft (copied
 * out of the image's target sysroot: the image's own libraries are of the
 * wrong architecture, and ldd cannot run a foreign file).
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { ContainerError } from "../../errors.js";
import { missingStdHint } from "../../build/target/toolchain.js";
import { readElfFile } from "../audit/elf.js";
import { elfIdentity, type SearchContext } from "../audit/ld-paths.js";
import type { BuildTarget } from "../../build/target/cross.js";
import { IMAGE_STD_PROBE } from "./rust.js";
import type { ContainerSession } from "./session.js";
import { containerLinker, LINKER_PROBE, linkerCandidates, parseLinkerProbe } from "./target-route.js";

/** --rust image: the image's rustc must have the target's standard library. */
export async function checkImageTargetStd(session: ContainerSession, target: BuildTarget): Promise<void> {
  const r = await session.exec(["sh", "-c", IMAGE_STD_PROBE, "sh", target.triple]);
  if (r.code === 0) return;
  if (r.code === 3) return; // no rustc: cargo's own "not found" error says what to do
  const sysroot = r.stdout.trim().split("\n")[0] ?? "";
  throw new ContainerError(
    `the Rust of ${session.spec.image} (sysroot ${sysroot}) has no standard library for ${target.triple}`,
    `use an image whose Rust has it (${missingStdHint(target.triple, target.parsed, false).replace(/^install your/, "its")}), or --rust host after \`rustup target add ${target.triple}\` on the host`,
  );
}

/**
 * The linker variable a cross build adds, judged inside the container: what
 * the image's environment, the configuration files cargo reads there, and its
 * PATH say. `env` is the container's environment (the image's and pyts-build's).
 */
export async function chooseContainerLinker(session: ContainerSession, target: BuildTarget, env: Record<string, string>, config: string[] | undefined): Promise<{ name: string; value: string } | undefined> {
  const r = await session.exec(["sh", "-c", LINKER_PROBE, "sh", ...linkerCandidates(target, env)]);
  const probe = parseLinkerProbe(r.stdout);
  return containerLinker(target, { env, probe, image: session.spec.image, ...(config ? { config } : {}) });
}

/**
 * PYO3_CONFIG_FILE is written on the host (under the cargo target folder,
 * which need not be mounted): a copy under the mounted cache, same
 * content-hashed name, is the path the container gets.
 */
export function stagePyo3Config(vars: Record<string, string>, cacheRoot: string): Record<string, string> {
  const file = vars.PYO3_CONFIG_FILE;
  if (file === undefined) return vars;
  const dir = join(cacheRoot, "pyo3-config");
  const staged = join(dir, basename(file));
  if (!existsSync(staged)) {
    mkdirSync(dir, { recursive: true });
    copyFileSync(file, staged); // named by its content: never rewritten
  }
  return { ...vars, PYO3_CONFIG_FILE: staged };
}

/** Copies each found library ($2...) out of the first folder of $1 (colon separated) holding it, under the mirror folder at its container path. */
export const FIND_COPY_SCRIPT = `set -e
dest=$1; dirs=$2; shift 2
for n in "$@"; do
  IFS=:; for d in $dirs; do
    if [ -e "$d/$n" ]; then
      r=$(readlink -f "$d/$n")
      mkdir -p "$dest$d" "$dest$(dirname "$r")"
      cp -L "$r" "$dest$r"
      [ "$d/$n" = "$r" ] || ln -sf "$dest$r" "$dest$d/$n"
      echo "$d/$n"
      break
    fi
  done; unset IFS
done
`;

/**
 * Mirror the target libraries `file` needs (and theirs, transitively) from the
 * image's target folders into `mirror`; the audit's search context is those
 * folders in the mirror and nothing else, so only the target's libraries can
 * be found (and repair still skips any file of another machine).
 */
export async function mirrorTargetLibraries(session: ContainerSession, file: string, mirror: string, dirs: string[]): Promise<SearchContext> {
  rmSync(mirror, { recursive: true, force: true });
  mkdirSync(mirror, { recursive: true });
  const asked = new Set<string>();
  let wanted = readElfFile(file).needed;
  for (let round = 0; round < 16 && wanted.length > 0; round++) {
    const names = wanted.filter((n) => !n.includes("/") && !asked.has(n));
    names.forEach((n) => asked.add(n));
    if (names.length === 0) break;
    const r = await session.execOk(["sh", "-c", FIND_COPY_SCRIPT, "sh", mirror, dirs.join(":"), ...names], "copying the target's libraries out of the container");
    wanted = [];
    for (const found of r.stdout.split("\n").filter((l) => l.startsWith("/"))) {
      const copy = join(mirror, found);
      if (elfIdentity(copy) !== undefined) wanted.push(...readElfFile(copy).needed);
    }
  }
  return { ldLibraryPath: [], confDirs: dirs.map((d) => join(mirror, d)), defaultDirs: [] };
}
