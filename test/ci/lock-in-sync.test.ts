/**
 * package-lock.json is what `npm install` writes (.ci/lock-in-sync.mjs runs npm
 * itself in CI; these checks need no registry): no entry that nothing reaches
 * (npm drops those on every install), every package.json dependency at its
 * spec, and npm 10 / npm 11 differences tolerated.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockDifferences, unreachableEntries } from "../../.ci/lock-in-sync.mjs";
import { ROOT } from "../helpers/env.js";

const readJson = (p: string) => JSON.parse(readFileSync(join(ROOT, p), "utf8"));

describe("package-lock.json", () => {
  const lock = readJson("package-lock.json");
  const pkg = readJson("package.json");

  it("holds no entry that no dependency reaches", () => {
    expect(unreachableEntries(lock)).toEqual([]);
  });

  it("records package.json's dependencies as they are written there", () => {
    const root = lock.packages[""];
    expect(root.dependencies ?? {}).toEqual(pkg.dependencies ?? {});
    expect(root.devDependencies ?? {}).toEqual(pkg.devDependencies ?? {});
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) expect(lock.packages[`node_modules/${name}`], name).toBeDefined();
  });
});

describe("lock comparison", () => {
  const base = {
    lockfileVersion: 3,
    packages: {
      "": { dependencies: { a: "^1.0.0" } },
      "node_modules/a": { version: "1.0.0", dependencies: { b: "^2" } },
      "node_modules/b": { version: "2.0.0", optionalDependencies: { "@x/linux": "2.0.0" } },
      "node_modules/@x/linux": { version: "2.0.0", optional: true, os: ["linux"], libc: ["glibc"] },
    },
  };

  it("finds entries nothing reaches, nested ones included, and ignores optional peers", () => {
    expect(unreachableEntries(base)).toEqual([]);
    const stale = structuredClone(base) as typeof base & { packages: Record<string, unknown> };
    stale.packages["node_modules/a/node_modules/c"] = { version: "0.1.0" };
    stale.packages["node_modules/a/node_modules/d"] = { version: "0.1.0" };
    (stale.packages["node_modules/a"] as Record<string, unknown>).peerDependencies = { d: "*" };
    (stale.packages["node_modules/a"] as Record<string, unknown>).peerDependenciesMeta = { d: { optional: true } };
    expect(unreachableEntries(stale)).toEqual(["node_modules/a/node_modules/c", "node_modules/a/node_modules/d"]);
  });

  it("tolerates the libc field (npm 11 writes it, npm 10 drops it) and nothing else", () => {
    const npm10 = structuredClone(base);
    delete (npm10.packages["node_modules/@x/linux"] as Record<string, unknown>).libc;
    expect(lockDifferences(base, npm10)).toEqual([]);
    const bumped = structuredClone(base);
    bumped.packages["node_modules/b"].version = "2.0.1";
    expect(lockDifferences(base, bumped)).toEqual(["node_modules/b"]);
  });
});
