import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cargoBuildArgs, cargoMetadata, commonCargoFlags, diagnosticLines, runCargoJson } from "../../../src/build/cargo/cargo.js";
import { sharedLibraryOf } from "../../../src/build/cargo/cargo-messages.js";
import { CargoError, ToolMissingError } from "../../../src/errors.js";
import { freshDir, ROOT, testEnv } from "../../helpers/env.js";

describe("cargo command lines", () => {
  it("maps the flags", () => {
    expect(commonCargoFlags({ manifestPath: "/c/Cargo.toml" })).toEqual(["--manifest-path", "/c/Cargo.toml"]);
    expect(
      commonCargoFlags({
        manifestPath: "C",
        release: true,
        features: ["a", "b"],
        allFeatures: true,
        noDefaultFeatures: true,
        target: "x86_64-unknown-linux-gnu",
        locked: true,
        frozen: true,
        offline: true,
      }),
    ).toEqual(["--manifest-path", "C", "--release", "--features", "a,b", "--all-features", "--no-default-features", "--target", "x86_64-unknown-linux-gnu", "--locked", "--frozen", "--offline"]);
    expect(commonCargoFlags({ manifestPath: "C", release: true, profile: "dist" })).toEqual(["--manifest-path", "C", "--profile", "dist"]);
    // [tool.maturin] config / unstable-flags
    expect(commonCargoFlags({ manifestPath: "C", config: ["a.b=1", "x.toml"], unstableFlags: ["build-std"] })).toEqual(["--manifest-path", "C", "--config", "a.b=1", "--config", "x.toml", "-Z", "build-std"]);
  });

  it("builds the lib with cargo rustc, passing trailing rustc args", () => {
    expect(cargoBuildArgs({ manifestPath: "C", rustcArgs: ["-C", "target-cpu=native"] }, "lib", "quiet")).toEqual([
      "rustc",
      "--lib",
      "--message-format=json-render-diagnostics",
      "--manifest-path",
      "C",
      "--quiet",
      "--",
      "-C",
      "target-cpu=native",
    ]);
    expect(cargoBuildArgs({ manifestPath: "C" }, "bins", "verbose")).toEqual(["build", "--bins", "--message-format=json-render-diagnostics", "--manifest-path", "C", "--verbose"]);
  });
});

describe("running cargo (real cargo, the no-dependency fixture)", () => {
  const crate = () => {
    const d = freshDir("cargo-run");
    cpSync(join(ROOT, "test/fixtures/ffi-min"), d, { recursive: true });
    return d;
  };

  it("returns the cdylib from the JSON messages", async () => {
    const d = crate();
    const run = await runCargoJson(cargoBuildArgs({ manifestPath: join(d, "Cargo.toml") }, "lib", "quiet"), { env: testEnv() });
    const libs = run.artifacts.map(sharedLibraryOf).filter(Boolean);
    expect(libs).toEqual([join(d, "target/debug/libffi_min.so")]);
    expect(readFileSync(libs[0] as string).subarray(1, 4).toString()).toBe("ELF");
  });

  it("a compile error is a CargoError", async () => {
    const d = crate();
    writeFileSync(join(d, "src/lib.rs"), "fn broken( {}\n");
    const p = runCargoJson(cargoBuildArgs({ manifestPath: join(d, "Cargo.toml") }, "lib", "quiet"), { env: testEnv() });
    await expect(p).rejects.toBeInstanceOf(CargoError);
    await expect(p).rejects.toThrow(/cargo failed with exit code 101/);
  });

  it("a compile error keeps the 'fix the crate' hint", async () => {
    const d = crate();
    writeFileSync(join(d, "src/lib.rs"), "fn broken( {}\n");
    const err = await runCargoJson(cargoBuildArgs({ manifestPath: join(d, "Cargo.toml") }, "lib", "quiet"), { env: testEnv() }).catch((e: CargoError) => e);
    expect(err.message).toBe("cargo failed with exit code 101");
    expect(err.hint).toContain("fix the crate");
  });

  describe("registry failures get an offline hint, not 'fix the crate'", () => {
    /** ffi-min plus one dependency from crates.io. */
    const withDependency = (dep: string) => {
      const d = crate();
      writeFileSync(join(d, "Cargo.toml"), readFileSync(join(d, "Cargo.toml"), "utf8").replace("[lib]", `[dependencies]\n${dep} = "1"\n\n[lib]`));
      return join(d, "Cargo.toml");
    };
    const failure = (manifestPath: string, env: NodeJS.ProcessEnv, offline = false) =>
      runCargoJson(cargoBuildArgs({ manifestPath, offline }, "lib", "quiet"), { env }).then(
        () => expect.unreachable(),
        (e: CargoError) => e,
      );
    /** A cargo home with no source replacement: crates.io itself, unreachable here (no retries, so it fails fast). */
    const bareHome = () => testEnv({ CARGO_HOME: freshDir("cargo-home-bare"), CARGO_NET_RETRY: "0" });

    it("a crate the offline crate source lacks", async () => {
      const err = await failure(withDependency("pyts-no-such-crate"), testEnv());
      expect(err).toBeInstanceOf(CargoError);
      expect(err.message).toMatch(/^cargo failed with exit code 101: the dependency `pyts-no-such-crate` is not in the crate source it searched \(directory source `\/usr\/share\/cargo\/registry`/);
      expect(err.hint).toMatch(/add `pyts-no-such-crate` to that crate source.*cargo vendor/);
      expect(err.hint).not.toContain("fix the crate");
    });

    it("--offline with no local crate source", async () => {
      const err = await failure(withDependency("libc"), bareHome(), true);
      expect(err.message).toMatch(/^cargo failed with exit code 101: offline, and the dependency `libc` is in no local crate source/);
      expect(err.hint).toMatch(/\[source\.crates-io\] replace-with.*--offline/);
    });

    it("a registry that cannot be reached", async () => {
      const err = await failure(withDependency("libc"), bareHome());
      expect(err.message).toMatch(/^cargo failed with exit code 101: cannot reach the crate registry \(.*(resolve host|connect)/i);
      expect(err.hint).toMatch(/not the crate: to build without network/);
    });
  });

  it("a missing cargo is a ToolMissingError", async () => {
    await expect(runCargoJson(["build"], { env: testEnv({ CARGO: "/no/cargo" }) })).rejects.toBeInstanceOf(ToolMissingError);
  });

  it("cargo metadata gives the target directory (CARGO_TARGET_DIR honoured)", async () => {
    const d = crate();
    expect((await cargoMetadata(join(d, "Cargo.toml"), { env: testEnv() })).targetDirectory).toBe(join(d, "target"));
    const t = join(d, "elsewhere");
    expect((await cargoMetadata(join(d, "Cargo.toml"), { env: testEnv({ CARGO_TARGET_DIR: t }) })).targetDirectory).toBe(t);
  });
});

describe("diagnosticLines", () => {
  it("keeps the warnings and their summary, drops cargo's status lines", () => {
    const stderr = [
      "   Compiling ffi-min v0.2.0 (/w/crate)",
      "warning: function `f` is never used",
      " --> src/lib.rs:3:4",
      "  |",
      "3 | fn f() {}",
      "  |    ^",
      "",
      "warning: `ffi-min` (lib) generated 1 warning",
      "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.31s",
      "",
    ].join("\n");
    expect(diagnosticLines(stderr)).toBe("warning: function `f` is never used\n --> src/lib.rs:3:4\n  |\n3 | fn f() {}\n  |    ^\n\nwarning: `ffi-min` (lib) generated 1 warning\n");
    expect(diagnosticLines("       Fresh a v1\n    Finished `release` profile in 0.0s\n")).toBe("");
  });
  it("keeps what stays on screen of a terminal's lines: no progress bar, colours kept", () => {
    const stderr = "\x1b[1m\x1b[32m   Compiling\x1b[0m x v1\n\r    Building [=>  ] 1/3: x\r\x1b[K\x1b[33mwarning\x1b[0m: unused\n\r    Building [==> ] 2/3: x";
    expect(diagnosticLines(stderr)).toBe("\x1b[33mwarning\x1b[0m: unused\n");
  });
});
