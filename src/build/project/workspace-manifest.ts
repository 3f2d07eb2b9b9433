/**
 * The workspace root manifest as the sdist carries it. Cargo loads every
 * listed workspace member, so when the sdist holds only some of them (the ones
 * the Python crate needs) the member list must name exactly those. Everything
 * else (workspace.package, workspace.dependencies, profiles, patches) stays,
 * so `field.workspace = true` keeps resolving.
 */
import { stringify } from "smol-toml";
import { parseToml } from "./toml.js";

function clean(rel: string): string {
  return rel.replace(/^\.\//, "").replace(/\/+$/, "");
}

/**
 * `text` of a workspace root manifest with `workspace.members` narrowed to
 * `keep` (folders relative to the root, "" for the root package itself).
 * Returns undefined when all members are kept: the file is then copied as is.
 */
export function pruneWorkspaceManifest(text: string, file: string, keep: string[], all: string[]): string | undefined {
  const keepSet = new Set(keep.map(clean));
  const allSet = new Set(all.map(clean));
  if ([...allSet].every((m) => keepSet.has(m))) return undefined;
  const doc = parseToml(text, file);
  const ws = doc.workspace as Record<string, unknown> | undefined;
  if (!ws || typeof ws !== "object") return undefined;
  ws.members = [...keepSet].filter((m) => m !== "").sort();
  const defaults = ws["default-members"];
  if (Array.isArray(defaults)) {
    const kept = defaults.filter((d) => typeof d === "string" && keepSet.has(clean(d)));
    if (kept.length > 0) ws["default-members"] = kept;
    else delete ws["default-members"];
  }
  return (
    "# Written by pyts-build sdist: workspace.members lists only the members this package needs.\n" +
    stringify(doc)
  );
}
