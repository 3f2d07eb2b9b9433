/**
 * The sdist's cargo questions (the crate set from `cargo metadata`, each
 * crate's `cargo package --list`), answered once and remembered: the two
 * cargo runs are most of a repeated sdist's time (~150 ms through rustup's
 * proxy), while checking that nothing they read has changed costs a few ms.
 *
 * An answer is reused only while every input it depends on is provably
 * unchanged (a wrong reuse gives a wrong sdist, a missed one only costs
 * time). Its key holds the pyts-build version, the manifest, the working
 * folder, cargo's arguments, the whole environment and what the caller adds
 * (project and output folder). Its stamps (input-stamps.ts) cover:
 * - every Cargo.toml above each crate and workspace root, each workspace
 *   member's manifest, the lock files, cargo's configuration files, the toolchain;
 * - what the listing reads: cargo lists git-tracked + untracked-not-ignored
 *   files in a git checkout, else walks the folder. So: each `.git` above the
 *   crates (present or not), the git index, HEAD, info/exclude, git's config
 *   files (and their includes) and excludes files, every .gitignore, and every
 *   folder below each crate and workspace root (a folder's stamp moves when an
 *   entry is added, removed or renamed). Not descended into: `.git`, the
 *   target folders, and the folders the caller drops whole from the sdist
 *   whatever cargo lists (virtualenvs, caches, output; their own stamp is kept,
 *   so a removed pyvenv.cfg is seen).
 * Nothing is remembered when the answer cannot be proven current that way: a
 * nested git checkout or submodule, a symlink to a folder, GIT_DIR-style
 * variables, more than MAX_FOLDERS folders, or a stamped file modified within
 * MTIME_MARGIN_MS of cargo's start. PYTS_BUILD_ALWAYS_RUN_CARGO=1 turns the
 * reuse off. The cache lives in the user's cache folder, never in the source tree.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { VERSION } from "../../version.js";
import { cargoPackageList, collectCrates, type CrateSet } from "./cargo-files.js";
import { inputFiles } from "./cargo-target.js";
import { allOlderThan, ancestors, environmentKey, stampAll, toolchainFiles } from "../cache/input-stamps.js";
import { recallAnswer, rememberAnswer, rememberedFile } from "../cache/remembered.js";
import { userCacheDir } from "../cache/user-cache.js";

/** What the sdist asks cargo: the crates, and `cargo package --list`'s lines for each (in `set.crates`' order). */
export interface CargoFileAnswers {
  set: CrateSet;
  lists: string[][];
}

export interface CargoFilesOptions {
  env?: NodeJS.ProcessEnv;
  /** The working folder of the command (part of the key). */
  cwd?: string;
  /** More of the key: whatever decides `dropped` besides the crate set (the project folder, the output folder). */
  key?: unknown[];
  /**
   * Folders (below a crate) the sdist drops whole whatever cargo lists in
   * them, given the crate set: not descended into when stamping. Judged by
   * the folder's own path (`byContent: false`: it needs no stamp of its own,
   * so an output folder written to does not spoil the answer) or by a file
   * directly in it (`byContent: true`: its own stamp is kept). Never through
   * a parent's reason: parents are judged themselves.
   */
  dropped?: (set: CrateSet) => Dropped;
  /** Where the answers are remembered; default `<user cache>/sdist-cargo`. */
  cacheDir?: string;
  /** Told "cargo" before each cargo question is asked (tests count them). */
  trace?: (what: "metadata" | "package-list") => void;
}

export type Dropped = (dir: string) => { byContent: boolean } | undefined;

/** Beyond this many folders to stamp, checking costs about as much as asking cargo. */
export const MAX_FOLDERS = 20000;

/** The arguments the answers come from (part of the key: a change in how cargo is asked drops old answers). */
const QUESTIONS = "metadata --format-version 1 --no-deps | package --list --allow-dirty --exclude-lockfile";

/** Variables that move the git files cargo reads elsewhere: no stamps would cover them. */
const GIT_LOCATION_VARS = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY"];

function cacheFile(manifestPath: string, o: CargoFilesOptions, env: NodeJS.ProcessEnv, cwd: string): string {
  return rememberedFile(o.cacheDir ?? join(userCacheDir(env), "sdist-cargo"), [VERSION, resolve(manifestPath), cwd, QUESTIONS, o.key ?? [], environmentKey(env)]);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The git folder named by a `.git` file (`gitdir: <path>`, a worktree or submodule), or the `.git` folder itself. */
function gitDirOf(dotGit: string): string | undefined {
  if (isDir(dotGit)) return dotGit;
  try {
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, "utf8"));
    return m ? resolve(dirname(dotGit), m[1] as string) : undefined;
  } catch {
    return undefined;
  }
}

/** `~/x` and relative paths (to `base`) of git configuration values made absolute. */
function gitPath(value: string, base: string, home: string): string {
  const v = /^".*"$/.test(value) ? value.slice(1, -1) : value.replace(/\s*[#;].*$/, "");
  if (v === "~" || v.startsWith("~/")) return join(home, v.slice(1));
  return isAbsolute(v) ? v : resolve(base, v);
}

/**
 * git's configuration files that can name an excludes file, followed through
 * `include.path`/`includeIf.*.path` (every one, whatever its condition: a
 * superset is safe), and the excludes files they name plus the default one.
 */
function gitConfigAndExcludes(env: NodeJS.ProcessEnv, repoConfigs: string[]): string[] {
  const home = env.HOME || homedir();
  const xdg = env.XDG_CONFIG_HOME || join(home, ".config");
  // both XDG places whether or not XDG_CONFIG_HOME is set: a superset is safe
  const xdgs = [xdg, join(home, ".config")];
  const configs = [
    env.GIT_CONFIG_SYSTEM || "/etc/gitconfig",
    env.GIT_CONFIG_GLOBAL || join(home, ".gitconfig"),
    ...xdgs.map((x) => join(x, "git", "config")),
    ...repoConfigs,
  ];
  const out = new Set<string>(xdgs.map((x) => join(x, "git", "ignore")));
  const seen = new Set<string>();
  while (configs.length > 0) {
    const file = configs.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    out.add(file);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    let section = "";
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      const sec = /^\[([^\]]*)\]/.exec(line);
      if (sec) section = (sec[1] as string).trim().toLowerCase();
      const kv = /^(?:\[[^\]]*\]\s*)?([A-Za-z][\w-]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (!kv) continue;
      const name = (kv[1] as string).toLowerCase();
      const value = kv[2] as string;
      if (section === "core" && name === "excludesfile") out.add(gitPath(value, dirname(file), home));
      if ((section === "include" || section.startsWith("includeif")) && name === "path") configs.push(gitPath(value, dirname(file), home));
    }
  }
  return [...out];
}

/** Every file and folder whose stamp must hold for the answer to stand, or undefined when none can prove it. */
export function answerInputs(set: CrateSet, main: string, env: NodeJS.ProcessEnv, cwd: string, dropped: Dropped): string[] | undefined {
  if (GIT_LOCATION_VARS.some((k) => env[k] !== undefined)) return undefined;
  const files = new Set<string>();
  const roots = [...new Set([...set.workspaces.map((w) => w.root), ...set.crates.map((c) => c.dir)])];
  // manifests above, cargo's configuration (cargo runs in each crate's folder), lock files, members
  for (const f of inputFiles(main, cwd, env)) files.add(f);
  for (const c of set.crates) for (const f of inputFiles(c.manifestPath, c.dir, env)) files.add(f);
  for (const w of set.workspaces) {
    for (const f of inputFiles(w.manifestPath, w.root, env)) files.add(f);
    files.add(join(w.root, "Cargo.lock"));
    for (const m of w.memberDirs) files.add(join(m, "Cargo.toml"));
  }
  for (const f of toolchainFiles(env, [cwd, ...roots])) files.add(f);

  // git: which checkout (if any) holds each root, and what of it cargo's listing reads
  const repoTops = new Set<string>();
  const repoConfigs: string[] = [];
  for (const r of roots) {
    let found = false;
    for (const a of ancestors(r)) {
      files.add(join(a, ".gitignore"));
      files.add(join(a, ".git"));
      if (found) continue;
      const dotGit = join(a, ".git");
      const gitDir = (() => {
        try {
          statSync(dotGit);
        } catch {
          return undefined;
        }
        return gitDirOf(dotGit) ?? "";
      })();
      if (gitDir === undefined) continue;
      found = true;
      if (gitDir === "") return undefined; // a .git that names no git folder: cargo's view is unknowable
      repoTops.add(a);
      let common = gitDir;
      try {
        common = resolve(gitDir, readFileSync(join(gitDir, "commondir"), "utf8").trim());
      } catch {
        // not a linked worktree
      }
      for (const f of [join(gitDir, "index"), join(gitDir, "HEAD"), join(common, "info", "exclude"), join(gitDir, "info", "exclude")]) files.add(f);
      repoConfigs.push(join(common, "config"), join(gitDir, "config.worktree"));
    }
  }
  for (const f of gitConfigAndExcludes(env, repoConfigs)) files.add(f);

  // every folder below the roots: an added, removed or renamed entry moves its stamp
  const targets = new Set(set.workspaces.map((w) => resolve(w.targetDirectory)));
  const folders = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    if (folders.has(dir)) continue;
    folders.add(dir);
    if (folders.size > MAX_FOLDERS) return undefined;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    for (const e of entries) {
      const abs = join(dir, e.name);
      if (e.name === ".git") {
        if (!repoTops.has(dir)) return undefined; // a nested checkout or submodule: its own index decides
        continue;
      }
      if (e.name === ".gitignore" || e.name === ".gitattributes") files.add(abs);
      if (e.isSymbolicLink()) {
        if (isDir(abs)) return undefined; // cargo may list through it: its target folder is not stamped
        continue;
      }
      if (!e.isDirectory() || targets.has(abs)) continue;
      const d = dropped(abs);
      if (d === undefined) stack.push(abs);
      else if (d.byContent) folders.add(abs);
    }
  }
  for (const f of folders) files.add(f);
  return [...files];
}

/** Ask cargo: the crate set, with the main crate's listing asked meanwhile, then the other crates' listings. */
async function askCargo(main: string, env: NodeJS.ProcessEnv, trace: CargoFilesOptions["trace"]): Promise<CargoFileAnswers> {
  const list = (c: { manifestPath: string; dir: string }) => {
    trace?.("package-list");
    return cargoPackageList(c, env);
  };
  const own = list({ manifestPath: main, dir: dirname(main) });
  own.catch(() => undefined); // awaited below; a metadata failure comes first and must not leave it unhandled
  trace?.("metadata");
  const set = await collectCrates(main, env);
  const pending = set.crates.map((c) => (c.manifestPath === main ? own : list(c)));
  for (const p of pending) p.catch(() => undefined);
  const lists: string[][] = [];
  for (const p of pending) lists.push(await p); // in the crates' order: the first crate's failure is the one reported
  return { set, lists };
}

/** The crate set and each crate's `cargo package --list` lines: remembered while their inputs are unchanged, else asked. */
export async function cargoFileAnswers(manifestPath: string, o: CargoFilesOptions = {}): Promise<CargoFileAnswers> {
  const env = o.env ?? process.env;
  const cwd = resolve(o.cwd ?? process.cwd());
  const main = resolve(manifestPath);
  const reuse = env.PYTS_BUILD_ALWAYS_RUN_CARGO !== "1";
  const file = cacheFile(main, o, env, cwd);
  if (reuse) {
    const known = recallAnswer<CargoFileAnswers>(
      file,
      // an answer remembered before crates carried their target sources is not this version's answer
      (a) => typeof a.set === "object" && Array.isArray(a.lists) && Array.isArray(a.set.crates) && a.set.crates.every((c) => Array.isArray(c.targetSources)),
    );
    if (known) return known;
  }
  const started = Date.now();
  const answer = await askCargo(main, env, o.trace);
  if (reuse) {
    const inputs = answerInputs(answer.set, main, env, cwd, o.dropped?.(answer.set) ?? (() => undefined));
    if (inputs) {
      const stamps = stampAll(inputs);
      // a file changed around cargo's run may not show in what cargo answered: no proof, no record
      if (allOlderThan(inputs.filter((p) => stamps[p] !== "-"), started)) rememberAnswer(file, stamps, answer);
    }
  }
  return answer;
}
