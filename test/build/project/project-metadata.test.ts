import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCargoManifest } from "../../../src/build/project/cargo-manifest.js";
import { Fields } from "../../../src/build/project/fields.js";
import {
  buildMetadata,
  cargoLicenseToSpdx,
  parseCargoAuthor,
  requirementForExtra,
  spdxExpressionError,
} from "../../../src/build/project/project-metadata.js";
import { readProjectTable } from "../../../src/build/project/pyproject.js";
import { parseToml } from "../../../src/build/project/toml.js";
import { writeTree } from "../../helpers/tree.js";

const tree = (files: Record<string, string>): string => writeTree("metadata", files);

const CARGO = `[package]
name = "rusty-thing"
version = "1.0.0-beta.2"
description = "From cargo"
license = "MIT/Apache-2.0"
authors = ["Ann <ann@example.org>", "Bob"]
homepage = "https://home"
repository = "https://repo"
keywords = ["fast"]
`;

function load(files: Record<string, string>) {
  const d = tree(files);
  const cargo = readCargoManifest(join(d, "Cargo.toml"));
  const pyText = files["pyproject.toml"];
  const project = pyText ? readProjectTable(new Fields("pyproject.toml", "project", parseToml(pyText, "pyproject.toml").project as Record<string, unknown>)) : undefined;
  return { d, ...buildMetadata({ cargo, projectDir: d, ...(project ? { project } : {}) }) };
}

describe("buildMetadata", () => {
  it("takes everything from Cargo.toml without [project]", () => {
    const { d, metadata, licenseFiles, readmeFile } = load({ "Cargo.toml": CARGO, "README.md": "# Hi\n", "LICENSE-MIT": "mit", "LICENSE-APACHE": "apache" });
    expect(metadata).toEqual({
      name: "rusty-thing",
      version: "1.0.0b2",
      summary: "From cargo",
      description: { body: "# Hi\n", contentType: "text/markdown; charset=UTF-8; variant=GFM" },
      licenseExpression: "MIT OR Apache-2.0",
      authors: [{ name: "Ann", email: "ann@example.org" }, { name: "Bob" }],
      author: "Ann <ann@example.org>, Bob",
      maintainers: [],
      keywords: ["fast"],
      classifiers: [],
      projectUrls: [
        ["Homepage", "https://home"],
        ["Source Code", "https://repo"],
      ],
      requiresDist: [],
      providesExtra: [],
      licenseFiles: [],
      dynamic: [],
    });
    expect(readmeFile).toBe(join(d, "README.md"));
    expect(licenseFiles).toEqual([
      { path: "LICENSE-APACHE", file: join(d, "LICENSE-APACHE") },
      { path: "LICENSE-MIT", file: join(d, "LICENSE-MIT") },
    ]);
  });

  it("[project] wins; only dynamic fields come from Cargo.toml", () => {
    const { metadata } = load({
      "Cargo.toml": CARGO,
      "pyproject.toml": `[project]
name = "py-name"
dynamic = ["version", "description"]
readme = {text = "body", content-type = "text/plain"}
license = {text = "Custom"}
dependencies = ["attrs"]
[project.optional-dependencies]
Dev_Tools = ["pytest", "mypy; python_version >= '3.8'"]
`,
    });
    expect(metadata.name).toBe("py-name");
    expect(metadata.version).toBe("1.0.0b2");
    expect(metadata.summary).toBe("From cargo");
    expect(metadata.description).toEqual({ body: "body", contentType: "text/plain" });
    expect(metadata.license).toBe("Custom");
    expect(metadata.licenseExpression).toBeUndefined();
    expect(metadata.authors).toEqual([]); // not dynamic: not taken from Cargo.toml
    expect(metadata.keywords).toEqual([]);
    expect(metadata.providesExtra).toEqual(["dev-tools"]);
    expect(metadata.requiresDist).toEqual(["attrs", 'pytest; extra == "dev-tools"', "mypy; (python_version >= '3.8') and extra == \"dev-tools\""]);
  });

  it("license = {file} is a License-File (maturin's rule), not License text; license-files globs must match", () => {
    const { d, metadata, licenseFiles } = load({ "Cargo.toml": CARGO, "pyproject.toml": '[project]\nname="a"\nversion="1"\nlicense={file="COPY"}\n', COPY: "text of license" });
    expect(metadata.license).toBeUndefined();
    expect(metadata.licenseExpression).toBeUndefined();
    expect(licenseFiles).toEqual([{ path: "COPY", file: join(d, "COPY") }]);
    expect(() => load({ "Cargo.toml": CARGO, "pyproject.toml": '[project]\nname="a"\nversion="1"\nlicense={file="NOPE"}\n' })).toThrow("pyproject.toml: project.license.file NOPE does not exist");
    expect(() => load({ "Cargo.toml": CARGO, "pyproject.toml": '[project]\nname="a"\nversion="1"\nlicense-files=["NOPE*"]\n' })).toThrow(
      'pyproject.toml: project.license-files "NOPE*" matches no file',
    );
  });

  it("a missing readme file is an error naming it", () => {
    expect(() => load({ "Cargo.toml": CARGO, "pyproject.toml": '[project]\nname="a"\nversion="1"\nreadme="README.md"\n' })).toThrow(
      /pyproject.toml: project.readme: .*README.md cannot be read/,
    );
  });

  it("a bad SPDX expression names its source", () => {
    expect(() => load({ "Cargo.toml": CARGO, "pyproject.toml": '[project]\nname="a"\nversion="1"\nlicense="MIT or"\n' })).toThrow(
      'pyproject.toml: project.license "MIT or" is not an SPDX license expression',
    );
  });

  it("Cargo's readme guesses include README.rst (maturin's), with maturin's content types", () => {
    expect(load({ "Cargo.toml": CARGO, "README.rst": "Hi\n" }).metadata.description).toEqual({ body: "Hi\n", contentType: "text/x-rst; charset=UTF-8" });
    expect(load({ "Cargo.toml": CARGO, README: "Hi\n" }).metadata.description).toEqual({ body: "Hi\n", contentType: "text/plain; charset=UTF-8" });
    expect(load({ "Cargo.toml": CARGO, "README.txt": "t\n", "README.rst": "r\n" }).metadata.description?.body).toBe("t\n");
  });

  it("a Cargo license that is no SPDX expression is License text (maturin writes it there too)", () => {
    const { metadata } = load({ "Cargo.toml": CARGO.replace('"MIT/Apache-2.0"', '"Proprietary, see LICENSE.txt"') });
    expect(metadata.license).toBe("Proprietary, see LICENSE.txt");
    expect(metadata.licenseExpression).toBeUndefined();
  });

  it("Cargo authors: all of them in Author, the ones with an email in Author-email; [project] authors are not joined", () => {
    expect(load({ "Cargo.toml": CARGO }).metadata.author).toBe("Ann <ann@example.org>, Bob");
    const { metadata } = load({ "Cargo.toml": CARGO, "pyproject.toml": '[project]\nname="a"\nversion="1"\nauthors=[{name="Cy", email="c@x.org"}]\n' });
    expect(metadata.author).toBeUndefined();
    expect(metadata.authors).toEqual([{ name: "Cy", email: "c@x.org" }]);
  });

  it("a SemVer version without PEP 440 meaning says so", () => {
    expect(() => load({ "Cargo.toml": CARGO.replace("1.0.0-beta.2", "1.0.0-nightly") })).toThrow(/package.version "1.0.0-nightly"/);
  });
});

describe("helpers", () => {
  it("parseCargoAuthor", () => {
    expect(parseCargoAuthor("Ann Lee <a@b.c>")).toEqual({ name: "Ann Lee", email: "a@b.c" });
    expect(parseCargoAuthor("<a@b.c>")).toEqual({ email: "a@b.c" });
    expect(parseCargoAuthor("Solo")).toEqual({ name: "Solo" });
  });

  it("cargoLicenseToSpdx", () => {
    expect(cargoLicenseToSpdx("MIT/Apache-2.0")).toBe("MIT OR Apache-2.0");
    expect(cargoLicenseToSpdx("MIT OR Apache-2.0")).toBe("MIT OR Apache-2.0");
  });

  it("spdxExpressionError", () => {
    expect(spdxExpressionError("MIT")).toBeUndefined();
    expect(spdxExpressionError("(MIT OR Apache-2.0) AND BSD-3-Clause")).toBeUndefined();
    expect(spdxExpressionError("GPL-2.0-or-later WITH Classpath-exception-2.0")).toBeUndefined();
    expect(spdxExpressionError("MIT or Apache-2.0")).toContain("upper-case");
    expect(spdxExpressionError("(MIT")).toContain("unbalanced");
    expect(spdxExpressionError("MIT AND")).toContain("ends with an operator");
    expect(spdxExpressionError("MIT Apache-2.0")).toContain('unexpected "Apache-2.0"');
  });

  it("requirementForExtra", () => {
    expect(requirementForExtra("a>=1", "x", "r")).toBe('a>=1; extra == "x"');
    expect(requirementForExtra("a @ https://h/a.whl ; os_name == 'nt'", "x", "r")).toBe("a @ https://h/a.whl; (os_name == 'nt') and extra == \"x\"");
  });
});
