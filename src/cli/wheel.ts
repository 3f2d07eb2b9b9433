/** `pyts-build wheel` (alias `build`): build wheels for one or more interpreters. */
import type { Command } from "commander";
import { buildWheels } from "../build/build-wheel.js";
import { buildSdistThenWheels } from "../build/wheel-from-sdist.js";
import { loggerFor } from "./main.js";
import { addCompileOptions, type CompileFlags, compileOptionsFrom } from "./options.js";

interface WheelFlags extends CompileFlags {
  out?: string;
  json?: boolean;
  sdist?: boolean;
}

export function registerWheel(program: Command): void {
  const cmd = program
    .command("wheel")
    .alias("build")
    .description("compile the crate with cargo and write a wheel per interpreter (one abi3 wheel for all CPythons when pyo3's abi3 is on)")
    .argument("[rustc-args...]", "arguments after -- are passed to rustc");
  addCompileOptions(cmd)
    .option("-o, --out <dir>", "output folder (default: <cargo target dir>/wheels)")
    .option("--json", "print the built wheels as JSON on stdout")
    .option("--sdist", "first write the sdist, then build the wheels from the unpacked sdist (proves it is complete)")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build wheel                          debug build for python3 into target/wheels
  pyts-build wheel -r -o dist               release build into dist/
  pyts-build wheel -i python3.11 -i pypy3   one wheel per interpreter
  pyts-build wheel --find-interpreter -r    every interpreter found that fits requires-python
  pyts-build wheel -F simd,fast --strip     cargo features; strip the shipped library
  pyts-build wheel -r -- -C target-cpu=x86-64-v2
                                            trailing arguments go to rustc
Stdout carries only the result: the wheel paths, one per line, or with --json an
array of {path, fileName, tags, abi3, interpreter}.`,
    )
    .action(async (rustcArgs: string[], flags: WheelFlags, c: Command) => {
      const log = loggerFor(c);
      const opts = { ...compileOptionsFrom(flags, rustcArgs), ...(flags.out !== undefined ? { out: flags.out } : {}), log };
      if (flags.sdist) {
        const r = await buildSdistThenWheels(opts);
        process.stdout.write(flags.json ? JSON.stringify({ sdist: r.sdist.path, wheels: r.wheels }, null, 2) + "\n" : [r.sdist.path, ...r.wheels.map((w) => w.path)].map((p) => p + "\n").join(""));
        return;
      }
      const wheels = await buildWheels(opts);
      process.stdout.write(flags.json ? JSON.stringify(wheels, null, 2) + "\n" : wheels.map((w) => w.path + "\n").join(""));
    });
}
