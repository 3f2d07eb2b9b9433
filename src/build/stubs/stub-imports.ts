/**
 * The imports of one stub file and the text of its type hints, by
 * pyo3-introspection 0.29's rules: every `module.name` a hint uses is imported
 * `from module import name` (relative inside the extension's own package),
 * builtins only when a local name hides them, and a name that clashes with a
 * local one or an earlier import gets a number (`A2`, `int2`).
 */
import { ConfigError } from "../../errors.js";
import { byteOrder, type Expr, type StubAttribute, type StubClass, type StubFunction, type StubModule } from "./introspection-model.js";

/** Sorted as Rust's BTreeMap/BTreeSet of strings are (by UTF-8 bytes). */
const sortedBytes = (xs: Iterable<string>) => [...xs].sort(byteOrder);

/** Every `module -> names` a module's hints use (`builtins` for bare names), annotations and decorators alike. */
export function namesUsed(module: StubModule): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  const add = (mod: string, name: string) => {
    const set = used.get(mod);
    if (set) set.add(name);
    else used.set(mod, new Set([name]));
  };
  const expr = (e: Expr | undefined): void => {
    if (!e) return;
    switch (e.kind) {
      case "name":
        return add("builtins", e.id);
      case "attribute":
        if (e.value.kind === "name") return add(e.value.id, e.attr);
        return expr(e.value);
      case "binop":
        expr(e.left);
        return expr(e.right);
      case "subscript":
        expr(e.value);
        return expr(e.slice);
      case "tuple":
      case "list":
        return e.elts.forEach(expr);
      case "constant":
        return;
    }
  };
  // pyo3 walks annotations only; defaults and values are constants in its data, so walking them too changes nothing there
  const attribute = (a: StubAttribute) => {
    expr(a.annotation);
    expr(a.value);
  };
  const fn = (f: StubFunction) => {
    f.decorators.forEach(expr);
    const a = f.arguments;
    for (const arg of [...a.positionalOnly, ...a.regular, ...a.keywordOnly]) {
      expr(arg.annotation);
      expr(arg.default);
    }
    expr(a.vararg?.annotation);
    expr(a.kwarg?.annotation);
    expr(f.returns);
  };
  const cls = (c: StubClass): void => {
    c.bases.forEach(expr);
    c.decorators.forEach(expr);
    c.methods.forEach(fn);
    c.attributes.forEach(attribute);
    c.innerClasses.forEach(cls);
  };
  module.attributes.forEach(attribute);
  module.classes.forEach(cls);
  module.functions.forEach(fn);
  if (module.incomplete) {
    add("builtins", "str"); // the `__getattr__(name: str) -> Incomplete` of an incomplete module
    add("_typeshed", "Incomplete");
  }
  return used;
}

/**
 * `target` as a `from X import` module written from inside `current` (PEP 328):
 * relative when both are in the same top-level package, else absolute.
 */
export function relativeModulePath(target: string, current: string, currentIsPackage: boolean): string {
  const t = target.split(".");
  const c = current.split(".");
  if (t[0] !== c[0]) return target;
  let i = 0;
  while (i < t.length && i < c.length && t[i] === c[i]) i++;
  return ".".repeat(c.length - i) + (currentIsPackage ? "." : "") + t.slice(i).join(".");
}

/** `u64::from_str(digits).unwrap_or(1) + 1`: the next number for a clashing name. */
function nextNumber(digits: string): string {
  const n = digits === "" ? 1n : BigInt(digits);
  return ((n > 0xffffffffffffffffn ? 1n : n) + 1n).toString();
}

export class Imports {
  private constructor(
    /** the `from X import Y` lines, sorted */
    readonly lines: string[],
    /** "module\0name" -> the name to write in the stub */
    private readonly renaming: Map<string, string>,
  ) {}

  /** The imports of `module`'s stub; `parents` are the dotted names above it (empty for the extension itself). */
  static create(module: StubModule, parents: string[]): Imports {
    const isPackage = module.modules.length > 0;
    const current = [...parents, module.name].join(".");
    // local name -> the (module, name) it stands for: the module's own members first, never imported or renamed
    const locals = new Map<string, [string, string]>();
    for (const name of [...module.classes.map((c) => c.name), ...module.functions.map((f) => f.name), ...module.attributes.map((a) => a.name)]) {
      locals.set(name, [current, name]);
    }
    locals.delete(current);
    const renaming = new Map<string, string>();
    const lines: string[] = [];
    const used = namesUsed(module);
    for (const mod of sortedBytes(used.keys())) {
      const names: string[] = [];
      for (const attr of sortedBytes(used.get(mod) as Set<string>)) {
        // a nested class `A.B` is imported as `A`, the rest is a path below it
        const dot = attr.indexOf(".");
        const root = dot < 0 ? attr : attr.slice(0, dot);
        let local = root;
        let imported = false;
        for (let taken = locals.get(local); taken; taken = locals.get(local)) {
          if (taken[0] === mod && taken[1] === root) {
            imported = true;
            break;
          }
          const digits = /[0-9]*$/.exec(local)?.[0] ?? "";
          local = local.slice(0, local.length - digits.length) + nextNumber(digits);
        }
        renaming.set(`${mod}\0${attr}`, dot < 0 ? local : `${local}${attr.slice(dot)}`);
        if (imported) continue;
        locals.set(local, [mod, root]);
        if (mod === "builtins" && local === root) continue; // a builtin nobody hides needs no import
        names.push(local === root ? local : `${root} as ${local}`);
      }
      if (names.length === 0) continue;
      if (mod === current) {
        throw new ConfigError(`the pyo3 introspection data of ${current} refers to ${current}.${names[0]}, which the module does not define`, "check the #[pymodule]'s members");
      }
      lines.push(`from ${relativeModulePath(mod, current, isPackage)} import ${names.join(", ")}`);
    }
    lines.sort(byteOrder);
    return new Imports(lines, renaming);
  }

  /** An expression as Python source, with the names this file imports them as. */
  expr(e: Expr): string {
    switch (e.kind) {
      case "constant":
        return constantText(e.value);
      case "name":
        return this.renamed("builtins", e.id);
      case "attribute":
        return e.value.kind === "name" ? this.renamed(e.value.id, e.attr) : `${this.expr(e.value)}.${e.attr}`;
      case "binop":
        return unionOperands(e).map((x) => this.expr(x)).join(" | ");
      case "tuple":
        return `(${this.elts(e.elts)}${e.elts.length === 1 ? "," : ""})`;
      case "list":
        return `[${this.elts(e.elts)}]`;
      case "subscript":
        return `${this.expr(e.value)}[${e.slice.kind === "tuple" ? this.elts(e.slice.elts) : this.expr(e.slice)}]`;
    }
  }

  private elts(elts: Expr[]): string {
    return elts.map((x) => this.expr(x)).join(", ");
  }

  private renamed(mod: string, name: string): string {
    const r = this.renaming.get(`${mod}\0${name}`);
    if (r === undefined) throw new Error(`internal: ${mod}.${name} was not collected for the imports`);
    return r;
  }
}

/** The operands of a `|` chain in order, each once (`str | PathLike[str] | str` -> `str | PathLike[str]`). */
function unionOperands(e: Expr): Expr[] {
  const out: Expr[] = [];
  const seen = new Set<string>();
  const walk = (x: Expr) => {
    if (x.kind === "binop") {
      walk(x.left);
      walk(x.right);
      return;
    }
    const key = JSON.stringify(x);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(x);
    }
  };
  walk(e);
  return out;
}

function constantText(c: Extract<Expr, { kind: "constant" }>["value"]): string {
  switch (c.kind) {
    case "none":
      return "None";
    case "bool":
      return c.value ? "True" : "False";
    case "int":
      return c.value;
    case "float":
      return /[.eE]/.test(c.value) ? c.value : `${c.value}.`; // so it is not read as an int
    case "str":
      return `"${escapeString(c.value)}"`;
    case "ellipsis":
      return "...";
  }
}

const ESCAPES: Record<string, string> = { '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\", "\0": "\\0" };

/** A str constant's text inside double quotes: quotes, backslashes and control characters below 0x20 escaped. */
function escapeString(s: string): string {
  return s.replace(/["\n\r\t\\\0-\x1f]/g, (ch) => ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
