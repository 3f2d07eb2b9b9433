/**
 * setuptools-rust projects for the tests, written here: crates with no
 * dependencies (hand-written C API declarations, like test/fixtures/ffi-min,
 * built in about a second each) whose module name and answer are chosen per
 * project, and the pyproject.toml / setup.py around them.
 */

/** Cargo.toml of a dependency-free extension crate (optionally with binaries, a build script, profiles). */
export function crateToml(o: { name: string; lib?: string; bins?: Record<string, string>; build?: boolean; extra?: string }): string {
  return (
    `[package]\nname = "${o.name}"\nversion = "0.9.0"\nedition = "2021"\n${o.build ? 'build = "build.rs"\n' : ""}\n` +
    (o.lib !== undefined ? `[lib]\nname = "${o.lib}"\ncrate-type = ["cdylib"]\npath = "lib.rs"\n\n` : "") +
    Object.entries(o.bins ?? {})
      .map(([name, path]) => `[[bin]]\nname = "${name}"\npath = "${path}"\n\n`)
      .join("") +
    `[features]\nplus-one = []\n\n[lints.rust]\nunexpected_cfgs = "allow"\n` +
    (o.extra ?? "")
  );
}

/**
 * lib.rs of a module `module` whose `answer()` returns `base` (+1 with feature
 * plus-one, +1000 with debug assertions on: a profile's mark).
 */
export function moduleSource(module: string, base: number): string {
  return `//! A CPython extension with no dependencies, for pyts-build's setuptools-rust tests.
use std::os::raw::{c_char, c_int, c_long, c_void};
use std::ptr;

#[repr(C)]
pub struct PyObject { ob_refcnt: isize, ob_type: *mut c_void }
#[repr(C)]
pub struct PyModuleDefBase { ob_base: PyObject, m_init: Option<extern "C" fn() -> *mut PyObject>, m_index: isize, m_copy: *mut PyObject }
type PyCFunction = extern "C" fn(*mut PyObject, *mut PyObject) -> *mut PyObject;
#[repr(C)]
pub struct PyMethodDef { ml_name: *const c_char, ml_meth: Option<PyCFunction>, ml_flags: c_int, ml_doc: *const c_char }
#[repr(C)]
pub struct PyModuleDef {
    m_base: PyModuleDefBase, m_name: *const c_char, m_doc: *const c_char, m_size: isize, m_methods: *mut PyMethodDef,
    m_slots: *mut c_void, m_traverse: *mut c_void, m_clear: *mut c_void, m_free: *mut c_void,
}
extern "C" {
    fn PyModule_Create2(def: *mut PyModuleDef, api_version: c_int) -> *mut PyObject;
    fn PyLong_FromLong(v: c_long) -> *mut PyObject;
}
const ANSWER: c_long = ${base} + if cfg!(feature = "plus-one") { 1 } else { 0 } + if cfg!(debug_assertions) { 1000 } else { 0 };
extern "C" fn answer(_m: *mut PyObject, _a: *mut PyObject) -> *mut PyObject { unsafe { PyLong_FromLong(ANSWER) } }
static mut METHODS: [PyMethodDef; 2] = [
    PyMethodDef { ml_name: b"answer\\0".as_ptr() as *const c_char, ml_meth: Some(answer), ml_flags: 0x0004, ml_doc: ptr::null() },
    PyMethodDef { ml_name: ptr::null(), ml_meth: None, ml_flags: 0, ml_doc: ptr::null() },
];
static mut MODULE: PyModuleDef = PyModuleDef {
    m_base: PyModuleDefBase { ob_base: PyObject { ob_refcnt: 1, ob_type: ptr::null_mut() }, m_init: None, m_index: 0, m_copy: ptr::null_mut() },
    m_name: b"${module}\\0".as_ptr() as *const c_char, m_doc: ptr::null(), m_size: -1, m_methods: ptr::null_mut(),
    m_slots: ptr::null_mut(), m_traverse: ptr::null_mut(), m_clear: ptr::null_mut(), m_free: ptr::null_mut(),
};
#[no_mangle]
#[allow(static_mut_refs)]
pub unsafe extern "C" fn PyInit_${module}() -> *mut PyObject {
    MODULE.m_methods = METHODS.as_mut_ptr();
    PyModule_Create2(ptr::addr_of_mut!(MODULE), 1013)
}
`;
}

/** main.rs of a program that prints `text` (and " (debug assertions)" when they are on). */
export function programSource(text: string): string {
  return `fn main() {\n    println!("${text}{}", if cfg!(debug_assertions) { " (debug assertions)" } else { "" });\n}\n`;
}

/** build.rs writing `greeting.txt` and `assets/{a,b}.txt` into OUT_DIR. */
export const GENERATING_BUILD_RS = `use std::{env, fs, path::Path};
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = env::var("OUT_DIR").unwrap();
    let out = Path::new(&out);
    fs::write(out.join("greeting.txt"), "made by build.rs\\n").unwrap();
    fs::create_dir_all(out.join("assets")).unwrap();
    fs::write(out.join("assets/a.txt"), "A\\n").unwrap();
    fs::write(out.join("assets/b.txt"), "B\\n").unwrap();
}
`;

export const SETUPTOOLS_BUILD_SYSTEM = '[build-system]\nrequires = ["setuptools>=61", "setuptools-rust>=1.7"]\nbuild-backend = "setuptools.build_meta"\n\n';

/** A crate folder's files under `dir/`: Cargo.toml and lib.rs for module `module`. */
export function crateFiles(dir: string, o: { name: string; module: string; answer: number; bins?: Record<string, string>; build?: boolean; extra?: string }): Record<string, string> {
  const at = (f: string) => (dir === "" ? f : `${dir}/${f}`);
  const files: Record<string, string> = {
    [at("Cargo.toml")]: crateToml({ name: o.name, lib: o.module, ...(o.bins ? { bins: o.bins } : {}), ...(o.build ? { build: true } : {}), ...(o.extra ? { extra: o.extra } : {}) }),
    [at("lib.rs")]: moduleSource(o.module, o.answer),
  };
  if (o.build) files[at("build.rs")] = GENERATING_BUILD_RS;
  return files;
}
