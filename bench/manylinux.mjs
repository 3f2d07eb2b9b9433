#!/usr/bin/env node
/**
 * `pyts-build manylinux` twice on the word-count example (pyo3 + rayon): the
 * first run in a fresh copy vendors the crates and compiles everything inside
 * the container; the runs after it reuse the host cache folder
 * (<target>/pyts-build/manylinux) and should cost only the container's start
 * and stop, cargo's freshness check, the copy-out of libraries and the
 * host-side wheel/audit work. Each round uses a fresh copy, so every round
 * has one cold and several warm runs; the table gives medians and the ratio.
 *
 *   bash .ci/containers.sh                      # podman + the stand-in image, once
 *   node bench/manylinux.mjs [--rounds 2] [--warm 3] [--engine podman] [--image IMAGE]
 */
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEnv, fmtSeconds, header, mkdtempWork, printTable, ratio, removeWork, ROOT, runCliTimed, summarize } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "2" },
    warm: { type: "string", default: "3" },
    engine: { type: "string", default: "podman" },
    image: { type: "string" },
  },
});

/** The podman configuration .ci/containers.sh wrote (environment first, then .containers/env.sh). */
function containerVars() {
  const vars = {};
  const file = join(process.env.PYTS_CONTAINERS_DIR ?? join(ROOT, ".containers"), "env.sh");
  if (existsSync(file)) for (const m of readFileSync(file, "utf8").matchAll(/^export (\w+)='([^']*)'$/gm)) vars[m[1]] = m[2];
  for (const k of ["CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "PYTS_STANDIN_IMAGE"]) if (process.env[k]) vars[k] = process.env[k];
  return vars;
}

const vars = containerVars();
const image = values.image ?? vars.PYTS_STANDIN_IMAGE;
if (!image) throw new Error("no build image: run `bash .ci/containers.sh` first, or pass --image");
const env = benchEnv({ CONTAINERS_CONF: vars.CONTAINERS_CONF, CONTAINERS_STORAGE_CONF: vars.CONTAINERS_STORAGE_CONF });

header(`pyts-build manylinux on examples/word-count (release, CPython 3.9, ${values.engine}, image ${image})`);
const cold = [];
const warm = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const work = mkdtempWork("manylinux");
  try {
    const project = join(work, "word-count");
    cpSync(join(ROOT, "examples/word-count"), project, { recursive: true, filter: (p) => !p.includes("/target") });
    const args = ["manylinux", "-r", "--python", "3.9", "--image", image, "--engine", values.engine, "-o", join(work, "wheels")];
    const first = runCliTimed(args, { cwd: project, env });
    cold.push(first.seconds);
    console.log(`round ${round + 1}: first run ${fmtSeconds(first.seconds)} -> ${first.stdout.trim()}`);
    for (let i = 0; i < Number(values.warm); i++) {
      const again = runCliTimed(args, { cwd: project, env });
      if (/Compiling /.test(again.stderr)) throw new Error(`a repeated run compiled again:\n${again.stderr}`);
      warm.push(again.seconds);
    }
  } finally {
    removeWork(work);
  }
}

const c = summarize(cold);
const w = summarize(warm);
console.log("");
printTable(
  ["run", "n", "min", "median", "max"],
  [
    ["first (vendor + full compile in the container)", c.n, fmtSeconds(c.min), fmtSeconds(c.median), fmtSeconds(c.max)],
    ["second and later (cached crates)", w.n, fmtSeconds(w.min), fmtSeconds(w.median), fmtSeconds(w.max)],
  ],
);
console.log(`\nthe second run is ${ratio(c.median, w.median)} faster than the first (medians)`);
