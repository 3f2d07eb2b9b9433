import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  discoverInterpreters,
  findInterpreters,
  interpreterCommand,
  locateInterpreter,
  pythonVersionAllowed,
} from "../../../src/build/python/interpreter.js";
import { DEFAULT_QUERY_TIMEOUT_S, parseQueryOutput, queryInterpreter, queryTimeoutSeconds } from "../../../src/build/python/interpreter-query.js";
import { ConfigError, InterpreterError } from "../../../src/errors.js";
import { memoryLogger } from "../../../src/log.js";
import { cpython, freshDir, pypy, SYSTEM_PYTHON } from "../../helpers/env.js";

const py311 = cpython("3.11") ?? SYSTEM_PYTHON;
const py312 = cpython("3.12");

describe("queryInterpreter (real interpreters)", () => {
  it("describes CPython", async () => {
    const i = await queryInterpreter(py311);
    expect(i).toMatchObject({ implementation: "cpython", major: 3, minor: 11, abiflags: "", pointerWidth: 64, system: "linux", gilDisabled: false });
    expect(i.extSuffix).toMatch(/^\.cpython-311-.*\.so$/);
    expect(i.soabi).toMatch(/^cpython-311-/);
    expect(i.platform).toMatch(/^linux-/);
  });

  it.skipIf(!cpython("3.7"))("describes CPython 3.7 with its abiflags", async () => {
    const i = await queryInterpreter(cpython("3.7") as string);
    expect(i.abiflags).toBe("m");
  });

  it.skipIf(!pypy())("describes PyPy", async () => {
    const i = await queryInterpreter(pypy() as string);
    expect(i.implementation).toBe("pypy");
    expect(i.extSuffix).toMatch(/^\.pypy\d+-pp\d+-.*\.so$/);
  });

  it("caches by real path and stamp; a changed executable is asked again", async () => {
    const d = freshDir("interp-cache");
    // an interpreter of its own (a venv with a copy of python), so its times can be moved
    execFileSync(py311, ["-m", "venv", "--without-pip", "--copies", join(d, "venv")]);
    const exe = join(d, "venv", "bin", "python");
    const cacheDir = join(d, "cache");
    const first = await queryInterpreter(exe, { cacheDir });
    const [entry] = readdirSync(cacheDir);
    const file = join(cacheDir, entry as string);
    // Mark the cached answer: getting the mark back proves the interpreter was not run.
    const cached = JSON.parse(readFileSync(file, "utf8")) as { info: { machine: string } };
    cached.info.machine = "from-cache";
    writeFileSync(file, JSON.stringify(cached));
    expect((await queryInterpreter(exe, { cacheDir })).machine).toBe("from-cache");
    utimesSync(exe, new Date(), new Date(Date.now() + 5000));
    expect((await queryInterpreter(exe, { cacheDir })).machine).toBe(first.machine);
  });

  it.skipIf(!py312)("a version manager's shim is asked every time: a switched selection is seen", async () => {
    const d = freshDir("interp-shim");
    const selected = join(d, "selected");
    // a wrapper script that never changes (asdf/pyenv style), and a link to one dispatcher (mise style)
    const wrapper = join(d, "wrapper", "python3");
    mkdirSync(join(d, "wrapper"));
    writeFileSync(wrapper, `#!/bin/sh\nexec "$(cat '${selected}')" "$@"\n`, { mode: 0o755 });
    const dispatcher = join(d, "dispatcher");
    writeFileSync(dispatcher, `#!/bin/sh\nexec "$(cat '${selected}')" "$@"\n`, { mode: 0o755 });
    mkdirSync(join(d, "shims"));
    const linked = join(d, "shims", "python3");
    symlinkSync(dispatcher, linked);
    const cacheDir = join(d, "cache");
    for (const shim of [wrapper, linked]) {
      writeFileSync(selected, py311);
      expect((await queryInterpreter(shim, { cacheDir })).minor).toBe(11);
      writeFileSync(selected, py312 as string);
      const after = await queryInterpreter(shim, { cacheDir });
      expect(after.minor).toBe(12);
      expect(after.executable).toBe(py312);
    }
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });

  it("a program that is not Python is an InterpreterError", async () => {
    await expect(queryInterpreter("/bin/true")).rejects.toThrow(/did not answer like a Python interpreter/);
    await expect(queryInterpreter("/bin/false")).rejects.toThrow(/^interpreter \/bin\/false exited with status 1 instead of describing itself$/);
    // the query script goes in on stdin: ls's complaint is one short line, not the script
    const ls = await queryInterpreter("/bin/ls").catch((e: Error) => e);
    expect(ls).toBeInstanceOf(InterpreterError);
    expect((ls as Error).message).toMatch(/^interpreter \/bin\/ls exited with status 2 instead of describing itself \(.*cannot access '-'.*\)$/);
    expect((ls as Error).message).not.toContain("import");
    await expect(queryInterpreter("/usr/bin/yes")).rejects.toThrow(/printed over 1 MiB/);
    expect(() => parseQueryOutput('{"major": 3}', "x")).toThrow(/incomplete/);
  });

  it("gives up on an interpreter that never answers, and ends what it started", async () => {
    const d = freshDir("interp-hang");
    const exe = join(d, "python");
    const marker = `sleep 600.${process.pid}${Date.now() % 100000}`; // a duration no other process uses
    // the wrapper's child holds the pipes open: waiting for them to close would wait forever
    writeFileSync(exe, `#!/bin/sh\n${marker} &\n${marker}\n`);
    chmodSync(exe, 0o755);
    const err = await queryInterpreter(exe, { env: { ...process.env, PYTS_BUILD_INTERPRETER_TIMEOUT: "1" } }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InterpreterError);
    expect((err as Error).message).toBe(`interpreter ${exe} did not answer within 1 s (it hangs, or is not a Python interpreter)`);
    expect((err as InterpreterError).hint).toContain("PYTS_BUILD_INTERPRETER_TIMEOUT");
    expect(execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })).not.toContain(marker);
  });

  it("the time limit: a default, and the variable checked", () => {
    expect(queryTimeoutSeconds({})).toBe(DEFAULT_QUERY_TIMEOUT_S);
    expect(queryTimeoutSeconds({ PYTS_BUILD_INTERPRETER_TIMEOUT: "2.5" })).toBe(2.5);
    expect(() => queryTimeoutSeconds({ PYTS_BUILD_INTERPRETER_TIMEOUT: "soon" })).toThrow(ConfigError);
    expect(() => queryTimeoutSeconds({ PYTS_BUILD_INTERPRETER_TIMEOUT: "0" })).toThrow(/not a positive number of seconds/);
  });
});

describe("locateInterpreter / findInterpreters", () => {
  it("a missing interpreter names it and says how to list or install", async () => {
    try {
      await findInterpreters({ interpreters: ["python3.99"] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InterpreterError);
      expect((e as Error).message).toBe("interpreter python3.99 was not found on PATH");
      expect((e as InterpreterError).hint).toContain("--find-interpreter");
    }
    expect(() => locateInterpreter("/no/such/python", "/")).toThrow("interpreter /no/such/python does not exist");
  });

  it("version shorthand and Python 2 rejection", async () => {
    expect(interpreterCommand("3.12")).toBe("python3.12");
    expect(interpreterCommand("pypy3")).toBe("pypy3");
    const py27 = cpython("2.7");
    if (py27) await expect(findInterpreters({ interpreters: [py27] })).rejects.toThrow(/is Python 2.7; only Python 3 is supported/);
  });

  it("requires-python: a chosen interpreter outside it is an error, one found is skipped with a note", async () => {
    const err = await findInterpreters({ interpreters: [py311], requiresPython: ">=3.99" }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InterpreterError);
    expect((err as Error).message).toBe(`interpreter ${py311} (CPython 3.11) does not satisfy the project's requires-python >=3.99`);
    expect(await findInterpreters({ interpreters: [py311], requiresPython: ">=3.8" })).toHaveLength(1);
    const d = freshDir("discover-rp");
    mkdirSync(join(d, "bin"));
    symlinkSync(py311, join(d, "bin/python3.11"));
    const log = memoryLogger();
    const env = { ...process.env, PATH: join(d, "bin"), PYENV_ROOT: join(d, "no-pyenv") };
    await expect(findInterpreters({ findInterpreter: true, env, requiresPython: ">=3.12", log })).rejects.toThrow(/found no usable/);
    expect(log.lines).toContain(`info: Skipping ${join(d, "bin/python3.11")} (CPython 3.11): outside requires-python >=3.12`);
  });

  it("the same interpreter twice is built once", async () => {
    const r = await findInterpreters({ interpreters: [py311, py311] });
    expect(r).toHaveLength(1);
  });

  it("--find-interpreter: python3.X/pypy3 on PATH, deduplicated, filtered by requires-python and the bindings' minimum", async () => {
    const d = freshDir("discover");
    const bin = join(d, "bin");
    mkdirSync(bin);
    const links: Record<string, string | undefined> = { "python3.11": py311, "python3.7": cpython("3.7"), "python3.12": cpython("3.12"), pypy3: pypy() };
    for (const [n, target] of Object.entries(links)) if (target) symlinkSync(target, join(bin, n));
    writeFileSync(join(bin, "python3-config"), "");
    const env = { PATH: bin, PYENV_ROOT: join(d, "no-pyenv"), HOME: d };
    const paths = discoverInterpreters(env);
    expect(paths.map((p) => p.slice(bin.length + 1)).sort()).toEqual(Object.keys(links).filter((k) => links[k]).sort());
    const found = await findInterpreters({ findInterpreter: true, env: { ...process.env, ...env }, minMinor: 8, requiresPython: ">=3.8,<3.12" });
    const got = found.map((i) => `${i.implementation}${i.major}.${i.minor}`).sort();
    expect(got).toEqual(["cpython3.11", ...(pypy() ? ["pypy3.9"] : [])].sort());
  });
});

describe("pythonVersionAllowed", () => {
  it.each([
    [">=3.8", 3, 7, false],
    [">=3.8", 3, 8, true],
    [">=3.7,<3.12", 3, 12, false],
    [">=3.7,<3.12", 3, 11, true],
    [">3.8", 3, 8, true], // 3.8.1 > 3.8
    ["~=3.9", 3, 13, true],
    ["~=3.9.2", 3, 10, false],
    ["==3.*", 3, 11, true],
    ["!=3.9.*", 3, 9, false],
    ["==3.9.5", 3, 9, true],
    ["<=3.9", 3, 10, false],
  ])("%s allows %i.%i: %s", (spec, major, minor, want) => {
    expect(pythonVersionAllowed(spec, major, minor)).toBe(want);
  });
});
