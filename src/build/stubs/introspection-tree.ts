/**
 * The module tree (introspection-model.ts) of the extension's module, linked from
 * its chunks (introspection-chunks.ts) the way pyo3-introspection 0.29's
 * `parse_chunks` does, so the stubs rendered from it are the same text.
 */
import { ConfigError } from "../../errors.js";
import { bad, type Chunk, type ChunkArgument, type ChunkExpr, present } from "./introspection-chunks.js";
import {
  type Argument,
  type Arguments,
  attributeExpr,
  byteOrder,
  type Expr,
  nameExpr,
  type StubAttribute,
  type StubClass,
  type StubFunction,
  type StubModule,
  type VariableLengthArgument,
} from "./introspection-model.js";

interface Index {
  byId: Map<string, Chunk>;
  byParent: Map<string, Chunk[]>;
  /** introspection id of each class -> the type hint that names it (`module.Class`, `module.Outer.Inner`) */
  hints: Map<string, Expr>;
  /** the modules and classes being converted, outermost first: data that nests one in itself is refused, not followed forever */
  open: Set<string>;
  where: string;
}

/** `convert()` inside the module or class `id`. */
function within<T>(index: Index, id: string, convert: () => T): T {
  if (index.open.has(id)) bad(index.where, `nests the chunk "${id}" inside itself`);
  index.open.add(id);
  try {
    return convert();
  } finally {
    index.open.delete(id);
  }
}

/**
 * The module tree of the module named `mainModule` (the extension's own name),
 * as pyo3-introspection's `introspect_cdylib` builds it from the chunks: members
 * sorted by name, functions of the same name by their decorators (a property's
 * getter, then deleter and setter), a class known only by its id and not exported
 * becoming `typing.Any`, a member id without a chunk making the module incomplete.
 */
export function moduleFromChunks(chunks: Chunk[], mainModule: string, where: string): StubModule {
  const byId = new Map<string, Chunk>();
  const byParent = new Map<string, Chunk[]>();
  for (const c of chunks) {
    if (c.id !== undefined) byId.set(c.id, c);
    const parent = c.type === "module" ? undefined : c.parent;
    if (parent !== undefined) {
      const list = byParent.get(parent);
      if (list) list.push(c);
      else byParent.set(parent, [c]);
    }
  }
  const root = chunks.find((c): c is Extract<Chunk, { type: "module" }> => c.type === "module" && c.name === mainModule);
  if (!root) {
    const names = chunks.filter((c) => c.type === "module").map((c) => c.name);
    throw new ConfigError(
      `${where}: the pyo3 introspection data has no module named ${mainModule}${names.length ? ` (it has ${names.join(", ")})` : ""}`,
      "the #[pymodule]'s name must be the last part of module-name",
    );
  }
  const index: Index = { byId, byParent, hints: new Map(), open: new Set(), where };
  classHints(index, root.id, root.name, root.members);
  return convertModule(index, root, where);
}

/** Each class's type hint, found from the root module down (pyo3's `introspection_id_to_type_hint_for_root_module`). */
function classHints(index: Index, moduleId: string, moduleName: string, members: string[]): void {
  within(index, moduleId, () => moduleClassHints(index, moduleId, moduleName, members));
}

function moduleClassHints(index: Index, moduleId: string, moduleName: string, members: string[]): void {
  const listed = members.map((id) => index.byId.get(id)).filter((c): c is Chunk => c !== undefined);
  for (const c of [...(index.byParent.get(moduleId) ?? []), ...listed]) {
    if (c.type === "module") classHints(index, c.id, `${moduleName}.${c.name}`, c.members);
    else if (c.type === "class") {
      index.hints.set(c.id, attributeExpr(nameExpr(moduleName), c.name));
      innerClassHints(index, c.id, c.name, moduleName);
    }
  }
}

function innerClassHints(index: Index, classId: string, className: string, moduleName: string): void {
  within(index, classId, () => {
    for (const c of index.byParent.get(classId) ?? []) {
      if (c.type !== "class") continue;
      const name = `${className}.${c.name}`;
      innerClassHints(index, c.id, name, moduleName);
      index.hints.set(c.id, attributeExpr(nameExpr(moduleName), name));
    }
  });
}

function convertModule(index: Index, m: Extract<Chunk, { type: "module" }>, where: string): StubModule {
  return within(index, m.id, () => moduleOf(index, m, where));
}

function moduleOf(index: Index, m: Extract<Chunk, { type: "module" }>, where: string): StubModule {
  let incomplete = m.incomplete;
  const members = [...(index.byParent.get(m.id) ?? [])];
  for (const id of m.members) {
    const c = index.byId.get(id);
    if (c) members.push(c);
    else incomplete = true; // a member without a chunk (e.g. added by hand with add_function)
  }
  const converted = convertMembers(index, members, where);
  return present({ name: m.name, modules: converted.modules, classes: converted.classes, functions: converted.functions, attributes: converted.attributes, incomplete, docstring: m.doc });
}

interface Members {
  modules: StubModule[];
  classes: StubClass[];
  functions: StubFunction[];
  attributes: StubAttribute[];
}

function convertMembers(index: Index, chunks: Chunk[], where: string): Members {
  const out: Members = { modules: [], classes: [], functions: [], attributes: [] };
  for (const c of chunks) {
    switch (c.type) {
      case "module":
        out.modules.push(convertModule(index, c, where));
        break;
      case "class":
        out.classes.push(convertClass(index, c, where));
        break;
      case "function":
        out.functions.push(convertFunction(index, c));
        break;
      case "attribute":
        out.attributes.push(present({ name: c.name, value: hint(index, c.value), annotation: hint(index, c.annotation), docstring: c.doc }));
        break;
    }
  }
  const byName = (a: { name: string }, b: { name: string }) => byteOrder(a.name, b.name);
  out.modules.sort(byName);
  out.classes.sort(byName);
  out.functions.sort((a, b) => byName(a, b) || compareDecorators(a.decorators, b.decorators));
  out.attributes.sort(byName);
  return out;
}

/** A decorator's sort key: plain names before attributes (`property` before `x.setter`), then the dotted text. */
function decoratorKey(e: Expr): [number, string] {
  if (e.kind === "name") return [0, e.id];
  if (e.kind === "attribute") {
    const [depth, text] = decoratorKey(e.value);
    return [depth + 1, `${text}.${e.attr}`];
  }
  return [0, ""];
}

/** Lexicographic over the decorator lists, as Rust's `Iterator::cmp`. */
function compareDecorators(a: Expr[], b: Expr[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [da, ta] = decoratorKey(a[i] as Expr);
    const [db, tb] = decoratorKey(b[i] as Expr);
    const c = da - db || byteOrder(ta, tb);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function convertClass(index: Index, c: Extract<Chunk, { type: "class" }>, where: string): StubClass {
  const m = within(index, c.id, () => convertMembers(index, index.byParent.get(c.id) ?? [], where));
  if (m.modules.length > 0) bad(where, `puts a module inside the class ${c.name}`);
  return present({
    name: c.name,
    bases: c.bases.map((e) => toExpr(index, e)),
    methods: m.functions,
    attributes: m.attributes,
    decorators: c.decorators.map((e) => toExpr(index, e)),
    innerClasses: m.classes,
    docstring: c.doc,
  });
}

function convertFunction(index: Index, f: Extract<Chunk, { type: "function" }>): StubFunction {
  const argument = (a: ChunkArgument): Argument => present({ name: a.name, default: hint(index, a.default), annotation: hint(index, a.annotation) });
  const variable = (a: ChunkArgument | undefined): VariableLengthArgument | undefined => (a ? present({ name: a.name, annotation: hint(index, a.annotation) }) : undefined);
  const args: Arguments = present({
    positionalOnly: f.arguments.posonlyargs.map(argument),
    regular: f.arguments.args.map(argument),
    vararg: variable(f.arguments.vararg),
    keywordOnly: f.arguments.kwonlyargs.map(argument),
    kwarg: variable(f.arguments.kwarg),
  });
  return present({ name: f.name, decorators: f.decorators.map((e) => toExpr(index, e)), arguments: args, returns: hint(index, f.returns), isAsync: f.isAsync, docstring: f.doc });
}

function hint(index: Index, e: ChunkExpr | undefined): Expr | undefined {
  return e === undefined ? undefined : toExpr(index, e);
}

/** A chunk expression with class ids replaced by the classes' names (`typing.Any` for a class not exported). */
function toExpr(index: Index, e: ChunkExpr): Expr {
  switch (e.kind) {
    case "id":
      return index.hints.get(e.id) ?? attributeExpr(nameExpr("typing"), "Any");
    case "attribute":
      return attributeExpr(toExpr(index, e.value), e.attr);
    case "binop":
      return { kind: "binop", left: toExpr(index, e.left), op: e.op, right: toExpr(index, e.right) };
    case "subscript":
      return { kind: "subscript", value: toExpr(index, e.value), slice: toExpr(index, e.slice) };
    case "tuple":
    case "list":
      return { kind: e.kind, elts: e.elts.map((x) => toExpr(index, x)) };
    default:
      return e;
  }
}
