/**
 * The upload form against twine 7's: its field map (twine/package.py
 * `_RAW_TO_PACKAGE_METADATA`, whose keys are packaging's names for the core
 * metadata fields, `RawMetadata`) written out here by hand, field by field,
 * and the form twine 7 builds from it (`metadata_dictionary` then
 * `repository._convert_metadata_to_list_of_tuples`) for a file with every field.
 */
import { describe, expect, it } from "vitest";
import { parseMetadataHeaders } from "../../src/publish/metadata-headers.js";
import { FORM_FIELDS, safeName, uploadFields } from "../../src/publish/upload-form.js";

const facts = { filetype: "bdist_wheel" as const, pyversion: "cp311", sha256: "s", blake2_256: "b" };

/** twine 7.0.0's map, in its order: [core metadata field (packaging's email name), form field]. */
const TWINE7_MAP: Array<[string, string]> = [
  // Metadata 1.0 - PEP 241
  ["Metadata-Version", "metadata_version"],
  ["Name", "name"],
  ["Version", "version"],
  ["Platform", "platform"], // raw "platforms", renamed
  ["Summary", "summary"],
  ["Description", "description"],
  ["Keywords", "keywords"],
  ["Home-page", "home_page"],
  ["Author", "author"],
  ["Author-email", "author_email"],
  ["License", "license"],
  // 1.1 - PEP 314
  ["Supported-Platform", "supported_platform"], // raw "supported_platforms", renamed
  ["Download-URL", "download_url"],
  ["Classifier", "classifiers"],
  ["Requires", "requires"],
  ["Provides", "provides"],
  ["Obsoletes", "obsoletes"],
  // 1.2 - PEP 345
  ["Maintainer", "maintainer"],
  ["Maintainer-email", "maintainer_email"],
  ["Requires-Dist", "requires_dist"],
  ["Provides-Dist", "provides_dist"],
  ["Obsoletes-Dist", "obsoletes_dist"],
  ["Requires-Python", "requires_python"],
  ["Requires-External", "requires_external"],
  ["Project-URL", "project_urls"],
  // 2.1 - PEP 566
  ["Description-Content-Type", "description_content_type"],
  ["Provides-Extra", "provides_extra"],
  // 2.2 - PEP 643
  ["Dynamic", "dynamic"],
  // 2.4 - PEP 639
  ["License-Expression", "license_expression"],
  ["License-File", "license_file"], // raw "license_files", renamed
];

/** A 2.4 METADATA with every field the map reads (repeatable ones twice). */
const EVERY_FIELD = [
  "Metadata-Version: 2.4",
  "Name: Spam_Eggs",
  "Version: 1.2.0",
  "Platform: Linux",
  "Platform: Windows",
  "Summary: Spam and eggs",
  "Keywords: spam,eggs , ham",
  "Home-page: https://example.org",
  "Author: Ann",
  "Author-email: ann@example.org",
  "License: MIT License",
  "Supported-Platform: manylinux",
  "Download-URL: https://example.org/dl",
  "Classifier: A :: B",
  "Classifier: C :: D",
  "Requires: os",
  "Provides: spam",
  "Obsoletes: ham",
  "Maintainer: Bob",
  "Maintainer-email: bob@example.org",
  "Requires-Dist: attrs>=22",
  'Requires-Dist: tomli; python_version < "3.11"',
  "Provides-Dist: spam-eggs",
  "Obsoletes-Dist: old-spam",
  "Requires-Python: >=3.8",
  "Requires-External: libspam (>=1)",
  "Project-URL: Homepage,https://example.org",
  "Project-URL: Source, https://example.org/src",
  "Description-Content-Type: text/markdown",
  "Provides-Extra: fast",
  "Dynamic: Requires-Dist",
  "License-Expression: MIT",
  "License-File: LICENSE",
  "License-File: NOTICE",
  "",
  "# Spam",
  "",
].join("\n");

describe("uploadFields (twine 7's form)", () => {
  it("reads the same core metadata fields into the same form fields as twine 7's map, in its order", () => {
    expect(FORM_FIELDS.map(([form, header]) => [header, form])).toEqual(TWINE7_MAP);
  });

  it("a wheel with every field: only what the file has, repeatable fields once per value, keywords joined with \", \"", () => {
    expect(uploadFields(parseMetadataHeaders(EVERY_FIELD), facts)).toEqual([
      ["metadata_version", "2.4"],
      ["name", "Spam-Eggs"],
      ["version", "1.2.0"],
      ["platform", "Linux"],
      ["platform", "Windows"],
      ["summary", "Spam and eggs"],
      ["description", "# Spam\n"],
      ["keywords", "spam, eggs, ham"],
      ["home_page", "https://example.org"],
      ["author", "Ann"],
      ["author_email", "ann@example.org"],
      ["license", "MIT License"],
      ["supported_platform", "manylinux"],
      ["download_url", "https://example.org/dl"],
      ["classifiers", "A :: B"],
      ["classifiers", "C :: D"],
      ["requires", "os"],
      ["provides", "spam"],
      ["obsoletes", "ham"],
      ["maintainer", "Bob"],
      ["maintainer_email", "bob@example.org"],
      ["requires_dist", "attrs>=22"],
      ["requires_dist", 'tomli; python_version < "3.11"'],
      ["provides_dist", "spam-eggs"],
      ["obsoletes_dist", "old-spam"],
      ["requires_python", ">=3.8"],
      ["requires_external", "libspam (>=1)"],
      ["project_urls", "Homepage, https://example.org"],
      ["project_urls", "Source, https://example.org/src"],
      ["description_content_type", "text/markdown"],
      ["provides_extra", "fast"],
      ["dynamic", "Requires-Dist"],
      ["license_expression", "MIT"],
      ["license_file", "LICENSE"],
      ["license_file", "NOTICE"],
      ["pyversion", "cp311"],
      ["filetype", "bdist_wheel"],
      ["sha256_digest", "s"],
      ["blake2_256_digest", "b"],
      [":action", "file_upload"],
      ["protocol_version", "1"],
    ]);
  });

  it("an sdist's pyversion is \"source\"; its description may be the Description field; absent fields are not sent", () => {
    const f = uploadFields(parseMetadataHeaders("Metadata-Version: 2.1\nName: x\nVersion: 1\nDescription: long\n"), { ...facts, filetype: "sdist", pyversion: undefined });
    expect(f).toEqual([
      ["metadata_version", "2.1"],
      ["name", "x"],
      ["version", "1"],
      ["description", "long"],
      ["pyversion", "source"],
      ["filetype", "sdist"],
      ["sha256_digest", "s"],
      ["blake2_256_digest", "b"],
      [":action", "file_upload"],
      ["protocol_version", "1"],
    ]);
  });

  it("fields newer than the file's Metadata-Version are not read (License-File below 2.4, as twine 7); UNKNOWN is absent", () => {
    const f = uploadFields(parseMetadataHeaders("Metadata-Version: 2.1\nName: x\nVersion: 1\nSummary: UNKNOWN\nDynamic: Requires-Dist\nLicense-File: LICENSE\nLicense-Expression: MIT\n"), facts);
    expect(f.map(([k]) => k)).toEqual(["metadata_version", "name", "version", "pyversion", "filetype", "sha256_digest", "blake2_256_digest", ":action", "protocol_version"]);
    const old = uploadFields(parseMetadataHeaders("Metadata-Version: 1.0\nName: x\nVersion: 1\nRequires-Dist: y\n"), facts);
    expect(old.some(([k]) => k === "requires_dist")).toBe(false);
  });

  it("safeName: runs of other characters become '-'", () => {
    expect(safeName("a_b..c  d")).toBe("a-b..c-d");
  });
});
