/**
 * Project trees for the sdist tests: a Cargo workspace whose Python project
 * sits below its root and needs a crate beside it, with the things an sdist
 * must leave out lying around (stale target/, old wheels, caches, .gitignore'd
 * files, a built extension in the Python tree).
 *
 * The extension needs no pyo3 (extensionSource), so a wheel builds from each
 * unpacked sdist in about a second.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { testEnv } from "../../helpers/env.js";

export function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

/**
 * lib.rs of a CPython extension module `module` without pyo3 (builds in about a
 * second): the module holds one int constant, ANSWER = `expr` (a Rust i64 expression).
 */
export function extensionSource(module: string, expr: string): string {
  return `use std::os::raw::{c_char, c_int, c_long, c_void};
use std::ptr::{addr_of_mut, null, null_mut};

// PyModuleDef with its PyModuleDef_Base flattened: refcount, type, m_init, m_index, m_copy.
#[repr(C)]
pub struct ModuleDef {
    base: [usize; 5],
    name: *const c_char,
    doc: *const c_char,
    size: isize,
    rest: [*mut c_void; 5],
}

extern "C" {
    fn PyModule_Create2(def: *mut ModuleDef, api_version: c_int) -> *mut c_void;
    fn PyModule_AddIntConstant(module: *mut c_void, name: *const c_char, value: c_long) -> c_int;
}

static mut DEF: ModuleDef = ModuleDef {
    base: [1, 0, 0, 0, 0],
    name: b"${module}\\0".as_ptr() as *const c_char,
    doc: null(),
    size: -1,
    rest: [null_mut(); 5],
};

#[no_mangle]
pub unsafe extern "C" fn PyInit_${module}() -> *mut c_void {
    let m = PyModule_Create2(addr_of_mut!(DEF), 1013);
    if !m.is_null() {
        PyModule_AddIntConstant(m, b"ANSWER\\0".as_ptr() as *const c_char, (${expr}) as c_long);
    }
    m
}
`;
}

export interface WorkspaceFixture {
  /** Enclosing folder with a .gitignore that must not apply (`*`). */
  outer: string;
  /** The workspace root = the expected sdist root. */
  repo: string;
  /** The Python project (pyproject.toml + the extension crate). */
  project: string;
}

/**
 * outer/.gitignore ("*", must be ignored)
 * outer/repo/  workspace: crates/core (needed), crates/unused (not needed), py (the project)
 */
export function workspaceFixture(base: string, opts: { lock?: boolean } = {}): WorkspaceFixture {
  const outer = join(base, "outer");
  const repo = join(outer, "repo");
  const project = join(repo, "py");
  writeTree(outer, { ".gitignore": "*\n" });
  writeTree(repo, {
    ".gitignore": "*.secret\n",
    "Cargo.toml":
      '[workspace]\nmembers = ["crates/core", "crates/unused", "py"]\nresolver = "2"\n\n' +
      '[workspace.package]\nversion = "1.2.3"\nedition = "2021"\nlicense-file = "LICENSE"\n\n' +
      '[workspace.dependencies]\nfxcore = { path = "crates/core" }\n',
    "README.md": "# fx\n\nThe workspace readme, outside the crate.\n",
    "LICENSE": "MIT License, outside the crate\n",
    "target/release/stale.txt": "stale build output\n",
    "crates/core/Cargo.toml": '[package]\nname = "fxcore"\nversion.workspace = true\nedition.workspace = true\npublish = false\n',
    "crates/core/src/lib.rs": "pub fn answer() -> i64 { 7 * 6 }\n",
    "crates/core/notes.secret": "gitignored\n",
    "crates/unused/Cargo.toml": '[package]\nname = "unused"\nversion = "0.1.0"\nedition = "2021"\n',
    "crates/unused/src/lib.rs": "\n",
  });
  writeTree(project, {
    "pyproject.toml":
      '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n' +
      '[project]\nname = "fx"\ndynamic = ["version", "license"]\nreadme = "../README.md"\nrequires-python = ">=3.7"\n\n' +
      '[tool.pyts-build]\npython-source = "python"\nmodule-name = "fx._native"\n',
    "Cargo.toml":
      '[package]\nname = "fx"\nversion.workspace = true\nedition.workspace = true\nlicense-file.workspace = true\n\n' +
      '[lib]\nname = "_native"\ncrate-type = ["cdylib"]\n\n[dependencies]\nfxcore.workspace = true\n',
    "src/lib.rs": extensionSource("_native", "fxcore::answer()"),
    ".gitignore": "python/fx/generated/\n",
    "python/fx/__init__.py": "from ._native import ANSWER\n",
    "python/fx/generated/cache.py": "# ignored by py/.gitignore\n",
    "python/fx/__pycache__/__init__.cpython-311.pyc": "",
    "python/fx/_native.cpython-311-x86_64-linux-gnu.so": "stale extension from an editable install",
    "local.secret": "ignored by the workspace .gitignore\n",
    "target/wheels/fx-1.2.3-cp311-cp311-linux_x86_64.whl": "old wheel",
    "dist/fx-1.2.2-cp311-cp311-linux_x86_64.whl": "old wheel",
    "dist/fx-1.2.2.tar.gz": "old sdist",
  });
  if (opts.lock) execFileSync("cargo", ["generate-lockfile", "--manifest-path", join(repo, "Cargo.toml")], { env: testEnv(), stdio: "pipe" });
  return { outer, repo, project };
}
