import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProjectConfig } from "../../../src/build/project/config.js";
import { checkStubBindings, rememberedStubs, stubsForWheel } from "../../../src/build/stubs/wheel-stubs.js";
import { memoryLogger } from "../../../src/log.js";
import { freshDir } from "../../helpers/env.js";
import { writeTree } from "../../helpers/tree.js";
import { buildCLib } from "../../manylinux/helpers/build.js";

/** A library with one module chunk and one function chunk named `fn`. */
function library(dir: string, fn: string): string {
  const chunk = (name: string, json: string) => `struct ${name}_t { unsigned int length; char data[${json.length}]; };\nconst struct ${name}_t ${name} = { ${json.length}, ${JSON.stringify(json)} };`;
  const source = [
    chunk("PYO3_INTROSPECTION_1_1", '{"id":"1","incomplete":false,"members":["2"],"name":"demo","type":"module"}'),
    chunk("PYO3_INTROSPECTION_1_2", `{"arguments":{},"id":"2","name":"${fn}","type":"function"}`),
  ].join("\n");
  return buildCLib(dir, "libdemo.so", source);
}

describe("rememberedStubs", () => {
  it("reads the library once, then answers from the note while the library is unchanged; a rebuilt library is read again", () => {
    const dir = freshDir("wheel-stubs");
    const cache = join(dir, "cache");
    const lib = library(dir, "first");
    expect([...rememberedStubs(lib, "demo", cache)]).toEqual([["__init__.pyi", "def first(): ...\n"]]);
    // the note answers (shown by editing the answer it holds; its stamps still match the library)
    const [note] = readdirSync(cache);
    const file = join(cache, note as string);
    const held = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(file, JSON.stringify({ ...held, answer: [["__init__.pyi", "from the note\n"]] }));
    expect(rememberedStubs(lib, "demo", cache).get("__init__.pyi")).toBe("from the note\n");
    library(dir, "second");
    expect(rememberedStubs(lib, "demo", cache).get("__init__.pyi")).toBe("def second(): ...\n");
  });
});

describe("stubsForWheel and checkStubBindings", () => {
  const CARGO = '[package]\nname = "demo"\nversion = "0.1.0"\n[lib]\ncrate-type = ["cdylib"]\n';

  it("a hand-written stub of a pure-Rust project is set aside with a warning", () => {
    const d = writeTree("wheel-stubs-warn", { "Cargo.toml": CARGO, "src/lib.rs": "", "demo.pyi": "" });
    const log = memoryLogger();
    const stubs = stubsForWheel(library(join(d, "lib"), "f"), loadProjectConfig({ cwd: d }), join(d, "cache"), log);
    expect(stubs.get("__init__.pyi")).toBe("def f(): ...\n");
    expect(log.lines).toEqual([`warn: ${join(d, "demo.pyi")} is not shipped: the stubs are generated from the library instead (--generate-stubs)`]);
  });

  it("only PyO3 extensions have introspection data", () => {
    const config = (bindings: string) => loadProjectConfig({ cwd: writeTree("wheel-stubs-bindings", { "Cargo.toml": CARGO, "src/lib.rs": "", "pyproject.toml": `[tool.pyts-build]\nbindings = "${bindings}"\n` }) });
    expect(() => checkStubBindings(config("pyo3"))).not.toThrow();
    expect(() => checkStubBindings(config("pyo3-ffi"))).not.toThrow();
    expect(() => checkStubBindings(config("cffi"))).toThrow('--generate-stubs reads pyo3\'s introspection data, which a bindings = "cffi" build does not have');
  });
});
