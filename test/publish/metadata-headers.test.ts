import { describe, expect, it } from "vitest";
import { headerValue, headerValues, parseMetadataHeaders } from "../../src/publish/metadata-headers.js";

describe("parseMetadataHeaders", () => {
  it("fields, repeats, continuation lines and the body after the first empty line", () => {
    const h = parseMetadataHeaders("Metadata-Version: 2.1\nName: x\nSummary: one\n  two\nClassifier: A\nclassifier: B\nDescription: first\n        second\n\n# Body\n\ntext\n");
    expect(headerValue(h, "summary")).toBe("one two");
    expect(headerValues(h, "Classifier")).toEqual(["A", "B"]);
    expect(headerValue(h, "Description")).toBe("first\nsecond");
    expect(h.body).toBe("# Body\n\ntext\n");
    expect(headerValue(h, "Home-page")).toBeUndefined();
  });

  it("no body; CRLF line ends; a line that is no header starts the body", () => {
    expect(parseMetadataHeaders("Name: x\r\nVersion: 1\r\n").body).toBe("");
    const h = parseMetadataHeaders("Name: x\nnot a header\nmore");
    expect(h.fields.map((f) => f.name)).toEqual(["Name"]);
    expect(h.body).toBe("not a header\nmore");
  });
});
