import { describe, expect, it } from "vitest";
import type { Arguments, Expr, StubClass, StubFunction, StubModule } from "../../../src/build/stubs/introspection-model.js";
import { Imports, relativeModulePath } from "../../../src/build/stubs/stub-imports.js";
import { functionStub, moduleStub, moduleStubFiles } from "../../../src/build/stubs/stub-render.js";

// The expected texts follow pyo3-introspection 0.29's rendering rules (pyo3-introspection/src/stubs.rs).
const name = (id: string): Expr => ({ kind: "name", id });
const attr = (value: Expr | string, a: string): Expr => ({ kind: "attribute", value: typeof value === "string" ? name(value) : value, attr: a });
const str = (value: string): Expr => ({ kind: "constant", value: { kind: "str", value } });
const int = (value: string): Expr => ({ kind: "constant", value: { kind: "int", value } });
const union = (left: Expr, right: Expr): Expr => ({ kind: "binop", left, op: "bitor", right });
const sub = (value: Expr, slice: Expr): Expr => ({ kind: "subscript", value, slice });
const tuple = (...elts: Expr[]): Expr => ({ kind: "tuple", elts });
const noArgs = (): Arguments => ({ positionalOnly: [], regular: [], keywordOnly: [] });
const fn = (n: string, o: Partial<StubFunction> = {}): StubFunction => ({ name: n, decorators: [], arguments: noArgs(), isAsync: false, ...o });
const cls = (n: string, o: Partial<StubClass> = {}): StubClass => ({ name: n, bases: [], methods: [], attributes: [], decorators: [], innerClasses: [], ...o });
const mod = (n: string, o: Partial<StubModule> = {}): StubModule => ({ name: n, modules: [], classes: [], functions: [], attributes: [], incomplete: false, ...o });
const noImports = Imports.create(mod("m"), []);

describe("functionStub", () => {
  it("writes /, *args, keyword-only arguments and **kwargs in order, annotations as given", () => {
    const f = fn("func", {
      arguments: {
        positionalOnly: [{ name: "posonly" }],
        regular: [{ name: "arg" }],
        vararg: { name: "varargs" },
        keywordOnly: [{ name: "karg", annotation: str("str") }],
        kwarg: { name: "kwarg", annotation: str("str") },
      },
      returns: str("list[str]"),
    });
    expect(functionStub(f, noImports)).toBe('def func(posonly, /, arg, *varargs, karg: "str", **kwarg: "str") -> "list[str]": ...');
  });

  it("writes a bare * before keyword-only arguments, defaults with and without annotations", () => {
    const f = fn("afunc", {
      arguments: {
        positionalOnly: [{ name: "posonly", default: int("1") }],
        regular: [{ name: "arg", default: { kind: "constant", value: { kind: "bool", value: true } } }],
        keywordOnly: [{ name: "karg", default: str("foo"), annotation: str("str") }],
      },
    });
    expect(functionStub(f, noImports)).toBe('def afunc(posonly=1, /, arg=True, *, karg: "str" = "foo"): ...');
  });

  it("async functions, docstrings indented with blank lines left empty", () => {
    expect(functionStub(fn("foo", { isAsync: true }), noImports)).toBe("async def foo(): ...");
    expect(functionStub(fn("foo", { docstring: "Sum.\n\nMore.\n" }), noImports)).toBe('def foo():\n    """\n    Sum.\n\n    More.\n    """');
  });

  it("constants: floats always read as floats, strings escaped", () => {
    const f = fn("c", {
      arguments: {
        ...noArgs(),
        regular: [
          { name: "a", default: { kind: "constant", value: { kind: "float", value: "2" } } },
          { name: "b", default: { kind: "constant", value: { kind: "float", value: "1e10" } } },
          { name: "c", default: str('S\0\x01\t\n\r"\'\\') },
          { name: "d", default: { kind: "constant", value: { kind: "none" } } },
          { name: "e", default: { kind: "constant", value: { kind: "ellipsis" } } },
        ],
      },
    });
    expect(functionStub(f, noImports)).toBe(String.raw`def c(a=2., b=1e10, c="S\0\x01\t\n\r\"'\\", d=None, e=...): ...`);
  });
});

describe("Imports", () => {
  it("imports each module's names once, renames clashes with a number, relative inside the package", () => {
    const big = sub(name("dict"), tuple(attr("foo.bar", "A"), tuple(attr("foo", "A.C"), attr(attr("foo", "A"), "D"), attr("foo", "B"), attr("bat", "A"), attr("foo.bar", "int"), name("int"), name("float"))));
    const m = mod("bar", {
      classes: [cls("A", { bases: [name("dict")], decorators: [attr("typing", "final")] }), cls("int")],
      functions: [fn("", { returns: big })],
      incomplete: true,
    });
    const imports = Imports.create(m, ["foo"]);
    expect(imports.lines).toEqual(["from . import A as A3, B", "from _typeshed import Incomplete", "from bat import A as A2", "from builtins import int as int2", "from typing import final"]);
    expect(imports.expr(big)).toBe("dict[A, (A3.C, A3.D, B, A2, int, int2, float)]");
  });

  it("writes a union's members once each, in order, however it nests", () => {
    const pathLike = sub(attr("os", "PathLike"), name("str"));
    const m = mod("m", { functions: [fn("f", { returns: union(name("str"), union(pathLike, name("str"))) })] });
    const imports = Imports.create(m, []);
    expect(imports.lines).toEqual(["from os import PathLike"]);
    expect(imports.expr(union(name("str"), union(pathLike, name("str"))))).toBe("str | PathLike[str]");
    expect(imports.expr(union(union(name("str"), pathLike), name("str")))).toBe("str | PathLike[str]");
  });

  it("relativeModulePath follows PEP 328 from a module and from a package", () => {
    const cases: Array<[string, string, boolean, string]> = [
      ["foo.bar", "foo.bar.baz", false, "."],
      ["foo", "foo.bar.baz", false, ".."],
      ["foo.lat", "foo.bar.baz", false, "..lat"],
      ["foo.bar.baz", "foo.bar", true, ".baz"],
      ["foo", "foo.bar", true, ".."],
      ["foo.lat", "foo.bar", true, "..lat"],
      ["foo.bar.baz", "foo", true, ".bar.baz"],
      ["foo.bar", "foo", true, ".bar"],
      ["foo.bar.baz", "foo.lat", false, ".bar.baz"],
      ["foo", "foo.la", false, "."],
      ["foo", "bar", true, "foo"],
    ];
    for (const [target, current, pkg, want] of cases) expect(relativeModulePath(target, current, pkg), `${target} from ${current}`).toBe(want);
  });
});

describe("moduleStub", () => {
  it("a class with a property, its setter, a class method and a constant; module docstring; blank lines around blocks", () => {
    const self = (n: string) => ({ name: n });
    const counter = cls("Counter", {
      decorators: [attr("typing", "final")],
      docstring: "Counts.",
      attributes: [{ name: "LIMIT", annotation: sub(attr("typing", "Final"), name("int")) }],
      methods: [
        fn("__new__", { arguments: { ...noArgs(), positionalOnly: [self("cls")], regular: [{ name: "start", annotation: name("int"), default: int("0") }] }, returns: attr("demo", "Counter") }),
        fn("value", { decorators: [name("property")], arguments: { ...noArgs(), positionalOnly: [self("self")] }, returns: name("int") }),
        fn("value", { decorators: [attr(attr(attr("demo", "Counter"), "value"), "setter")], arguments: { ...noArgs(), positionalOnly: [self("self")], regular: [{ name: "value", annotation: name("int") }] }, returns: { kind: "constant", value: { kind: "none" } } }),
      ],
    });
    const m = mod("demo", {
      docstring: "The demo module.",
      attributes: [{ name: "VERSION", annotation: attr("typing", "Final"), value: str("1.0") }],
      classes: [counter, cls("Empty")],
      functions: [fn("add", { arguments: { ...noArgs(), regular: [{ name: "a", annotation: name("int") }, { name: "b", annotation: name("int"), default: int("1") }] }, returns: name("int") })],
    });
    expect(moduleStub(m, [])).toBe(
      [
        '"""',
        "The demo module.",
        '"""',
        "",
        "from typing import Final, final",
        'VERSION: Final = "1.0"',
        "",
        "@final",
        "class Counter:",
        '    """',
        "    Counts.",
        '    """',
        "    LIMIT: Final[int]",
        "    def __new__(cls, /, start: int = 0) -> Counter: ...",
        "    @property",
        "    def value(self, /) -> int: ...",
        "    @value.setter",
        "    def value(self, /, value: int) -> None: ...",
        "",
        "class Empty: ...",
        "def add(a: int, b: int = 1) -> int: ...",
        "",
      ].join("\n"),
    );
  });

  it("an incomplete module gets __getattr__ -> Incomplete; an empty module is an empty file", () => {
    expect(moduleStub(mod("m", { incomplete: true }), [])).toBe("from _typeshed import Incomplete\ndef __getattr__(name: str) -> Incomplete: ...\n");
    expect(moduleStub(mod("m"), [])).toBe("");
  });
});

describe("moduleStubFiles", () => {
  it("the module in __init__.pyi, a leaf submodule beside it, a submodule with submodules in a folder", () => {
    const leaf = mod("leaf", { functions: [fn("f", { returns: attr("root", "Thing") })] });
    const deep = mod("deep", { modules: [mod("deeper", { attributes: [{ name: "X", annotation: name("int") }] })] });
    const files = moduleStubFiles(mod("root", { classes: [cls("Thing")], modules: [leaf, deep] }));
    expect([...files.keys()]).toEqual(["__init__.pyi", "deep/__init__.pyi", "deep/deeper.pyi", "leaf.pyi"]);
    expect(files.get("__init__.pyi")).toBe("class Thing: ...\n");
    expect(files.get("leaf.pyi")).toBe("from . import Thing\ndef f() -> Thing: ...\n");
    expect(files.get("deep/__init__.pyi")).toBe("");
    expect(files.get("deep/deeper.pyi")).toBe("X: int\n");
  });
});
