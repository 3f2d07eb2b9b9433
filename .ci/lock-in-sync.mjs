#!/usr/bin/env node
/**
 * Fails when `npm install` would rewrite package-lock.json: npm resolves the
 * tree again from package.json + the lock in a scratch copy (lock only: no
 * node_modules, no scripts) and the result must equal the committed lock.
 *
 * One difference is tolerated on purpose: npm 11 records a `libc` field on
 * platform packages and npm 10 drops it, so a lock written by either passes
 * with either. Every other change (an extraneous entry, a version, a package
 * added to package.json without updating the lock) fails.
 *
 * Usage: node .ci/lock-in-sync.mjs [repo folder]   (exit 0 in sync, 1 not)
 * The pure parts are exported for test/ci/lock-in-sync.test.ts.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** A lock's `packages` map without the fields npm versions disagree on. */
export function comparableLock(lock) {
  const packages = {};
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    const { libc: _libc, ...rest } = entry;
    packages[key] = rest;
  }
  return { lockfileVersion: lock.lockfileVersion, packages };
}

/** Keys whose entries differ between two locks (after comparableLock), sorted. */
export function lockDifferences(a, b) {
  const pa = comparableLock(a).packages;
  const pb = comparableLock(b).packages;
  const keys = [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort();
  const diff = keys.filter((k) => JSON.stringify(sortKeys(pa[k])) !== JSON.stringify(sortKeys(pb[k])));
  if (a.lockfileVersion !== b.lockfileVersion) diff.unshift("lockfileVersion");
  return diff;
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/**
 * Lock entries no dependency reaches (Node's lookup: the nearest
 * `node_modules/<name>` walking up from the dependent). npm drops these on
 * every install, so a lock holding them is never in sync.
 */
export function unreachableEntries(lock) {
  const packages = lock.packages ?? {};
  // Optional peers are not installed for their own sake: only another edge makes them needed.
  const peers = (e) => Object.fromEntries(Object.entries(e.peerDependencies ?? {}).filter(([n]) => !e.peerDependenciesMeta?.[n]?.optional));
  const seen = new Set([""]);
  const queue = [""];
  while (queue.length > 0) {
    const at = queue.shift();
    const entry = packages[at] ?? {};
    // devDependencies count for the root only (npm installs no dev deps of dependencies)
    const deps = { ...entry.dependencies, ...entry.optionalDependencies, ...peers(entry), ...(at === "" ? entry.devDependencies : {}) };
    for (const name of Object.keys(deps)) {
      let dir = at;
      for (;;) {
        const key = dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
        if (key in packages) {
          if (!seen.has(key)) (seen.add(key), queue.push(key));
          break;
        }
        if (dir === "") break; // not installed: an optional or peer dependency left out
        const cut = dir.lastIndexOf("/node_modules/");
        dir = cut < 0 ? "" : dir.slice(0, cut);
      }
    }
  }
  return Object.keys(packages).filter((k) => !seen.has(k) && !packages[k].link).sort();
}

function main(repo) {
  const committed = JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8"));
  const scratch = mkdtempSync(join(tmpdir(), "pyts-lock-"));
  try {
    copyFileSync(join(repo, "package.json"), join(scratch, "package.json"));
    copyFileSync(join(repo, "package-lock.json"), join(scratch, "package-lock.json"));
    execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: scratch, stdio: ["ignore", "ignore", "inherit"] });
    const rewritten = JSON.parse(readFileSync(join(scratch, "package-lock.json"), "utf8"));
    const diff = lockDifferences(committed, rewritten);
    if (diff.length > 0) {
      console.error(`package-lock.json is out of date: npm install would change ${diff.length} entr${diff.length === 1 ? "y" : "ies"}:`);
      for (const k of diff.slice(0, 20)) console.error(`  ${k || "(root)"}`);
      console.error("run `npm install --package-lock-only --no-audit --no-fund` and commit package-lock.json");
      return 1;
    }
    console.log("package-lock.json is in sync with package.json");
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = main(resolve(process.argv[2] ?? "."));
