/**
 * pyo3's introspection data (its `experimental-inspect` feature): each
 * `#[pymodule]`, `#[pyclass]`, `#[pyfunction]`, method and constant embeds one
 * JSON chunk in the library, in a static named `PYO3_INTROSPECTION_<format>_<n>`
 * (a u32 length in the library's byte order, then the JSON). Chunks link to each
 * other by id: a module lists its members' ids, a method or class attribute
 * names its class as `parent`, a type hint may be an `{"type": "id"}` that
 * stands for a class. This file turns the chunks into the module tree
 * (introspection-model.ts) the way pyo3-introspection 0.29 does, so the stubs
 * rendered from it are the same text.
 */
import { ConfigError } from "../../errors.js";
import {
  type Argument,
  type Arguments,
  attributeExpr,
  byteOrder,
  type Constant,
  type Expr,
  nameExpr,
  type StubAttribute,
  type StubClass,
  type StubFunction,
  type StubModule,
  type VariableLengthArgument,
} from "./introspection-model.js";

/** The chunk format this reader knows (the `1` in `PYO3_INTROSPECTION_1_...`). */
export const INTROSPECTION_FORMAT = "1";

/** A chunk expression: the model's kinds, plus `id` (a class known by its introspection id). */
type ChunkExpr =
  | Extract<Expr, { kind: "constant" | "name" }>
  | { kind: "attribute"; value: ChunkExpr; attr: string }
  | { kind: "binop"; left: ChunkExpr; op: "bitor"; right: ChunkExpr }
  | { kind: "tuple" | "list"; elts: ChunkExpr[] }
  | { kind: "subscript"; value: ChunkExpr; slice: ChunkExpr }
  | { kind: "id"; id: string };

interface ChunkArgument {
  name: string;
  default?: ChunkExpr;
  annotation?: ChunkExpr;
}

interface ChunkArguments {
  posonlyargs: ChunkArgument[];
  args: ChunkArgument[];
  vararg?: ChunkArgument;
  kwonlyargs: ChunkArgument[];
  kwarg?: ChunkArgument;
}

export type Chunk =
  | { type: "module"; id: string; name: string; members: string[]; doc?: string; incomplete: boolean }
  | { type: "class"; id: string; name: string; bases: ChunkExpr[]; decorators: ChunkExpr[]; parent?: string; doc?: string }
  | {
      type: "function";
      id?: string;
      name: string;
      arguments: ChunkArguments;
      parent?: string;
      decorators: ChunkExpr[];
      returns?: ChunkExpr;
      isAsync: boolean;
      doc?: string;
    }
  | { type: "attribute"; id?: string; parent?: string; name: string; value?: ChunkExpr; annotation?: ChunkExpr; doc?: string };

/**
 * The format version a symbol name carries (`PYO3_INTROSPECTION_1_123` -> "1";
 * Mach-O's leading `_` allowed), undefined for any other symbol.
 */
export function introspectionSymbolVersion(symbol: string): string | undefined {
  const name = symbol.startsWith("_") ? symbol.slice(1) : symbol;
  if (!name.startsWith("PYO3_INTROSPECTION_")) return undefined;
  const rest = name.slice("PYO3_INTROSPECTION_".length);
  const sep = rest.indexOf("_");
  return sep < 0 ? rest : rest.slice(0, sep);
}

/** Thrown for data that does not have the shape pyo3 writes; `where` says which chunk. */
function bad(where: string, why: string): never {
  throw new ConfigError(`${where}: pyo3 introspection data ${why}`, "build with the pyo3 version this pyts-build reads (0.29), or without --generate-stubs");
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Typed reads of one JSON object; absent and null optional fields are undefined, as serde's `Option` reads them. */
class Reader {
  constructor(
    readonly where: string,
    readonly o: Json,
  ) {}
  private value(k: string): unknown {
    const v = this.o[k];
    return v === null ? undefined : v;
  }
  string(k: string): string {
    const v = this.o[k];
    if (typeof v !== "string") bad(this.where, `has no string "${k}"`);
    return v;
  }
  optString(k: string): string | undefined {
    const v = this.value(k);
    if (v !== undefined && typeof v !== "string") bad(this.where, `has a "${k}" that is not a string`);
    return v;
  }
  bool(k: string, fallback?: boolean): boolean {
    const v = fallback === undefined ? this.o[k] : (this.value(k) ?? fallback);
    if (typeof v !== "boolean") bad(this.where, `has no boolean "${k}"`);
    return v;
  }
  list<T>(k: string, item: (v: unknown, where: string) => T, required = false): T[] {
    const v = required ? this.o[k] : (this.value(k) ?? []);
    if (!Array.isArray(v)) bad(this.where, `has no list "${k}"`);
    return v.map((x, i) => item(x, `${this.where} ${k}[${i}]`));
  }
  optExpr(k: string): ChunkExpr | undefined {
    const v = this.value(k);
    return v === undefined ? undefined : chunkExpr(v, `${this.where} ${k}`);
  }
}

function chunkExpr(v: unknown, where: string): ChunkExpr {
  if (!isObject(v)) bad(where, "has a type hint that is not an object");
  const r = new Reader(where, v);
  const type = r.string("type");
  switch (type) {
    case "constant":
      return { kind: "constant", value: constant(r) };
    case "name":
      return { kind: "name", id: r.string("id") };
    case "attribute":
      return { kind: "attribute", value: chunkExpr(v.value, `${where}.value`), attr: r.string("attr") };
    case "binop":
      if (v.op !== "bitor") bad(where, `has an operator ${JSON.stringify(v.op)} (only "bitor" is known)`);
      return { kind: "binop", left: chunkExpr(v.left, `${where}.left`), op: "bitor", right: chunkExpr(v.right, `${where}.right`) };
    case "tuple":
    case "list":
      return { kind: type, elts: r.list("elts", chunkExpr, true) };
    case "subscript":
      return { kind: "subscript", value: chunkExpr(v.value, `${where}.value`), slice: chunkExpr(v.slice, `${where}.slice`) };
    case "id":
      return { kind: "id", id: r.string("id") };
    default:
      return bad(where, `has an expression of unknown type "${type}"`);
  }
}

function constant(r: Reader): Constant {
  const kind = r.string("kind");
  switch (kind) {
    case "none":
    case "ellipsis":
      return { kind };
    case "bool":
      return { kind, value: r.bool("value") };
    case "int":
    case "float":
    case "str":
      return { kind, value: r.string("value") };
    default:
      return bad(r.where, `has a constant of unknown kind "${kind}"`);
  }
}

function chunkArgument(v: unknown, where: string): ChunkArgument {
  if (!isObject(v)) bad(where, "has an argument that is not an object");
  const r = new Reader(where, v);
  const a: ChunkArgument = { name: r.string("name") };
  const d = r.optExpr("default");
  if (d) a.default = d;
  const t = r.optExpr("annotation");
  if (t) a.annotation = t;
  return a;
}

function chunkArguments(v: unknown, where: string): ChunkArguments {
  if (!isObject(v)) bad(where, 'has no "arguments" object');
  const r = new Reader(where, v);
  const a: ChunkArguments = { posonlyargs: r.list("posonlyargs", chunkArgument), args: r.list("args", chunkArgument), kwonlyargs: r.list("kwonlyargs", chunkArgument) };
  if (v.vararg !== undefined && v.vararg !== null) a.vararg = chunkArgument(v.vararg, `${where} vararg`);
  if (v.kwarg !== undefined && v.kwarg !== null) a.kwarg = chunkArgument(v.kwarg, `${where} kwarg`);
  return a;
}

/** Optional fields that are present, without `undefined` values (the model's objects compare and print cleanly). */
function present<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

/** One chunk's JSON text -> the chunk; `where` names it in errors (the library and symbol). */
export function parseChunk(text: string, where: string): Chunk {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    bad(where, `is not JSON (${(e as Error).message})`);
  }
  if (!isObject(v)) bad(where, "is not a JSON object");
  const r = new Reader(where, v);
  const type = r.string("type");
  switch (type) {
    case "module":
      return present({ type, id: r.string("id"), name: r.string("name"), members: r.list("members", (m, w) => (typeof m === "string" ? m : bad(w, "has a member id that is not a string")), true), doc: r.optString("doc"), incomplete: r.bool("incomplete") });
    case "class":
      return present({ type, id: r.string("id"), name: r.string("name"), bases: r.list("bases", chunkExpr), decorators: r.list("decorators", chunkExpr), parent: r.optString("parent"), doc: r.optString("doc") });
    case "function":
      return present({
        type,
        id: r.optString("id"),
        name: r.string("name"),
        arguments: chunkArguments(v.arguments, `${where} arguments`),
        parent: r.optString("parent"),
        decorators: r.list("decorators", chunkExpr),
        returns: r.optExpr("returns"),
        isAsync: r.bool("async", false),
        doc: r.optString("doc"),
      });
    case "attribute":
      return present({ type, id: r.optString("id"), parent: r.optString("parent"), name: r.string("name"), value: r.optExpr("value"), annotation: r.optExpr("annotation"), doc: r.optString("doc") });
    default:
      return bad(where, `has a chunk of unknown type "${type}"`);
  }
}

/**
 * The chunk bytes after a symbol's address: a u32 length (in the library's
 * byte order), then that many bytes of UTF-8 JSON.
 */
export function chunkText(data: Uint8Array, littleEndian: boolean, where: string): string {
  if (data.length < 4) bad(where, "has no length");
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = view.getUint32(0, littleEndian);
  if (4 + length > data.length) bad(where, `says it is ${length} bytes long, more than the library holds after it`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data.subarray(4, 4 + length));
  } catch {
    return bad(where, "is not UTF-8");
  }
}

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
