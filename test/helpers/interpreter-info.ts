/**
 * A made-up InterpreterInfo for pure tests (CPython 3.<minor> on x86_64 Linux
 * unless `extra` says otherwise). Shared so each test file need not spell out
 * every field.
 */
import type { InterpreterInfo } from "../../src/build/python/interpreter-info.js";

export function fakeInterpreter(minor: number, extra: Partial<InterpreterInfo> = {}): InterpreterInfo {
  return {
    executable: `/py/3.${minor}`,
    implementation: "cpython",
    major: 3,
    minor,
    abiflags: "",
    extSuffix: `.cpython-3${minor}-x86_64-linux-gnu.so`,
    soabi: `cpython-3${minor}-x86_64-linux-gnu`,
    platform: "linux-x86_64",
    pointerWidth: 64,
    system: "linux",
    machine: "x86_64",
    gilDisabled: false,
    ...extra,
  };
}
