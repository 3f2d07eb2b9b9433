/**
 * The standalone pyts-build: one executable that runs the CLI with no Node.js
 * installed. It is a Node 20 single-executable application: a copy of the node
 * binary running pyts-build with the CommonJS bundle (dist/bundle/pyts-build-sea.cjs,
 * made by python/bundle.mjs) injected by `postject` as the NODE_SEA_BLOB resource.
 * Node's own build is the one proven way to make such a file; the choice and its
 * measured size and start-up time are in docs/pep517.md.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { releaseTemp, trackTemp } from "../../cleanup.js";
import { PytsError, ToolMissingError } from "../../errors.js";
import { STANDALONE } from "../../version.js";

export const SEA_SCRIPT_NAME = "pyts-build-sea.cjs";

/**
 * The fuse node checks at start-up to look for an injected blob. Joined at run time:
 * written out whole it would sit in the bundle, and postject refuses a binary where
 * the fuse occurs twice.
 */
export const SEA_FUSE = ["NODE", "SEA", "FUSE", "fce680ab2cc467b6e072b8b5df1996b2"].join("_");
const SEA_RESOURCE = "NODE_SEA_BLOB";

/** The `--experimental-sea-config` file (pure). */
export function seaConfig(main: string, output: string, opts: { useCodeCache?: boolean } = {}): string {
  return (
    JSON.stringify(
      {
        main,
        output,
        // pyts-build's output is read by pip and by people: node's "experimental" banner has no place in it.
        disableExperimentalSEAWarning: true,
        useCodeCache: opts.useCodeCache ?? false,
      },
      null,
      2,
    ) + "\n"
  );
}

export type SeaSupport = "ok" | "missing" | "already-injected";

/** Whether a node binary can take a blob (pure, on the binary's bytes): its fuse is there and not yet blown. */
export function seaSupport(binary: Buffer): SeaSupport {
  const at = binary.indexOf(SEA_FUSE);
  if (at < 0) return "missing";
  return binary[at + SEA_FUSE.length + 1] === "1".charCodeAt(0) ? "already-injected" : "ok";
}

/** The CommonJS bundle of this running copy of pyts-build (dist/bundle/ in a checkout or npm installation). */
export function defaultSeaScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // the ES bundle (dist/bundle/pyts-build.mjs), the compiled tree (dist/src/build/backend/standalone.js), the sources (src/build/backend)
  const candidates = [join(here, SEA_SCRIPT_NAME), resolve(here, "../../../bundle", SEA_SCRIPT_NAME), resolve(here, "../../../dist/bundle", SEA_SCRIPT_NAME)];
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new PytsError(`the standalone CLI bundle ${SEA_SCRIPT_NAME} is missing next to ${here}`, "run `npm run build` (tsc, then python/bundle.mjs) first");
  }
  return found;
}

/**
 * postject's command-line script. It is a devDependency of pyts-build, not a
 * runtime one (only making the executable needs it): looked up from pyts-build's
 * own folder (a checkout, or next to a global install) and from `cwd`.
 */
export function findPostject(searchFrom: string[]): string {
  for (const from of searchFrom) {
    try {
      const pkg = createRequire(join(from, "noop.js")).resolve("postject/package.json");
      const cli = join(dirname(pkg), "dist/cli.js");
      if (existsSync(cli)) return cli;
    } catch {
      // not installed there: try the next place
    }
  }
  throw new ToolMissingError(
    "postject is not installed: it injects the CLI into a copy of node to make the standalone executable",
    "run `npm install postject` in this folder (or `npm install -g postject` beside a global pyts-build)",
  );
}

export interface StandaloneOptions {
  /** The executable to write (temp name + rename). */
  out: string;
  /** The node binary to copy; default: the node running pyts-build. */
  node?: string;
  /** The CommonJS script to embed; default: this installation's dist/bundle/pyts-build-sea.cjs. */
  script?: string;
  /** Embed V8's code cache for the script (a third off start-up, 0.13 MB); default: `defaultUseCodeCache(env)`. */
  useCodeCache?: boolean;
  /** For SOURCE_DATE_EPOCH; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where postject is looked up besides pyts-build's own folder; default process.cwd(). */
  cwd?: string;
}

/**
 * V8's code cache is not reproducible (two builds differ in ~90 KB of it), so a
 * build that asks for reproducibility (SOURCE_DATE_EPOCH set) leaves it out and
 * gets the same bytes from the same node and script; any other build has it.
 */
export function defaultUseCodeCache(env: NodeJS.ProcessEnv): boolean {
  return env.SOURCE_DATE_EPOCH === undefined;
}

/** Write the standalone executable; returns its absolute path. */
export function buildStandaloneExecutable(opts: StandaloneOptions): string {
  if (STANDALONE) {
    throw new PytsError("the standalone pyts-build cannot make another standalone executable (it has no node binary of its own to copy)", "run `pyts-build standalone` from the npm package (`npm install -g pyts-build`)");
  }
  const node = resolve(opts.node ?? process.execPath);
  const script = resolve(opts.script ?? defaultSeaScript());
  const out = resolve(opts.out);
  if (!existsSync(script)) throw new PytsError(`the script to embed, ${script}, does not exist`, "run `npm run build` first");
  const here = dirname(fileURLToPath(import.meta.url));
  const postject = findPostject([here, opts.cwd ?? process.cwd()]);

  if (!existsSync(node)) throw new PytsError(`the node binary ${node} does not exist`, "point --node at a node executable, or leave --node out to copy the running one");
  const binary = readFileSync(node);
  const support = seaSupport(binary);
  if (support === "missing") {
    throw new ToolMissingError(`${node} has no single-executable-application support (no SEA fuse in the binary)`, "use the official Node.js 20 or newer build from nodejs.org (distribution builds may leave it out)");
  }
  if (support === "already-injected") {
    throw new PytsError(`${node} is itself a single executable application`, "point --node at a plain node binary");
  }

  mkdirSync(dirname(out), { recursive: true });
  const work = trackTemp(mkdtempSync(join(dirname(out), `.${basename(out)}.tmp-`)));
  try {
    const blob = join(work, "sea.blob");
    const config = join(work, "sea-config.json");
    writeFileSync(config, seaConfig(script, blob, { useCodeCache: opts.useCodeCache ?? defaultUseCodeCache(opts.env ?? process.env) }));
    run(node, ["--experimental-sea-config", config], work, "node --experimental-sea-config", "check that the node binary is Node.js 20 or newer");

    const exe = join(work, "pyts-build");
    copyFileSync(node, exe);
    chmodSync(exe, 0o755);
    run(node, [postject, exe, SEA_RESOURCE, blob, "--sentinel-fuse", SEA_FUSE], work, "postject", "reinstall postject (`npm install postject`)");
    renameSync(exe, out);
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
    releaseTemp(work);
  }
}

function run(cmd: string, args: string[], cwd: string, what: string, hint: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) {
    const lines = `${r.stderr ?? ""}${r.stdout ?? ""}`.split("\n").map((l) => l.trim()).filter(Boolean);
    const detail = r.error ? r.error.message : (lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? `exit code ${r.status}`);
    throw new PytsError(`${what} failed: ${detail}`, hint);
  }
}
