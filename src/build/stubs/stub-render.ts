/**
 * `.pyi` text from the introspected module tree, written the way
 * pyo3-introspection 0.29 writes it (`module_stub_files`), so a project gets
 * the same stubs from pyts-build as from maturin: module docstring, imports,
 * attributes, classes, functions (each group sorted by name), one line per
 * element, blank lines around the elements that span several lines.
 */
import type { Argument, StubAttribute, StubClass, StubFunction, StubModule, VariableLengthArgument } from "./introspection-model.js";
import { Imports } from "./stub-imports.js";

/**
 * The stub files of an extension module, relative to its folder, sorted by path:
 * `__init__.pyi` for the module itself, `<sub>.pyi` for a submodule without
 * submodules of its own, `<sub>/__init__.pyi` (and below) for one with them.
 * (pyo3-introspection 0.29.2 writes a submodule that has submodules to the root's
 * folder name instead of its own; the text of each file is the same.)
 */
export function moduleStubFiles(module: StubModule): Map<string, string> {
  const files = new Map<string, string>();
  const add = (m: StubModule, parents: string[], dir: string) => {
    files.set(`${dir}__init__.pyi`, moduleStub(m, parents));
    const below = [...parents, m.name];
    for (const sub of m.modules) {
      if (sub.modules.length === 0) files.set(`${dir}${sub.name}.pyi`, moduleStub(sub, below));
      else add(sub, below, `${dir}${sub.name}/`);
    }
  };
  add(module, [], "");
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The stub of one module (its submodules are files of their own); `parents` are the dotted names above it. */
export function moduleStub(module: StubModule, parents: string[]): string {
  const imports = Imports.create(module, parents);
  const elements = [
    ...module.attributes.map((a) => attributeStub(a, imports)),
    ...module.classes.map((c) => classStub(c, imports)),
    ...module.functions.map((f) => functionStub(f, imports)),
  ];
  // an incomplete stub says so with a module __getattr__ (typing docs, "Incomplete stubs")
  if (module.incomplete && !module.functions.some((f) => f.name === "__getattr__")) {
    const getattr: StubFunction = {
      name: "__getattr__",
      decorators: [],
      arguments: { positionalOnly: [], regular: [{ name: "name", annotation: { kind: "name", id: "str" } }], keywordOnly: [] },
      returns: { kind: "attribute", value: { kind: "name", id: "_typeshed" }, attr: "Incomplete" },
      isAsync: false,
    };
    elements.push(functionStub(getattr, imports));
  }
  const all = [...(module.docstring !== undefined ? [`"""\n${module.docstring}\n"""`] : []), ...imports.lines, ...elements];
  let out = "";
  for (const element of all) {
    // one blank line before and after an element of several lines (a class with a body, a decorated function)
    const multiline = element.includes("\n");
    if (multiline && out !== "" && !out.endsWith("\n\n")) out += "\n";
    out += element + "\n";
    if (multiline) out += "\n";
  }
  return out.endsWith("\n\n") ? out.slice(0, -1) : out;
}

export function classStub(c: StubClass, imports: Imports): string {
  let out = c.decorators.map((d) => `@${imports.expr(d)}\n`).join("");
  out += `class ${c.name}`;
  if (c.bases.length > 0) out += `(${c.bases.map((b) => imports.expr(b)).join(", ")})`;
  out += ":";
  if (c.docstring === undefined && c.methods.length === 0 && c.attributes.length === 0 && c.innerClasses.length === 0) out += " ...";
  if (c.docstring !== undefined) out += docstringBlock("    ", c.docstring);
  const members = [...c.attributes.map((a) => attributeStub(a, imports)), ...c.methods.map((m) => functionStub(m, imports, c.name)), ...c.innerClasses.map((i) => classStub(i, imports))];
  for (const m of members) out += "\n    " + indentRest("    ", m);
  return out;
}

export function functionStub(f: StubFunction, imports: Imports, className?: string): string {
  const a = f.arguments;
  const params = a.positionalOnly.map((x) => argumentStub(x, imports));
  if (a.positionalOnly.length > 0) params.push("/");
  params.push(...a.regular.map((x) => argumentStub(x, imports)));
  if (a.vararg) params.push(`*${variableStub(a.vararg, imports)}`);
  else if (a.keywordOnly.length > 0) params.push("*");
  params.push(...a.keywordOnly.map((x) => argumentStub(x, imports)));
  if (a.kwarg) params.push(`**${variableStub(a.kwarg, imports)}`);
  let out = "";
  for (const d of f.decorators) {
    // `@Cls.attr.setter` inside class Cls reads `@attr.setter`
    const text = imports.expr(d);
    out += `@${className !== undefined && text.startsWith(`${className}.`) ? text.slice(className.length + 1) : text}\n`;
  }
  if (f.isAsync) out += "async ";
  out += `def ${f.name}(${params.join(", ")})`;
  if (f.returns) out += ` -> ${imports.expr(f.returns)}`;
  out += f.docstring !== undefined ? ":" + docstringBlock("    ", f.docstring) : ": ...";
  return out;
}

export function attributeStub(a: StubAttribute, imports: Imports): string {
  let out = a.name;
  if (a.annotation) out += `: ${imports.expr(a.annotation)}`;
  if (a.value) out += ` = ${imports.expr(a.value)}`;
  if (a.docstring !== undefined) out += docstringBlock("", a.docstring);
  return out;
}

function argumentStub(a: Argument, imports: Imports): string {
  let out = a.name;
  if (a.annotation) out += `: ${imports.expr(a.annotation)}`;
  if (a.default) out += (a.annotation ? " = " : "=") + imports.expr(a.default);
  return out;
}

function variableStub(a: VariableLengthArgument, imports: Imports): string {
  return a.annotation ? `${a.name}: ${imports.expr(a.annotation)}` : a.name;
}

/** `text` with every line after the first indented; empty lines stay empty (no trailing whitespace). */
function indentRest(indent: string, text: string): string {
  return text
    .split("\n")
    .map((line, i) => (i === 0 || line === "" ? line : indent + line))
    .join("\n");
}

/** A `"""` docstring on lines of its own, indented; its lines as Rust's `str::lines` splits them. */
function docstringBlock(indent: string, docstring: string): string {
  const lines = docstring.split("\n");
  if (lines[lines.length - 1] === "") lines.pop(); // a final newline ends the last line, it starts no new one
  let out = `\n${indent}"""`;
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    out += "\n" + (line === "" ? "" : indent + line);
  }
  return out + `\n${indent}"""`;
}
