/**
 * The hand-written pyo3-ffi extension module of the small fixture crates, written once here and put into each
 * crate's `src/lib.rs` when the fixtures are copied for a test (or a benchmark), instead of the same forty lines
 * standing in every fixture. A crate asks for it in its Cargo.toml:
 *
 *   [package.metadata.pyts-test]
 *   module = "mixed_src"   # the PyInit_ name and the module's name
 *   answer = "11"          # a Rust expression of an integer type: what `answer()` returns
 *   ffi = "pyo3_ffi"       # the name the crate gives its pyo3-ffi dependency (default pyo3_ffi)
 *
 * Plain JavaScript, so bench/ (node, no TypeScript) uses the same code as the tests.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "smol-toml";

/** The module's Rust source (pure). */
export function ffiModuleSource({ module, answer, ffi = "pyo3_ffi" }) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(module)) throw new Error(`fixture module name ${JSON.stringify(module)} is not an identifier`);
  return `//! An extension written on pyo3-ffi alone (no pyo3 macros), written from test/helpers/fixture-modules.mjs:
//! maturin detects pyo3-ffi bindings from the dependency, and the crate builds in seconds.
use ${ffi}::*;
use std::os::raw::c_char;
use std::ptr;

unsafe extern "C" fn answer(_m: *mut PyObject, _a: *mut PyObject) -> *mut PyObject {
    PyLong_FromLong((${answer}) as std::os::raw::c_long)
}

static mut METHODS: [PyMethodDef; 2] = [
    PyMethodDef {
        ml_name: "answer\\0".as_ptr() as *const c_char,
        ml_meth: PyMethodDefPointer { PyCFunction: answer },
        ml_flags: METH_NOARGS,
        ml_doc: ptr::null(),
    },
    PyMethodDef::zeroed(),
];

static mut MODULE: PyModuleDef = PyModuleDef {
    m_base: PyModuleDef_HEAD_INIT,
    m_name: "${module}\\0".as_ptr() as *const c_char,
    m_doc: ptr::null(),
    m_size: 0,
    m_methods: ptr::null_mut(),
    m_slots: ptr::null_mut(),
    m_traverse: None,
    m_clear: None,
    m_free: None,
};

#[no_mangle]
#[allow(static_mut_refs)]
pub unsafe extern "C" fn PyInit_${module}() -> *mut PyObject {
    MODULE.m_methods = METHODS.as_mut_ptr();
    PyModule_Create(ptr::addr_of_mut!(MODULE))
}
`;
}

/** Build output a fixture folder may hold after an in-place build: never copied, never hashed. */
const OUTPUT = new Set(["target", "Cargo.lock", "out"]);
const isOutput = (path) => path.split(/[\\/]/).some((part) => OUTPUT.has(part));

/** Every file below `dir` (relative, sorted), build output left out. */
function filesBelow(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((f) => !isOutput(f))
    .sort();
}

/** Write `src/lib.rs` into every crate below `root` whose Cargo.toml asks for the module; returns the crates' folders. */
export function writeFixtureModules(root) {
  const done = [];
  for (const f of filesBelow(root).filter((f) => f === "Cargo.toml" || f.endsWith("/Cargo.toml"))) {
    const crate = join(root, f, "..");
    const spec = parse(readFileSync(join(root, f), "utf8")).package?.metadata?.["pyts-test"];
    if (!spec) continue;
    mkdirSync(join(crate, "src"), { recursive: true });
    writeFileSync(join(crate, "src/lib.rs"), ffiModuleSource(spec));
    done.push(crate);
  }
  return done;
}

/**
 * A copy of the fixture folders `names` (under `fixtures`) side by side in `work`, with the modules written:
 * `<work>/fixtures-<hash of their contents>/<name>`. The same contents give the same folder, so cargo's caches keep
 * working across test files and runs; the folder appears whole (made under a temporary name, then renamed), so two
 * test processes may ask at once.
 */
export function materializeFixtures(fixtures, names, work) {
  const hash = createHash("sha256");
  for (const n of names) {
    for (const f of filesBelow(join(fixtures, n))) hash.update(`${n}/${f}\0`).update(readFileSync(join(fixtures, n, f))).update("\0");
  }
  hash.update(readFileSync(new URL(import.meta.url)));
  const dest = join(work, `fixtures-${hash.digest("hex").slice(0, 12)}`);
  if (existsSync(dest)) return dest;
  const tmp = `${dest}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const n of names) cpSync(join(fixtures, n), join(tmp, n), { recursive: true, filter: (p) => !isOutput(relative(fixtures, p)) });
  writeFixtureModules(tmp);
  try {
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dest)) throw e; // another process made it first: use theirs
  }
  return dest;
}
