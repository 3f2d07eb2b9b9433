#!/usr/bin/env node
/**
 * The word-count example end to end: build its wheel with the CLI, install it
 * with pip into a fresh venv, and run the example's own benchmark there
 * (examples/word-count/bench/bench_word_count.py), which compares the parallel,
 * sequential and pure-Python searches and prints the speed-ups.
 *
 *   node bench/example-word-count.mjs [--python 3.11] [--megabytes 16] [--repeat 5]
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEnv, findPython, fmtSeconds, header, makeVenv, mkdtempWork, removeWork, ROOT, runCliTimed } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    python: { type: "string", default: "3.11" },
    megabytes: { type: "string", default: "16" },
    repeat: { type: "string", default: "5" },
  },
});

const python = findPython(values.python);
if (!python) throw new Error(`no CPython ${values.python} found (pyenv versions or /usr/bin)`);
const example = join(ROOT, "examples/word-count");

header(`word-count example: Rust parallel vs sequential vs pure Python (CPython ${values.python})`);
const work = mkdtempWork("example-word-count");
try {
  const out = join(work, "wheels");
  const build = runCliTimed(["wheel", "-q", "-m", join(example, "Cargo.toml"), "--release", "-i", python, "-o", out]);
  const wheel = readdirSync(out).find((f) => f.endsWith(".whl"));
  if (!wheel) throw new Error(`no wheel in ${out}`);
  console.log(`built ${wheel} in ${fmtSeconds(build.seconds)}`);

  const venvPython = makeVenv(python, join(work, "venv"));
  execFileSync(venvPython, ["-m", "pip", "install", "-q", "--no-index", "--no-deps", join(out, wheel)], { env: benchEnv(), stdio: "inherit" });
  console.log();
  execFileSync(venvPython, [join(example, "bench/bench_word_count.py"), "--megabytes", values.megabytes, "--repeat", values.repeat], {
    cwd: work, // not the example's python/ folder: import the installed package
    env: benchEnv(),
    stdio: "inherit",
  });
} finally {
  removeWork(work);
}
