import { describe, expect, it } from "vitest";
import { authorContact, cargoPurl, reachedPackages, rustSbom, rustSbomText, type SbomNode, type SbomPackage, sbomTimestamp, vcsUrl } from "../../../src/build/cargo/sbom.js";
import { lockChecksums } from "../../../src/build/cargo/sbom-source.js";

const IO = "registry+https://github.com/rust-lang/crates.io-index";
const pkg = (id: string, name: string, extra: Partial<SbomPackage> = {}): SbomPackage => ({ id, name, version: "1.0.0", source: IO, manifest_path: `/reg/${name}/Cargo.toml`, ...extra });
const root = pkg("path+file:///ws/app#app@0.1.0", "app", {
  version: "0.1.0",
  source: null,
  manifest_path: "/ws/app/Cargo.toml",
  license: "MIT/Apache-2.0",
  targets: [
    { name: "app", kind: ["cdylib"], src_path: "/ws/app/src/lib.rs" },
    { name: "tool", kind: ["bin"], src_path: "/ws/app/src/main.rs" },
    { name: "build-script-build", kind: ["custom-build"], src_path: "/ws/app/build.rs" },
  ],
});
const packages = [
  root,
  pkg(`${IO}#a@1.0.0`, "a", { license: "not spdx!" }),
  pkg(`${IO}#b@1.0.0`, "b"),
  pkg(`${IO}#only-dev@1.0.0`, "only-dev"),
  pkg("path+file:///ws/shared#shared@0.2.0", "shared", { version: "0.2.0", source: null, manifest_path: "/ws/shared/Cargo.toml" }),
];
const edge = (pkg: string, ...kinds: Array<string | null>) => ({ pkg, dep_kinds: kinds.map((kind) => ({ kind })) });
const nodes: SbomNode[] = [
  { id: root.id, deps: [edge(`${IO}#a@1.0.0`, null), edge(`${IO}#b@1.0.0`, "build"), edge(`${IO}#only-dev@1.0.0`, "dev"), edge("path+file:///ws/shared#shared@0.2.0", null)] },
  { id: `${IO}#a@1.0.0`, deps: [] },
  { id: `${IO}#b@1.0.0`, deps: [edge(`${IO}#a@1.0.0`, null)] },
  { id: `${IO}#only-dev@1.0.0`, deps: [] },
  { id: "path+file:///ws/shared#shared@0.2.0", deps: [] },
];
const input = { metadata: { packages, resolve: { nodes }, workspace_root: "/ws" }, root: root.id, checksums: new Map([[`${IO}#a@1.0.0`, "ab12"]]), tool: { name: "pyts-build", version: "9" } };

describe("rust SBOM (CycloneDX 1.5, cargo-cyclonedx's shape)", () => {
  it("reaches packages through normal and build edges, the strongest path deciding the scope; dev edges are not followed", () => {
    const r = reachedPackages(root.id, new Map(nodes.map((n) => [n.id, n])));
    expect(Object.fromEntries(r)).toEqual({ [root.id]: 2, [`${IO}#a@1.0.0`]: 2, [`${IO}#b@1.0.0`]: 1, "path+file:///ws/shared#shared@0.2.0": 2 });
  });

  it("components sorted by package id, with scope, hashes, licenses (lax SPDX, else a named license) and purls", () => {
    const doc = rustSbom(input) as { components: Array<Record<string, unknown>>; dependencies: unknown[]; metadata: Record<string, unknown> };
    expect(doc.components.map((c) => [c.name, c.scope, c.purl])).toEqual([
      ["shared", "required", "pkg:cargo/shared@0.2.0?download_url=file://../shared"],
      ["a", "required", "pkg:cargo/a@1.0.0"],
      ["b", "excluded", "pkg:cargo/b@1.0.0"],
    ]);
    expect(doc.components[1]).toMatchObject({ hashes: [{ alg: "SHA-256", content: "ab12" }], licenses: [{ license: { name: "not spdx!" } }] });
    expect(doc.dependencies).toEqual([
      { ref: root.id, dependsOn: [`${IO}#a@1.0.0`, `${IO}#b@1.0.0`, "path+file:///ws/shared#shared@0.2.0"] },
      { ref: "path+file:///ws/shared#shared@0.2.0" },
      { ref: `${IO}#a@1.0.0` },
      { ref: `${IO}#b@1.0.0`, dependsOn: [`${IO}#a@1.0.0`] },
    ]);
    const top = doc.metadata.component as Record<string, unknown>;
    expect([top.type, top.licenses]).toEqual(["application", [{ expression: "MIT OR Apache-2.0" }]]);
    expect((top.components as Array<Record<string, unknown>>).map((c) => [c["bom-ref"], c.type, c.purl])).toEqual([
      [`${root.id} bin-target-0`, "library", "pkg:cargo/app@0.1.0?download_url=file://.#src/lib.rs"],
      [`${root.id} bin-target-1`, "application", "pkg:cargo/app@0.1.0?download_url=file://.#src/main.rs"],
    ]);
    expect(doc.metadata.timestamp).toBeUndefined(); // only with SOURCE_DATE_EPOCH
  });

  it("the text is deterministic, its serialNumber derived from the content; the timestamp is SOURCE_DATE_EPOCH's", () => {
    const a = rustSbomText({ ...input, epoch: 1700000000 });
    expect(rustSbomText({ ...input, epoch: 1700000000 })).toBe(a);
    expect(rustSbomText({ ...input, epoch: 1700000001 })).not.toBe(a);
    expect(Object.keys(JSON.parse(a))).toEqual(["bomFormat", "specVersion", "version", "serialNumber", "metadata", "components", "dependencies"]);
    expect(a).toContain('"timestamp": "2023-11-14T22:13:20.000000000Z"');
    expect(sbomTimestamp(0)).toBe("1970-01-01T00:00:00.000000000Z");
  });

  it("purls of git and other registries, git sources as SPDX download locations, authors as contacts", () => {
    const git = pkg("git+https://g.example/r.git?branch=main#abc123#x@1.0.0", "x", { source: "git+https://g.example/r.git?branch=main#abc123" });
    expect(cargoPurl(git, root, "/ws")).toBe("pkg:cargo/x@1.0.0?vcs_url=git+https://g.example/r.git%40abc123");
    expect(cargoPurl(pkg("id", "y", { source: "sparse+https://my.reg/index/" }), root, "/ws")).toBe("pkg:cargo/y@1.0.0?repository_url=https://my.reg/index/");
    expect(vcsUrl("git+https://g/r?tag=v1")).toBe("git+https://g/r@v1");
    expect(authorContact("Ann Lee <a@b.c>")).toEqual({ name: "Ann Lee", email: "a@b.c" });
    expect(authorContact("Solo")).toEqual({ name: "Solo" });
    expect(authorContact("Bad <not-an-email>")).toBeUndefined();
  });

  it("lockChecksums reads Cargo.lock's checksums by source, name and version", () => {
    const lock = `version = 3\n[[package]]\nname = "a"\nversion = "1.0.0"\nsource = "${IO}"\nchecksum = "ab12"\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n`;
    expect([...lockChecksums(lock, "Cargo.lock")]).toEqual([[`${IO}#a@1.0.0`, "ab12"]]);
  });
});
