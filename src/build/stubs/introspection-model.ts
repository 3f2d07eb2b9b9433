/**
 * A Python module as pyo3's introspection data describes it (the model
 * pyo3-introspection builds from the chunks, and the stub renderer reads):
 * submodules, classes, functions, attributes, with type hints as a small
 * subset of Python's `ast` expressions.
 */

export interface StubModule {
  name: string;
  modules: StubModule[];
  classes: StubClass[];
  functions: StubFunction[];
  attributes: StubAttribute[];
  /** Some members are not described: the stub gets a `__getattr__` saying so. */
  incomplete: boolean;
  docstring?: string;
}

export interface StubClass {
  name: string;
  bases: Expr[];
  methods: StubFunction[];
  attributes: StubAttribute[];
  /** e.g. `typing.final` */
  decorators: Expr[];
  innerClasses: StubClass[];
  docstring?: string;
}

export interface StubFunction {
  name: string;
  /** e.g. `property`, `staticmethod`, `Cls.attr.setter` */
  decorators: Expr[];
  arguments: Arguments;
  returns?: Expr;
  isAsync: boolean;
  docstring?: string;
}

export interface StubAttribute {
  name: string;
  value?: Expr;
  annotation?: Expr;
  docstring?: string;
}

export interface Arguments {
  /** before `/` */
  positionalOnly: Argument[];
  /** between `/` and `*` */
  regular: Argument[];
  vararg?: VariableLengthArgument;
  /** after `*` */
  keywordOnly: Argument[];
  kwarg?: VariableLengthArgument;
}

export interface Argument {
  name: string;
  default?: Expr;
  annotation?: Expr;
}

export interface VariableLengthArgument {
  name: string;
  annotation?: Expr;
}

/** The `expr` kinds of Python's ast module that type hints here use. */
export type Expr =
  | { kind: "constant"; value: Constant }
  | { kind: "name"; id: string }
  | { kind: "attribute"; value: Expr; attr: string }
  | { kind: "binop"; left: Expr; op: "bitor"; right: Expr }
  | { kind: "tuple"; elts: Expr[] }
  | { kind: "list"; elts: Expr[] }
  | { kind: "subscript"; value: Expr; slice: Expr };

/** int and float are kept as written (base 10); str unescaped. */
export type Constant =
  | { kind: "none" }
  | { kind: "bool"; value: boolean }
  | { kind: "int"; value: string }
  | { kind: "float"; value: string }
  | { kind: "str"; value: string }
  | { kind: "ellipsis" };

export const nameExpr = (id: string): Expr => ({ kind: "name", id });
export const attributeExpr = (value: Expr, attr: string): Expr => ({ kind: "attribute", value, attr });

/** Compares strings by their UTF-8 bytes, as Rust's `str::cmp` (and so pyo3's sorting) does. */
export function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
