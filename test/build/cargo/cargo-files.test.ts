import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cargoPackageFiles, collectCrates, condenseCargoError, missingPathDependency } from "../../../src/build/cargo/cargo-files.js";
import { freshDir, ROOT, testEnv } from "../../helpers/env.js";

const missing = `error: failed to load manifest for workspace member \`/w/py\`
referenced by workspace at \`/w/Cargo.toml\`

Caused by:
  failed to load manifest for dependency \`gone\`

Caused by:
  failed to read \`/nowhere/gone/Cargo.toml\`

Caused by:
  No such file or directory (os error 2)
`;

describe("cargo error messages", () => {
  it("condenses cargo's error and its causes onto one line", () => {
    const one = condenseCargoError("   Compiling x\n" + missing);
    expect(one).not.toContain("\n");
    expect(one).toBe(
      "failed to load manifest for workspace member `/w/py`: referenced by workspace at `/w/Cargo.toml`: failed to load manifest for dependency `gone`: failed to read `/nowhere/gone/Cargo.toml`: No such file or directory (os error 2)",
    );
  });

  it("recognises a missing path dependency", () => {
    const e = missingPathDependency(condenseCargoError(missing), "/w/py/Cargo.toml");
    expect(e?.message).toBe('/w/py/Cargo.toml: path dependency "gone" points at /nowhere/gone, which holds no Cargo.toml');
    expect(missingPathDependency("some other failure", "/x")).toBeUndefined();
  });
});

describe("cargoPackageFiles", () => {
  it("lists the crate's files, and asks an older cargo (no --exclude-lockfile) without the flag, once", async () => {
    const base = freshDir("cargo-files");
    const dir = join(base, "crate");
    cpSync(join(ROOT, "test/fixtures/ffi-min"), dir, { recursive: true });
    const crate = { manifestPath: join(dir, "Cargo.toml"), dir };
    const expected = ["Cargo.toml", "README.md", "src/lib.rs"].map((f) => join(dir, f));
    expect((await cargoPackageFiles(crate, testEnv())).files.sort()).toEqual(expected);
    // a cargo that does not know the flag: it says so the way cargo's argument parser does
    const log = join(base, "calls.log");
    const oldCargo = join(base, "old-cargo.sh");
    writeFileSync(
      oldCargo,
      `#!/bin/sh\necho "$*" >> "${log}"\ncase " $* " in *" --exclude-lockfile "*) echo "error: unexpected argument '--exclude-lockfile' found" >&2; exit 1;; esac\nexec cargo "$@"\n`,
    );
    chmodSync(oldCargo, 0o755);
    const env = testEnv({ CARGO: oldCargo });
    expect((await cargoPackageFiles(crate, env)).files.sort()).toEqual(expected);
    expect((await cargoPackageFiles(crate, env)).files.sort()).toEqual(expected);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls.map((c) => c.includes("--exclude-lockfile"))).toEqual([true, false, false]);
  });
});

describe("collectCrates: the targets a build compiles", () => {
  it("names the root source of the library, each binary and the build script, not examples", async () => {
    const dir = join(freshDir("cargo-targets"), "crate");
    cpSync(join(ROOT, "test/fixtures/ffi-min"), dir, { recursive: true });
    writeFileSync(join(dir, "build.rs"), "fn main() {}\n");
    mkdirSync(join(dir, "src/bin"), { recursive: true });
    writeFileSync(join(dir, "src/bin/tool.rs"), "fn main() {}\n");
    mkdirSync(join(dir, "examples"), { recursive: true });
    writeFileSync(join(dir, "examples/demo.rs"), "fn main() {}\n");
    const set = await collectCrates(join(dir, "Cargo.toml"), testEnv());
    expect(set.crates[0]?.targetSources.sort()).toEqual([join(dir, "build.rs"), join(dir, "src/bin/tool.rs"), join(dir, "src/lib.rs")]);
  });
});
