/**
 * vendor.ts: crates resolved on the host with the user's cargo configuration
 * (here: the offline Debian crate directory as a crates.io replacement), by
 * real `cargo vendor`; cached on the lockfile.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/log.js";
import { localPackageDirs, outermostDirs, vendorCrates, vendorKey } from "../../../src/manylinux/container/vendor.js";
import { freshDir, ROOT, testEnv } from "../../helpers/env.js";

describe("pure parts", () => {
  it("vendorKey changes with the lockfile and the flags", () => {
    expect(vendorKey("a", [])).toBe(vendorKey("a", []));
    expect(vendorKey("a", [])).not.toBe(vendorKey("b", []));
    expect(vendorKey("a", [])).not.toBe(vendorKey("a", ["--locked"]));
  });
  it("outermostDirs drops folders inside others (not mere name prefixes)", () => {
    expect(outermostDirs(["/w/a/b", "/w/a", "/w/ab", "/x", "/w/a"])).toEqual(["/w/a", "/w/ab", "/x"]);
  });
});

describe("vendorCrates on word-count (pyo3 + rayon)", () => {
  const dir = freshDir("vendor");
  const project = join(dir, "word-count");
  cpSync(join(ROOT, "examples/word-count"), project, { recursive: true, filter: (p) => !p.includes("/target") });
  const cache = join(project, "target/pyts-build/manylinux");
  const env = testEnv();
  const opts = { manifestPath: join(project, "Cargo.toml"), workspaceRoot: project, cacheDir: cache, env, log: silentLogger };

  it("vendors through the configured source and writes the config that points cargo at the folder", async () => {
    const v = await vendorCrates(opts);
    expect(v.ran).toBe(true);
    expect(existsSync(join(v.vendorDir, "pyo3-0.17.3", "Cargo.toml"))).toBe(true); // --versioned-dirs
    expect(existsSync(join(v.vendorDir, "rayon-1.6.1"))).toBe(true);
    const cfg = readFileSync(v.configFile, "utf8");
    expect(cfg).toContain('[source.crates-io]\nreplace-with = "vendored-sources"');
    expect(cfg).toContain(`directory = "${v.vendorDir}"`);
  });

  it("the second time the cache is current and cargo vendor does not run; a changed lockfile reruns it", async () => {
    expect((await vendorCrates(opts)).ran).toBe(false);
    const lock = join(project, "Cargo.lock");
    writeFileSync(lock, readFileSync(lock, "utf8") + "\n");
    expect((await vendorCrates(opts)).ran).toBe(true);
  });

  it("the crate's local packages, resolved offline against the vendor folder", async () => {
    const v = await vendorCrates(opts);
    expect(await localPackageDirs(opts.manifestPath, v, env)).toEqual([project]);
  });

  it("a dependency cargo cannot get fails with cargo's reason", async () => {
    const bad = join(dir, "bad");
    cpSync(join(ROOT, "test/manylinux/container/fixtures/mpdec-ext"), bad, { recursive: true });
    writeFileSync(join(bad, "Cargo.toml"), readFileSync(join(bad, "Cargo.toml"), "utf8") + '\n[dependencies]\nno-such-crate-pyts = "9.9"\n');
    await expect(vendorCrates({ ...opts, manifestPath: join(bad, "Cargo.toml"), workspaceRoot: bad, cacheDir: join(bad, "target/c") })).rejects.toThrow(
      /^cargo vendor could not fetch the crate's dependencies on the host:\n[\s\S]*no-such-crate-pyts/,
    );
  });
});
