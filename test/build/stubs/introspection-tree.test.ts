import { describe, expect, it } from "vitest";
import { type Chunk, parseChunk } from "../../../src/build/stubs/introspection-chunks.js";
import { moduleFromChunks } from "../../../src/build/stubs/introspection-tree.js";

// Chunks in the JSON shapes pyo3 0.29's macros write (pyo3-macros-backend/src/introspection.rs):
// ids link them, a method names its class as parent, a class in a hint is {"type":"id"}.
const N = (id: string) => ({ type: "name", id });
const A = (module: string, attr: string) => ({ type: "attribute", value: N(module), attr });
const ID = (id: string) => ({ type: "id", id });
const chunks = (...objects: object[]): Chunk[] => objects.map((o, i) => parseChunk(JSON.stringify(o), `chunk ${i}`));

describe("moduleFromChunks", () => {
  const data = chunks(
    { type: "module", id: "m1", name: "demo", members: ["c1", "f2", "f1", "s1", "gone"], incomplete: false, doc: "Demo." },
    { type: "class", id: "c1", name: "Counter", decorators: [A("typing", "final")] },
    { type: "class", id: "c2", name: "Inner", parent: "c1" },
    { type: "class", id: "hidden", name: "Hidden" },
    { type: "attribute", parent: "m1", name: "VERSION", annotation: A("typing", "Final"), value: { type: "constant", kind: "str", value: "1.0" } },
    { type: "function", name: "value", parent: "c1", decorators: [{ type: "attribute", value: { type: "attribute", value: ID("c1"), attr: "value" }, attr: "setter" }], arguments: { posonlyargs: [{ name: "self" }], args: [{ name: "value", annotation: N("int") }] }, returns: { type: "constant", kind: "none" } },
    { type: "function", name: "value", parent: "c1", decorators: [N("property")], arguments: { posonlyargs: [{ name: "self" }] }, returns: N("int") },
    { type: "function", name: "make", parent: "c1", decorators: [N("staticmethod")], arguments: {}, returns: { type: "binop", left: ID("c2"), op: "bitor", right: ID("hidden") } },
    { type: "function", id: "f1", name: "b_func", arguments: { args: [{ name: "x", annotation: N("int"), default: { type: "constant", kind: "int", value: "3" } }] }, returns: ID("c1") },
    { type: "function", id: "f2", name: "a_func", async: true, arguments: { vararg: { name: "args" }, kwonlyargs: [{ name: "flag", annotation: N("bool"), default: { type: "constant", kind: "bool", value: false } }], kwarg: { name: "kw" } }, returns: { type: "subscript", value: N("list"), slice: ID("s1c") } },
    { type: "module", id: "s1", name: "sub", members: ["s1c"], incomplete: false },
    { type: "class", id: "s1c", name: "Item" },
  );
  const m = moduleFromChunks(data, "demo", "lib.so");

  it("finds the extension's module by name and sorts its members by name", () => {
    expect(m.name).toBe("demo");
    expect(m.docstring).toBe("Demo.");
    expect(m.functions.map((f) => f.name)).toEqual(["a_func", "b_func"]);
    expect(m.classes.map((c) => c.name)).toEqual(["Counter"]);
    expect(m.attributes.map((a) => a.name)).toEqual(["VERSION"]);
    expect(m.modules.map((s) => s.name)).toEqual(["sub"]);
    expect(m.modules[0]?.classes.map((c) => c.name)).toEqual(["Item"]);
  });

  it("a member id without a chunk makes the module incomplete", () => {
    expect(m.incomplete).toBe(true);
    expect(m.modules[0]?.incomplete).toBe(false);
  });

  it("class ids become module.Class (nested: module.Outer.Inner; not exported: typing.Any)", () => {
    expect(m.functions[1]?.returns).toEqual({ kind: "attribute", value: { kind: "name", id: "demo" }, attr: "Counter" });
    expect(m.functions[0]?.returns).toEqual({ kind: "subscript", value: { kind: "name", id: "list" }, slice: { kind: "attribute", value: { kind: "name", id: "demo.sub" }, attr: "Item" } });
    const make = m.classes[0]?.methods.find((f) => f.name === "make");
    expect(make?.returns).toEqual({
      kind: "binop",
      left: { kind: "attribute", value: { kind: "name", id: "demo" }, attr: "Counter.Inner" },
      op: "bitor",
      right: { kind: "attribute", value: { kind: "name", id: "typing" }, attr: "Any" },
    });
  });

  it("methods by name, a property's getter before its setter; inner classes in the class", () => {
    const c = m.classes[0];
    expect(c?.methods.map((f) => f.name)).toEqual(["make", "value", "value"]);
    expect(c?.methods[1]?.decorators).toEqual([{ kind: "name", id: "property" }]);
    expect(c?.innerClasses.map((i) => i.name)).toEqual(["Inner"]);
    expect(c?.decorators).toEqual([{ kind: "attribute", value: { kind: "name", id: "typing" }, attr: "final" }]);
  });

  it("data that nests a module or class inside itself is refused, not followed forever", () => {
    const loop = chunks({ type: "module", id: "m", name: "m", members: ["m"], incomplete: false });
    expect(() => moduleFromChunks(loop, "m", "lib.so")).toThrow(/lib\.so: pyo3 introspection data nests the chunk "m" inside itself/);
    const classes = chunks({ type: "module", id: "m", name: "m", members: ["a"], incomplete: false }, { type: "class", id: "a", name: "A", parent: "b" }, { type: "class", id: "b", name: "B", parent: "a" });
    expect(() => moduleFromChunks(classes, "m", "lib.so")).toThrow(/nests the chunk "a" inside itself/);
  });

  it("no module of that name: a one-line error naming the modules there are", () => {
    expect(() => moduleFromChunks(data, "other", "lib.so")).toThrow(/lib\.so: the pyo3 introspection data has no module named other \(it has demo, sub\)/);
  });
});
