import { describe, expect, it } from "vitest";
import { parseMetadataHeaders } from "../../src/publish/metadata-headers.js";
import { safeName, uploadFields } from "../../src/publish/upload-form.js";

const facts = { filetype: "bdist_wheel" as const, pyversion: "cp311", sha256: "s", md5: "m", blake2_256: "b" };

describe("uploadFields", () => {
  it("twine's order; absent single fields empty, repeatable ones once per value; the action last", () => {
    const f = uploadFields(parseMetadataHeaders("Metadata-Version: 2.4\nName: Foo_bar\nVersion: 1.0\nClassifier: A\nClassifier: B\nLicense-Expression: MIT\n\nbody\n"), facts);
    expect(f.map(([k]) => k)).toEqual([
      "name", "version", "filetype", "pyversion", "metadata_version", "summary", "home_page", "author", "author_email",
      "maintainer", "maintainer_email", "license", "description", "keywords", "classifiers", "classifiers", "download_url",
      "comment", "sha256_digest", "requires_python", "description_content_type", "license_expression", "md5_digest",
      "blake2_256_digest", ":action", "protocol_version",
    ]);
    const get = (k: string) => f.filter(([n]) => n === k).map(([, v]) => v);
    expect(get("name")).toEqual(["Foo_bar".replace("_", "-")]);
    expect(get("summary")).toEqual([""]);
    expect(get("description")).toEqual(["body\n"]);
    expect(get(":action")).toEqual(["file_upload"]);
  });

  it("fields newer than the file's Metadata-Version are not read; UNKNOWN is absent; an sdist's Description header counts", () => {
    const f = uploadFields(parseMetadataHeaders("Metadata-Version: 1.0\nName: x\nVersion: 1\nSummary: UNKNOWN\nRequires-Dist: y\nDescription: long\n"), { ...facts, filetype: "sdist", pyversion: undefined } as never);
    const get = (k: string) => f.filter(([n]) => n === k).map(([, v]) => v);
    expect(get("requires_dist")).toEqual([]);
    expect(get("summary")).toEqual([""]);
    expect(get("description")).toEqual(["long"]);
    expect(get("pyversion")).toEqual([""]);
  });

  it("safeName: runs of other characters become '-'", () => {
    expect(safeName("a_b..c  d")).toBe("a-b..c-d");
  });
});
