/**
 * setuptools-rust's RustExtension / RustBin arguments, read with its meaning
 * (setuptools-rust 1.13's extension.py and build.py are the spec): from
 * pyproject.toml's `[[tool.setuptools-rust.ext-modules]]` / `[[...bins]]`
 * (kebab-case keys) or from the RustExtension(...) / RustBin(...) calls a
 * setup.py made (snake_case, recorded by recorder.ts).
 */
import { resolve } from "node:path";
import { ConfigError } from "../../../errors.js";
import { validateModuleName } from "../../../wheel/names.js";
import { Fields, isTable } from "../fields.js";
import type { RustBinSpec, RustExecSpec, RustExtensionSpec, RustTargetOptions, RustTargetSpec, StripMode } from "./model.js";

/** How the keys are spelled: pyproject.toml's kebab-case or setup.py's keyword arguments. */
export type KeyStyle = "kebab" | "snake";

const EXTENSION_KEYS = [
  "target",
  "path",
  "args",
  "cargo-manifest-args",
  "features",
  "rustc-flags",
  "rust-version",
  "quiet",
  "debug",
  "binding",
  "strip",
  "script",
  "native",
  "optional",
  "py-limited-api",
  "env",
  "generated-files",
];
const BIN_KEYS = ["target", "path", "args", "cargo-manifest-args", "features", "rust-version", "quiet", "debug", "strip", "optional", "env"];
const STRIP: readonly StripMode[] = ["No", "Debug", "All"];

/** Reads one RustExtension / RustBin table with the key spelling of its source. */
class TargetFields {
  constructor(
    readonly f: Fields,
    readonly style: KeyStyle,
  ) {}
  k(kebab: string): string {
    return this.style === "kebab" ? kebab : kebab.replace(/-/g, "_");
  }
  fail(kebab: string, why: string, hint?: string): never {
    return this.f.fail(this.k(kebab), why, hint);
  }
  /** A list of strings; setup.py may give a tuple (recorded as a list) or None. */
  strings(kebab: string): string[] {
    const v = this.f.raw[this.k(kebab)];
    if (v === undefined || v === null) return [];
    return this.f.strings(this.k(kebab)) ?? [];
  }
  string(kebab: string): string | undefined {
    const v = this.f.raw[this.k(kebab)];
    return v === null ? undefined : this.f.string(this.k(kebab));
  }
  bool(kebab: string): boolean | undefined {
    const v = this.f.raw[this.k(kebab)];
    return v === null ? undefined : this.f.bool(this.k(kebab));
  }
  stringMap(kebab: string): Record<string, string> | undefined {
    const v = this.f.raw[this.k(kebab)];
    return v === null ? undefined : this.f.stringMap(this.k(kebab));
  }
  onlyKeys(kebabs: string[]): void {
    this.f.onlyKeys(kebabs.map((x) => this.k(x)));
  }
}

function commonOptions(t: TargetFields, projectDir: string, where: string): RustTargetOptions {
  const path = t.string("path") ?? "Cargo.toml";
  const strip = t.string("strip") ?? "No";
  if (!(STRIP as readonly string[]).includes(strip)) t.fail("strip", `"${strip}" is not one of ${STRIP.join(", ")}`);
  const o: RustTargetOptions = {
    manifestPath: resolve(projectDir, path),
    args: t.strings("args"),
    cargoManifestArgs: t.strings("cargo-manifest-args"),
    features: t.strings("features"),
    strip: strip as StripMode,
    quiet: t.bool("quiet") ?? false,
    optional: t.bool("optional") ?? false,
    where,
  };
  const rv = t.string("rust-version");
  if (rv !== undefined) o.rustVersion = rv;
  const debug = t.bool("debug");
  if (debug !== undefined) o.debug = debug;
  const env = t.stringMap("env");
  if (env !== undefined) o.env = env;
  profileOf(o.args, where); // a malformed --profile fails here, as setuptools-rust's get_cargo_profile does
  return o;
}

/** The cargo profile `args` name (`--profile X` or `--profile=X`), as setuptools-rust's get_cargo_profile reads it. */
export function profileOf(args: string[], where = "args"): string | undefined {
  const i = args.indexOf("--profile");
  if (i >= 0) {
    const p = args[i + 1];
    if (p === undefined) throw new ConfigError(`${where}: args end with --profile and no profile name`, 'write args = ["--profile", "release-lto"]');
    return p;
  }
  const eq = args.find((a) => a.startsWith("--profile="));
  if (eq === undefined) return undefined;
  const p = eq.slice("--profile=".length);
  if (p === "") throw new ConfigError(`${where}: args has "--profile=" with no profile name`, 'write args = ["--profile", "release-lto"]');
  return p;
}

function readTarget(t: TargetFields): string | Record<string, string> {
  const raw = t.f.raw[t.k("target")];
  if (typeof raw === "string") return raw;
  if (isTable(raw)) return t.stringMap("target") as Record<string, string>;
  return t.fail("target", raw === undefined ? "is missing" : "must be a dotted module name (or, for binding = \"Exec\", a table of binary -> dotted name)", 'e.g. target = "my_package._lib"');
}

/** One `ext-modules` entry / RustExtension call. */
export function readExtension(f: Fields, style: KeyStyle, projectDir: string): RustExtensionSpec | RustExecSpec {
  const t: TargetFields = new TargetFields(f, style);
  t.onlyKeys(EXTENSION_KEYS);
  const where = `${f.file}: ${f.prefix}`;
  const binding = t.string("binding") ?? "PyO3";
  if (binding === "RustCPython") t.fail("binding", '"RustCPython" is not supported by pyts-build', "port the extension to PyO3, or build it with setuptools-rust");
  if (binding !== "PyO3" && binding !== "NoBinding" && binding !== "Exec") t.fail("binding", `"${binding}" is not supported`, "use PyO3, NoBinding or Exec");
  if (t.bool("script") === true) t.fail("script", "(a Python wrapper script for an Exec binary) is not supported by pyts-build", "ship the program with [[tool.setuptools-rust.bins]] (RustBin) instead, as setuptools-rust recommends");
  const target = readTarget(t);
  const common = commonOptions(t, projectDir, where);
  // setuptools-rust's deprecated `native`: -Ctarget-cpu=native for the top crate
  const native = t.bool("native") === true ? ["-Ctarget-cpu=native"] : [];
  if (binding === "Exec") {
    const map = typeof target === "string" ? { "": target } : target;
    const targets = Object.entries(map).map(([binary, module]) => {
      validateModuleName(module.replace(/-/g, "_"), `${where}.${t.k("target")}`);
      return { binary: binary === "" ? (module.split(".").pop() as string) : binary, module };
    });
    if (t.strings("generated-files").length > 0 || t.stringMap("generated-files")) t.fail("generated-files", "is for library extensions only");
    return { kind: "exec", ...common, targets };
  }
  if (typeof target !== "string") t.fail("target", `must be a dotted module name for binding = "${binding}" (a table is for binding = "Exec")`);
  validateModuleName(target, `${where}.${t.k("target")}`);
  const pla = f.raw[t.k("py-limited-api")];
  if (pla !== undefined && pla !== null && pla !== "auto" && typeof pla !== "boolean") t.fail("py-limited-api", 'must be true, false or "auto"');
  const generated = t.stringMap("generated-files") ?? {};
  const generatedFiles = Object.entries(generated).map(([source, pkg]) => {
    validateModuleName(pkg, `${where}.${t.k("generated-files")}."${source}"`);
    if (source.startsWith("/") || source.split(/[\\/]/).includes("..")) t.fail("generated-files", `"${source}" must be a path inside the build script's OUT_DIR`);
    return { source, package: pkg };
  });
  return {
    kind: "extension",
    ...common,
    target,
    binding: binding as "PyO3" | "NoBinding",
    rustcFlags: [...t.strings("rustc-flags"), ...native],
    pyLimitedApi: typeof pla === "boolean" ? pla : "auto",
    generatedFiles,
  };
}

/** One `bins` entry / RustBin call. */
export function readBin(f: Fields, style: KeyStyle, projectDir: string): RustBinSpec {
  const t: TargetFields = new TargetFields(f, style);
  t.onlyKeys(BIN_KEYS);
  const target = t.string("target");
  if (target === undefined || target === "") t.fail("target", "is missing", "name the cargo binary target: target = \"my-program\"");
  return { kind: "bin", ...commonOptions(t, projectDir, `${f.file}: ${f.prefix}`), target };
}

/** `[tool.setuptools-rust]`: ext-modules, then bins (setuptools-rust's order). */
export function readSetuptoolsRustTable(f: Fields, projectDir: string): RustTargetSpec[] {
  f.onlyKeys(["ext-modules", "bins"]);
  return [...(f.tables("ext-modules") ?? []).map((t) => readExtension(t, "kebab", projectDir)), ...(f.tables("bins") ?? []).map((t) => readBin(t, "kebab", projectDir))];
}
