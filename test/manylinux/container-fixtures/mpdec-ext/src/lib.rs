//! `import mpdec_ext; mpdec_ext.MPDEC_VERSION` is libmpdec's version string,
//! read at import time from the linked library. No dependencies (builds in
//! about a second): the few CPython C API items are declared here.
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

#[repr(C)]
pub struct PyModuleDef {
    // PyModuleDef_HEAD_INIT: refcount 1, then zeroed type/init/index/copy
    head: [usize; 5],
    name: *const c_char,
    doc: *const c_char,
    size: isize,
    rest: [*mut c_void; 5], // methods, slots, traverse, clear, free
}

extern "C" {
    fn PyModule_Create2(def: *mut PyModuleDef, api_version: c_int) -> *mut c_void;
    fn PyModule_AddStringConstant(module: *mut c_void, name: *const c_char, value: *const c_char) -> c_int;
    fn mpd_version() -> *const c_char;
}

static mut DEF: PyModuleDef = PyModuleDef {
    head: [1, 0, 0, 0, 0],
    name: b"mpdec_ext\0".as_ptr() as *const c_char,
    doc: ptr::null(),
    size: -1,
    rest: [ptr::null_mut(); 5],
};

#[no_mangle]
#[allow(static_mut_refs)]
pub unsafe extern "C" fn PyInit_mpdec_ext() -> *mut c_void {
    let m = PyModule_Create2(ptr::addr_of_mut!(DEF), 1013);
    if !m.is_null() && PyModule_AddStringConstant(m, b"MPDEC_VERSION\0".as_ptr() as *const c_char, mpd_version()) != 0 {
        return ptr::null_mut();
    }
    m
}
