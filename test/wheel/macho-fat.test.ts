/**
 * The Mach-O universal file writer (src/wheel/macho-fat.ts): two thin fixtures -> universal2 -> read
 * back, byte for byte. The fixtures are real Mach-O object files assembled by llvm-mc for x86_64 and
 * arm64 macOS (no SDK needed), and llvm-lipo (an independent implementation of lipo) must read our file
 * and give the same one; on a machine without LLVM's tools minimal hand-made headers are used and the
 * lipo comparison is skipped (CI has them: .ci/cross.sh installs rustc-web, which brings LLVM 22).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { CPU_TYPE_ARM64, CPU_TYPE_X86_64, readFatMachO, thinMachO, writeFatMachO } from "../../src/wheel/macho-fat.js";
import { which } from "../../src/fs-util.js";
import { freshDir } from "../helpers/env.js";

const tool = (name: string) => [name, `${name}-22`, `${name}-14`].map((n) => which(n)).find((p) => p !== undefined);
const MC = tool("llvm-mc");
const LIPO = tool("llvm-lipo");
if ((!MC || !LIPO) && process.env.CI) throw new Error("llvm-mc / llvm-lipo missing in CI (.ci/cross.sh installs rustc-web with LLVM)");
const dir = freshDir("macho-fat");

/** A minimal thin 64-bit little-endian Mach-O header (MH_DYLIB, no load commands). */
function handMade(cputype: number, subtype: number): Buffer {
  const b = Buffer.alloc(64, 0x5a);
  [0xfeedfacf, cputype, subtype, 6, 0, 0, 0, 0].forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
}

function fixture(triple: string, cputype: number, subtype: number): Buffer {
  if (!MC) return handMade(cputype, subtype);
  const out = join(dir, `${triple}.o`);
  execFileSync(MC, ["-triple", triple, "-filetype=obj", "-o", out], { input: ".globl _f\n_f:\n  ret\n" });
  return readFileSync(out);
}

const x86 = fixture("x86_64-apple-macos10.12", CPU_TYPE_X86_64, 3);
const arm = fixture("arm64-apple-macos11", CPU_TYPE_ARM64, 0);

describe("Mach-O universal files", () => {
  it("thin headers: cputype and subtype", () => {
    expect(thinMachO(x86)).toEqual({ cputype: CPU_TYPE_X86_64, cpusubtype: 3 });
    expect(thinMachO(arm)).toEqual({ cputype: CPU_TYPE_ARM64, cpusubtype: 0 });
  });

  it("two thin files -> one universal2 file -> the same two files back, at lipo's alignments", () => {
    const fat = writeFatMachO([{ bytes: x86 }, { bytes: arm }]);
    const slices = readFatMachO(fat);
    expect(slices.map((s) => [s.cputype, s.align, s.bytes.equals(s.cputype === CPU_TYPE_X86_64 ? x86 : arm)])).toEqual([
      [CPU_TYPE_X86_64, 12, true],
      [CPU_TYPE_ARM64, 14, true],
    ]);
  });

  it.skipIf(!LIPO)("llvm-lipo reads our file, and its own lipo -create gives the same bytes", () => {
    const ours = join(dir, "ours");
    writeFileSync(ours, writeFatMachO([{ bytes: x86 }, { bytes: arm }]));
    expect(execFileSync(LIPO as string, ["-info", ours], { encoding: "utf8" })).toMatch(/are: x86_64 arm64/);
    writeFileSync(join(dir, "x86.o"), x86);
    writeFileSync(join(dir, "arm.o"), arm);
    execFileSync(LIPO as string, ["-create", join(dir, "x86.o"), join(dir, "arm.o"), "-output", join(dir, "theirs")]);
    expect(readFileSync(ours).equals(readFileSync(join(dir, "theirs")))).toBe(true);
    execFileSync(LIPO as string, ["-thin", "arm64", ours, "-output", join(dir, "back")]);
    expect(readFileSync(join(dir, "back")).equals(arm)).toBe(true);
  });

  it("refuses what is not two thin files of different architectures, and a damaged fat file", () => {
    expect(() => writeFatMachO([{ bytes: x86 }])).toThrow(ValidationError);
    expect(() => writeFatMachO([{ bytes: x86 }, { bytes: x86 }])).toThrow(/two x86_64 files cannot share/);
    expect(() => writeFatMachO([{ bytes: x86 }, { bytes: Buffer.from("\x7fELF" + "\0".repeat(60)), name: "lib.so" }])).toThrow(/lib\.so is not a thin 64-bit Mach-O file/);
    const fat = writeFatMachO([{ bytes: x86 }, { bytes: arm }]);
    expect(() => writeFatMachO([{ bytes: fat, name: "u" }, { bytes: arm }])).toThrow(/already a fat file/);
    expect(() => readFatMachO(fat.subarray(0, fat.length - 10), "cut")).toThrow(/cut: architecture 1 lies outside the file/);
    const lying = Buffer.from(fat);
    lying.writeInt32BE(CPU_TYPE_ARM64, 8);
    expect(() => readFatMachO(lying, "l")).toThrow(/l: architecture 0 says arm64 but holds x86_64/);
  });
});
