/**
 * maturin compatibility: which table configures the build (`[tool.pyts-build]`,
 * else maturin's `[tool.maturin]`, else the old `[package.metadata.maturin]` of
 * Cargo.toml) and maturin's implicit rules: bindings detected from the
 * dependencies. See docs/configuration.md "Coming from maturin".
 */
import { ConfigError } from "../../errors.js";
import { validateModuleName } from "../../wheel/names.js";
import type { CargoManifest } from "./cargo-manifest.js";
import { Fields, isTable } from "./fields.js";
import type { TomlTable } from "./toml.js";
import { type Bindings, readToolConfig, type ToolTable } from "./tool-config.js";
import { PROJECT_DIR_KEY } from "./sdist-layout.js";

export interface ToolSelection {
  tool: ToolTable;
  /** The project is configured for maturin: maturin's defaults apply where they differ from pyts-build's. */
  maturinStyle: boolean;
  /** Where the options came from, for messages ("tool.maturin"). */
  table: string;
}

/** `[tool.<name>]` of a parsed pyproject.toml, as Fields. */
function toolTable(file: string, raw: TomlTable, name: string): Fields | undefined {
  return new Fields(file, "", raw).table("tool")?.table(name);
}

/** `[tool.pyts-build]` counts as present when it holds more than the sdist stub's pointer. */
export function hasOwnTable(raw: TomlTable): boolean {
  const t = (raw.tool as TomlTable | undefined)?.["pyts-build"];
  return isTable(t) && Object.keys(t).some((k) => k !== PROJECT_DIR_KEY);
}

/** `manifest-path` of whichever table configures the build (for locating Cargo.toml). */
export function configuredManifestPath(raw: TomlTable): string | undefined {
  const tool = raw.tool as TomlTable | undefined;
  const table = hasOwnTable(raw) ? tool?.["pyts-build"] : tool?.maturin;
  const mp = isTable(table) ? table["manifest-path"] : undefined;
  return typeof mp === "string" ? mp : undefined;
}

const PACKAGE_METADATA_KEYS = ["name", "python-source", "data"];

/**
 * `[package.metadata.maturin]`: maturin before 0.15 read `name` (the module
 * name), `python-source` and `data` there. maturin 1.x ignores the table; we
 * still honour those three keys so such projects keep building, with a warning.
 */
function packageMetadataMaturin(cargo: CargoManifest, warnings: string[]): ToolTable | undefined {
  const t = cargo.packageMetadata?.table("maturin");
  if (!t) return undefined;
  const tool = readToolConfig(undefined);
  const name = t.string("name");
  if (name !== undefined) {
    validateModuleName(name, `${cargo.path}: ${t.key("name")}`);
    tool.moduleName = name;
  }
  const ps = t.string("python-source");
  if (ps !== undefined) tool.pythonSource = ps;
  const data = t.string("data");
  if (data !== undefined) tool.data = data;
  const ignored = t.keys().filter((k) => !PACKAGE_METADATA_KEYS.includes(k));
  warnings.push(
    `${cargo.path}: [package.metadata.maturin] is deprecated (maturin 1.x no longer reads it): move it to pyproject.toml [tool.maturin] (name -> module-name)` +
      (ignored.length > 0 ? `; ignored keys: ${ignored.join(", ")}` : ""),
  );
  return tool;
}

/** Pick and read the table that configures the build. */
export function selectToolConfig(pyproject: { file: string; raw: TomlTable } | undefined, cargo: CargoManifest, warnings: string[]): ToolSelection {
  const raw = pyproject?.raw ?? {};
  const file = pyproject?.file ?? "pyproject.toml";
  const maturinTable = pyproject ? toolTable(file, raw, "maturin") : undefined;
  const backend = (raw["build-system"] as TomlTable | undefined)?.["build-backend"];
  const fromCargo = maturinTable ? undefined : packageMetadataMaturin(cargo, warnings);
  const maturinStyle = maturinTable !== undefined || backend === "maturin" || fromCargo !== undefined;
  if (pyproject && hasOwnTable(raw)) {
    if (maturinTable) warnings.push(`${file}: [tool.pyts-build] is present, so [tool.maturin] is ignored`);
    return { tool: readToolConfig(toolTable(file, raw, "pyts-build"), "pyts-build", warnings), maturinStyle, table: "tool.pyts-build" };
  }
  if (maturinTable) return { tool: readToolConfig(maturinTable, "maturin", warnings), maturinStyle, table: "tool.maturin" };
  if (fromCargo) return { tool: fromCargo, maturinStyle, table: "package.metadata.maturin" };
  return { tool: readToolConfig(undefined), maturinStyle, table: "tool.pyts-build" };
}

/**
 * Bindings from the crate, like maturin: a crate with binaries and no cdylib
 * is `bin`; a pyo3 dependency means `pyo3`, else pyo3-ffi means `pyo3-ffi`.
 * A library with neither is cffi for maturin; for pyts-build's own projects it
 * stays an extension (a hand-written C API module such as test/fixtures/ffi-min).
 */
export function detectBindings(cargo: CargoManifest, maturinStyle: boolean): Bindings {
  const cdylib = cargo.lib?.crateTypes.includes("cdylib") ?? false;
  if (!cdylib && cargo.bins.length > 0) return "bin";
  if (cargo.pyo3) return "pyo3";
  if (cargo.pyo3Ffi) return "pyo3-ffi";
  if (cargo.dependencyPackages.includes("uniffi")) {
    throw new ConfigError(`${cargo.path}: uniffi bindings are not supported yet by pyts-build`, 'build this crate with maturin, or set bindings = "pyo3" if it is a PyO3 extension');
  }
  return maturinStyle && cargo.lib ? "cffi" : "pyo3";
}
