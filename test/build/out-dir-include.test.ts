import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outDirFiles, outDirOf, packageNameOfId } from "../../src/build/out-dir-include.js";
import { ConfigError } from "../../src/errors.js";
import { freshDir } from "../helpers/env.js";

describe("packageNameOfId", () => {
  it.each([
    ["path+file:///work/my-crate#other-name@0.1.0", "other-name"],
    ["path+file:///work/my-crate#0.1.0", "my-crate"],
    ["registry+https://github.com/rust-lang/crates.io-index#pyo3-ffi@0.17.3", "pyo3-ffi"],
    ["my-crate 0.1.0 (path+file:///work/my-crate)", "my-crate"],
    ["git+https://example.org/x.git?rev=1#y@1.0.0", "y"],
    ["nonsense", undefined],
  ])("%s -> %s", (id, name) => {
    expect(packageNameOfId(id)).toBe(name);
  });
});

describe("outDirFiles", () => {
  const d = freshDir("out-dir-include");
  const mine = join(d, "mine/out");
  const other = join(d, "other/out");
  mkdirSync(join(mine, "gen"), { recursive: true });
  mkdirSync(other, { recursive: true });
  writeFileSync(join(mine, "generated_info.txt"), "hello");
  writeFileSync(join(mine, "gen/a.py"), "");
  writeFileSync(join(mine, "gen/b.py"), "");
  writeFileSync(join(other, "o.txt"), "");
  const scripts = [
    { packageId: "path+file:///src/my-crate#0.1.0", outDir: mine },
    { packageId: "path+file:///src/other#other_crate@2.0.0", outDir: other },
  ];

  it("takes OUT_DIR from the build script of the crate (or of crate-name), puts matches under `to`", () => {
    expect(outDirOf(scripts, "my_crate")).toBe(mine); // - and _ name the same package
    const r = outDirFiles(
      [
        { path: "generated_info.txt", to: "pkg/" },
        { path: "gen/*.py", to: "pkg" },
        { path: "*.txt", to: "", crateName: "other_crate" },
      ],
      scripts,
      "my-crate",
      "pyproject.toml: tool.maturin.include",
    );
    expect(r.files).toEqual([
      { path: "pkg/generated_info.txt", file: join(mine, "generated_info.txt") },
      { path: "pkg/gen/a.py", file: join(mine, "gen/a.py") },
      { path: "pkg/gen/b.py", file: join(mine, "gen/b.py") },
      { path: "o.txt", file: join(other, "o.txt") },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it("a glob matching nothing is a warning; a package without a build script is a one-line error", () => {
    expect(outDirFiles([{ path: "nope.txt", to: "pkg" }], scripts, "my-crate", "w").warnings).toEqual([`w: include "nope.txt" (from = "out-dir") matches no file in ${mine}`]);
    const e = (() => {
      try {
        outDirFiles([{ path: "x", to: "pkg" }], [], "my-crate", "pyproject.toml: tool.maturin.include");
      } catch (x) {
        return x as ConfigError;
      }
      throw new Error("no error");
    })();
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe('pyproject.toml: tool.maturin.include: include "x" (from = "out-dir") needs the OUT_DIR of my-crate, but cargo ran no build script for it');
  });
});
