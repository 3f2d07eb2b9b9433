import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { editableLayout } from "../../../src/build/backend/editable.js";
import { layoutWheel } from "../../../src/build/layout.js";
import { loadProjectConfig } from "../../../src/build/project/config.js";
import { fakeInterpreter } from "../../helpers/interpreter-info.js";
import { writeTree } from "../../helpers/tree.js";

const CP311 = fakeInterpreter(11, { executable: "/usr/bin/python3.11" });

describe("editableLayout with out-dir includes", () => {
  it("puts build-script output beside the extension in the source tree (maturin's develop does too); the regular wheel carries it", () => {
    const d = writeTree("editable-outdir", {
      "Cargo.toml": '[package]\nname = "demo"\nversion = "0.1.0"\n[lib]\ncrate-type = ["cdylib"]\n',
      "src/lib.rs": "",
      "pyproject.toml": '[tool.pyts-build]\nmodule-name = "pkg._native"\npython-source = "python"\ninclude = [{ path = "info.txt", from = "out-dir", to = "pkg/" }]\n',
      "python/pkg/__init__.py": "",
      "target/debug/build/demo-1/out/info.txt": "generated",
    });
    const artifact = join(d, "target/debug/libdemo.so");
    mkdirSync(dirname(artifact), { recursive: true });
    writeFileSync(artifact, "ELF...");
    const config = loadProjectConfig({ cwd: d });
    const input = { config, interpreter: CP311, artifact, outDirFiles: [{ path: "pkg/info.txt", file: join(d, "target/debug/build/demo-1/out/info.txt") }] };
    expect(layoutWheel(input).map((f) => f.path)).toContain("pkg/info.txt");
    const files = editableLayout(input);
    expect(files.map((f) => f.path)).toEqual(["demo_editable.pth"]);
    expect(readFileSync(join(d, "python/pkg/info.txt"), "utf8")).toBe("generated");
  });
});
