/**
 * Where generated stubs go, as maturin 1.x puts them (pure, no file access):
 * - pure Rust (the extension wrapped in a package `<leaf>/`): every stub file in
 *   that package (`<leaf>/__init__.pyi`, `<leaf>/<sub>.pyi`) and `<leaf>/py.typed`;
 * - beside the extension (a mixed project, and the `generate-stubs` command): a
 *   lone `__init__.pyi` as `<leaf>.pyi`, several files in a folder `<leaf>/`.
 */

export interface PlacedStub {
  path: string;
  text: string;
}

/** Stub files of the pure-Rust layout, inside the package `leaf` (with the `py.typed` marker). */
export function stubsInPackage(stubs: Map<string, string>, leaf: string): PlacedStub[] {
  return [...[...stubs].map(([path, text]) => ({ path: `${leaf}/${path}`, text })), { path: `${leaf}/py.typed`, text: "" }];
}

/** Stub files beside the extension module `leaf` in the folder `dir` ("" for the folder itself). */
export function stubsBesideModule(stubs: Map<string, string>, leaf: string, dir: string): PlacedStub[] {
  const prefix = dir === "" ? "" : `${dir}/`;
  const only = stubs.size === 1 ? stubs.get("__init__.pyi") : undefined;
  if (only !== undefined) return [{ path: `${prefix}${leaf}.pyi`, text: only }];
  return [...stubs].map(([path, text]) => ({ path: `${prefix}${leaf}/${path}`, text }));
}
