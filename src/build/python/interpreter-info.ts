import type { TagInterpreter } from "../../wheel/tags.js";

/** What pyts-build knows about one target interpreter (queried once, cached); the tag facts are src/wheel's. */
export interface InterpreterInfo extends TagInterpreter {
  /** The path used to run it (and handed to cargo as PYO3_PYTHON). */
  executable: string;
  implementation: "cpython" | "pypy" | "graalpy" | string; // sys.implementation.name
  /** platform.system().lower(): "linux", "darwin", "windows" */
  system: string;
  /** platform.machine() */
  machine: string;
  /**
   * Set for a Python of a foreign target described from tables (src/build/target):
   * the triple. Nothing runs it; cargo gets a PYO3_CONFIG_FILE instead of PYO3_PYTHON.
   */
  described?: string;
}
