import { describe, expect, it } from "vitest";
import { parseToml } from "../../../src/build/project/toml.js";
import { addOutsideCopies, planOutsideCopies, rewriteTomlValues } from "../../../src/build/sdist/sdist-outside.js";
import { ConfigError } from "../../../src/errors.js";

describe("planOutsideCopies", () => {
  it("only files outside the root, each beside the manifest naming it", () => {
    const refs = [
      { manifest: "cargo" as const, key: ["package", "readme"], file: "/repo/README.md" },
      { manifest: "pyproject" as const, key: ["project", "license"], file: "/repo/proj/LICENSE" },
      { manifest: "pyproject" as const, key: ["project", "readme"], file: "/elsewhere/docs/intro.rst" },
    ];
    expect(planOutsideCopies(refs, "/repo/proj", { pyproject: "/repo/proj", cargo: "/repo/proj/rust" })).toEqual([
      { ...refs[0], path: "rust/README.md" },
      { ...refs[2], path: "intro.rst" },
    ]);
  });
});

describe("rewriteTomlValues", () => {
  it("sets a string key, the file of a {file} table, and replaces an inherited {workspace = true}", () => {
    const text = '[project]\nname = "a"\nreadme = { file = "../R.md", content-type = "text/markdown" }\nlicense = { file = "../../L" }\n';
    const out = rewriteTomlValues(text, "/p/pyproject.toml", [
      { key: ["project", "readme"], value: "R.md" },
      { key: ["project", "license"], value: "L" },
    ]);
    expect(out.split("\n")[0]).toBe("# Written by pyts-build sdist: project.readme, project.license named a file outside the project, copied in beside this file.");
    expect(parseToml(out, "x")).toEqual({ project: { name: "a", readme: { file: "R.md", "content-type": "text/markdown" }, license: { file: "L" } } });
    const cargo = rewriteTomlValues('[package]\nname = "c"\nreadme.workspace = true\nlicense-file = "../../LICENSE"\n', "/c/Cargo.toml", [
      { key: ["package", "readme"], value: "README.md" },
      { key: ["package", "license-file"], value: "LICENSE" },
    ]);
    expect(parseToml(cargo, "x")).toEqual({ package: { name: "c", readme: "README.md", "license-file": "LICENSE" } });
  });
});

describe("addOutsideCopies", () => {
  it("adds the copies, rewrites the manifest entry (file or bytes), and refuses to replace another file", () => {
    const files = new Map<string, { path: string; source: { file: string } | { bytes: Uint8Array } }>();
    files.set("rust/Cargo.toml", { path: "rust/Cargo.toml", source: { bytes: Buffer.from('[package]\nname = "c"\nreadme = "../../README.md"\n') } });
    const copy = { manifest: "cargo" as const, key: ["package", "readme"], file: "/repo/README.md", path: "rust/README.md" };
    addOutsideCopies(files, [copy], { cargo: "rust/Cargo.toml" }, "pyproject.toml");
    expect(files.get("rust/README.md")).toEqual({ path: "rust/README.md", source: { file: "/repo/README.md" } });
    const manifest = files.get("rust/Cargo.toml")?.source as { bytes: Uint8Array };
    expect(parseToml(Buffer.from(manifest.bytes).toString("utf8"), "x")).toEqual({ package: { name: "c", readme: "README.md" } });
    const held = new Map(files);
    held.set("rust/README.md", { path: "rust/README.md", source: { file: "/repo/proj/rust/README.md" } });
    expect(() => addOutsideCopies(held, [copy], { cargo: "rust/Cargo.toml" }, "pyproject.toml")).toThrow(ConfigError);
    expect(() => addOutsideCopies(held, [copy], { cargo: "rust/Cargo.toml" }, "pyproject.toml")).toThrow(
      "pyproject.toml: package.readme names /repo/README.md, outside the project, whose copy in the sdist would replace rust/README.md",
    );
  });
});
