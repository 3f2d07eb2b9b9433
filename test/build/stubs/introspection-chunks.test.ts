import { describe, expect, it } from "vitest";
import { chunkText, introspectionSymbolVersion, parseChunk } from "../../../src/build/stubs/introspection-chunks.js";
import { ConfigError } from "../../../src/errors.js";


describe("introspectionSymbolVersion", () => {
  it("reads the format from PYO3_INTROSPECTION_<format>_<n> (Mach-O's _ too), nothing from other symbols", () => {
    expect(introspectionSymbolVersion("PYO3_INTROSPECTION_1_1234")).toBe("1");
    expect(introspectionSymbolVersion("_PYO3_INTROSPECTION_2_9")).toBe("2");
    expect(introspectionSymbolVersion("PYO3_INTROSPECTION_1")).toBe("1");
    expect(introspectionSymbolVersion("PyInit_demo")).toBeUndefined();
    expect(introspectionSymbolVersion("_PYO3_INTROSPECTION_ID")).toBe("ID");
  });
});

describe("chunkText", () => {
  it("a u32 length in the library's byte order, then the JSON", () => {
    const json = '{"type":"module"}';
    const le = Buffer.concat([Buffer.from([json.length, 0, 0, 0]), Buffer.from(json), Buffer.from([0xaa])]);
    expect(chunkText(le, true, "x")).toBe(json);
    const be = Buffer.concat([Buffer.from([0, 0, 0, json.length]), Buffer.from(json)]);
    expect(chunkText(be, false, "x")).toBe(json);
    expect(() => chunkText(be, true, "lib.so PYO3_INTROSPECTION_1_7")).toThrow(/lib\.so PYO3_INTROSPECTION_1_7: .* more than the library holds/);
    expect(() => chunkText(Buffer.from([2, 0, 0, 0, 0xff, 0xfe]), true, "x")).toThrow(/not UTF-8/);
  });
});

describe("parseChunk", () => {
  it("refuses what pyo3 does not write, naming the chunk", () => {
    expect(() => parseChunk("{", "lib.so PYO3_INTROSPECTION_1_3")).toThrow(ConfigError);
    expect(() => parseChunk('{"type":"widget"}', "c")).toThrow(/c: pyo3 introspection data has a chunk of unknown type "widget"/);
    expect(() => parseChunk('{"type":"module","id":"1","name":"m","members":[]}', "c")).toThrow(/no boolean "incomplete"/);
    expect(() => parseChunk('{"type":"function","name":"f","arguments":{},"returns":{"type":"call"}}', "c")).toThrow(/unknown type "call"/);
  });

  it("fills serde's defaults: no decorators, not async, no parent", () => {
    expect(parseChunk('{"type":"function","name":"f","arguments":{}}', "c")).toEqual({
      type: "function",
      name: "f",
      arguments: { posonlyargs: [], args: [], kwonlyargs: [] },
      decorators: [],
      isAsync: false,
    });
  });
});
