/**
 * The PE/COFF export reader (src/wheel/binary/pe-exports.ts) on real Windows DLLs made here by real
 * linkers (this machine is not Windows; no Windows loader runs them): rust-lld's `-flavor link`
 * (PE32+ x86_64 and aarch64 for win_amd64/win_arm64, PE32 i686 for win32) and MinGW's GNU ld. Each
 * answer is checked against llvm-objdump's and MinGW objdump's own reading of the same file; damaged
 * copies give one-line BinaryErrors.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BinaryError } from "../../../src/errors.js";
import { hasPeMagic, peExports } from "../../../src/wheel/binary/pe-exports.js";
import { HAVE_LLVM, HAVE_MINGW, mingwObjdumpExports, objdumpPeExports, peDll } from "../../helpers/foreign-libs.js";
import { freshDir } from "../../helpers/env.js";

const dir = freshDir("pe-exports");

describe.skipIf(!HAVE_LLVM)("PE export tables (rust-lld -flavor link)", () => {
  const cases = [
    { machine: "x86_64", pe32plus: true },
    { machine: "aarch64", pe32plus: true },
    { machine: "i686", pe32plus: false },
  ] as const;
  for (const c of cases) {
    it(`${c.machine}: the exported names, not the local ones, as llvm-objdump reads them`, () => {
      const dll = peDll(dir, `foo-${c.machine}.pyd`, { machine: c.machine, exports: ["PyInit_foo", "helper"], local: ["PyInit_hidden"], via: "lld" });
      const bytes = readFileSync(dll);
      expect(hasPeMagic(bytes)).toBe(true);
      const got = peExports(bytes, "foo.pyd");
      expect(got).toEqual({ machine: c.machine, pe32plus: c.pe32plus, dllName: `foo-${c.machine}.pyd`, names: ["PyInit_foo", "helper"] });
      expect(got.names).toEqual(objdumpPeExports(dll));
    });
  }

  it("a DLL with no export directory exports nothing", () => {
    const dll = peDll(dir, "none.dll", { machine: "x86_64", exports: [], local: ["PyInit_none"], via: "lld" });
    expect(peExports(readFileSync(dll)).names).toEqual([]);
  });
});

describe.skipIf(!HAVE_MINGW)("PE export tables (MinGW's GNU ld)", () => {
  it("the names of a GNU-linked DLL, as MinGW's objdump reads them", () => {
    const dll = peDll(dir, "gnu.pyd", { machine: "x86_64", exports: ["PyInit_gnu", "PyModExport_gnu"], local: ["other"], via: "mingw" });
    const got = peExports(readFileSync(dll), "gnu.pyd");
    expect(got.machine).toBe("x86_64");
    expect(got.names).toEqual(["PyInit_gnu", "PyModExport_gnu"]);
    expect(got.names).toEqual(mingwObjdumpExports(dll));
  });
});

describe.skipIf(!HAVE_LLVM)("hostile PE files: one line, a BinaryError, never a crash or a wrong answer", () => {
  let victim: Buffer | undefined;
  const good = () => Buffer.from((victim ??= readFileSync(peDll(dir, "victim.pyd", { machine: "x86_64", exports: ["PyInit_victim"], via: "lld" }))));
  const fails = (bytes: Buffer, why: RegExp) => {
    let err: unknown;
    try {
      peExports(bytes, "victim.pyd");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BinaryError);
    expect((err as Error).message).toMatch(/^victim\.pyd is not a readable Windows DLL: /);
    expect((err as Error).message).toMatch(why);
    expect((err as Error).message).not.toContain("\n");
  };
  /** The file offset of the export directory. */
  const exportDir = (b: Buffer) => {
    const opt = b.readUInt32LE(0x3c) + 24;
    const rva = b.readUInt32LE(opt + 112);
    const sections = opt + b.readUInt16LE(b.readUInt32LE(0x3c) + 4 + 16);
    for (let i = 0; i < b.readUInt16LE(b.readUInt32LE(0x3c) + 6); i++) {
      const at = sections + 40 * i;
      const va = b.readUInt32LE(at + 12);
      if (rva >= va && rva < va + b.readUInt32LE(at + 16)) return b.readUInt32LE(at + 20) + rva - va;
    }
    throw new Error("no export directory");
  };

  it("not a PE file, or a PE header pointer out of range", () => {
    fails(Buffer.from("plain text, no MZ"), /no MZ header/);
    const b = good();
    b.writeUInt32LE(0x7fffffff, 0x3c);
    fails(b, /PE signature lies beyond the end of the file/);
    const c = good();
    c.writeUInt32LE(0x40, 0x3c);
    fails(c, /no PE signature/);
  });

  it("truncated anywhere: an error, not a read past the end", () => {
    const b = good();
    for (const n of [0x3e, 0x90, 0x120, 0x200, b.length - 200, b.length - 1]) {
      let threw: unknown;
      try {
        peExports(b.subarray(0, n), "victim.pyd");
      } catch (e) {
        threw = e;
      }
      if (threw !== undefined) expect(threw).toBeInstanceOf(BinaryError);
    }
    fails(b.subarray(0, 0x90), /beyond the end of the file/);
  });

  it("a name table or name RVA that points nowhere, a count larger than the file, a name without its NUL", () => {
    const base = good();
    const d = exportDir(base);
    const nowhere = Buffer.from(base);
    nowhere.writeUInt32LE(0x7ff00000, d + 32);
    fails(nowhere, /export name pointer table \(RVA 0x7ff00000\) is in no section's data/);
    const huge = Buffer.from(base);
    huge.writeUInt32LE(0x10000000, d + 24);
    fails(huge, /claims 268435456 names/);
    // name 0 pointed at the last byte of its section's data, made non-zero: the string cannot end inside the section
    const names = Buffer.from(base);
    const opt = base.readUInt32LE(0x3c) + 24;
    const sec = opt + base.readUInt16LE(base.readUInt32LE(0x3c) + 4 + 16) + 40; // .rdata, after .text
    const lastVa = base.readUInt32LE(sec + 12) + base.readUInt32LE(sec + 16) - 1;
    names.writeUInt32LE(lastVa, d + (base.readUInt32LE(d + 32) - base.readUInt32LE(opt + 112)));
    names[base.readUInt32LE(sec + 20) + base.readUInt32LE(sec + 16) - 1] = 0x41;
    fails(names, /export name 0 has no terminating NUL inside its section/);
    // every name pointer at one string longer than any name: refused, not read 1000 times
    const long = Buffer.concat([base, Buffer.alloc(0x20000, 0x41)]);
    const rdata = sec;
    long.writeUInt32LE(base.readUInt32LE(rdata + 16) + 0x20000, rdata + 16); // .rdata's raw data now runs to the end
    long.writeUInt32LE(base.readUInt32LE(rdata + 12) + base.readUInt32LE(rdata + 16), d + (base.readUInt32LE(d + 32) - base.readUInt32LE(opt + 112)));
    fails(long, /export name 0 is longer than 65536 bytes/);
  });

  it("an optional header too short for the data directories it claims", () => {
    const b = good();
    const pe = b.readUInt32LE(0x3c);
    b.writeUInt32LE(64, pe + 24 + 108);
    fails(b, /64 data directories do not fit/);
  });
});
