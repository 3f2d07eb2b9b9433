/**
 * The stubs of a built library: pyo3's introspection chunks read from the ELF
 * file (src/manylinux/audit/elf-symbol-data.ts), the Mach-O file's symbols or the
 * PE file's exports (src/wheel/binary/), as pyo3-introspection reads each, the module tree built from them
 * and rendered (introspection-chunks.ts, stub-render.ts). A library without
 * chunks was built without pyo3's `experimental-inspect` feature: a one-line
 * error says to turn it on.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { ConfigError } from "../../errors.js";
import { fileHead } from "../../manylinux/audit/byte-source.js";
import { hasElfMagic } from "../../manylinux/audit/elf.js";
import { readSymbolData } from "../../manylinux/audit/elf-symbol-data.js";
import { hasMachOMagic, machoSymbolData } from "../../wheel/binary/macho-exports.js";
import { hasPeMagic, peExportData } from "../../wheel/binary/pe-exports.js";
import { chunkText, INTROSPECTION_FORMAT, introspectionSymbolVersion, parseChunk } from "./introspection-chunks.js";
import { moduleFromChunks } from "./introspection-tree.js";
import type { StubModule } from "./introspection-model.js";
import { moduleStubFiles } from "./stub-render.js";

/** The module `moduleName` (the extension's own name, the last part of module-name) as the library describes it. */
export function introspectLibrary(lib: string, moduleName: string): StubModule {
  const found = libraryChunkSymbols(lib, (name) => introspectionSymbolVersion(name) !== undefined);
  if (found.symbols.length === 0) {
    throw new ConfigError(
      `${basename(lib)} has no pyo3 introspection data to generate stubs from: turn on pyo3's "experimental-inspect" feature`,
      'add it to the pyo3 dependency in Cargo.toml (pyo3 = { version = "0.29", features = ["experimental-inspect"] }), or build with -F pyo3/experimental-inspect',
    );
  }
  const chunks = found.symbols.map(({ name, data }) => {
    const where = `${basename(lib)} ${name}`;
    const version = introspectionSymbolVersion(name);
    if (version !== INTROSPECTION_FORMAT) {
      throw new ConfigError(`${where}: pyo3 introspection format "${version}" is not the one pyts-build reads (${INTROSPECTION_FORMAT})`, "build with pyo3 0.29, or without --generate-stubs");
    }
    return parseChunk(chunkText(data, found.littleEndian, where), where);
  });
  return moduleFromChunks(chunks, moduleName, basename(lib));
}

/** The data of the symbols `wanted` names in an ELF (Linux), Mach-O (macOS, thin or universal) or PE (Windows) library. */
function libraryChunkSymbols(lib: string, wanted: (name: string) => boolean): { littleEndian: boolean; symbols: Array<{ name: string; data: Uint8Array }> } {
  const magic = fileHead(lib, 4);
  if (hasElfMagic(magic)) return readSymbolData(lib, wanted);
  if (hasMachOMagic(magic)) return machoSymbolData(readFileSync(lib), wanted, basename(lib));
  if (hasPeMagic(magic)) return peExportData(readFileSync(lib), wanted, basename(lib));
  throw new ConfigError(`${lib} is neither an ELF, a Mach-O nor a PE library: no stubs can be read from it`, "build without --generate-stubs, or report the file's format");
}

/** The stub files (path relative to the module's folder -> text) of the module `moduleName` in `lib`. */
export function libraryStubFiles(lib: string, moduleName: string): Map<string, string> {
  return moduleStubFiles(introspectLibrary(lib, moduleName));
}
