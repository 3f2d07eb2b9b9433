/**
 * The ELF reader against binutils' readelf on real files of this machine
 * (libc, libstdc++, libpython, a cargo-built cdylib, gcc-built objects with an
 * ISA-level note, a 32-bit object with its own version definitions) and on
 * synthesized files of every class/byte order; then hand-damaged files.
 */
import { execFileSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ElfError } from "../../../src/errors.js";
import { type ByteSource, fileSource } from "../../../src/manylinux/audit/byte-source.js";
import { EM_AARCH64, EM_ARM, EM_PPC64, EM_S390, EM_X86_64, type ElfFile, parseElf, parseElfBytes, readElfFile, x86IsaLevel } from "../../../src/manylinux/audit/elf.js";
import { cpython, freshDir, py } from "../../helpers/env.js";
import { buildCLib, buildPyext } from "../helpers/build.js";
import { buildElf, type ElfSpec, patchU16, patchU32 } from "../helpers/elf-builder.js";
import { readelfFacts } from "../helpers/readelf.js";

const ISA_NAMES: Record<number, string> = { 1: "x86-64-baseline", 2: "x86-64-v2", 3: "x86-64-v3", 4: "x86-64-v4" };

/** Everything readelf reports must be what the reader reports. */
function expectSameAsReadelf(file: string, elf: ElfFile = readElfFile(file)): void {
  const r = readelfFacts(file);
  expect(elf.needed).toEqual(r.needed);
  expect(elf.soname).toEqual(r.soname);
  expect(elf.rpath).toEqual(r.rpath);
  expect(elf.runpath).toEqual(r.runpath);
  expect(elf.interpreter).toEqual(r.interpreter);
  expect(elf.versionNeeds.map((n) => ({ file: n.file, versions: n.versions.map((v) => ({ name: v.name, weak: v.weak })) }))).toEqual(r.versionNeeds);
  expect(elf.versionDefs).toEqual(r.versionDefs);
  expect(elf.symbols.length).toBe(r.symbols.length);
  // readelf's display rules: no version shown on the symbols that name a version
  // definition (`GLIBC_2.10`), and `@` (not `@@`) for a defined symbol whose
  // version is a need (an executable's copy-relocated `stdin@GLIBC_2.2.5`)
  expect(
    elf.symbols.map((s) => ({
      name: s.name,
      version: s.version === s.name ? undefined : s.version,
      hidden: s.defined && s.version !== undefined && s.version !== s.name ? Boolean(s.hidden) || !elf.versionDefs.includes(s.version) : false,
      defined: s.defined,
      bind: s.bind,
    })),
  ).toEqual(r.symbols);
  expect(elf.buildId).toEqual(r.buildId);
  if (r.isa) expect(ISA_NAMES[x86IsaLevel(elf.x86IsaNeeded)]).toBe(r.isa);
  else expect(elf.x86IsaNeeded).toBeUndefined();
  expect(elf.elfClass).toBe(r.cls === "ELF64" ? 64 : 32);
}

function ccFile(name: string): string {
  return execFileSync("cc", [`-print-file-name=${name}`], { encoding: "utf8" }).trim();
}

describe("real files of this machine, compared with readelf", () => {
  it("libc.so.6", () => {
    const libc = ccFile("libc.so.6");
    const elf = readElfFile(libc);
    expectSameAsReadelf(libc, elf);
    expect(elf.arch).toBe("x86_64");
    expect(elf.soname).toBe("libc.so.6");
    expect(elf.versionDefs).toContain("GLIBC_2.17");
    expect(elf.symbols.find((s) => s.name === "memcpy" && s.version === "GLIBC_2.14")?.defined).toBe(true);
  });

  it("libstdc++.so.6", () => {
    const f = ccFile("libstdc++.so.6");
    const elf = readElfFile(f);
    expectSameAsReadelf(f, elf);
    expect(elf.versionDefs.some((v) => v.startsWith("GLIBCXX_3.4."))).toBe(true);
    expect(elf.versionNeeds.map((n) => n.file)).toContain("libc.so.6");
  });

  const python = cpython("3.11") ?? cpython("3.12");
  // a pyenv CPython built with --enable-shared carries libpython; skip if this machine has none
  const libpython = python
    ? py(python, "import sysconfig,os; print(os.path.join(sysconfig.get_config_var('LIBDIR'), sysconfig.get_config_var('INSTSONAME') or ''))")
    : undefined;
  it.skipIf(!libpython || !existsSync(libpython) || !libpython.includes(".so"))("libpython (shared build)", () => {
    const elf = readElfFile(libpython!);
    expectSameAsReadelf(libpython!, elf);
    expect(elf.soname).toMatch(/^libpython3\.\d+/);
    expect(elf.symbols.some((s) => s.name === "PyModule_Create2" && s.defined)).toBe(true);
  });

  it("an executable with PT_INTERP (/usr/bin/python3)", () => {
    const elf = readElfFile("/usr/bin/python3");
    expectSameAsReadelf("/usr/bin/python3", elf);
    expect(elf.interpreter).toMatch(/ld-linux/);
  });

  it("a cargo-built cdylib exporting PyInit_pyext", () => {
    const so = buildPyext({ variant: "plain" });
    const elf = readElfFile(so);
    expectSameAsReadelf(so, elf);
    expect(elf.symbols.find((s) => s.name === "PyInit_pyext")?.defined).toBe(true);
    expect(elf.symbols.find((s) => s.name === "PyModule_Create2")?.defined).toBe(false);
    expect(elf.needed).toContain("libc.so.6");
  });

  it("a 64 MB library is parsed from a few KB of reads (no full read or copy)", () => {
    const dir = freshDir("elf-big");
    const so = buildCLib(dir, "libbig.so", "#include <stdlib.h>\nconst unsigned char big_table[64u << 20] = {1, 2, 3};\nint big_env(void) { return getenv(\"BIG\") != 0; }\n");
    const src = fileSource(so);
    let bytes = 0;
    const counting: ByteSource = { name: src.name, size: src.size, read: (o, l, w) => ((bytes += l), src.read(o, l, w)) };
    let elf: ElfFile;
    try {
      elf = parseElf(counting);
    } finally {
      src.close();
      rmSync(dir, { recursive: true, force: true }); // 64 MB per run is too much to leave behind
    }
    expect(src.size).toBeGreaterThan(64 << 20);
    expect(bytes).toBeLessThan(256 * 1024);
    expect(elf.symbols.find((s) => s.name === "big_table")?.defined).toBe(true);
    expect(elf.versionNeeds.map((n) => n.file)).toEqual(["libc.so.6"]);
  });

  describe("gcc-built objects", () => {
    let dir: string;
    beforeAll(() => {
      dir = freshDir("elf-gcc");
    });
    it("-Wl,-z,x86-64-v3 writes the ISA-level note; the reader reports level 3", () => {
      const so = buildCLib(dir, "libv3.so", "int f(int x) { return x * 3; }\n", ["-march=x86-64-v3", "-Wl,-z,x86-64-v3"]);
      const elf = readElfFile(so);
      expectSameAsReadelf(so, elf);
      expect(x86IsaLevel(elf.x86IsaNeeded)).toBe(3);
    });
    it("RPATH and RUNPATH with $ORIGIN", () => {
      const a = buildCLib(dir, "librp.so", "int g(void) { return 1; }\n", ["-Wl,--disable-new-dtags,-rpath,$ORIGIN/../lib:/opt/x", "-Wl,-soname,librp.so.1"]);
      const b = buildCLib(dir, "librun.so", "int h(void) { return 1; }\n", ["-Wl,--enable-new-dtags,-rpath,$ORIGIN"]);
      expectSameAsReadelf(a);
      expectSameAsReadelf(b);
      expect(readElfFile(a).rpath).toEqual(["$ORIGIN/../lib", "/opt/x"]);
      expect(readElfFile(a).soname).toBe("librp.so.1");
      expect(readElfFile(b).runpath).toEqual(["$ORIGIN"]);
    });
    it("32-bit (gcc -m32) objects with version definitions and needs", () => {
      writeFileSync(join(dir, "dep.map"), "DEP_1.0 { global: dep_old; local: *; };\nDEP_2.0 { global: dep_new; } DEP_1.0;\n");
      buildCLib(dir, "libdep32.so", "int dep_old(void) { return 1; }\nint dep_new(void) { return 2; }\n", [
        "-m32",
        "-nostdlib",
        `-Wl,--version-script=${join(dir, "dep.map")}`,
        "-Wl,-soname,libdep32.so",
      ]);
      const user = buildCLib(dir, "libuse32.so", "int dep_old(void); int dep_new(void);\nint use(void) { return dep_old() + dep_new(); }\n", [
        "-m32",
        "-nostdlib",
        `-L${dir}`,
        "-ldep32",
      ]);
      const elf = readElfFile(user);
      expectSameAsReadelf(user, elf);
      expectSameAsReadelf(join(dir, "libdep32.so"));
      expect(elf.elfClass).toBe(32);
      expect(elf.arch).toBe("i686");
      expect(elf.versionNeeds.map((n) => [n.file, n.versions.map((v) => v.name).sort()])).toEqual([["libdep32.so", ["DEP_1.0", "DEP_2.0"]]]);
    });
  });
});

const SPEC: Omit<ElfSpec, "cls" | "endian" | "machine"> = {
  interp: "/lib/ld-test.so.1",
  needed: ["libc.so.6", "libfoo.so.2"],
  soname: "libsynth.so.1",
  runpath: "$ORIGIN/../lib:/opt/lib",
  verneed: [
    { file: "libc.so.6", versions: [{ name: "GLIBC_2.2.5" }, { name: "GLIBC_2.28", weak: true }] },
    { file: "libfoo.so.2", versions: [{ name: "FOO_1" }] },
  ],
  verdef: ["libsynth.so.1", "SYNTH_1.0"],
  symbols: [
    { name: "memcpy", defined: false, version: "GLIBC_2.2.5" },
    { name: "statx", defined: false, bind: "weak", version: "GLIBC_2.28" },
    { name: "foo", defined: false, version: "FOO_1" },
    { name: "PyInit_synth", defined: true, version: "SYNTH_1.0" },
    { name: "plain", defined: false },
  ],
  isaNeeded: 1,
};

const LAYOUTS: { cls: 32 | 64; endian: "little" | "big"; machine: number; arch: string | undefined; flags?: number }[] = [
  { cls: 64, endian: "little", machine: EM_X86_64, arch: "x86_64" },
  { cls: 64, endian: "big", machine: EM_S390, arch: "s390x" },
  { cls: 64, endian: "big", machine: EM_PPC64, arch: "ppc64" },
  { cls: 32, endian: "little", machine: EM_ARM, arch: "armv7l", flags: 0x05000400 },
  { cls: 32, endian: "big", machine: 20 /* EM_PPC */, arch: undefined },
];

describe("synthesized files of every class and byte order, compared with readelf", () => {
  const dir = freshDir("elf-synth");
  for (const l of LAYOUTS) {
    it(`ELF${l.cls} ${l.endian}-endian machine ${l.machine}`, () => {
      const { bytes } = buildElf({ ...SPEC, ...l });
      const file = join(dir, `synth-${l.cls}-${l.endian}-${l.machine}.so`);
      writeFileSync(file, bytes);
      const elf = readElfFile(file);
      expectSameAsReadelf(file, elf);
      expect(elf.arch).toBe(l.arch);
      expect(elf.endian).toBe(l.endian);
      expect(elf.versionNeeds[0]!.versions[1]).toEqual({ name: "GLIBC_2.28", weak: true, index: expect.any(Number) });
      // without section headers the loader's view (PT_DYNAMIC, DT_HASH) gives the same answers
      const bare = parseElfBytes(buildElf({ ...SPEC, ...l, sections: false }).bytes, "bare");
      expect({ ...bare, name: elf.name }).toEqual(elf);
    });
  }

  it("ARM without hard-float or EABI5 gets no architecture", () => {
    const soft = parseElfBytes(buildElf({ ...SPEC, cls: 32, endian: "little", machine: EM_ARM, flags: 0x05000200 }).bytes, "soft");
    const oldAbi = parseElfBytes(buildElf({ ...SPEC, cls: 32, endian: "little", machine: EM_ARM, flags: 0x04000400 }).bytes, "eabi4");
    expect(soft.arch).toBeUndefined();
    expect(oldAbi.arch).toBeUndefined();
    const a64 = parseElfBytes(buildElf({ ...SPEC, cls: 64, endian: "little", machine: EM_AARCH64 }).bytes, "a64");
    expect(a64.arch).toBe("aarch64");
    const x32 = parseElfBytes(buildElf({ ...SPEC, cls: 32, endian: "little", machine: EM_X86_64 }).bytes, "x32");
    expect(x32.arch).toBeUndefined();
  });
});

/** Parse, expecting either success or an ElfError: anything else (RangeError, TypeError, a hang) is a defect. */
function parseOrElfError(bytes: Buffer): ElfFile | ElfError {
  try {
    return parseElfBytes(bytes, "damaged.so");
  } catch (e) {
    if (e instanceof ElfError) return e;
    throw e;
  }
}

function expectElfError(bytes: Buffer, pattern: RegExp): void {
  const r = parseOrElfError(bytes);
  expect(r).toBeInstanceOf(ElfError);
  expect((r as ElfError).message).toMatch(pattern);
  expect((r as ElfError).hint).toBeTruthy();
}

// The vitest timeout is only a hang guard here, not a performance assertion.
describe("damaged files fail cleanly", { timeout: 120_000 }, () => {
  for (const l of LAYOUTS.slice(0, 4)) {
    const name = `ELF${l.cls}-${l.endian}`;
    const good = () => buildElf({ ...SPEC, ...l });
    const le = l.endian;
    const w = l.cls === 64 ? 8 : 4;

    it(`${name}: every truncation is an ElfError`, () => {
      const { bytes } = good();
      for (let n = 0; n < bytes.length; n++) {
        expect(parseOrElfError(bytes.subarray(0, n))).toBeInstanceOf(ElfError);
      }
    });

    it(`${name}: random byte damage never escapes as another error`, () => {
      const { bytes } = good();
      let seed = 12345 + l.cls + (le === "big" ? 7 : 0);
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
      let errors = 0;
      for (let round = 0; round < 3000; round++) {
        const b = Buffer.from(bytes);
        for (let k = 0; k < 1 + (round % 4); k++) b[rand() % b.length] = rand() & 0xff;
        if (parseOrElfError(b) instanceof ElfError) errors++;
      }
      expect(errors).toBeGreaterThan(0);
    });

    it(`${name}: offsets beyond the file`, () => {
      const phoffAt = l.cls === 64 ? 32 : 28;
      const shoffAt = l.cls === 64 ? 40 : 32;
      let { bytes } = good();
      patchU32(bytes, phoffAt + (le === "big" && w === 8 ? 4 : 0), bytes.length - 8, le);
      expectElfError(bytes, /program header table.*beyond the end/);
      ({ bytes } = good());
      patchU32(bytes, shoffAt + (le === "big" && w === 8 ? 4 : 0), bytes.length + 4096, le);
      expectElfError(bytes, /section header table.*beyond the end/);
      // DT_NEEDED name offset outside the string table
      const g = good();
      patchU32(g.bytes, g.layout.dynamic + w + (le === "big" && w === 8 ? 4 : 0), 0x7fffff, le);
      expectElfError(g.bytes, /DT_NEEDED name offset \d+ is outside the string table/);
      // version need aux pointing beyond the file
      const v = good();
      patchU32(v.bytes, v.layout.verneed + 8, 0x100000, le);
      expectElfError(v.bytes, /version need aux entry.*beyond the end/);
    });

    it(`${name}: a verneed chain that points back on itself`, () => {
      // C readers that add with 32-bit wrap-around loop forever on next = -16; here it must end
      const g = good();
      patchU32(g.bytes, g.layout.verneed + 16 + 12, 0xfffffff0, le); // first vernaux next: back by 16
      patchU16(g.bytes, g.layout.verneed + 2, 0xffff, le); // and a huge count
      expectElfError(g.bytes, /beyond the end|loops/);
      const h = good();
      patchU32(h.bytes, h.layout.verneed + 12, 0xfffffff0, le); // vn_next back by 16
      expectElfError(h.bytes, /beyond the end|loops/);
    });

    it(`${name}: 0-sized tables`, () => {
      // a .dynsym of size 0: no symbols, not an error, not a hang
      const g = buildElf({ ...SPEC, ...l, symbols: [] });
      const elf = parseOrElfError(g.bytes);
      expect(elf).not.toBeInstanceOf(ElfError);
      expect((elf as ElfFile).symbols).toEqual([]);
      // DT_STRSZ 0 while names are needed
      const s = good();
      const dyn = s.layout.dynamic;
      for (let o = dyn; ; o += 2 * w) {
        const tag = le === "little" ? s.bytes.readUInt32LE(o + (w === 8 ? 0 : 0)) : s.bytes.readUInt32BE(o + (w === 8 ? 4 : 0));
        if (tag === 10) {
          patchU32(s.bytes, o + w + (le === "big" && w === 8 ? 4 : 0), 0, le);
          break;
        }
      }
      expectElfError(s.bytes, /outside the string table/);
      // a section header entry size of 0
      const z = good();
      patchU16(z.bytes, l.cls === 64 ? 58 : 46, 0, le);
      expectElfError(z.bytes, /section header entry size 0/);
    });

    it(`${name}: huge counts`, () => {
      const p = good();
      patchU16(p.bytes, l.cls === 64 ? 56 : 44, 0xffff, le); // e_phnum
      expectElfError(p.bytes, /program header table/);
      const s = good();
      patchU16(s.bytes, l.cls === 64 ? 60 : 48, 0xffff, le); // e_shnum
      expectElfError(s.bytes, /section header table/);
      // DT_HASH nchain huge (no section headers, so the reader counts symbols from the hash table)
      const h = buildElf({ ...SPEC, ...l, sections: false });
      const nchainAt = l.machine === EM_S390 ? h.layout.hash + 8 + (le === "big" ? 4 : 0) : h.layout.hash + 4;
      patchU32(h.bytes, nchainAt, 0x7fffffff, le);
      expectElfError(h.bytes, /DT_HASH gives \d+ dynamic symbols/);
    });
  }

  it("not ELF at all, and too short", () => {
    expectElfError(Buffer.from("#!/bin/sh\necho hi\n"), /not an ELF file/);
    expectElfError(Buffer.from([0x7f, 0x45, 0x4c]), /too short/);
    const bad = buildElf({ ...SPEC, cls: 64, endian: "little", machine: EM_X86_64 }).bytes;
    bad[4] = 9;
    expectElfError(bad, /unknown ELF class 9/);
  });
});
