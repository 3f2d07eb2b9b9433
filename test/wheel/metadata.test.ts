import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { type CoreMetadata, renderMetadata } from "../../src/wheel/metadata.js";
import { baseMetadata } from "./helpers.js";

describe("renderMetadata", () => {
  it("renders the minimal form", () => {
    expect(renderMetadata(baseMetadata())).toBe("Metadata-Version: 2.4\nName: Spam-Eggs\nVersion: 1.0\n");
  });

  it("renders every field in a fixed order, body after an empty line", () => {
    const text = renderMetadata(
      baseMetadata({
        version: "1.0.0-ALPHA1",
        summary: "Lovely Spam! Wonderful Spam!",
        description: { body: "# Spam\r\n\r\nText.", contentType: "text/markdown; charset=UTF-8" },
        requiresPython: ">=3.8",
        requiresDist: ["httpx", "gidgethub[httpx]>4.0.0", "pytest<5; extra == 'test'"],
        providesExtra: ["test"],
        authors: [{ email: "hi@pradyunsg.me" }, { name: "Tzu-Ping Chung" }, { name: "Doe, Jr.", email: "j@x.org" }],
        maintainers: [{ name: "Brett Cannon", email: "brett@python.org" }],
        keywords: ["egg", "bacon", "Lobster Thermidor"],
        classifiers: ["Programming Language :: Python", "Programming Language :: Rust"],
        projectUrls: [
          ["Homepage", "https://example.com"],
          ["Source", "https://github.com/x/y"],
        ],
        licenseExpression: "MIT OR Apache-2.0",
        licenseFiles: ["LICENSE-MIT", "licenses/LICENSE-APACHE"],
      }),
    );
    expect(text).toBe(
      [
        "Metadata-Version: 2.4",
        "Name: Spam-Eggs",
        "Version: 1.0.0a1",
        "Summary: Lovely Spam! Wonderful Spam!",
        "Keywords: egg,bacon,Lobster Thermidor",
        "Author: Tzu-Ping Chung",
        'Author-email: hi@pradyunsg.me, "Doe, Jr." <j@x.org>',
        "Maintainer-email: Brett Cannon <brett@python.org>",
        "License-Expression: MIT OR Apache-2.0",
        "License-File: LICENSE-MIT",
        "License-File: licenses/LICENSE-APACHE",
        "Classifier: Programming Language :: Python",
        "Classifier: Programming Language :: Rust",
        "Requires-Python: >=3.8",
        "Requires-Dist: httpx",
        "Requires-Dist: gidgethub[httpx]>4.0.0",
        "Requires-Dist: pytest<5; extra == 'test'",
        "Provides-Extra: test",
        "Project-URL: Homepage, https://example.com",
        "Project-URL: Source, https://github.com/x/y",
        "Description-Content-Type: text/markdown; charset=UTF-8",
        "",
        "# Spam",
        "",
        "Text.",
        "",
      ].join("\n"),
    );
  });

  it("writes Description-Content-Type whenever there is a description, even an empty one", () => {
    expect(renderMetadata(baseMetadata({ description: { body: "", contentType: "text/plain" } }))).toBe(
      "Metadata-Version: 2.4\nName: Spam-Eggs\nVersion: 1.0\nDescription-Content-Type: text/plain\n\n\n",
    );
  });

  it("an Author given as text (Cargo's authors, whole) is written as it is, Author-email still from the addresses", () => {
    const text = renderMetadata(baseMetadata({ authors: [{ name: "Ann", email: "a@x.org" }, { name: "Bob" }], author: "Ann <a@x.org>, Bob" }));
    expect(text).toContain("Author: Ann <a@x.org>, Bob\nAuthor-email: Ann <a@x.org>\n");
    expect(() => renderMetadata(baseMetadata({ author: "A\nB" }))).toThrow(/Author/);
  });

  it("folds a multi-line License with 8-space continuation lines", () => {
    const text = renderMetadata(baseMetadata({ license: "Copyright (c) X\n\nPermission is granted\r\nto all.\n" }));
    expect(text).toContain("License: Copyright (c) X\n        \n        Permission is granted\n        to all.\n");
  });

  it("writes Dynamic lines (PKG-INFO) under Metadata-Version 2.4, or an older version on request", () => {
    const m = baseMetadata({ dynamic: ["Requires-Dist", "Summary"] });
    expect(renderMetadata(m)).toBe(
      "Metadata-Version: 2.4\nName: Spam-Eggs\nVersion: 1.0\nDynamic: Requires-Dist\nDynamic: Summary\n",
    );
    expect(renderMetadata(m, { metadataVersion: "2.2" })).toMatch(/^Metadata-Version: 2\.2\n/);
  });

  it.each<[string, Partial<CoreMetadata>, RegExp]>([
    ["multi-line summary", { summary: "one\ntwo" }, /Summary "one\\ntwo": must be a single line/],
    ["bad name", { name: "spam eggs" }, /metadata Name "spam eggs"/],
    ["bad version", { version: "1.0-foo" }, /metadata Version "1.0-foo"/],
    ["bad requires-python", { requiresPython: "3.8" }, /Requires-Python "3.8"/],
    ["bad requirement", { requiresDist: ["foo >="] }, /Requires-Dist "foo >="/],
    ["bad extra", { providesExtra: ["a b"] }, /Provides-Extra "a b"/],
    ["keyword with comma", { keywords: ["a,b"] }, /Keywords "a,b"/],
    ["long url label", { projectUrls: [["x".repeat(33), "https://e"]] }, /longer than 32/],
    ["license twice", { license: "MIT", licenseExpression: "MIT" }, /both License-Expression and License/],
    ["dynamic name", { dynamic: ["Name"] }, /can never be dynamic/],
    ["license file escaping", { licenseFiles: ["../LICENSE"] }, /License-File "\.\.\/LICENSE"/],
    ["absolute license file", { licenseFiles: ["/etc/LICENSE"] }, /License-File/],
    ["newline in classifier", { classifiers: ["A\nB"] }, /Classifier/],
    ["newline in author", { authors: [{ name: "A\nB" }] }, /Author/],
  ])("rejects %s", (_label, over, why) => {
    expect(() => renderMetadata(baseMetadata(over))).toThrow(ValidationError);
    expect(() => renderMetadata(baseMetadata(over))).toThrow(why);
  });

  it("the output parses back with Python's email parser into the same fields", async () => {
    const { execFileSync } = await import("node:child_process");
    const text = renderMetadata(
      baseMetadata({
        summary: "S",
        license: "line one\nline two",
        description: { body: "Body\n\nmore", contentType: "text/plain" },
        requiresDist: ["a>=1; extra == 'x'"],
      }),
    );
    const out = execFileSync(
      "/usr/bin/python3",
      [
        "-c",
        "import sys,email,json; m=email.message_from_string(sys.stdin.read()); " +
          "print(json.dumps([m['Summary'], m['License'], m.get_all('Requires-Dist'), m.get_payload()]))",
      ],
      { input: text, encoding: "utf8" },
    );
    expect(JSON.parse(out)).toEqual(["S", "line one\n        line two", ["a>=1; extra == 'x'"], "Body\n\nmore\n"]);
  });
});
