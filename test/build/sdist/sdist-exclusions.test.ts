import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { Exclusions, isNativeModule } from "../../../src/build/sdist/sdist-exclusions.js";
import { freshDir } from "../../helpers/env.js";
import { writeTree } from "./sdist-fixtures.js";

describe("Exclusions", () => {
  it("names the reason for build output, caches, venvs and earlier sdists, and passes sources", () => {
    const root = freshDir("excl");
    writeTree(root, {
      "crate/src/lib.rs": "",
      "crate/target/debug/x": "",
      "other/target/kept.txt": "", // `target` not at a crate root and no CACHEDIR.TAG: a normal folder
      "cache/CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n",
      "cache/deep/file": "",
      "venv/pyvenv.cfg": "home = /usr/bin\n",
      "venv/lib/site.py": "",
      "out/x.tar.gz": "",
      "pkg/__pycache__/m.cpython-311.pyc": "",
      "pkg/m.py": "",
    });
    const ex = new Exclusions({ root, outputDirs: [join(root, "out"), root], crateDirs: [join(root, "crate")], sdistPrefix: "my_pkg" });
    const why = (rel: string) => ex.fileReason(join(root, rel));
    expect(why("crate/src/lib.rs")).toBeUndefined();
    expect(why("pkg/m.py")).toBeUndefined();
    expect(why("other/target/kept.txt")).toBeUndefined();
    expect(why("crate/target/debug/x")).toBe("cargo target folder");
    expect(why("cache/deep/file")).toBe("cache folder (CACHEDIR.TAG)");
    expect(why("venv/lib/site.py")).toBe("virtualenv");
    expect(why("out/x.tar.gz")).toBe("build output folder");
    expect(why("pkg/__pycache__/m.cpython-311.pyc")).toBe(".pyc file");
    expect(why("dist/a-1.0-py3-none-any.whl")).toBe(".whl file");
    expect(why("my_pkg-0.9.tar.gz")).toBe("an earlier sdist");
    expect(why("other_pkg-0.9.tar.gz")).toBeUndefined();
  });

  it("never judges the root or folders above it (a checkout may sit in a cache folder)", () => {
    const base = freshDir("excl");
    writeTree(base, { "CACHEDIR.TAG": "x", "proj/src/a.rs": "" });
    const ex = new Exclusions({ root: join(base, "proj"), outputDirs: [], crateDirs: [], sdistPrefix: "p" });
    expect(ex.fileReason(join(base, "proj/src/a.rs"))).toBeUndefined();
  });

  it("knows native extension file names", () => {
    expect(isNativeModule("m.cpython-311-x86_64-linux-gnu.so")).toBe(true);
    expect(isNativeModule("m.pyd")).toBe(true);
    expect(isNativeModule("m.py")).toBe(false);
  });
});
