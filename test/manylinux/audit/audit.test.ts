/**
 * The audit's verdicts on real extensions built here with cargo (and a few
 * objects built with cc): the glibc need decides the tag; zlib is allowed; a
 * library of our own must be bundled; libpython is refused with the fix; an
 * x86-64-v3 ISA note means plain linux. The oracle for glibc needs is readelf.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditError } from "../../../src/errors.js";
import { auditElfFiles, type AuditReport, evaluationFor, type Reason } from "../../../src/manylinux/audit/audit.js";
import { chooseCompatibility } from "../../../src/manylinux/audit/compatibility.js";
import { EM_X86_64 } from "../../../src/manylinux/audit/elf.js";
import { describeReason, hintFor } from "../../../src/manylinux/audit/explain.js";
import { auditWheel } from "../../../src/manylinux/audit/wheel-audit.js";
import { cpython, freshDir, py, ROOT, testEnv, WORK } from "../../helpers/env.js";
import { buildCLib, buildPyext, makeWheel } from "../helpers/build.js";
import { buildElf } from "../helpers/elf-builder.js";
import { readelfFacts } from "../helpers/readelf.js";

const PY = cpython("3.11") ?? cpython("3.12") ?? "/usr/bin/python3";

/** The newest GLIBC_2.x a file needs, by readelf: the independent oracle for the tag. */
function highestGlibcMinor(file: string): number {
  const vs = readelfFacts(file)
    .versionNeeds.flatMap((n) => n.versions.map((v) => v.name))
    .map((v) => /^GLIBC_2\.(\d+)/.exec(v))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  return Math.max(...vs);
}

const audit = (file: string, env?: NodeJS.ProcessEnv): AuditReport => auditElfFiles([{ path: "pyext.so", file }], env ? { env } : {});

/** Import pyext from a folder holding it as pyext.so and return `answer`. */
function importAnswer(so: string, env: Record<string, string | undefined> = {}): string {
  const dir = freshDir("import");
  copyFileSync(so, join(dir, "pyext.so"));
  return py(PY, "import pyext; print(pyext.answer)", { PYTHONPATH: dir, ...env });
}

describe("real extensions", () => {
  it("a plain extension: the newest glibc version it needs decides the policy", () => {
    const so = buildPyext({ variant: "plain" });
    const minor = highestGlibcMinor(so);
    const r = audit(so);
    expect(r.arch).toBe("x86_64");
    expect(r.best?.policy.name).toBe(`manylinux_2_${Math.max(minor, 5)}`);
    expect(r.platformTags).toContain(`manylinux_2_${minor}_x86_64`);
    expect(r.highest.GLIBC).toBe(`2.${minor}`);
    expect(r.files[0]!.pyInit).toEqual(["PyInit_pyext"]);
    // the policy just before names that version, with the symbols that need it
    const before = r.evaluations[r.evaluations.indexOf(r.best!) - 1]!;
    const v = before.reasons.find((x) => x.kind === "version" && x.version === `GLIBC_2.${minor}`);
    expect(v).toBeDefined();
    expect(v?.kind === "version" && v.symbols.length > 0).toBe(true);
    expect(describeReason(v!)).toMatch(new RegExp(`pyext.so needs GLIBC_2.${minor} from libc.so.6 for .+ \\(first allowed by manylinux_2_${minor}\\)`));
    // nothing to bundle
    expect(r.bestRepaired?.grafts).toEqual([]);
    expect(importAnswer(so)).toBe("42");
  });

  it("linking zlib: allowed, resolved on the system, nothing to bundle; the module works", () => {
    const so = buildPyext({ variant: "zlib", features: ["zlib"] });
    expect(readelfFacts(so).needed).toContain("libz.so.1");
    const r = audit(so);
    const z = r.libraries.find((l) => l.name === "libz.so.1");
    expect(z?.internal).toBe(false);
    expect(z?.realPath).toMatch(/libz\.so\.1/);
    expect(r.best?.policy.name).toBe(`manylinux_2_${highestGlibcMinor(so)}`);
    expect(r.best?.grafts).toEqual([]);
    expect(r.evaluations.every((e) => !e.reasons.some((x) => x.kind === "library"))).toBe(true);
    expect(importAnswer(so)).toBe(py(PY, "import zlib; print(zlib.crc32(b'hello'))"));
  });

  describe("linking a library of our own", () => {
    let libDir: string;
    let so: string;
    beforeAll(() => {
      libDir = join(WORK, "extlib-dep");
      buildCLib(libDir, "libpyextdep.so.1.0.0", "long pyext_answer(void) { return 4242; }\n", ["-Wl,-soname,libpyextdep.so.1"]);
      for (const l of ["libpyextdep.so.1", "libpyextdep.so"]) {
        try {
          symlinkSync("libpyextdep.so.1.0.0", join(libDir, l));
        } catch {
          // already there from an earlier run
        }
      }
      so = buildPyext({ variant: "extlib", features: ["extlib"], linkLib: "pyextdep", linkDir: libDir });
    });

    it("found through LD_LIBRARY_PATH: no policy as it is, every policy after bundling it", () => {
      const r = audit(so, { LD_LIBRARY_PATH: libDir });
      expect(r.best).toBeUndefined();
      expect(r.platformTags).toEqual(["linux_x86_64"]);
      const lib = r.libraries.find((l) => l.name === "libpyextdep.so.1")!;
      expect(lib.via).toBe("LD_LIBRARY_PATH");
      expect(lib.realPath).toBe(join(libDir, "libpyextdep.so.1.0.0"));
      const last = r.evaluations.at(-1)!;
      expect(last.reasons).toContainEqual({ kind: "library", library: "libpyextdep.so.1", neededBy: "pyext.so" });
      expect(r.bestRepaired?.policy.name).toBe(`manylinux_2_${highestGlibcMinor(so)}`);
      expect(r.bestRepaired?.grafts).toEqual([{ name: "libpyextdep.so.1", realPath: join(libDir, "libpyextdep.so.1.0.0"), neededBy: ["pyext.so"] }]);
      expect(importAnswer(so, { LD_LIBRARY_PATH: libDir })).toBe("4242");
    });

    it("not found: no repair possible, and the reason says so", () => {
      const r = audit(so, { LD_LIBRARY_PATH: "" });
      expect(r.bestRepaired).toBeUndefined();
      const ev = r.evaluations.at(-1)!;
      expect(ev.repairReasons).toContainEqual({ kind: "unresolved", library: "libpyextdep.so.1", neededBy: "pyext.so" });
      expect(describeReason(ev.repairReasons.find((x) => x.kind === "unresolved")!)).toMatch(/not found .* cannot be bundled/);
    });
  });

  it("linking libpython: refused, naming the extension-module feature", () => {
    const libdir = py(PY, "import sysconfig; print(sysconfig.get_config_var('LIBDIR'))");
    const ldlib = py(PY, "import sysconfig; print(sysconfig.get_config_var('LDLIBRARY'))");
    const lib = ldlib.replace(/^lib/, "").replace(/\.(so|a).*$/, "");
    const so = buildPyext({ variant: "libpython", linkLib: lib, linkDir: libdir, rustflags: `-C link-arg=-Wl,-rpath,${libdir}` });
    expect(readelfFacts(so).needed.some((n) => n.startsWith("libpython"))).toBe(true);
    let err: unknown;
    try {
      audit(so);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AuditError);
    expect((err as AuditError).message).toMatch(/pyext\.so is linked against libpython3\.\d+.*must not link libpython/);
    expect((err as AuditError).hint).toMatch(/extension-module/);
  });

  it("an x86-64-v3 ISA requirement: the note is really there, and the verdict is plain linux", () => {
    // rustc's target-cpu alone writes no ISA note, and the default lld drops -z x86-64-v3: ask for GNU ld
    const so = buildPyext({ variant: "isa-v3", rustflags: "-C target-cpu=x86-64-v3 -C link-arg=-fuse-ld=bfd -C link-arg=-Wl,-z,x86-64-v3" });
    expect(readelfFacts(so).isa).toBe("x86-64-v3");
    const r = audit(so);
    expect(r.isaLevel).toBe(3);
    expect(r.best).toBeUndefined();
    expect(r.bestRepaired).toBeUndefined();
    expect(r.platformTags).toEqual(["linux_x86_64"]);
    expect(r.evaluations.at(-1)!.reasons).toContainEqual({ kind: "isa", level: 3, neededBy: "pyext.so" });
  });

  it("the word-count example (PyO3 + rayon): its highest glibc need decides the tag", () => {
    const src = join(ROOT, "examples/word-count");
    const target = join(WORK, "word-count-target");
    execFileSync("cargo", ["build", "--release", "--quiet", "--manifest-path", join(src, "Cargo.toml")], {
      env: testEnv({ CARGO_TARGET_DIR: target, PYO3_PYTHON: PY }),
      stdio: "pipe",
    });
    const so = join(target, "release/libword_count.so");
    const minor = highestGlibcMinor(so);
    const r = audit(so);
    expect(r.best?.policy.name).toBe(`manylinux_2_${minor}`);
    expect(r.libraries.map((l) => l.name).sort()).toEqual(readelfFacts(so).needed.filter((n) => !n.startsWith("ld-linux")).sort());
    expect(r.best?.grafts).toEqual([]);
  });
});

describe("objects built with cc", () => {
  it("an unversioned reference to a newer glibc function (getrandom, glibc 2.25) blocks older policies", () => {
    // -nostdlib: nothing binds the reference to a version, as with a libc stub or -z undefs
    const dir = freshDir("unversioned");
    const so = buildCLib(dir, "libgr.so", "#include <stddef.h>\nlong getrandom(void *, size_t, unsigned);\nlong f(char *b) { return getrandom(b, 4, 0); }\n", ["-nostdlib"]);
    const r = auditElfFiles([{ path: "libgr.so", file: so }]);
    expect(r.best?.policy.name).toBe("manylinux_2_25");
    expect(evaluationFor(r, "manylinux_2_24")!.reasons).toEqual([
      { kind: "symbol", symbol: "getrandom", requires: "glibc 2.25", neededBy: "libgr.so", allowedFrom: "manylinux_2_25" },
    ]);
  });

  it("mixed architectures in one set are an error", () => {
    const dir = freshDir("mixed");
    const a = buildCLib(dir, "liba.so", "int a(void) { return 1; }\n");
    const b = buildCLib(dir, "libb.so", "int b(void) { return 1; }\n", ["-m32", "-nostdlib"]);
    expect(() => auditElfFiles([{ path: "a", file: a }, { path: "b", file: b }])).toThrow(/different machines/);
  });
});

// musl-gcc comes from Debian's musl-tools package (.ci/run installs it); without it these tests are skipped
const MUSL_GCC = ["/usr/bin/musl-gcc", "/usr/local/bin/musl-gcc"].find((p) => existsSync(p));
describe.skipIf(!MUSL_GCC)("objects built with musl-gcc", () => {
  it("a musl-linked library is judged by the musllinux policies; reallocarray (musl 1.2.2) needs musllinux_1_2", () => {
    const dir = freshDir("musl-real");
    const build = (name: string, src: string) => {
      writeFileSync(join(dir, name + ".c"), src);
      execFileSync(MUSL_GCC!, ["-shared", "-fPIC", "-O1", "-o", join(dir, name), join(dir, name + ".c")]);
      return join(dir, name);
    };
    const old = build("old.so", "#include <stdlib.h>\nvoid *f(size_t n) { return malloc(n); }\n");
    const newer = build("new.so", "#include <stdlib.h>\nvoid *f(void *p, size_t n) { return reallocarray(p, n, 8); }\n");
    expect(readelfFacts(old).needed).toEqual(["libc.so"]);
    const r = auditElfFiles([{ path: "old.so", file: old }]);
    expect(r.family).toBe("musllinux");
    expect(r.best?.policy.name).toBe("musllinux_1_1");
    expect(r.platformTags).toEqual(["musllinux_1_1_x86_64"]);
    const n = auditElfFiles([{ path: "new.so", file: newer }]);
    expect(n.best?.policy.name).toBe("musllinux_1_2");
    expect(evaluationFor(n, "musllinux_1_1")!.reasons).toEqual([
      { kind: "symbol", symbol: "reallocarray", requires: "musl 1.2", neededBy: "new.so", allowedFrom: "musllinux_1_2" },
    ]);
  });
});

describe("synthesized objects for what this machine cannot build", () => {
  // no Alpine toolchain or ARM compiler here: the ELF builder (checked against readelf in elf.test.ts) stands in
  it("an Alpine-style musl extension (libc.musl-x86_64.so.1) is judged by the musllinux policies; reallocarray needs musl 1.2", () => {
    const dir = freshDir("musl");
    const mk = (name: string, symbols: { name: string; defined: boolean }[]) => {
      const f = join(dir, name);
      writeFileSync(f, buildElf({ cls: 64, endian: "little", machine: EM_X86_64, needed: ["libc.musl-x86_64.so.1"], interp: "/lib/ld-musl-x86_64.so.1", symbols }).bytes);
      return f;
    };
    const old = auditElfFiles([{ path: "m.so", file: mk("m.so", [{ name: "PyInit_m", defined: true }, { name: "malloc", defined: false }]) }]);
    expect(old.family).toBe("musllinux");
    expect(old.best?.policy.name).toBe("musllinux_1_1");
    expect(old.platformTags).toEqual(["musllinux_1_1_x86_64"]);
    const newer = auditElfFiles([{ path: "n.so", file: mk("n.so", [{ name: "reallocarray", defined: false }]) }]);
    expect(newer.best?.policy.name).toBe("musllinux_1_2");
  });

  it("ARM soft-float has no policy: plain linux with the reason", () => {
    const dir = freshDir("armsf");
    const f = join(dir, "x.so");
    writeFileSync(f, buildElf({ cls: 32, endian: "little", machine: 40, flags: 0x05000200, needed: ["libc.so.6"] }).bytes);
    const r = auditElfFiles([{ path: "x.so", file: f }]);
    expect(r.arch).toBeUndefined();
    expect(r.evaluations).toEqual([]);
    expect(r.note).toMatch(/hard-float/);
  });
});

describe("auditWheel", () => {
  it("finds ELF files anywhere in the wheel (also under .data/platlib), ignores the rest", async () => {
    const so = buildPyext({ variant: "zlib", features: ["zlib"] });
    const dir = freshDir("auditwheel");
    const data = readFileSync(so);
    const whl = makeWheel(dir, "pyext_test", "1.0", "cp311-cp311-linux_x86_64", [
      { path: "pyextpkg/__init__.py", data: "" },
      { path: "pyextpkg/pyext.so", data },
      { path: "pyext_test-1.0.data/platlib/pyext.so", data },
      { path: "pyext_test-1.0.data/scripts/tool", data: "#!/bin/sh\n", mode: 0o755 },
    ]);
    const r = await auditWheel(whl);
    expect(r.files.map((f) => f.path).sort()).toEqual(["pyext_test-1.0.data/platlib/pyext.so", "pyextpkg/pyext.so"]);
    expect(r.best?.policy.name).toBe(`manylinux_2_${highestGlibcMinor(so)}`);
  });

  it("a wheel without ELF files says so", async () => {
    const dir = freshDir("pure");
    mkdirSync(dir, { recursive: true });
    const whl = makeWheel(dir, "pure", "1.0", "py3-none-any", [{ path: "pure/__init__.py", data: "x = 1\n" }]);
    const r = await auditWheel(whl);
    expect(r.files).toEqual([]);
    expect(r.note).toMatch(/no ELF files/);
    expect(r.platformTags).toEqual([]);
  });
});

describe("libpython: extension modules versus programs embedding Python", () => {
  const mk = (name: string, interp?: string): string => {
    const f = join(freshDir("libpython-elf"), name);
    const spec = { cls: 64 as const, endian: "little" as const, machine: EM_X86_64, needed: ["libpython3.11.so.1.0", "libc.so.6"], symbols: [{ name: "Py_Initialize", defined: false }] };
    writeFileSync(f, buildElf(interp ? { ...spec, interp } : spec).bytes);
    return f;
  };

  it("an extension module (no program interpreter) is refused, the hint naming both PyO3 fixes", () => {
    let err: unknown;
    try {
      auditElfFiles([{ path: "m.so", file: mk("m.so") }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AuditError);
    expect((err as AuditError).message).toMatch(/^m\.so is linked against libpython3\.11\.so\.1\.0: an extension module must not link libpython/);
    expect((err as AuditError).hint).toMatch(/PyO3 older than 0\.26: enable its "extension-module" feature/);
    expect((err as AuditError).hint).toMatch(/PyO3 0\.26 and newer need nothing .* PYO3_BUILD_EXTENSION_MODULE=1/);
  });

  it("a program may link it: audited, never bundled, so no policy is reachable and auto gives plain linux", () => {
    const r = auditElfFiles([{ path: "pkg.data/scripts/tool", file: mk("tool", "/lib64/ld-linux-x86-64.so.2") }]);
    const libpython = { kind: "libpython", library: "libpython3.11.so.1.0", neededBy: "pkg.data/scripts/tool" };
    expect(r.best).toBeUndefined();
    expect(r.bestRepaired).toBeUndefined();
    for (const ev of r.evaluations) {
      expect(ev.reasons).toContainEqual(libpython);
      expect(ev.repairReasons[0]).toEqual(libpython);
      expect(ev.grafts.map((g) => g.name)).not.toContain("libpython3.11.so.1.0");
    }
    expect(describeReason(libpython as Reason)).toBe("pkg.data/scripts/tool embeds Python through libpython3.11.so.1.0, which no policy allows and which cannot be bundled (it must be the installed Python's)");
    const auto = chooseCompatibility(r, { compatibility: "auto", auditwheel: "repair", linuxTag: "linux_x86_64" });
    expect(auto.platformTags).toEqual(["linux_x86_64"]);
    expect(auto.grafts).toEqual([]);
    expect(auto.warnings[0]).toMatch(/^tagged linux_x86_64: no manylinux policy can be met: pkg\.data\/scripts\/tool embeds Python through libpython3\.11\.so\.1\.0/);
    expect(() => chooseCompatibility(r, { compatibility: "manylinux2014", auditwheel: "repair", linuxTag: "linux_x86_64" })).toThrow(/embeds Python through libpython3\.11/);
    expect(hintFor([libpython as Reason])).toMatch(/runs only where that libpython is installed/);
  });

  it("a program tagged for the Python it embeds (libpythonAllowed, a pyo3 bin): libpython is no reason and never bundled", () => {
    const r = auditElfFiles([{ path: "pkg.data/scripts/tool", file: mk("tool", "/lib64/ld-linux-x86-64.so.2") }], { libpythonAllowed: true });
    expect(r.evaluations[0]?.reasons).toEqual([]);
    expect(r.best?.policy.name).toBe("manylinux_2_5");
    for (const ev of r.evaluations) {
      expect([...ev.reasons, ...ev.repairReasons].filter((x) => x.kind === "libpython")).toEqual([]);
      expect(ev.grafts).toEqual([]);
    }
    // an extension module is still refused
    expect(() => auditElfFiles([{ path: "m.so", file: mk("m.so") }], { libpythonAllowed: true })).toThrow(AuditError);
  });
});
