/** What pyts-build knows about one target interpreter (queried once, cached). */
export interface InterpreterInfo {
  /** The path used to run it (and handed to cargo as PYO3_PYTHON). */
  executable: string;
  implementation: "cpython" | "pypy" | "graalpy" | string; // sys.implementation.name
  major: number;
  minor: number;
  /** sys.abiflags ("" on 3.8+, "m" on 3.7 and older CPython) */
  abiflags: string;
  /** sysconfig EXT_SUFFIX, e.g. ".cpython-311-x86_64-linux-gnu.so" */
  extSuffix: string;
  /** sysconfig SOABI, e.g. "cpython-311-x86_64-linux-gnu", or null */
  soabi: string | null;
  /** sysconfig.get_platform(), e.g. "linux-x86_64", "macosx-11.0-arm64", "win-amd64" */
  platform: string;
  /** 32 or 64 */
  pointerWidth: number;
  /** platform.system().lower(): "linux", "darwin", "windows" */
  system: string;
  /** platform.machine() */
  machine: string;
  /** free-threaded build (Py_GIL_DISABLED) */
  gilDisabled: boolean;
}
