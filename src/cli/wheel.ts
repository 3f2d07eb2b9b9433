/** `pyts-build wheel` (alias `build`): build wheels for one or more interpreters. */
import { type Command, Option } from "commander";
import { AUDITWHEEL_MODES, type AuditwheelMode } from "../manylinux/audit/auditwheel-mode.js";
import { loggerFor } from "./main.js";
import { addCompileOptions, type CompileFlags, compileOptionsFrom } from "./options.js";

interface WheelFlags extends CompileFlags {
  out?: string;
  json?: boolean;
  sdist?: boolean;
  compatibility?: string;
  auditwheel?: AuditwheelMode;
  testCommand?: string;
  testPythonRoot?: string;
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
    .option(
      "--compatibility <policy>",
      "Linux platform tag: auto (the best manylinux policy the build meets), pypi, linux/off (plain linux_*), or a policy such as manylinux2014, manylinux_2_28, musllinux_1_2 (default: [tool.pyts-build] compatibility, else auto)",
    )
    .option("--test-command <command>", "run this shell command against each wheel, installed into a throwaway environment of its interpreter (python on PATH); a failure removes the wheel (default: [tool.pyts-build] test-command)")
    .option("--test-python-root <dir>", "for a foreign Linux --target: the folder holding the target's usr/bin/python3.X, run under qemu-<arch> (default: $PYTS_BUILD_TEST_PYTHON_ROOT)")
    .addOption(new Option("--auditwheel <mode>", "what to do with outside libraries and policy misses (default: the config's auditwheel, else repair)").choices([...AUDITWHEEL_MODES]))
    .addHelpText(
      "after",
      `
Examples:
  pyts-build wheel                          debug build for python3 into target/wheels
  pyts-build wheel -r -o dist               release build into dist/
  pyts-build wheel -i python3.11 -i pypy3   one wheel per interpreter
  pyts-build wheel --find-interpreter -r    every interpreter found that fits requires-python
  pyts-build wheel -F simd,fast --strip     cargo features; strip the shipped library
  pyts-build wheel -r --compatibility manylinux_2_28
                                            fail unless the build meets manylinux_2_28
  pyts-build wheel -r --target aarch64-unknown-linux-gnu -i python3.11
                                            cross-compile (docs/cross.md)
  pyts-build wheel --test-command "python -m unittest discover tests"
                                            test each wheel before it is kept
  pyts-build wheel -r -- -C target-cpu=x86-64-v2
                                            trailing arguments go to rustc
Stdout carries only the result: the wheel paths, one per line, or with --json an
array of {path, fileName, tags, abi3, interpreter}.`,
    )
    .action(async (rustcArgs: string[], flags: WheelFlags, c: Command) => {
      const log = loggerFor(c);
      // loaded here, not at start-up: a no-op rebuild should cost little more than cargo's own check
      const { manylinuxSteps } = await import("../manylinux/audit/finalize.js");
      const steps = manylinuxSteps({
        ...(flags.compatibility !== undefined ? { compatibility: flags.compatibility } : {}),
        ...(flags.auditwheel !== undefined ? { auditwheel: flags.auditwheel } : {}),
      });
      const test = { ...(flags.testCommand !== undefined ? { command: flags.testCommand } : {}), ...(flags.testPythonRoot !== undefined ? { pythonRoot: flags.testPythonRoot } : {}) };
      const opts = { ...compileOptionsFrom(flags, rustcArgs), ...(flags.out !== undefined ? { out: flags.out } : {}), log, ...steps, test };
      if (flags.sdist) {
        const { buildSdistThenWheels } = await import("../build/backend/wheel-from-sdist.js");
        const r = await buildSdistThenWheels(opts);
        process.stdout.write(flags.json ? JSON.stringify({ sdist: r.sdist.path, wheels: r.wheels }, null, 2) + "\n" : [r.sdist.path, ...r.wheels.map((w) => w.path)].map((p) => p + "\n").join(""));
        return;
      }
      const { buildWheels } = await import("../build/build-wheel.js");
      const wheels = await buildWheels(opts);
      process.stdout.write(flags.json ? JSON.stringify(wheels, null, 2) + "\n" : wheels.map((w) => w.path + "\n").join(""));
    });
}
