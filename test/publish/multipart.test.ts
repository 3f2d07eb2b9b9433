import { describe, expect, it } from "vitest";
import { multipartBody } from "../../src/publish/multipart.js";

describe("multipartBody", () => {
  it("round-trips through a standard parser with values byte for byte (no \\n -> \\r\\n)", async () => {
    const fields: Array<[string, string]> = [["description", "a\nb\r\nc ü"], ["classifiers", "A"], ["classifiers", "B"], ["odd\"name", ""]];
    const { body, contentType } = multipartBody(fields, { field: "content", name: "x-1.0.tar.gz", blob: new Blob([new Uint8Array([0, 1, 2, 255])]) });
    const form = await new Request("http://x/", { method: "POST", headers: { "content-type": contentType }, body }).formData();
    expect(form.get("description")).toBe("a\nb\r\nc ü");
    expect(form.getAll("classifiers")).toEqual(["A", "B"]);
    expect(form.get('odd"name')).toBe(""); // %22 is the WHATWG escape of the quote
    const file = form.get("content") as File;
    expect(file.name).toBe("x-1.0.tar.gz");
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });
});
