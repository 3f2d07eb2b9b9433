import { describe, expect, it } from "vitest";
import { parse } from "smol-toml";
import { pruneWorkspaceManifest } from "../../../src/build/project/workspace-manifest.js";

const text = `# a comment cargo ignores
[workspace]
members = ["crates/*", "py", "tools/gen"]
default-members = ["py", "tools/gen"]
exclude = ["scratch"]

[workspace.package]
version = "2.0.0"

[workspace.dependencies]
core = { path = "crates/core" }

[profile.release]
lto = true
`;

describe("pruneWorkspaceManifest", () => {
  it("keeps the file as it is when every member is carried", () => {
    expect(pruneWorkspaceManifest(text, "Cargo.toml", ["py", "crates/core", "tools/gen"], ["crates/core", "py", "tools/gen"])).toBeUndefined();
  });

  it("narrows members and default-members and keeps everything else", () => {
    const out = pruneWorkspaceManifest(text, "Cargo.toml", ["py", "./crates/core/"], ["crates/core", "py", "tools/gen"]);
    expect(out).toBeDefined();
    const doc = parse(out as string) as Record<string, Record<string, unknown>>;
    expect(doc.workspace?.members).toEqual(["crates/core", "py"]);
    expect(doc.workspace?.["default-members"]).toEqual(["py"]);
    expect(doc.workspace?.exclude).toEqual(["scratch"]);
    expect(doc.workspace?.package).toEqual({ version: "2.0.0" });
    expect(doc.workspace?.dependencies).toEqual({ core: { path: "crates/core" } });
    expect(doc.profile).toEqual({ release: { lto: true } });
  });

  it("drops default-members when none of them is carried, and never lists the root package", () => {
    const out = pruneWorkspaceManifest(text, "Cargo.toml", ["", "crates/core"], ["", "crates/core", "py", "tools/gen"]);
    const doc = parse(out as string) as Record<string, Record<string, unknown>>;
    expect(doc.workspace?.members).toEqual(["crates/core"]);
    expect(doc.workspace?.["default-members"]).toBeUndefined();
  });
});
