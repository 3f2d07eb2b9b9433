#!/usr/bin/env node
/**
 * Start-up cost of the CLI (issue 10, target 1: everything before a command's work).
 * Each round runs, one after the other so machine noise hits all alike:
 *   node -e 0 (Node's own start), pyts-build --version, pyts-build --help,
 *   pyts-build wheel --help (one command's options).
 * The code cache is written by a first untimed run. "over node" is the median
 * minus node's own, what loading pyts-build costs.
 *
 *   node bench/startup.mjs [--runs 20] [--cli bin/pyts-build.js]
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { benchEnv, CLI, fmtSeconds, header, printTable, runTimed, summarize } from "./lib.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "20" }, cli: { type: "string" } } });
const cli = values.cli ? resolve(values.cli) : CLI;
const env = benchEnv();
const cases = [
  ["node -e 0", ["-e", "0"]],
  ["pyts-build --version", [cli, "--version"]],
  ["pyts-build --help", [cli, "--help"]],
  ["pyts-build wheel --help", [cli, "wheel", "--help"]],
];

header("start-up of the pyts-build CLI");
for (const [, args] of cases) runTimed(process.execPath, args, { env }); // writes the code cache
const times = cases.map(() => []);
for (let i = 0; i < Number(values.runs); i++) {
  cases.forEach(([, args], j) => times[j].push(runTimed(process.execPath, args, { env }).seconds));
}
const base = summarize(times[0]).median;
printTable(
  ["command", "runs", "median", "min", "max", "over node"],
  cases.map(([name], j) => {
    const s = summarize(times[j]);
    return [name, s.n, fmtSeconds(s.median), fmtSeconds(s.min), fmtSeconds(s.max), j === 0 ? "" : fmtSeconds(s.median - base)];
  }),
);
