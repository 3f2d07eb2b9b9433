/**
 * The target Python read from its sysroot's _sysconfigdata_*.py (src/build/target/sysconfigdata.ts):
 * a written fixture in Python's own pprint layout, and every sysconfigdata of this machine's Pythons
 * (the reader must give what the interpreter itself reports).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InterpreterError } from "../../../src/errors.js";
import { describeFromSysconfig, findSysconfigData, parseSysconfigData, targetPythonFromLibDir } from "../../../src/build/target/sysconfigdata.js";
import { parseTriple } from "../../../src/build/target/triple.js";
import { cpython, py } from "../../helpers/env.js";

const aarch64 = parseTriple("aarch64-unknown-linux-gnu");
const scratch = mkdtempSync(join(tmpdir(), "sysconfigdata-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// the layout CPython writes (pprint): adjacent literals across lines, both quote kinds, integers
const FIXTURE = `# system configuration generated and used by the sysconfig module
build_time_vars = {'ABIFLAGS': '',
 'CONFIG_ARGS': "'--enable-shared' '--prefix=/usr' "
                "'--with-it=\\\\'x\\\\''",
 'EXT_SUFFIX': '.cpython-311-aarch64-linux-gnu.so',
 'MULTIARCH': 'aarch64-linux-gnu',
 'Py_DEBUG': 0,
 'SIZEOF_VOID_P': 8,
 'SOABI': 'cpython-311-aarch64-linux-gnu',
 'VERSION': '3.11'}
`;

describe("parseSysconfigData", () => {
  it("reads strings (joined across lines), integers and escapes", () => {
    const v = parseSysconfigData(FIXTURE);
    expect(v.EXT_SUFFIX).toBe(".cpython-311-aarch64-linux-gnu.so");
    expect(v.SIZEOF_VOID_P).toBe(8);
    expect(v.Py_DEBUG).toBe(0);
    expect(v.CONFIG_ARGS).toBe("'--enable-shared' '--prefix=/usr' '--with-it=\\'x\\''");
    expect(Object.keys(v)).toHaveLength(8);
  });

  it("describes the interpreter: tags from the file, the platform from the target", () => {
    const i = describeFromSysconfig(parseSysconfigData(FIXTURE), aarch64, "f.py");
    expect(i).toMatchObject({ implementation: "cpython", major: 3, minor: 11, extSuffix: ".cpython-311-aarch64-linux-gnu.so", soabi: "cpython-311-aarch64-linux-gnu", platform: "linux-aarch64", pointerWidth: 64, described: "aarch64-unknown-linux-gnu" });
  });

  it("finds the file in the lib folder or its python3.X child; none is a one-line InterpreterError", () => {
    mkdirSync(join(scratch, "lib", "python3.11"), { recursive: true });
    writeFileSync(join(scratch, "lib", "python3.11", "_sysconfigdata__linux_aarch64-linux-gnu.py"), FIXTURE);
    expect(findSysconfigData(join(scratch, "lib"), aarch64)).toBe(join(scratch, "lib", "python3.11", "_sysconfigdata__linux_aarch64-linux-gnu.py"));
    expect(targetPythonFromLibDir(join(scratch, "lib", "python3.11"), aarch64).minor).toBe(11);
    expect(() => targetPythonFromLibDir(join(scratch, "nothing"), aarch64)).toThrow(InterpreterError);
    expect(() => targetPythonFromLibDir(join(scratch, "nothing"), aarch64)).toThrow(/PYO3_CROSS_LIB_DIR=.* holds no _sysconfigdata_\*\.py/);
    writeFileSync(join(scratch, "bad.py"), "x = 1\n");
    expect(() => parseSysconfigData(readFileSync(join(scratch, "bad.py"), "utf8"), "bad.py")).toThrow(/bad\.py holds no build_time_vars/);
  });

  it.each(["3.8", "3.11", "3.13"])("a real sysconfigdata (CPython %s) reads as the interpreter reports it", (v) => {
    const exe = cpython(v);
    if (!exe) return; // not on this machine
    const [file, want] = JSON.parse(py(exe, "import sysconfig, json, importlib; n = sysconfig._get_sysconfigdata_name(); m = importlib.import_module(n); print(json.dumps([m.__file__, {k: v for k, v in m.build_time_vars.items() if isinstance(v, (str, int))}]))")) as [string, Record<string, unknown>];
    expect(parseSysconfigData(readFileSync(file, "utf8"), file)).toEqual(want);
  });
});
