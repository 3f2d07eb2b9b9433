/**
 * Stubs read from real ELF libraries (made by cc, so any chunk can be written):
 * the chunks found through their symbols, and each way the data can be missing or wrong.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { introspectLibrary, libraryStubFiles } from "../../../src/build/stubs/introspect.js";
import { ConfigError } from "../../../src/errors.js";
import { freshDir } from "../../helpers/env.js";
import { buildCLib } from "../../manylinux/helpers/build.js";

/** C source with one pyo3-style chunk static per (symbol, JSON) pair. */
function chunksSource(chunks: Array<[string, string]>): string {
  return chunks
    .map(([symbol, json], i) => {
      const bytes = [...Buffer.from(json)].join(",");
      return `struct c${i} { unsigned int length; unsigned char data[${Buffer.byteLength(json)}]; };\nconst struct c${i} ${symbol} = { ${Buffer.byteLength(json)}, { ${bytes} } };`;
    })
    .join("\n");
}

const MODULE = '{"id":"1","incomplete":false,"members":["2"],"name":"m","type":"module"}';
const FUNCTION = '{"arguments":{"args":[{"annotation":{"type":"name","id":"int"},"name":"x"}]},"id":"2","name":"f","returns":{"type":"name","id":"int"},"type":"function"}';

describe("introspectLibrary", () => {
  const dir = freshDir("introspect");
  const lib = (name: string, chunks: Array<[string, string]>) => buildCLib(dir, `lib${name}.so`, `${chunksSource(chunks)}\nint PyInit_m(void) { return 0; }\n`);

  it("finds the chunks by their symbols and renders the module", () => {
    const so = lib("good", [
      ["PYO3_INTROSPECTION_1_10", MODULE],
      ["PYO3_INTROSPECTION_1_11", FUNCTION],
    ]);
    expect(introspectLibrary(so, "m").functions.map((f) => f.name)).toEqual(["f"]);
    expect([...libraryStubFiles(so, "m")]).toEqual([["__init__.pyi", "def f(x: int) -> int: ...\n"]]);
  });

  it("no chunks: a ConfigError naming the library and pyo3's experimental-inspect feature", () => {
    const so = lib("none", []);
    expect(() => introspectLibrary(so, "m")).toThrow(ConfigError);
    expect(() => introspectLibrary(so, "m")).toThrow(/^libnone\.so has no pyo3 introspection data to generate stubs from: turn on pyo3's "experimental-inspect" feature$/);
  });

  it("another format version, broken JSON, another module name: errors naming the symbol or the module", () => {
    expect(() => introspectLibrary(lib("v2", [["PYO3_INTROSPECTION_2_1", MODULE]]), "m")).toThrow(/libv2\.so PYO3_INTROSPECTION_2_1: pyo3 introspection format "2" is not the one pyts-build reads \(1\)/);
    expect(() => introspectLibrary(lib("json", [["PYO3_INTROSPECTION_1_5", "{nope"]]), "m")).toThrow(/libjson\.so PYO3_INTROSPECTION_1_5: pyo3 introspection data is not JSON/);
    expect(() => introspectLibrary(lib("other", [["PYO3_INTROSPECTION_1_1", MODULE]]), "n")).toThrow(/libother\.so: the pyo3 introspection data has no module named n \(it has m\)/);
  });

  it("a file that is not ELF: stubs come from ELF libraries only", () => {
    const f = join(dir, "mac.dylib");
    writeFileSync(f, "Mach-O stand-in");
    expect(() => introspectLibrary(f, "m")).toThrow(/mac\.dylib: stubs are read from ELF libraries \(Linux\) only/);
  });
});
