/**
 * pyo3's introspection data (its `experimental-inspect` feature): each
 * `#[pymodule]`, `#[pyclass]`, `#[pyfunction]`, method and constant embeds one
 * JSON chunk in the library, in a static named `PYO3_INTROSPECTION_<format>_<n>`
 * (a u32 length in the library's byte order, then the JSON). Chunks link to each
 * other by id: a module lists its members' ids, a method or class attribute
 * names its class as `parent`, a type hint may be an `{"type": "id"}` that
 * stands for a class. This file reads one chunk, in the JSON shapes of
 * pyo3-macros-backend's introspection.rs with serde's defaults;
 * introspection-tree.ts links them into the module tree.
 */
import { ConfigError } from "../../errors.js";
import type { Constant, Expr } from "./introspection-model.js";

/** The chunk format this reader knows (the `1` in `PYO3_INTROSPECTION_1_...`). */
export const INTROSPECTION_FORMAT = "1";

/** A chunk expression: the model's kinds, plus `id` (a class known by its introspection id). */
export type ChunkExpr =
  | Extract<Expr, { kind: "constant" | "name" }>
  | { kind: "attribute"; value: ChunkExpr; attr: string }
  | { kind: "binop"; left: ChunkExpr; op: "bitor"; right: ChunkExpr }
  | { kind: "tuple" | "list"; elts: ChunkExpr[] }
  | { kind: "subscript"; value: ChunkExpr; slice: ChunkExpr }
  | { kind: "id"; id: string };

export interface ChunkArgument {
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
export function bad(where: string, why: string): never {
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
export function present<T extends object>(o: T): T {
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
