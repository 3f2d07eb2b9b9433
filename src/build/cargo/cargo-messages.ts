/**
 * cargo's `--message-format=json-render-diagnostics` stream: one JSON object
 * per stdout line. We only need where the artifacts went; cargo has already
 * rendered its diagnostics to stderr for the user.
 */

export interface CargoArtifact {
  packageId: string;
  manifestPath: string;
  targetName: string;
  /** target.kind, e.g. ["cdylib"], ["lib"], ["bin"] */
  kind: string[];
  crateTypes: string[];
  filenames: string[];
  executable: string | null;
  fresh: boolean;
}

export interface BuildFinished {
  success: boolean;
}

/** A build script that ran (or was fresh): where its output folder is. */
export interface BuildScriptRun {
  packageId: string;
  /** `OUT_DIR`; cargo keeps the script's printed instructions in `<OUT_DIR>/../output`. */
  outDir: string;
}

export type CargoMessage =
  | { reason: "compiler-artifact"; artifact: CargoArtifact }
  | { reason: "build-script-executed"; script: BuildScriptRun }
  | { reason: "build-finished"; success: boolean }
  | { reason: "other" };

/** Parse one stdout line; undefined when it is not a cargo JSON message (passed on to the user). */
export function parseCargoLine(line: string): CargoMessage | undefined {
  const t = line.trim();
  if (!t.startsWith("{")) return undefined;
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(t) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof m.reason !== "string") return undefined;
  if (m.reason === "build-finished") return { reason: "build-finished", success: m.success === true };
  if (m.reason === "build-script-executed") return { reason: "build-script-executed", script: { packageId: String(m.package_id ?? ""), outDir: String(m.out_dir ?? "") } };
  if (m.reason !== "compiler-artifact") return { reason: "other" };
  const target = (m.target ?? {}) as Record<string, unknown>;
  const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    reason: "compiler-artifact",
    artifact: {
      packageId: String(m.package_id ?? ""),
      manifestPath: String(m.manifest_path ?? ""),
      targetName: String(target.name ?? ""),
      kind: strs(target.kind),
      crateTypes: strs(target.crate_types),
      filenames: strs(m.filenames),
      executable: typeof m.executable === "string" ? m.executable : null,
      fresh: m.fresh === true,
    },
  };
}

const SHARED_LIB = /\.(so|dylib|dll)$/;

/** The shared library a cdylib target produced (`libfoo.so`, `libfoo.dylib`, `foo.dll`). */
export function sharedLibraryOf(a: CargoArtifact): string | undefined {
  if (!a.kind.includes("cdylib") && !a.crateTypes.includes("cdylib")) return undefined;
  return a.filenames.find((f) => SHARED_LIB.test(f));
}

/** A package from a local folder (a path dependency or workspace member), not a registry, git or vendored source. */
export function isLocalPackage(packageId: string): boolean {
  // cargo >= 1.77: `path+file:///dir#name@1.0`; older: `name 1.0 (path+file:///dir)`
  return packageId.startsWith("path+file://") || packageId.includes("(path+file://");
}
