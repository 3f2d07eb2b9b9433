/**
 * src/build/backend/standalone.ts and standalone-wheel.ts without building a 99 MB
 * executable: the SEA config, the fuse check, where postject is found, and the
 * one-line errors of `pyts-build standalone` / `backend-wheel --standalone`.
 * (The real build is in test/e2e/standalone.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ToolMissingError } from "../../../src/errors.js";
import { buildStandaloneExecutable, defaultUseCodeCache, findPostject, SEA_FUSE, seaConfig, seaSupport } from "../../../src/build/backend/standalone.js";
import { standalonePlatformTags } from "../../../src/build/backend/standalone-wheel.js";
import { runCli } from "../../helpers/cli.js";
import { freshDir, ROOT } from "../../helpers/env.js";

describe("seaConfig", () => {
  it("names the script and blob, hides node's experimental warning, and asks for the code cache only when told", () => {
    expect(JSON.parse(seaConfig("/a/main.cjs", "/b/blob", { useCodeCache: true }))).toEqual({
      main: "/a/main.cjs",
      output: "/b/blob",
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
    });
    expect(JSON.parse(seaConfig("m.cjs", "o")).useCodeCache).toBe(false);
  });
});

describe("defaultUseCodeCache", () => {
  it("leaves V8's (unreproducible) code cache out when SOURCE_DATE_EPOCH asks for a reproducible build", () => {
    expect(defaultUseCodeCache({})).toBe(true);
    expect(defaultUseCodeCache({ SOURCE_DATE_EPOCH: "1700000000" })).toBe(false);
  });
});

describe("seaSupport", () => {
  it("reads node's fuse: absent, unblown, blown", () => {
    expect(seaSupport(Buffer.from("ELF ... no fuse here"))).toBe("missing");
    expect(seaSupport(Buffer.from(`xx${SEA_FUSE}:0yy`))).toBe("ok");
    expect(seaSupport(Buffer.from(`xx${SEA_FUSE}:1yy`))).toBe("already-injected");
  });

  it("finds the unblown fuse in the node running the tests, and the fuse string is not written whole in the bundle", async () => {
    const { readFileSync } = await import("node:fs");
    expect(seaSupport(readFileSync(process.execPath))).toBe("ok");
    // postject refuses a binary where the fuse occurs twice: the blob must not carry it
    expect(readFileSync(join(ROOT, "dist/bundle/pyts-build-sea.cjs"), "utf8")).not.toContain(SEA_FUSE);
  });
});

describe("findPostject", () => {
  it("finds the devDependency from the checkout", () => {
    expect(findPostject([ROOT])).toMatch(/node_modules\/postject\/dist\/cli\.js$/);
  });

  it("says how to install it when it is nowhere", () => {
    // outside the checkout: module resolution walks up to the checkout's node_modules otherwise
    const empty = mkdtempSync(join(tmpdir(), "pyts-no-postject-"));
    expect(() => findPostject([empty])).toThrow(ToolMissingError);
    expect(() => findPostject([empty])).toThrow(/postject is not installed/);
    rmSync(empty, { recursive: true });
  });
});

describe("buildStandaloneExecutable errors", () => {
  it("a node without SEA support: one typed error, nothing left behind", () => {
    const dir = freshDir("sea-nofuse");
    const fake = join(dir, "node");
    copyFileSync("/bin/true", fake);
    expect(() => buildStandaloneExecutable({ out: join(dir, "out"), node: fake })).toThrow(/has no single-executable-application support/);
    expect(readdirSync(dir)).toEqual(["node"]);
  });
});

describe("standalonePlatformTags", () => {
  it("tags the node binary by its glibc needs", () => {
    // the official node 20 build links glibc up to 2.28 and libstdc++ (allowed by the policy)
    expect(standalonePlatformTags(process.execPath)).toEqual(["manylinux_2_28_x86_64"]);
  });
});

describe("the CLI", () => {
  it("pyts-build standalone --node <not a SEA-capable node>: one line and the fix, no stack", () => {
    const dir = freshDir("sea-cli");
    const r = runCli(["standalone", "--node", "/bin/true", "-o", join(dir, "x")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: \/(usr\/)?bin\/true has no single-executable-application support \(no SEA fuse in the binary\)\n\s+hint: use the official Node\.js/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "x"))).toBe(false);
  });

  it("pyts-build standalone --node <missing file>", () => {
    const r = runCli(["standalone", "--node", "/nonexistent/node", "-o", join(freshDir("sea-cli-missing"), "x")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the node binary \/nonexistent\/node does not exist\n\s+hint: point --node at a node executable/);
  });

  it("backend-wheel --executable without --standalone is refused", () => {
    const r = runCli(["backend-wheel", "--executable", "/bin/true", "-o", freshDir("bw-exe")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: --executable is only for --standalone wheels\n\s+hint: add --standalone/);
  });

  it("backend-wheel --standalone --executable <missing file>", () => {
    const r = runCli(["backend-wheel", "--standalone", "--executable", "/nonexistent/pyts-build", "-o", freshDir("bw-missing")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the standalone executable \/nonexistent\/pyts-build does not exist/);
  });
});
