/**
 * universal2 wheels (`--target universal2-apple-darwin`, maturin's virtual
 * target): each build unit runs cargo twice, for x86_64-apple-darwin and
 * aarch64-apple-darwin, each in its own target folder and environment (the
 * same PYO3_CONFIG_FILE; MACOSX_DEPLOYMENT_TARGET by default Rust's minimum
 * of each architecture), and the extension library (or each program) of the
 * two builds is joined into one Mach-O universal file (src/wheel/macho-fat.ts).
 * The wheel is tagged for both Macs and the fat platform, as maturin tags it.
 * A joined file is rewritten only when a thin file changed: a no-op build
 * then keeps its wheel.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { releaseTemp, trackTemp } from "../cleanup.js";
import { CargoError, ConfigError } from "../errors.js";
import type { Logger } from "../log.js";
import { VERSION } from "../version.js";
import { cpuName, thinMachO, writeFatMachO } from "../wheel/macho-fat.js";
import { keyHash } from "./cache/key-hash.js";
import { stampAll } from "./cache/input-stamps.js";
import { recallAnswer, rememberAnswer, rememberedFile } from "./cache/remembered.js";
import type { CargoEnvPlan } from "./cargo/cargo-env.js";
import type { CargoRun } from "./cargo/cargo.js";
import { type CargoArtifact, sharedLibraryOf } from "./cargo/cargo-messages.js";
import { planTargetDirs } from "./cargo/target-dirs.js";
import type { ProjectConfig } from "./project/config.js";
import type { Bindings } from "./project/tool-config.js";
import { missingStdHint, usesRustup } from "./target/toolchain.js";
import { parseTriple, targetPlatformTags } from "./target/triple.js";

export const UNIVERSAL2 = "universal2-apple-darwin";
/** The two builds, x86_64 first (lipo's order in the fat file), with the Mach-O architecture each must give. */
export const UNIVERSAL2_PARTS = [
  { triple: "x86_64-apple-darwin", cpu: "x86_64" },
  { triple: "aarch64-apple-darwin", cpu: "arm64" },
] as const;
const TRIPLES = UNIVERSAL2_PARTS.map((p) => p.triple);

/** What a universal2 build cannot be (one line each): a setuptools-rust project, a container build. */
export function checkUniversal2(config: ProjectConfig, o: { container: boolean }): void {
  const separately = `build --target ${TRIPLES[0]} and --target ${TRIPLES[1]} as two wheels`;
  if (config.setuptools) throw new ConfigError(`${UNIVERSAL2} is built for maturin-style projects only, not for the setuptools-rust project ${config.pyprojectPath ?? config.projectDir}`, separately);
  if (o.container) throw new ConfigError(`${UNIVERSAL2} wheels are macOS wheels: a manylinux container cannot build them`, `build them with \`pyts-build wheel --target ${UNIVERSAL2}\` (on a Mac, or with both macOS targets' std and linkers)`);
}

/** One cargo run of a unit for `triple`, in `targetDir` (seeded from the first of `seeds` that has built). */
export type RunPart = (cargoEnv: CargoEnvPlan, targetDir: string | undefined, triple: string, seeds: string[]) => Promise<CargoRun>;

export interface Universal2Plan {
  /** Each unit's x86_64 folder: the unit's folder for the caller's seeding and concurrency (undefined: none of its own). */
  targetDirs: (string | undefined)[];
  /** The wheel's platform tags: the x86_64 and arm64 Macs' and the fat one. */
  platforms: string[];
  /** Both builds of unit `index`, joined: a run whose crate artifacts are the universal files. */
  compile(index: number, seeds: string[], run: RunPart): Promise<CargoRun>;
}

export interface Universal2Options {
  /** cargo's target folder: the joined files and their notes go under `<it>/pyts-build/universal2`. */
  targetDirectory: string;
  /** Each build in its own target folder (false: a runCargo hook decides where it builds). */
  ownFolders: boolean;
  env: NodeJS.ProcessEnv;
  manifestPath: string;
  bindings: Bindings;
  log: Logger;
}

/** The plan of a universal2 build: `envFor` plans a unit's cargo environment for one triple. */
export function planUniversal2<U extends { abi3Minor?: number }>(units: U[], envFor: (unit: U, triple: string) => CargoEnvPlan, o: Universal2Options): Universal2Plan {
  const envs = units.map((u) => TRIPLES.map((t) => envFor(u, t)));
  // per triple, the folders of every unit (planTargetDirs names each by its environment and triple)
  const dirs = TRIPLES.map((t, p) =>
    o.ownFolders ? planTargetDirs(units.map((u, i) => ({ cargoEnv: envs[i]?.[p] as CargoEnvPlan, ...(u.abi3Minor !== undefined ? { abi3Minor: u.abi3Minor } : {}), target: t })), o.targetDirectory) : units.map(() => undefined),
  );
  const [x86Dirs, armDirs] = dirs as [(string | undefined)[], (string | undefined)[]];
  const armOf = new Map(x86Dirs.map((d, i) => [d, armDirs[i]]));
  const root = join(o.targetDirectory, "pyts-build", "universal2");
  return {
    targetDirs: x86Dirs,
    platforms: targetPlatformTags(parseTriple(UNIVERSAL2), o.env.MACOSX_DEPLOYMENT_TARGET || undefined),
    async compile(index, seeds, run) {
      const runs: CargoRun[] = [];
      try {
        for (const [p, { triple }] of UNIVERSAL2_PARTS.entries()) {
          o.log.info(`universal2: cargo for ${triple}`);
          // arm64: another unit's arm64 folder has every crate built; this unit's x86_64 one its build scripts and proc macros
          const from = p === 0 ? seeds : [...seeds.map((s) => armOf.get(s)).filter((s): s is string => s !== undefined), ...(x86Dirs[index] !== undefined ? [x86Dirs[index]] : [])];
          runs.push(await run(envs[index]?.[p] as CargoEnvPlan, dirs[p]?.[index], triple, from));
        }
      } catch (e) {
        throw namingBothTargets(e, o.env);
      }
      return joinRuns(runs as [CargoRun, CargoRun], { ...o, root });
    },
  };
}

/** A missing standard library of either half: the hint adds both targets at once. */
function namingBothTargets(e: unknown, env: NodeJS.ProcessEnv): unknown {
  // cargo-failure.ts's words for rustc's "can't find crate for `core`" of an apple target
  if (!(e instanceof CargoError) || !/the Rust standard library for \S+-apple-darwin is not installed/.test(e.message)) return e;
  const hint = missingStdHint(TRIPLES, undefined, usesRustup(env));
  return new CargoError(`${e.message} (a universal2 build needs both ${TRIPLES.join(" and ")})`, hint, { cause: e, backendHint: hint });
}

/** The file of an artifact that goes into the wheel: the shared library, or the program. */
function fileOf(a: CargoArtifact, bins: boolean): string | undefined {
  if (bins) return a.kind.includes("bin") && a.executable ? a.executable : undefined;
  return sharedLibraryOf(a);
}

/**
 * The x86_64 run with each of the crate's libraries (or programs) replaced by
 * the universal file of it and its arm64 twin (same target name). Build
 * scripts are the x86_64 run's: OUT_DIR includes are taken from there, as
 * maturin does (they should not depend on the architecture).
 */
export function joinRuns([x86, arm]: [CargoRun, CargoRun], o: Universal2Options & { root: string }): CargoRun {
  const bins = o.bindings === "bin";
  const ours = (r: CargoRun) => r.artifacts.filter((a) => a.manifestPath === o.manifestPath && fileOf(a, bins) !== undefined);
  const [xs, as] = [ours(x86), ours(arm)];
  const what = bins ? "program" : "shared library";
  if (xs.length === 0) throw new CargoError(`cargo built no ${TRIPLES[0]} ${what} of ${o.manifestPath}`, bins ? "add a [[bin]] target (src/main.rs)" : `make sure ${o.manifestPath} has [lib] crate-type = ["cdylib"]`);
  const joined = new Map<CargoArtifact, CargoArtifact>();
  for (const x of xs) {
    const a = as.find((c) => c.targetName === x.targetName);
    const [xf, af] = [fileOf(x, bins) as string, a && fileOf(a, bins)];
    if (af === undefined) throw new CargoError(`cargo built the ${TRIPLES[0]} ${what} ${basename(xf)} but no ${TRIPLES[1]} one`, "see cargo's messages above (a target or cfg that leaves it out on aarch64?)");
    const fat = joinThinFiles([xf, af], o.root);
    joined.set(x, { ...x, filenames: [fat], executable: bins ? fat : x.executable });
  }
  return { ...x86, artifacts: x86.artifacts.map((a) => joined.get(a) ?? a) };
}

/**
 * The universal file of the x86_64 and arm64 files `thins` (in that order):
 * `<root>/<hash of their paths>/<x86_64 file's name>`, written through a
 * temporary name, and not rewritten while the thin files and it are as they
 * were (a note under `<root>/notes` stamps all three). Each thin file must be
 * a 64-bit Mach-O file of its architecture.
 */
export function joinThinFiles(thins: [string, string], root: string): string {
  const out = join(root, keyHash(JSON.stringify(thins)).slice(0, 12), basename(thins[0]));
  const note = rememberedFile(join(root, "notes"), [VERSION, out]);
  if (recallAnswer<string[]>(note, (a) => JSON.stringify(a) === JSON.stringify(thins)) !== undefined) return out;
  const parts = thins.map((file, i) => {
    const bytes = readFileSync(file);
    const want = UNIVERSAL2_PARTS[i]?.cpu as string;
    const got = cpuName(thinMachO(bytes, file).cputype);
    if (got !== want) throw new CargoError(`${file}, cargo's ${TRIPLES[i]} build, is a ${got} file, not ${want}`, "check the linker configured for that target");
    return { bytes, name: file };
  });
  const fat = writeFatMachO(parts);
  mkdirSync(join(out, ".."), { recursive: true });
  const tmp = trackTemp(`${out}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, fat, { mode: statSync(thins[0]).mode & 0o777 }); // a program stays executable
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true }); // renamed: nothing; a failed write: its half
    releaseTemp(tmp);
  }
  rememberAnswer(note, stampAll([...thins, out]), thins);
  return out;
}
